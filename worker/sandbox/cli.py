"""`flask sandbox build [LANG...]`: build the language images (no image registry needed)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

sandbox_cli = AppGroup("sandbox", help="Sandbox images and containers.")


@sandbox_cli.command("build")
@click.argument("languages", nargs=-1)
@click.option("--offline/--online", default=None,
              help="Force the debootstrap path or the debian:bookworm-slim path (default: "
                   "pull if possible, else offline).")  # fmt: skip
def build(languages: tuple[str, ...], offline: bool | None) -> None:
    """Build the images of LANGUAGES (default all) that are missing or outdated."""
    from worker.languages import LANGUAGES
    from worker.sandbox.api import ServiceUnavailable
    from worker.sandbox.images import ensure_images

    unknown = [name for name in languages if name not in LANGUAGES]
    if unknown:
        raise click.BadParameter(f"unknown language(s) {', '.join(unknown)}; known: "
                                 f"{', '.join(LANGUAGES)}")  # fmt: skip
    started = time.monotonic()
    try:
        built = ensure_images(list(languages) or None, offline=offline, say=click.echo)
    except ServiceUnavailable as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"built {len(built)} image(s) in {time.monotonic() - started:.0f} s")


@sandbox_cli.command("reap")
def reap() -> None:
    """Remove this host's sandbox containers whose worker died."""
    from worker.sandbox.pool import reap_orphans

    click.echo(f"removed {reap_orphans()} container(s)")
