"""`flask contests import PATH` and `flask contests export ID OUT.zip` (CLICS contest packages),
and `flask contests scoreboard|awards ID`: exactly what the API serves the jury or the public."""

from __future__ import annotations

import json
from pathlib import Path

import click

from app.clics import contest_data, exporter, importer, package_reader, service
from app.clics.roles import JURY, SPECTATOR
from app.contests.cli import contests
from app.errors import AppError
from app.extensions import db
from app.models import Round, utcnow
from app.scoring.boards import clics_group_id


def _round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"no round {round_id}")
    return round_


@contests.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--owner", default=None, help="Email of the user who runs it (default: the first admin)."
)
@click.option("--visibility", default="public", type=click.Choice(["public", "invite", "course"]))
@click.option("--judge", is_flag=True, help="Judge the submissions that come with source files.")
def import_command(path: Path, owner: str | None, visibility: str, judge: bool) -> None:
    """Import a CLICS contest package (folder or .zip); prints the new contest id last."""
    try:
        package = package_reader.read(path)
        done = importer.store(package, importer.owner_for(owner), visibility=visibility)
    except AppError as error:
        raise click.ClickException(error.message) from error
    for warning in done.warnings:
        click.echo(f"warning: {warning}", err=True)
    round_ = done.round
    if judge:
        click.echo(f"queued {importer.judge_sources(round_)} submissions for judging")
    click.echo(f"imported {len(round_.participants)} teams, {len(round_.problems)} problems "
               f"as contest {round_.id}")  # fmt: skip


@contests.command("export")
@click.argument("round_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sources", is_flag=True, help="Add the submissions' source files.")
def export_command(round_id: int, out: Path, sources: bool) -> None:
    """Write a round as a CLICS contest package (.zip)."""
    round_ = _round(round_id)
    out.write_bytes(exporter.export_zip(round_, sources=sources))
    click.echo(f"wrote {out}")


@contests.command("scoreboard")
@click.argument("round_id", type=int)
@click.option("--public", is_flag=True, help="What a spectator sees (frozen or not).")
@click.option(
    "--group", default=None, help="Only this group's teams (its CLICS id or section name)."
)
def scoreboard_command(round_id: int, public: bool, group: str | None) -> None:
    """Print the CLICS scoreboard JSON: the jury's view, or with --public a spectator's."""
    round_ = _round(round_id)
    group_id = None
    if group is not None:
        served = {g["id"] for g in contest_data.groups(contest_data.load(round_, with_runs=False))}
        group_id = group if group in served else clics_group_id(group)
    try:
        board = service.scoreboard(round_, SPECTATOR if public else JURY, utcnow(), group_id)
    except AppError as error:
        raise click.ClickException(error.message) from error
    click.echo(json.dumps(board, indent=2))


@contests.command("awards")
@click.argument("round_id", type=int)
@click.option("--public", is_flag=True, help="From the board a spectator sees.")
def awards_command(round_id: int, public: bool) -> None:
    """Print the CLICS awards JSON array."""
    click.echo(
        json.dumps(service.awards(_round(round_id), SPECTATOR if public else JURY), indent=2)
    )
