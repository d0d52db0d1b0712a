"""`flask contests ...`: scoreboards, awards, unfreeze and finalize from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

contests = AppGroup("contests", help="Rounds: scoreboards, awards, unfreeze, finalize.")


@contests.command("list")
def list_rounds() -> None:
    """Print every round: id, mode, state and name."""
    from app.extensions import db
    from app.models import Round, utcnow

    for round_ in db.session.query(Round).order_by(Round.id):
        click.echo(f"{round_.id}\t{round_.mode}\t{round_.state_at(utcnow())}\t{round_.name}")
