"""Outgoing mail: the log without MAIL_SERVER, real SMTP with one."""

from __future__ import annotations

import socketserver
import threading

import pytest

from app.errors import ServiceUnavailable
from app.mail import send_mail


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 to accept one message (no TLS, no auth)."""

    received: list[bytes] = []

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._reply("220 test ESMTP")
        while line := self.rfile.readline():
            verb = line.strip().split(b" ", 1)[0].upper()
            if verb == b"EHLO":
                self._reply("250 test")
            elif verb == b"DATA":
                self._reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                type(self).received.append(data)
                self._reply("250 queued")
            elif verb == b"QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 ok")


@pytest.fixture
def smtp_server():
    _SMTPHandler.received = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_without_server_mail_is_logged(app, mailbox):
    send_mail("ada@example.org", "Hello", "A long line " * 20 + "https://x.example/a=b")
    assert mailbox.messages == [
        {
            "to": "ada@example.org",
            "subject": "Hello",
            "body": "A long line " * 20 + "https://x.example/a=b",
        }
    ]


def test_smtp_delivery(app, smtp_server):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1], MAIL_USE_TLS=False
    )
    send_mail("ada@example.org", "Reset", "Open https://codedev.example/auth/reset/abc")
    assert len(_SMTPHandler.received) == 1
    message = _SMTPHandler.received[0].decode()
    assert "To: ada@example.org" in message and "Subject: Reset" in message
    assert "codedev@localhost" in message


def test_unreachable_smtp_server_is_a_clear_error(app, smtp_server):
    port = smtp_server.server_address[1]
    smtp_server.shutdown()
    smtp_server.server_close()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    with pytest.raises(ServiceUnavailable):
        send_mail("ada@example.org", "Hi", "body")
