"""A second codedev instance, started here on its own stores, reads the first one's event
feed as a shadow and ends with the identical scoreboards (jury and public) and state."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app
from app.clics import importer, package_reader
from app.clics.roles import JURY, SPECTATOR
from app.clics.service import scoreboard, state_at
from app.extensions import db
from app.models import Submission, utcnow
from app.submissions.staff import override_verdict
from tests.conftest import config_for
from tests.factories import make_user
from tests.stacks import start_sqlite_stack


@pytest.fixture
def shadow_app(tmp_path) -> Iterator[Flask]:
    """Another instance: a SQLite file and an embedded Redis of its own."""
    stack, stop = start_sqlite_stack(tmp_path)
    other = create_app(config_for(stack))
    with other.app_context():
        upgrade()
    try:
        yield other
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
        stop()  # type: ignore[operator]


def test_a_shadow_reading_the_feed_ends_with_the_same_boards(app, contest, as_role, shadow_app):
    original = contest["round"]
    client, headers = as_role["jury"]
    response = client.get(f"/api/v1/contests/{original.id}/event-feed?stream=false", headers=headers)
    assert response.status_code == 200
    feed = response.get_data()
    now = utcnow()
    expected = {role.kind: scoreboard(original, role, now) for role in (JURY, SPECTATOR)}
    expected_state = state_at(original, now)
    with shadow_app.app_context():
        package = package_reader.read_files({"event-feed.ndjson": feed})
        copy = importer.store(package, make_user(role="admin")).round
        for role in (JURY, SPECTATOR):
            assert scoreboard(copy, role, now) == expected[role.kind]  # by the same ids
        assert state_at(copy, now) == expected_state
        db.session.remove()


def test_a_shadow_resuming_after_an_override_mid_contest_ends_equal(app, contest, as_role, shadow_app):
    """The shadow reads the feed, the jury overrides a verdict, the shadow resumes from its
    token: it has the override (an update event), and so the same boards."""
    original = contest["round"]
    client, headers = as_role["jury"]
    url = f"/api/v1/contests/{original.id}/event-feed?stream=false"
    head = client.get(url, headers=headers).get_data(as_text=True).splitlines()
    wrong = next(s for s in db.session.scalars(select(Submission).where(Submission.round_id == original.id))
                 if s.judgements[-1].verdict == "WA" and s.created_at < original.freeze_at)  # fmt: skip
    override_verdict(contest["teacher"], wrong.id, "AC", "A checker bug.")
    token = json.loads(head[-1])["token"]
    rest = client.get(f"{url}&since_token={token}", headers=headers).get_data(as_text=True).splitlines()
    assert [json.loads(line)["type"] for line in rest] == ["judgements"]
    now = utcnow()
    expected = {role.kind: scoreboard(original, role, now) for role in (JURY, SPECTATOR)}
    assert expected["admin"] != _board_before_override(head, now, shadow_app)
    with shadow_app.app_context():
        package = package_reader.read_files({"event-feed.ndjson": "\n".join(head + rest).encode()})
        copy = importer.store(package, make_user(role="admin")).round
        for role in (JURY, SPECTATOR):
            assert scoreboard(copy, role, now) == expected[role.kind]
        db.session.remove()


def _board_before_override(head: list[str], now, shadow_app) -> dict:
    """What the shadow would rank from the head alone (the override missed)."""
    with shadow_app.app_context():
        package = package_reader.read_files({"event-feed.ndjson": "\n".join(head).encode()})
        board = scoreboard(importer.store(package, make_user(role="admin")).round, JURY, now)
        db.session.remove()
        return board
