"""Errors a user can cause, raised by services and turned into pages or JSON by the app."""

from __future__ import annotations


class AppError(Exception):
    """Base of every error a user can cause; carries an HTTP status and a stable code."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.message}}


class ValidationError(AppError):
    """Input that can't be accepted as it is; `field` names the input at fault, if one is."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field


class NotFound(AppError):
    """The thing does not exist, or the user may not know it exists."""

    status = 404
    code = "not_found"


class Forbidden(AppError):
    """The user is known but may not do this."""

    status = 403
    code = "forbidden"


class Conflict(AppError):
    """The request clashes with the current state (a duplicate, a closed window)."""

    status = 409
    code = "conflict"


class Contended(Conflict):
    """A racing transaction changed a row this one read (a guarded write matched nothing): the
    whole transaction is safe to run again from the start, and retry_transaction does."""

    code = "contended"


class TooLarge(AppError):
    """The request or one of its fields is over its size cap."""

    status = 413
    code = "too_large"


class TooMany(AppError):
    """A rate or size limit was hit."""

    status = 429
    code = "rate_limited"


class ServiceUnavailable(AppError):
    """A part the request needs (Docker, Redis) is not reachable."""

    status = 503
    code = "unavailable"
