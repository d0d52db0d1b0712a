"""Real `python -m worker --queues=mail` processes: one SIGKILLed while its job talks to a
stalled SMTP server, after whose restart the mail is sent exactly once; and the maintenance
tick sending a due reminder."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

import psutil
from sqlalchemy import select

from app.extensions import db
from app.models import Enrollment, Notification, OutgoingMail, utcnow
from app.notifications.service import notify
from tests.factories import make_course, make_round, make_user
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


def test_the_workers_maintenance_tick_sends_due_reminders(app, stack, smtp, tmp_path):
    teacher = make_user(role="teacher")
    course = make_course(teacher)
    student = make_user(email="lee@example.org")
    db.session.add(Enrollment(course_id=course.id, user_id=student.id, role="student"))
    db.session.commit()
    now = utcnow()
    make_round(teacher, mode="assignment", scoring="assignment", course_id=course.id, name="Lab 9",
               starts_at=now - timedelta(days=1), due_at=now + timedelta(minutes=40),
               ends_at=now + timedelta(minutes=40))  # fmt: skip

    def reminded() -> bool:
        db.session.expire_all()
        kinds = db.session.scalars(select(Notification.kind).where(
            Notification.user_id == student.id)).all()  # fmt: skip
        return "deadline_1h" in kinds

    with worker_process(_env(stack, smtp, tmp_path), tmp_path / "worker.log", "--queues=mail"):
        assert _wait(reminded), (tmp_path / "worker.log").read_text()
        assert _wait(lambda: any(m.header("Subject") == "Lab 9 is due in 1 hour"
                                 for m in smtp.to("lee@example.org")))  # fmt: skip
