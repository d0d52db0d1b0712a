"""A few statements in one round trip to PostgreSQL (a psycopg pipeline); one by one elsewhere.

A verdict's refresh is a handful of tiny statements, and on a busy server each round trip costs
more than the statement: its lock and read go in one trip, its writes in another. The statements
still run one after another, each with its own snapshot: a read sent after a locking select
sees what was committed while the lock was waited for, as if it had been sent on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.types.json import Json
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql import Executable

Params = dict[str, Any]
# One statement (a module's constant: each is compiled once) and its parameters (a list: once
# per set).
Step = tuple[Executable, Params | list[Params]]

_COMPILED: dict[tuple[Executable, tuple[str, ...]], Any] = {}


def run(connection: Connection, steps: list[Step]) -> list[Sequence[Any]]:
    """Run the steps in order in the connection's transaction; each one's rows ([] for a write)."""
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        found: list[Sequence[Any]] = []
        for statement, params in steps:
            result = connection.execute(statement, params)
            found.append(result.all() if result.returns_rows else [])
        return found
    # SQLAlchemy has no pipeline: the statements, compiled by it once, go to psycopg directly
    # (in the same transaction), with JSON values wrapped as SQLAlchemy's JSON type would.
    raw = connection.connection.driver_connection
    assert raw is not None
    cursors: list[psycopg.Cursor[Any]] = []
    sql = ""
    try:
        with raw.pipeline():
            for statement, params in steps:
                sets = params if isinstance(params, list) else [params]
                compiled = _compiled(connection, statement, tuple(sets[0]))
                sql = str(compiled)
                bound = [
                    {key: Json(value) if isinstance(value, dict | list) else value
                     for key, value in compiled.construct_params(one).items()}
                    for one in sets
                ]  # fmt: skip
                cursor = raw.cursor()
                cursors.append(cursor)
                if isinstance(params, list):
                    cursor.executemany(sql, bound)
                else:
                    cursor.execute(sql, bound[0])
        return [cursor.fetchall() if cursor.description else [] for cursor in cursors]
    except psycopg.Error as error:
        raise _wrapped(connection, error, sql) from error
    finally:
        for cursor in cursors:
            cursor.close()


def _wrapped(connection: Connection, error: psycopg.Error, sql: str) -> StatementError:
    """The error as SQLAlchemy raises it from execute() (an OperationalError for a lost
    connection, a deadlock, a shutdown...): store_down() and the retries know those. A lost
    connection is invalidated, so the pool never hands it out again."""
    dialect = connection.dialect
    raw = connection.connection.dbapi_connection
    disconnect = dialect.is_disconnect(error, raw, None)  # type: ignore[arg-type]
    wrapped = DBAPIError.instance(
        sql, None, error, dialect.loaded_dbapi.Error,
        connection_invalidated=disconnect, dialect=dialect,
    )  # fmt: skip
    if disconnect and not connection.invalidated:
        connection.invalidate(error)
    return wrapped


def _compiled(connection: Connection, statement: Executable, keys: tuple[str, ...]) -> Any:
    """The statement compiled for this dialect once per set of parameter names (an UPDATE's
    SET clause comes from them)."""
    key = (statement, keys)
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = statement.compile(  # type: ignore[attr-defined]
            dialect=connection.dialect, column_keys=list(keys)
        )
    return found
