"""On a database `flask db upgrade` never set up, every command says so in one line."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from app.schema import NOT_SET_UP
from tests.app.packages.builders import legacy_package, write_tree
from tests.conftest import config_for
from tests.stacks import PG_ADMIN_URL, Stack

ROOT = Path(__file__).resolve().parents[2]
ONE_LINE = f"Error: {NOT_SET_UP}\n"


@pytest.fixture
def empty_database(stack: Stack, tmp_path: Path) -> Iterator[str]:
    """The URL of a database of the stack's kind that was never migrated."""
    if stack.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}"
        return
    name = f"codedev_empty_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_app(stack: Stack, empty_database: str) -> Iterator[Flask]:
    application = create_app(config_for(stack, DATABASE_URL=empty_database))
    yield application
    with application.app_context():
        db.engine.dispose()


def _commands(tmp_path: Path) -> list[list[str]]:
    package = write_tree(tmp_path / "addtwo", legacy_package())
    source = tmp_path / "add.py"
    source.write_text("print(3)\n")
    return [
        ["problems", "import", str(package)],
        ["problems", "export", "addtwo", str(tmp_path / "out.zip")],
        ["problems", "verify", "addtwo"],
        ["problems", "publish", "addtwo"],
        ["users", "create", "ada@example.org", "--password", "correct-horse-9"],
        ["users", "token", "ada@example.org"],
        ["judge", "addtwo", str(source)],
        ["judge", "requeue-stale"],
    ]


def test_every_command_says_run_flask_db_upgrade(empty_app: Flask, tmp_path: Path) -> None:
    runner = empty_app.test_cli_runner()
    for args in _commands(tmp_path):
        result = runner.invoke(args=args)
        assert (result.exit_code, result.output) == (1, ONE_LINE), (args, result.output)
        assert isinstance(result.exception, SystemExit), (args, result.exception)
    assert not (tmp_path / "out.zip").exists()


def test_help_needs_no_database(empty_app: Flask) -> None:
    result = empty_app.test_cli_runner().invoke(args=["problems", "import", "--help"])
    assert result.exit_code == 0 and "Import a problem package" in result.output


def test_flask_problems_import_prints_one_line_and_no_traceback(
    stack: Stack, empty_database: str, tmp_path: Path
) -> None:
    """The newcomer's command as typed in a shell, on a fresh database."""
    package = write_tree(tmp_path / "addtwo", legacy_package())
    env = {**os.environ, "FLASK_APP": "app", "DATABASE_URL": empty_database,
           "REDIS_URL": stack.redis_url}  # fmt: skip
    flask = [sys.executable, "-m", "flask", "problems", "import", str(package)]
    done = subprocess.run(flask, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", ONE_LINE)


def test_a_database_at_another_revision_is_named(empty_app: Flask) -> None:
    with empty_app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('0000_older')")
    result = empty_app.test_cli_runner().invoke(args=["users", "token", "ada@example.org"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the database is at revision 0000_older, this code")
    assert result.output.endswith(": run `flask db upgrade`\n")


def test_an_unreachable_database_is_named(stack: Stack) -> None:
    closed = "postgresql://postgres@127.0.0.1:9/codedev"  # the discard port: nothing listens
    application = create_app(config_for(stack, DATABASE_URL=closed))
    result = application.test_cli_runner().invoke(args=["judge", "requeue-stale"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the database can't be reached (")
    assert result.output.endswith("): check DATABASE_URL\n") and result.output.count("\n") == 1


def test_a_migrated_database_runs_the_command(runner) -> None:
    result = runner.invoke(args=["users", "create", "ada@example.org", "--password", "p-9-q-8-r"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Created student ada@example.org")
