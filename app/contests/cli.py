"""`flask contests ...`: list rounds, print a scoreboard or awards (CLICS JSON), unfreeze,
finalize, rebuild the score cache."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from app.contests import state
from app.errors import AppError
from app.extensions import db
from app.models import Round, utcnow
from app.scoring import boards, cache
from app.scoring import live as board_live
from app.scoring.freeze import PUBLIC, STAFF

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


@contests.command("scoreboard")
@click.argument("round_id", type=int)
@click.option("--public", is_flag=True, help="What a spectator sees (frozen or not).")
@click.option(
    "--group", default=None, help="Only this group's (course section's) teams, ranked among them."
)
def scoreboard(round_id: int, public: bool, group: str | None) -> None:
    """Print the CLICS scoreboard JSON: the jury's view, or with --public a spectator's."""
    round_ = _round(round_id)
    if group is not None:  # a CLICS group id (as the API's group_id) names its section
        group = next(
            (s for s in boards.round_sections(round_) if boards.clics_group_id(s) == group), group
        )
    seen = boards.seen_board(round_, PUBLIC if public else STAFF, group=group)
    board = boards.clics_scoreboard(seen, utcnow())
    click.echo(json.dumps(board, indent=2))


@contests.command("awards")
@click.argument("round_id", type=int)
@click.option("--public", is_flag=True, help="From the board a spectator sees.")
def awards(round_id: int, public: bool) -> None:
    """Print the CLICS awards JSON array."""
    click.echo(
        json.dumps(boards.round_awards(_round(round_id), PUBLIC if public else STAFF), indent=2)
    )


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
