"""`flask problems import|export|verify|publish`: Kattis problem packages from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from app.challenges.validation.report import ValidationReport
from app.errors import AppError
from app.extensions import db
from app.models import Challenge, User
from app.schema import DatabaseGroup

problems = DatabaseGroup(
    "problems", help="Import, export, verify and publish Kattis problem packages."
)


def _challenge(slug: str) -> Challenge:
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    if challenge is None:
        raise click.ClickException(f"no challenge with the slug {slug!r}")
    return challenge


@problems.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--slug", default=None, help="Slug of the new challenge (default: package name).")
@click.option("--owner", default=None, help="Email of the teacher who will own it.")
@click.option("--force", is_flag=True, help="Import even if some input fails an input validator.")
def import_command(path: Path, slug: str | None, owner: str | None, force: bool) -> None:
    """Import a problem package (folder or .zip) and print the new challenge's slug."""
    from app.packages import import_package

    owner_user = None
    if owner:
        owner_user = db.session.scalar(select(User).where(User.email == owner.lower()))
        if owner_user is None:
            raise click.ClickException(f"no user with the email {owner}")
    try:
        result = import_package(path, owner=owner_user, slug=slug, force=force)
    except AppError as error:
        raise click.ClickException(error.message) from error
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.challenge.package_meta.get("time_limit_pending"):
        click.echo(
            "note: the package gives no time limit; run `flask problems verify "
            f"{result.challenge.slug}` to derive it from the accepted submissions",
            err=True,
        )
    click.echo(result.challenge.slug)


@problems.command("export")
@click.argument("slug")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_command(slug: str, out: Path) -> None:
    """Write a challenge as a problem package .zip."""
    from app.packages import export_package

    out.write_bytes(export_package(_challenge(slug)))
    click.echo(str(out))


@problems.command("verify")
@click.argument("slug")
def verify_command(slug: str) -> None:
    """Judge every reference solution; exit 1 if any verdict differs from its folder's."""
    from app.challenges.validation.solutions import validate_challenge

    challenge = _challenge(slug)
    try:
        report = validate_challenge(challenge)
    except AppError as error:
        raise click.ClickException(error.message) from error
    _echo_report(report)
    if not report.runs:
        raise click.ClickException("the challenge has no reference solutions")
    if not report.ok:
        raise click.ClickException("some reference solutions did not get their expected verdict")
    click.echo(f"all {len(report.runs)} reference solutions got their expected verdict")


@problems.command("publish")
@click.argument("slug")
def publish_command(slug: str) -> None:
    """Validate the reference solutions, then publish; refuse with the report if any fails."""
    from app.challenges.service import validate_and_publish

    challenge = _challenge(slug)
    try:
        report = validate_and_publish(challenge)
    except AppError as error:
        db.session.rollback()
        raise click.ClickException(f"not published: {error.message}") from error
    _echo_report(report)
    if not report.ok:
        raise click.ClickException(
            "not published: some reference solutions did not get their expected verdict"
        )
    click.echo(f"published {challenge.slug}: students can see it now")


def _echo_report(report: ValidationReport) -> None:
    """Each reference solution's verdict, the time limit and the advice, as verify prints them."""
    for run in report.runs:
        mark = "ok" if run.ok else "BAD"
        if run.rule_errors is not None:  # judged by submissions.yaml (2025-09)
            score = f", score {run.score:g}" if run.score is not None else ""
            click.echo(
                f"{mark} {run.name} ({run.language}): got {run.verdict}{score}, "
                f"slowest test {run.slowest_ms} ms"
            )
            for error in run.rule_errors:
                click.echo(f"    {error}")
            continue
        click.echo(
            f"{mark} {run.name} ({run.language}): expected {run.expected}, got {run.verdict}, "
            f"slowest test {run.slowest_ms} ms"
        )
    for error in report.extra_errors:
        click.echo(f"BAD {error}")
    if report.derived:
        click.echo(f"time limit derived from the accepted submissions: {report.time_limit_ms} ms")
    if slowest := report.slowest_accepted():
        click.echo(slowest.describe())
    for warning in report.warnings():  # advice only: never changes the exit status
        click.echo(f"warning: {warning}", err=True)


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(problems)
