"""How the statement shows a challenge's samples: the challenge page and the solve page both
call sample_views, so a sample is shown the same way wherever a student reads it.

A sample shows its input and expected output, unless its package gave a `.interaction` file
(2025-09 "Sample data"): then the interaction instead, `<` lines the judge's output (what the
program reads), `>` lines the program's, `---` between the passes of a multi-pass problem.
An interactive problem's sample without one shows neither: its `.in` and `.ans` are the
interactor's (a secret number, say), not what the program reads and writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.models import Blob, Challenge, TestCase

# Sample data shown in a page is capped: a sample is meant to be read by a person.
SHOWN_BYTES = 64 * 1024
# A .interaction line's first character: who wrote it.
WRITERS = {"<": "judge", ">": "program"}
SEPARATOR = "---"  # between the passes of a multi-pass sample


@dataclass(frozen=True)
class InteractionLine:
    """One line of a sample interaction: who wrote it (judge, program, pass or note)."""

    writer: str
    text: str


@dataclass(frozen=True)
class SampleView:
    """A sample as the statement shows it: input and expected output, or an interaction."""

    name: str
    input: str | None = None
    expected: str | None = None
    interaction: tuple[InteractionLine, ...] | None = None


def shown(sha256: str) -> str:
    """A blob's text as a page shows it (capped, undecodable bytes replaced)."""
    blob = db.session.get(Blob, sha256)
    if blob is None:
        return ""
    return bytes(blob.data[:SHOWN_BYTES]).decode("utf-8", errors="replace")


def interaction_lines(text: str) -> tuple[InteractionLine, ...]:
    """A .interaction file's lines, each with its writer (a line without a marker: a note)."""
    lines = []
    for line in text.splitlines():
        if line.strip() == SEPARATOR:
            lines.append(InteractionLine("pass", line))
        else:
            lines.append(InteractionLine(WRITERS.get(line[:1], "note"), line))
    return tuple(lines)


def sample_view(challenge: Challenge, test: TestCase) -> SampleView:
    """One sample as the statement shows it (see the module's docstring)."""
    interaction = challenge.interaction_of(test)
    if interaction is not None:
        return SampleView(test.name, interaction=interaction_lines(shown(interaction)))
    if challenge.is_interactive():
        return SampleView(test.name)
    return SampleView(test.name, shown(test.input_sha256), shown(test.answer_sha256))


def sample_views(challenge: Challenge) -> list[SampleView]:
    """The challenge's samples, in order, as the statement shows them."""
    return [sample_view(challenge, test) for test in challenge.tests if test.is_sample]
