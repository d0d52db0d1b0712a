"""`flask users create|token`: accounts from the command line (first admin, scripts)."""

from __future__ import annotations

import secrets
import sys

import click

from app.auth import service
from app.errors import AppError
from app.models import ROLES_ALL
from app.schema import DatabaseGroup

users = DatabaseGroup("users", help="Create accounts and personal API tokens.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES_ALL), default="student", show_default=True)
@click.option("--name", default="", help="The name shown to others.")
@click.option(
    "--password", default=None, help="Prompted for (or generated and printed) if not given."
)
def create_command(email: str, role: str, name: str, password: str | None) -> None:
    """Create an account with a role; prints the password when it was generated."""
    generated = False
    if password is None and sys.stdin.isatty():
        password = click.prompt(
            "Password (empty to generate one)",
            default="",
            show_default=False,
            hide_input=True,
            confirmation_prompt=True,
        )
    if not password:
        password, generated = secrets.token_urlsafe(12), True
    try:
        user = service.create_user(email, password, role=role, name=name)
    except AppError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")
    if generated:
        click.echo(f"Password: {password}")


@users.command("token")
@click.argument("email")
@click.option("--label", default="cli", show_default=True, help="What the token is for.")
def token_command(email: str, label: str) -> None:
    """Print a new personal API token for the account (and nothing else, for scripts)."""
    user = service.find_user(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active account for {email}.")
    click.echo(service.create_token(user, label))
