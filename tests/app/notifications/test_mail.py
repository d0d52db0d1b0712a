"""Mail from the queue against a real SMTP server on loopback (aiosmtpd): delivery, retries
after refusals, headers and parts, and a request that never waits on a slow server."""

from __future__ import annotations

import logging
import re
import threading

from sqlalchemy import select

from app.extensions import db
from app.models import Notification, OutgoingMail
from app.notifications import outbox
from app.notifications.service import notify
from app.stores import get_queue
from tests.app.notifications.conftest import run_mail_queue
from tests.conftest import submit
from tests.factories import make_user


def _mail_rows() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def test_a_notification_mail_arrives_with_text_html_and_one_click_unsubscribe(mail_app, smtp):
    user = make_user(email="ann@example.org")
    notify(user, "extension_granted", {"round_id": 7, "round_title": "Lab 3", "minutes": 30})
    assert smtp.received == [] and get_queue("mail").count == 0  # nothing before the commit
    db.session.commit()
    assert get_queue("mail").count == 1
    run_mail_queue()
    [mail] = smtp.received
    assert mail.recipients == ["ann@example.org"]
    assert mail.header("Subject") == "You have 30 more minutes for Lab 3"
    assert mail.header("From") == "codedev@school.example"
    assert mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(https?://\S+/notifications/unsubscribe/\S+)>",
                        mail.header("List-Unsubscribe"))  # fmt: skip
    assert link, mail.header("List-Unsubscribe")
    text, html = mail.part("plain"), mail.part("html")
    assert "You have 30 more minutes for Lab 3" in text and link.group(1) in text
    assert "/rounds/7" in text
    assert "<strong>You have 30 more minutes for Lab 3</strong>" in html
    assert "<img" not in html and "<script" not in html and "url(" not in html
    assert mail.header("Message-ID").startswith("<codedev-mail-")
    [row] = _mail_rows()
    assert (row.status, row.attempts, row.sent_at is not None) == ("sent", 1, True)


def test_security_mail_has_no_unsubscribe_and_html_escapes_the_text(mail_app, smtp, client):
    make_user(email="bo@example.org")
    response = submit(client, "/auth/reset", {"email": "bo@example.org"})
    assert response.status_code in (200, 302)
    run_mail_queue()
    [mail] = smtp.received
    assert mail.header("Subject") == "Reset your codedev password"
    assert mail.header("List-Unsubscribe") == ""
    assert "/auth/reset/" in mail.part("plain") and "/auth/reset/" in mail.part("html")


def test_a_refused_mail_is_retried_until_the_server_takes_it(mail_app, smtp, caplog):
    user = make_user(email="cy@example.org")
    smtp.refuse(2)  # 451 twice, then accepted: the third try of four
    notify(user, "course_added", {"course_id": 1, "course_title": "Compilers"})
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="codedev.mail"):
        run_mail_queue()
    assert len(smtp.to("cy@example.org")) == 1
    [row] = _mail_rows()
    assert (row.status, row.attempts) == ("sent", 3)
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 2 and "451" in refusals[0].getMessage()


def test_after_the_last_retry_the_failure_is_logged_and_the_bell_keeps_its_row(mail_app, smtp,
                                                                              caplog):  # fmt: skip
    user = make_user(email="di@example.org")
    smtp.refuse(10)
    notify(user, "course_added", {"course_id": 1, "course_title": "Compilers"})
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="codedev.mail"):
        run_mail_queue()
    assert smtp.received == []
    [row] = _mail_rows()
    assert (row.status, row.attempts) == ("failed", 4)  # the first try and 3 retries
    assert row.last_error.startswith("451")
    failed = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "codedev.mail"]
    assert len(failed) == 1 and "451 4.3.0 try again later" in failed[0].getMessage()
    assert db.session.scalar(select(Notification.kind)) == "course_added"


def test_a_permanent_refusal_is_not_retried(mail_app, smtp):
    user = make_user(email="ed@example.org")
    smtp.refuse(10, "550 5.1.1 no such user")
    notify(user, "course_added", {"course_id": 1, "course_title": "Compilers"})
    db.session.commit()
    run_mail_queue()
    [row] = _mail_rows()
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "550 5.1.1 no such user")


def test_an_unreachable_server_is_a_temporary_failure(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_USE_TLS=False,
                      MAIL_RETRY_INTERVALS="0")  # fmt: skip
    notify(make_user(), "course_added", {"course_id": 1, "course_title": "C"})
    db.session.commit()
    run_mail_queue()
    [row] = _mail_rows()
    assert (row.status, row.attempts) == ("failed", 4)
    assert "ConnectionRefusedError" in row.last_error


def test_a_request_that_mails_returns_while_the_server_is_stalled(mail_app, smtp, client):
    make_user(email="fay@example.org")
    with smtp.slow():
        # The server holds every MAIL command while this block lasts: the request returns
        # without ever connecting, and the mail waits on the queue.
        response = submit(client, "/auth/reset", {"email": "fay@example.org"})
        assert response.status_code in (200, 302)
        assert smtp.handler.connections == 0
        [row] = _mail_rows()
        assert row.status == "queued" and get_queue("mail").count == 1
        [job] = get_queue("mail").get_jobs()

        def work() -> None:  # a worker's job, stuck at the slow server
            with mail_app.app_context():
                job.perform()

        worker = threading.Thread(target=work)
        worker.start()
        while smtp.handler.waiting == 0 and worker.is_alive():
            worker.join(0.05)
        assert smtp.handler.waiting == 1 and smtp.received == []
    worker.join(30)
    assert len(smtp.to("fay@example.org")) == 1


def test_the_sweep_sends_a_mail_whose_job_was_lost(mail_app, smtp):
    user = make_user(email="gus@example.org")
    notify(user, "course_added", {"course_id": 1, "course_title": "Compilers"})
    db.session.commit()
    get_queue("mail").empty()  # Redis lost the job
    mail_app.config["MAIL_REQUEUE_SECONDS"] = 0
    assert outbox.requeue_unsent() == [_mail_rows()[0].id]
    run_mail_queue()
    assert len(smtp.to("gus@example.org")) == 1
    assert outbox.requeue_unsent() == []  # sent: never again


def test_a_rolled_back_transaction_sends_nothing(mail_app, smtp):
    user = make_user()
    notify(user, "course_added", {"course_id": 1, "course_title": "Compilers"})
    db.session.rollback()
    db.session.commit()  # a later, unrelated commit must not send the rolled-back one
    assert get_queue("mail").count == 0 and _mail_rows() == []
