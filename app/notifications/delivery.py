"""Sending one outbox row over SMTP: the body of the `mail` queue's job.

A row is sent while it is `queued` and this job holds its lease (so two workers never send
it at once). Temporary failures (4xx replies, a refused or dropped connection, a timeout)
are retried by RQ (MAIL_RETRIES, with backoff); the last one, or a permanent 5xx refusal,
marks the row `failed` with its reason in the log. The in-app notification is another row
and is never touched. A worker killed between the server's "250 queued" and the commit can
send a row twice; the Message-ID is the row's, so a receiving server can tell.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage

from flask import current_app

from app.extensions import db
from app.models import OutgoingMail, utcnow
from app.notifications.outbox import lease_key
from app.stores import get_redis

log = logging.getLogger("codedev.mail")

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class TemporaryMailFailure(Exception):
    """The server could not take the mail now; the job is retried."""


def compose(mail: OutgoingMail) -> EmailMessage:
    """The MIME message of a row: text, and the HTML alternative when there is one."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    domain = config["MAIL_FROM"].rpartition("@")[2] or "localhost"
    # The row's own id, the same on every try: a resend after a crash is recognisable.
    message["Message-ID"] = f"<codedev-mail-{mail.id}.{mail.created_at:%Y%m%d%H%M%S}@{domain}>"
    for name, value in (mail.headers or {}).items():
        message[name] = value
    message.set_content(mail.text_body)
    if mail.html_body:
        message.add_alternative(mail.html_body, subtype="html")
    return message


def deliver(mail_id: int) -> str:
    """Send one queued mail; a sent, failed or busy one is left alone."""
    token = uuid.uuid4().hex
    connection = get_redis()
    lease_seconds = int(current_app.config["MAIL_LEASE_SECONDS"])
    if not connection.set(lease_key(mail_id), token, nx=True, ex=lease_seconds):
        return "busy"
    try:
        mail = db.session.get(OutgoingMail, mail_id, populate_existing=True)
        if mail is None or mail.status != "queued":
            return "done"
        mail.attempts += 1
        db.session.commit()
        try:
            _send(mail)
        except smtplib.SMTPResponseException as error:
            return _failed(mail, f"{error.smtp_code} {_text(error.smtp_error)}",
                           temporary=400 <= error.smtp_code < 500)  # fmt: skip
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            reason = "; ".join(f"{c} {_text(m)}" for c, m in error.recipients.values())
            return _failed(mail, reason, temporary=all(400 <= c < 500 for c in codes))
        except (smtplib.SMTPException, OSError) as error:
            return _failed(mail, f"{type(error).__name__}: {error}", temporary=True)
        mail.status = "sent"
        mail.sent_at = utcnow()
        mail.last_error = ""
        db.session.commit()
        log.info("mail %s sent to %s: %s", mail.id, mail.to_address, mail.subject)
        return "sent"
    finally:
        connection.eval(_RELEASE, 1, lease_key(mail_id), token)


def _failed(mail: OutgoingMail, reason: str, *, temporary: bool) -> str:
    attempts_allowed = 1 + int(current_app.config["MAIL_RETRIES"])
    mail.last_error = reason[:2000]
    if temporary and mail.attempts < attempts_allowed:
        mail.enqueued_at = utcnow()  # RQ's retry is coming: the sweep waits for it
        db.session.commit()
        log.warning("mail %s to %s refused (try %s of %s): %s", mail.id, mail.to_address,
                    mail.attempts, attempts_allowed, reason)  # fmt: skip
        raise TemporaryMailFailure(reason)
    mail.status = "failed"
    db.session.commit()
    log.error("mail %s to %s failed for good after %s tries: %s", mail.id, mail.to_address,
              mail.attempts, reason)  # fmt: skip
    return "failed"


def _send(mail: OutgoingMail) -> None:
    config = current_app.config
    message = compose(mail)
    if not config.get("MAIL_SERVER"):
        # Development and tests: the whole message goes to the log. Plain text, not the MIME
        # form: quoted-printable would break long links in the log.
        log.info("mail (no MAIL_SERVER, not sent)\nTo: %s\nSubject: %s\n\n%s",
                 mail.to_address, mail.subject, mail.text_body)  # fmt: skip
        return
    timeout = float(config["MAIL_TIMEOUT_SECONDS"])
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=timeout) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
