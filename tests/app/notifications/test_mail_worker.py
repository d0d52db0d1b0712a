"""The mail queue survives a worker kill: a real `python -m worker --queues=mail` is SIGKILLed
while its job talks to a stalled SMTP server; after a restart the mail is sent exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import suppress
from pathlib import Path

import psutil
from sqlalchemy import select

from app.extensions import db
from app.models import OutgoingMail
from app.notifications.service import notify
from tests.factories import make_course, make_user
from tests.stacks import Stack
from tests.support.smtp import SMTPServer
from tests.worker.workers import worker_process


def _env(stack: Stack, smtp: SMTPServer, instance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": stack.database_url,
        "REDIS_URL": stack.redis_url,
        "SECRET_KEY": "test-secret",
        "CODEDEV_INSTANCE_PATH": str(instance),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "MAIL_USE_TLS": "0",
        "MAIL_LEASE_SECONDS": "2",
        "MAIL_REQUEUE_SECONDS": "1",
        "MAIL_RETRY_INTERVALS": "0",
        "CODEDEV_JUDGE_MAINTENANCE_SECONDS": "1",
    }


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and its work horse (RQ puts the horse in a session of its own)."""
    with suppress(psutil.NoSuchProcess):
        for child in psutil.Process(process.pid).children(recursive=True):
            with suppress(psutil.NoSuchProcess):
                child.send_signal(signal.SIGKILL)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _wait(condition, seconds: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _row() -> OutgoingMail:
    db.session.expire_all()
    mail = db.session.scalar(select(OutgoingMail))
    assert mail is not None
    return mail


def test_a_mail_whose_worker_was_killed_is_sent_once_after_the_restart(app, stack, smtp, tmp_path):
    user = make_user(email="kim@example.org")
    course = make_course(name="Compilers")
    notify(user, "course_added", {"course_id": course.id, "course_title": course.name})
    db.session.commit()
    env = _env(stack, smtp, tmp_path)
    with smtp.slow():
        with worker_process(env, tmp_path / "worker-1.log", "--queues=mail") as first:
            assert _wait(lambda: smtp.handler.waiting == 1), (tmp_path / "worker-1.log").read_text()
            _kill_tree(first)  # mid-conversation: MAIL sent, no answer yet
        assert smtp.received == []
    mail = _row()
    assert (mail.status, mail.attempts) == ("queued", 1)
    with worker_process(env, tmp_path / "worker-2.log", "--queues=mail"):
        assert _wait(lambda: len(smtp.received) >= 1), (tmp_path / "worker-2.log").read_text()
        assert _wait(lambda: _row().status == "sent")
        time.sleep(3)  # a few more maintenance ticks: nothing may send it again
    assert [m.recipients for m in smtp.received] == [["kim@example.org"]]
    assert smtp.received[0].header("Subject") == "You were added to Compilers"
    assert (_row().status, _row().attempts) == ("sent", 2)
