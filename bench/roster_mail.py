"""Roster import benchmark: a 2,000-row CSV through the import page, with invitations sent by
the `mail` queue (ours), against the old way (every invitation sent over SMTP inside the
request), on a loopback SMTP server (aiosmtpd) that takes --delay-ms per message.

    .venv/bin/python bench/roster_mail.py [--rows 2000] [--delay-ms 20]

Uses REDIS_URL (default redis://127.0.0.1:6379/13) and a throwaway SQLite file. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Course, OutgoingMail, User  # noqa: E402
from app.notifications import delivery  # noqa: E402
from app.stores import get_queue, get_redis  # noqa: E402
from tests.support.ports import free_port  # noqa: E402

PASSWORD = "bench-password-1"  # noqa: S105 (a throwaway account in a temporary database)


class SlowServer:
    """Accepts every message after delay seconds (a busy school mail relay)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        self.count += 1
        return "250 OK"


def _app(folder: str, port: int) -> Any:
    app = create_app({
        "TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
        "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"),
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
        "RATELIMIT_ENABLED": False,
    })  # fmt: skip
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        get_redis(app).flushdb()
    return app


def _course(app: Any, name: str) -> tuple[int, str]:
    from app.auth.service import create_user

    with app.app_context():
        teacher = create_user(f"{name}@school.example", PASSWORD, role="teacher", name=name)
        course = Course(name=name, join_code=name.upper()[:12], owner_id=teacher.id)
        db.session.add(course)
        db.session.commit()
        return course.id, teacher.email


def _import(app: Any, course_id: int, email: str, rows: int, prefix: str) -> float:
    """Seconds the import request takes."""
    client = app.test_client()
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    data = "email,name\n" + "".join(f"{prefix}{n}@example.org,S {n}\n" for n in range(rows))
    started = time.perf_counter()
    response = client.post(f"/courses/{course_id}/import",
                           data={"file": (io.BytesIO(data.encode()), "roster.csv")},
                           content_type="multipart/form-data")  # fmt: skip
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed


def _send_all(app: Any, ids: list[int]) -> float:
    started = time.perf_counter()
    with app.app_context():
        for mail_id in ids:
            delivery.deliver(mail_id)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--delay-ms", type=float, default=20.0)
    args = parser.parse_args()
    handler = SlowServer(args.delay_ms / 1000)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = _app(folder, port)
            ours_course, ours_teacher = _course(app, "ours")
            base_course, base_teacher = _course(app, "baseline")

            request_s = _import(app, ours_course, ours_teacher, args.rows, "q")
            with app.app_context():
                queued = get_queue("mail").count
                ids = list(db.session.scalars(db.select(OutgoingMail.id).order_by(OutgoingMail.id)))
            get_queue("mail", app).empty()
            drain_s = _send_all(app, ids)

            # The old way: the same import, then every invitation over SMTP before answering.
            started = time.perf_counter()
            _import(app, base_course, base_teacher, args.rows, "b")
            with app.app_context():
                later = list(db.session.scalars(
                    db.select(OutgoingMail.id).where(OutgoingMail.id > ids[-1])
                ))  # fmt: skip
            get_queue("mail", app).empty()
            _send_all(app, later)
            baseline_s = time.perf_counter() - started
            with app.app_context():
                users = db.session.scalar(db.select(db.func.count(User.id)))
    finally:
        controller.stop()
    print(f"rows {args.rows}, SMTP delay {args.delay_ms:g} ms per message, {users} users")
    print(f"ours:     import request {request_s:6.2f} s ({queued} fan-out job queued); "
          f"then one worker sends the {len(ids)} mails in {drain_s:6.2f} s")  # fmt: skip
    print(f"baseline: import request {baseline_s:6.2f} s (every invitation sent in the request)")
    print(f"messages received by the server: {handler.count}")


if __name__ == "__main__":
    main()
