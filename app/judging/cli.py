"""`flask judge SLUG FILE` (judge one file through the real pipeline) and `flask judge requeue-stale`."""

from __future__ import annotations

import json
import os
from typing import Any

import click
from sqlalchemy import select

from app.extensions import db
from app.judging.outcome import JudgeOutcome
from app.judging.queue import requeue_stale
from app.judging.runner import judge_source, language_for_filename
from app.models import Challenge
from app.schema import DatabaseGroup


class JudgeGroup(DatabaseGroup):
    """A group that is also a command: anything but a subcommand name means `judge SLUG FILE`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["file", *args]
        return super().parse_args(ctx, args)


judge = JudgeGroup("judge", help="Judge a file synchronously, or manage the judge queue.")


@judge.command("file", hidden=True)
@click.argument("slug")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--language", "-l", help="Language id; inferred from the extension by default.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--all-tests",
    is_flag=True,
    help="Run every test even after a failure; verdict and score keep the challenge's rule.",
)
def judge_file(slug: str, path: str, language: str | None, as_json: bool, all_tests: bool) -> None:
    """Judge FILE for challenge SLUG in the real sandbox with the challenge's checker."""
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    if challenge is None:
        raise click.ClickException(f"no challenge with slug {slug!r}")
    if language is None:
        found = language_for_filename(os.path.basename(path))
        if found is None:
            raise click.ClickException(f"cannot infer the language of {path}; pass --language")
        language = found.id
    with open(path, "rb") as stream:
        source = stream.read().decode("utf-8", "replace")
    outcome = judge_source(
        challenge, language, source, run_all=all_tests, source_name=os.path.basename(path)
    )
    db.session.rollback()
    if as_json:
        click.echo(json.dumps(outcome.public()))
    else:
        _print_table(outcome)


@judge.command("requeue-stale")
def requeue_stale_command() -> None:
    """Put judgements stuck in queued/judging (worker killed, Redis flushed) back on the queue."""
    report = requeue_stale()
    if report.skipped:
        click.echo("another process is requeueing right now")
        return
    click.echo(
        f"requeued {len(report.requeued)}, failed {len(report.failed)}, live {len(report.live)}"
    )


def _print_table(outcome: JudgeOutcome) -> None:
    data: dict[str, Any] = outcome.public()
    click.echo(f"verdict {data['verdict']}  score {data['score']}")
    if outcome.compile_output.strip():
        click.echo(outcome.compile_output.rstrip())
    for test in data["tests"]:
        click.echo(
            f"  {test['name']:<20} {test['group']:<10} {test['verdict']:<4} "
            f"{test['time_ms']:>6} ms {test['memory_kb']:>8} KB  {test['message']}"
        )
