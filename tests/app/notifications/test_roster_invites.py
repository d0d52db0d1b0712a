"""A 2,000-row roster import through the page while the SMTP server is stalled: the request
never connects to it, every invitation waits on queue `mail` (one job per outbox row), and a
worker sends them from there. A sample is sent here (2,000 SMTP sessions take a minute on a
shared machine); bench/roster_mail.py sends all of them and prints the figures."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.extensions import db
from app.models import Enrollment, OutgoingMail
from app.stores import get_queue
from tests.app.notifications.conftest import run_mail_queue
from tests.conftest import submit
from tests.factories import make_course, make_user

ROWS = 2000
SAMPLE = 25


def test_a_2000_row_import_queues_every_invitation_and_the_queue_sends_them(mail_app, smtp,
                                                                          client, auth):  # fmt: skip
    course = make_course(name="Intro")
    existing = make_user(email="s0@example.org")  # an account already: a "you were added" note
    auth.login(course.owner.email)
    data = "email,name\n" + "".join(f"s{n}@example.org,Student {n}\n" for n in range(ROWS))
    with smtp.slow():
        response = submit(
            client,
            f"/courses/{course.id}/import",
            {"file": (io.BytesIO(data.encode()), "roster.csv")},
            page=f"/courses/{course.id}",
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
        assert smtp.handler.connections == 0  # the request never spoke to the server
        enrolled = db.session.scalar(
            select(func.count(Enrollment.id)).where(Enrollment.course_id == course.id)
        )
        assert enrolled == ROWS
        assert db.session.scalar(select(func.count(OutgoingMail.id))) == ROWS
        [fan_out] = get_queue("mail").get_jobs()  # the request paid one Redis command
        assert fan_out.func_name == "worker.mail.enqueue"
        assert len(run_mail_queue(limit=1)) == ROWS  # a worker makes one job per mail
        jobs = get_queue("mail").get_jobs()
        rows = db.session.scalars(select(OutgoingMail.id)).all()
        assert sorted(job.args[0] for job in jobs) == sorted(rows)
        assert smtp.received == []
    first = db.session.scalar(select(OutgoingMail).where(OutgoingMail.to_address == existing.email))
    assert first is not None and first.kind == "course_added"
    left = run_mail_queue(limit=SAMPLE)
    assert len(left) == ROWS - SAMPLE and len(smtp.received) == SAMPLE
    added = smtp.to(existing.email)[0]  # the first row: in the sample
    assert added.header("Subject") == "You were added to Intro" and added.header("List-Unsubscribe")
    invite = smtp.to("s1@example.org")[0]
    assert "/auth/reset/" in invite.part("plain") and not invite.header("List-Unsubscribe")
