"""`flask contests ...`: list rounds, unfreeze, finalize, rebuild the score cache (the CLICS
scoreboard and awards commands are app/clics/cli.py's: they print what the API serves)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.contests import state
from app.errors import AppError
from app.extensions import db
from app.models import Round, utcnow
from app.scoring import cache
from app.scoring import live as board_live

contests = AppGroup("contests", help="Rounds: scoreboards, awards, unfreeze, finalize.")


def _round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"no round {round_id}")
    return round_


@contests.command("list")
def list_rounds() -> None:
    """Print every round: id, mode, state and name."""
    for round_ in db.session.scalars(db.select(Round).order_by(Round.id)):
        click.echo(f"{round_.id}\t{round_.mode}\t{round_.state_at(utcnow())}\t{round_.name}")


@contests.command("unfreeze")
@click.argument("round_id", type=int)
def unfreeze(round_id: int) -> None:
    """Unfreeze the public board at once (no resolver)."""
    try:
        state.thaw(None, _round(round_id))
    except AppError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"round {round_id} unfrozen")


@contests.command("finalize")
@click.argument("round_id", type=int)
def finalize(round_id: int) -> None:
    """Declare the results final (refused while anything is unjudged)."""
    try:
        state.finalize(None, _round(round_id))
    except AppError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"round {round_id} finalized")


@contests.command("rebuild")
@click.argument("round_id", type=int)
def rebuild(round_id: int) -> None:
    """Recompute a round's score cache from its submissions."""
    cache.rebuild(_round(round_id))
    db.session.commit()
    board_live.bump(round_id)
    click.echo(f"round {round_id} rebuilt")
