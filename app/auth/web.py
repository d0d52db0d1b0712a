"""View helpers: the signed-in user, role checks (services check rights again), form errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.errors import Conflict, Forbidden, ValidationError
from app.models import User

F = TypeVar("F", bound=Callable[..., Any])


def current_account() -> User:
    """The signed-in user as a real User (not flask-login's proxy) to hand to services."""
    return cast(User, current_user._get_current_object())


def role_required(*roles: str) -> Callable[[F], F]:
    """Let only signed-in users with one of roles in; others get the 403 page."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                raise Forbidden("This page is for " + " and ".join(f"{r}s" for r in roles) + ".")
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate


def show_error(
    form: FlaskForm,
    error: ValidationError | Conflict,
    default: str,
    renamed: dict[str, str] | None = None,
) -> None:
    """Show a service's error under the form field it names (or under default)."""
    name = getattr(error, "field", None) or default
    field = getattr(form, (renamed or {}).get(name, name), None) or getattr(form, default)
    field.errors = [*field.errors, error.message]
