"""A real SMTP server on loopback (aiosmtpd, in a thread of the test process) that keeps what
it receives and can refuse (4xx/5xx) or stall on command, for the mail tests."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.ports import HOST, free_port


@dataclass
class Received:
    """One message the server accepted."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    def header(self, name: str) -> str:
        return str(self.message[name] or "")

    def part(self, subtype: str) -> str:
        """The text of the message's text/<subtype> part."""
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())


@dataclass
class Handler:
    """aiosmtpd's handler: refuses the next `refusals` RCPTs with `refusal`, and holds every
    MAIL command while `gate` is clear (a deliberately slow server)."""

    received: list[Received] = field(default_factory=list)
    refusals: int = 0
    refusal: str = "451 4.3.0 try again later"
    gate: threading.Event = field(default_factory=threading.Event)
    waiting: int = 0  # MAIL commands held at the gate now
    connections: int = 0

    def __post_init__(self) -> None:
        self.gate.set()

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:  # fmt: skip
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:  # fmt: skip
        self.waiting += 1
        try:
            while not self.gate.is_set():
                await asyncio.sleep(0.02)
        finally:
            self.waiting -= 1
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:  # fmt: skip
        if self.refusals > 0:
            self.refusals -= 1
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted"


class SMTPServer:
    """The running server: its port, what it received, and switches for the tests."""

    def __init__(self) -> None:
        self.handler = Handler()
        self.port = free_port()
        self._controller = Controller(self.handler, hostname=HOST, port=self.port)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if address in item.recipients]

    def refuse(self, times: int, reply: str = "451 4.3.0 try again later") -> None:
        self.handler.refusals, self.handler.refusal = times, reply

    @contextmanager
    def slow(self) -> Iterator[None]:
        """Hold every MAIL command until the block ends."""
        self.handler.gate.clear()
        try:
            yield
        finally:
            self.handler.gate.set()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Wait until at least count messages arrived (a condition, not a timing assertion)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received

    def config(self) -> dict[str, Any]:
        """The app settings that send mail here."""
        return {"MAIL_SERVER": HOST, "MAIL_PORT": self.port, "MAIL_USE_TLS": False,
                "MAIL_USERNAME": "", "MAIL_FROM": "codedev@school.example"}  # fmt: skip

    def start(self) -> SMTPServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self.handler.gate.set()
        self._controller.stop()
