"""The pipelined statements of a verdict's refresh fail as SQLAlchemy's own would: an outage is
an error store_down() knows (retried, a 503), and a lost connection is invalidated."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import bindparam, literal_column, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from app.extensions import db
from app.models import User
from app.scoring import trips
from app.stores import store_down
from tests.factories import make_user

# The pipeline is PostgreSQL's (SQLite runs the statements one by one).
pytestmark = pytest.mark.parametrize("stack", ["postgres"], indirect=True)


def _postgres_connection():  # type: ignore[no-untyped-def]
    connection = db.session().connection()
    assert connection.dialect.name == "postgresql"
    return connection


def test_a_connection_lost_under_the_pipeline_is_an_outage_and_is_invalidated(app):
    connection = _postgres_connection()
    pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with db.engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(100):  # the termination is asynchronous
            gone = other.execute(
                text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            ).scalar()
            if gone:
                break
            other.rollback()
            time.sleep(0.05)
    with pytest.raises(DBAPIError) as caught:
        trips.run(connection, [(select(literal_column("1")), {})])
    assert caught.value.connection_invalidated
    assert store_down(caught.value)
    db.session.rollback()
    assert db.session.execute(select(literal_column("1"))).scalar() == 1  # a new connection


def test_a_lock_timeout_under_the_pipeline_is_an_operational_error(app):
    user_id = make_user().id
    db.session.commit()
    connection = _postgres_connection()
    locked = select(User.id).where(User.id == bindparam("user_id")).with_for_update()
    with db.engine.connect() as other:
        other.execute(select(User.id).where(User.id == user_id).with_for_update())
        connection.exec_driver_sql("SET LOCAL lock_timeout = '100ms'")
        with pytest.raises(OperationalError) as caught:
            trips.run(connection, [(locked, {"user_id": user_id})])
        other.rollback()
    assert store_down(caught.value) and not caught.value.connection_invalidated
    db.session.rollback()
