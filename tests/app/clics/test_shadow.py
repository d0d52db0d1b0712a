"""A second codedev instance, started here on its own stores, reads the first one's event
feed as a shadow and ends with the identical scoreboards (jury and public) and state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.clics import importer, package_reader
from app.clics.roles import JURY, SPECTATOR
from app.clics.service import scoreboard, state_at
from app.extensions import db
from app.models import utcnow
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
