"""Is the database at this code's schema? And the CLI group whose commands ask that first.

A command run on a database that `flask db upgrade` never set up would otherwise die on its
first query with a long SQL traceback; a newcomer gets one line saying what to run instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError

from app.extensions import db

NOT_SET_UP = "the database is not set up: run `flask db upgrade`"


def schema_problem() -> str | None:
    """One line on what keeps the app's database from serving this code, or None."""
    migrate = current_app.extensions["migrate"]
    table = migrate.configure_args.get("version_table", "alembic_version")
    try:
        with db.engine.connect() as connection:
            # Read directly: alembic's MigrationContext logs two INFO lines on every command.
            done = sa.inspect(connection).has_table(table)
            versions = sa.table(table, sa.column("version_num"))
            current = set(connection.scalars(sa.select(versions.c.version_num))) if done else set()
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        return f"the database can't be reached ({reason}): check DATABASE_URL"
    if not current:
        return NOT_SET_UP
    heads = set(ScriptDirectory(migrate.directory).get_heads())
    if current != heads:
        return (
            f"the database is at revision {', '.join(sorted(current))}, this code needs "
            f"{', '.join(sorted(heads))}: run `flask db upgrade`"
        )
    return None


def require_schema() -> None:
    """Stop a command with one line (exit status 1) unless the database is ready for it."""
    problem = schema_problem()
    if problem:
        raise click.ClickException(problem)


class DatabaseGroup(AppGroup):
    """An AppGroup whose commands check the database before they run (not on --help)."""

    def command(  # type: ignore[override]
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], click.Command]:
        register = super().command(*args, **kwargs)

        def decorator(callback: Callable[..., Any]) -> click.Command:
            @functools.wraps(callback)
            def checked(*call_args: Any, **call_kwargs: Any) -> Any:
                require_schema()
                return callback(*call_args, **call_kwargs)

            return register(checked)

        return decorator
