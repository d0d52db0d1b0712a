"""Fixtures of the notification tests: a real SMTP server on loopback, and the app sending to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app.notifications import delivery
from app.stores import get_queue
from tests.support.smtp import SMTPServer


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    """An aiosmtpd server on a free loopback port."""
    server = SMTPServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_app(app: Flask, smtp: SMTPServer) -> Flask:
    """The app, mailing to the loopback server, retrying at once (no scheduler in-process)."""
    app.config.update(smtp.config(), MAIL_RETRY_INTERVALS="0", MAIL_TIMEOUT_SECONDS=10)
    return app


def run_mail_queue(limit: int = 10_000) -> list[str]:
    """Work queue `mail` as a worker does (in this process): each job's own function, and a
    job that raised goes back on the queue while its retries last, as RQ's Retry does."""
    from rq import SimpleWorker

    queue = get_queue("mail")
    worker = SimpleWorker([queue], connection=queue.connection)
    worker.work(burst=True, max_jobs=limit)
    return [str(job_id) for job_id in queue.job_ids]


__all__ = ["delivery", "run_mail_queue"]
