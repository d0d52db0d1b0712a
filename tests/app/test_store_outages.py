"""Stores that go away and come back: a clear 503 meanwhile, and no accepted submission lost."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app import create_app
from app.auth.service import create_token
from app.extensions import db
from app.judging.queue import job_id, note_stall, requeue_stale
from app.models import Judgement, Submission
from app.stores import get_queue
from tests.conftest import config_for, submit
from tests.factories import make_challenge, make_user
from tests.outages import CuttableProxy, RedisServer, free_port

SOURCE = "a, b = map(int, input().split())\nprint(a + b)\n"


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def outage_app(app, stack, private_redis):
    """The test's app on the stack's database and a Redis server the test can kill."""
    other = create_app(
        config_for(stack, REDIS_URL=private_redis.url, RATELIMIT_STORAGE_URI=private_redis.url)
    )
    with other.app_context():
        yield other
        db.session.remove()


def submissions() -> int:
    return db.session.scalar(select(func.count(Submission.id))) or 0


def test_a_submission_while_redis_is_down_is_a_clear_503_and_nothing_is_kept(
    outage_app, private_redis
):
    user = make_user()
    headers = {"Authorization": f"Bearer {create_token(user)}"}
    challenge = make_challenge()
    private_redis.kill()
    response = outage_app.test_client().post(
        "/api/v1/submissions",
        json={"challenge": challenge.slug, "language": "python3", "source": SOURCE},
        headers=headers,
    )
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "unavailable"
    db.session.remove()
    assert submissions() == 0


def test_a_page_that_needs_redis_is_a_503_page(outage_app, private_redis):
    client = outage_app.test_client()
    user = make_user()
    private_redis.kill()  # the login form's rate limit is kept in Redis
    response = submit(client, "/auth/login", {"email": user.email, "password": "x" * 12})
    assert response.status_code == 503
    assert "503 · Service unavailable" in response.get_data(as_text=True)


def test_an_accepted_submission_outlives_redis_dying_before_its_enqueue(outage_app, private_redis):
    """The judgement row is the outbox: the sweep sends it once Redis is back."""
    outage_app.config["SUBMISSION_RATE_PER_MINUTE"] = 0  # the rate limit itself needs Redis
    headers = {"Authorization": f"Bearer {create_token(make_user())}"}
    challenge = make_challenge()
    flushed_a_judgement = []

    def note_flush(session: Session, context: object) -> None:
        flushed_a_judgement.extend(j for j in session.new if isinstance(j, Judgement))

    def kill_after_commit(session: Session) -> None:
        if flushed_a_judgement:  # committed: Redis dies before the enqueue
            private_redis.kill()

    event.listen(Session, "after_flush", note_flush)
    event.listen(Session, "after_commit", kill_after_commit)
    try:
        response = outage_app.test_client().post(
            "/api/v1/submissions",
            json={"challenge": challenge.slug, "language": "python3", "source": SOURCE},
            headers=headers,
        )
    finally:
        event.remove(Session, "after_flush", note_flush)
        event.remove(Session, "after_commit", kill_after_commit)
    assert response.status_code == 201, response.get_data(as_text=True)
    judgement_id = response.get_json()["judgement"]["id"]
    db.session.remove()
    judgement = db.session.get(Judgement, judgement_id)
    assert (judgement.status, judgement.enqueued_at) == ("queued", None)

    private_redis.start()  # back, and empty
    assert requeue_stale().requeued == [judgement_id]
    assert get_queue("judge").job_ids == [job_id(judgement_id, 0)]
    db.session.remove()
    assert db.session.get(Judgement, judgement_id).enqueued_at is not None


@pytest.mark.parametrize("down", ["postgresql", "sqlite"])
def test_the_database_down_is_a_clear_503_for_pages_and_the_api(private_redis, tmp_path, down):
    url = (
        f"postgresql://postgres@127.0.0.1:{free_port()}/gone"  # nothing listens there
        if down == "postgresql"
        else f"sqlite:///{tmp_path / 'no-such-folder' / 'codedev.sqlite3'}"
    )
    broken = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": url,
            "REDIS_URL": private_redis.url,
            "SERVER_NAME": "localhost",
        }
    )
    with broken.app_context():
        client = broken.test_client()
        api = client.get("/api/v1/submissions/1", headers={"Authorization": "Bearer abc"})
        assert api.status_code == 503, api.get_data(as_text=True)
        assert api.get_json()["error"]["code"] == "unavailable"
        page = submit(client, "/auth/login", {"email": "a@example.com", "password": "x" * 12})
        assert page.status_code == 503, page.get_data(as_text=True)
        assert "Service unavailable" in page.get_data(as_text=True)


@pytest.mark.parametrize("stack", ["postgres"], indirect=True)
def test_postgres_cut_under_the_pool_and_a_transaction_retried(app, stack):
    """pool_pre_ping replaces connections the server dropped; a repeatable transaction waits
    for the database to come back (here: a proxy the test cuts and reopens)."""
    target = urlsplit(stack.database_url)
    proxy = CuttableProxy(target.hostname or "127.0.0.1", target.port or 5432)
    proxied = stack.database_url.replace(f":{target.port}/", f":{proxy.port}/", 1)
    other = create_app(config_for(stack, DATABASE_URL=proxied))
    try:
        with other.app_context():
            judgement_id = make_submission_id()
            db.session.remove()  # as at the end of a request: its connection back in the pool
            proxy.cut()  # every pooled connection dies
            proxy.open.set()
            assert db.session.get(Judgement, judgement_id) is not None  # no error: pre-pinged
            db.session.remove()

            proxy.cut()
            threading.Timer(1.0, proxy.open.set).start()
            note_stall(judgement_id, "a test stall")  # retried until the proxy reopens
            assert proxy.refused > 0
            db.session.remove()
            judgement = db.session.get(Judgement, judgement_id)
            assert (judgement.stalls, judgement.stall_reason) == (1, "a test stall")
            db.session.remove()
            db.engine.dispose()
    finally:
        proxy.close()


def make_submission_id() -> int:
    from app.submissions.service import create_submission

    challenge = make_challenge()
    return create_submission(make_user(), challenge, "python3", SOURCE).judgements[0].id


@pytest.mark.parametrize("path", ["/dashboard", "/rounds/", "/profile"])
def test_a_signed_in_user_gets_the_503_page_when_the_database_goes_away(
    app, client, auth, stack, private_redis, path
):
    user = make_user(email="ada@example.com")
    assert auth.login(user.email).status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None
    broken = create_app(
        config_for(
            stack,
            DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/gone",
            REDIS_URL=private_redis.url,
        )
    )
    with broken.app_context():
        other = broken.test_client()
        other.set_cookie("session", cookie.value, domain=cookie.domain)
        page = other.get(path)
        assert page.status_code == 503, page.get_data(as_text=True)[:500]
        assert "Service unavailable" in page.get_data(as_text=True)


@pytest.mark.parametrize("stack", ["postgres"], indirect=True)
def test_a_submission_committed_just_before_postgres_goes_away_is_a_201(app, stack):
    """The database goes away between the submission's commit and its enqueue: the answer is
    still the 201 (the row is kept; the sweep enqueues it), never a 503 the student would
    answer by sending it again."""
    target = urlsplit(stack.database_url)
    proxy = CuttableProxy(target.hostname or "127.0.0.1", target.port or 5432)
    proxied = stack.database_url.replace(f":{target.port}/", f":{proxy.port}/", 1)
    other = create_app(config_for(stack, DATABASE_URL=proxied, SUBMISSION_RATE_PER_MINUTE=0))
    flushed_a_judgement: list[Judgement] = []

    def note_flush(session: Session, context: object) -> None:
        flushed_a_judgement.extend(j for j in session.new if isinstance(j, Judgement))

    def cut_after_commit(session: Session) -> None:
        if flushed_a_judgement:  # committed: the database goes away before the enqueue
            proxy.cut()

    try:
        with other.app_context():
            headers = {"Authorization": f"Bearer {create_token(make_user())}"}
            challenge = make_challenge()
            slug = challenge.slug
            db.session.remove()  # the challenge's tests are read again after the commit
            event.listen(Session, "after_flush", note_flush)
            event.listen(Session, "after_commit", cut_after_commit)
            try:
                response = other.test_client().post(
                    "/api/v1/submissions",
                    json={"challenge": slug, "language": "python3", "source": SOURCE},
                    headers=headers,
                )
            finally:
                event.remove(Session, "after_flush", note_flush)
                event.remove(Session, "after_commit", cut_after_commit)
            proxy.open.set()
            assert response.status_code == 201, response.get_data(as_text=True)
            db.session.remove()
            judgement = db.session.get(Judgement, response.get_json()["judgement"]["id"])
            assert (judgement.status, judgement.enqueued_at) == ("queued", None)  # the outbox
            db.session.remove()
            db.engine.dispose()
    finally:
        proxy.close()
