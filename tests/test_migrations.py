"""The migrations and the models agree on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests.conftest import config_for
from tests.stacks import PG_ADMIN_URL, Stack


def test_migrated_schema_matches_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migration_chain_has_one_head(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    config = Config(app.extensions["migrate"].directory + "/alembic.ini")
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


@pytest.fixture
def database_at_0010(stack: Stack, tmp_path: Path) -> Iterator[Flask]:
    """An app on a new database of the stack's kind, migrated up to 0010 only."""
    if stack.name == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'at-0010.sqlite3'}", None
    else:
        name = f"codedev_0010_{uuid.uuid4().hex[:10]}"
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        url, drop = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}", name
    application = create_app(config_for(stack, DATABASE_URL=url))
    with application.app_context():
        upgrade(revision="0010_test_result_score")
        try:
            yield application
        finally:
            db.session.remove()
            db.engine.dispose()
            if drop is not None:
                admin.execute(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')
                admin.close()


def test_published_challenges_are_released_at_their_creation(database_at_0010):
    made = datetime(2026, 11, 2, 8, 30)
    challenges = sa.table("challenges", *(sa.column(name) for name in (
        "slug", "title", "statement_md", "difficulty", "tags", "time_limit_ms",
        "memory_limit_mb", "output_limit_kb", "starter_code", "checker", "checker_options",
        "stop_on_first_failure", "published", "package_meta", "created_at", "updated_at")))  # fmt: skip
    row = dict(title="T", statement_md="", difficulty="easy", tags="[]", time_limit_ms=1000,
               memory_limit_mb=256, output_limit_kb=64, starter_code="{}", checker="tokens",
               checker_options="{}", stop_on_first_failure=True, package_meta="{}",
               created_at=made, updated_at=made)  # fmt: skip
    db.session.execute(challenges.insert(), [
        {**row, "slug": "out", "published": True}, {**row, "slug": "draft", "published": False}])  # fmt: skip
    db.session.commit()
    upgrade(revision="0011_challenge_published_at")
    after = sa.table("challenges", sa.column("slug"), sa.column("published_at", sa.DateTime()))
    released = dict(db.session.execute(sa.select(after.c.slug, after.c.published_at)).all())
    assert released == {"out": made, "draft": None}
