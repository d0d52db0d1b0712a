"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise the whole message goes to the log."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

from app.errors import ServiceUnavailable

log = logging.getLogger("codedev.mail")


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text mail; without MAIL_SERVER log it (development, tests) instead."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        # Plain text, not the MIME form: quoted-printable would break long links in the log.
        log.info("mail (no MAIL_SERVER, not sent)\nTo: %s\nSubject: %s\n\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        log.exception("mail to %s failed", to)
        raise ServiceUnavailable(
            "The mail server could not be reached; try again later."
        ) from error
    log.info("mail sent to %s: %s", to, subject)
