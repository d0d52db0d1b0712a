"""Payloads of a round's live events, and where each one goes once committed.

Who gets what follows clarification_sight: the public channel `contest:<id>` only ever carries
what the public viewer sees (announcements, answers to all), a private answer goes to the
asking participant's members on `user:<id>`, and the jury's channel `contest:<id>:jury`
carries every question and answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from app.channels import contest_channel, contest_jury_channel, user_channel
from app.contests.clarification_sight import JURY, PUBLIC, ShownClarification, Viewer
from app.live import publish
from app.models import Clarification, Round


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else f"{moment.isoformat()}Z"  # stored times are naive UTC


def announcement(shown: ShownClarification) -> dict[str, Any]:
    """`announcement`: staff's message to everyone in the round."""
    return {
        "type": "announcement",
        "id": shown.id,
        "round_id": shown.round_id,
        "problem_label": shown.problem_label,
        "text": shown.answer or "",
        "time": _time(shown.answered_at or shown.asked_at),
    }


def clarification(shown: ShownClarification) -> dict[str, Any]:
    """`clarification`: a question, or its answer, as the channel's audience may see it."""
    return {
        "type": "clarification",
        "id": shown.id,
        "round_id": shown.round_id,
        "problem_label": shown.problem_label,
        "question": shown.question,
        "answer": shown.answer,
        "to_all": shown.to_all,
        "asked_at": _time(shown.asked_at),
        "answered_at": _time(shown.answered_at),
        "mine": shown.mine,
        "participant_id": shown.participant_id,
    }


def _send(channel: str, viewer: Viewer, row: Clarification) -> None:
    shown = viewer.sees(row)
    if shown is None:  # not this audience's to see: nothing goes out
        return
    payload = announcement(shown) if shown.is_announcement else clarification(shown)
    publish(channel, payload)


def asked(row: Clarification) -> None:
    """A new question: the jury's queue only."""
    _send(contest_jury_channel(row.round_id), JURY, row)


def answered(row: Clarification, member_ids: Iterable[int]) -> None:
    """An answer: the jury, the asking participant's members, and everyone if sent to all."""
    _send(contest_jury_channel(row.round_id), JURY, row)
    asker = Viewer(participant_id=row.participant_id)
    for user_id in member_ids:
        _send(user_channel(user_id), asker, row)
    _send(contest_channel(row.round_id), PUBLIC, row)


def announced(row: Clarification) -> None:
    """An announcement: everyone watching the round (the jury's pages watch it too)."""
    _send(contest_channel(row.round_id), PUBLIC, row)


def contest_state(round_: Round, now: datetime) -> dict[str, Any]:
    """`contest.state`: the round's CLICS state changed (started, frozen, thawed, finalized)."""
    return {"type": "contest.state", "round_id": round_.id, "state": round_.state_at(now)}


def publish_state(round_: Round, now: datetime) -> None:
    """Tell everyone watching the round that its state changed (the board reloads)."""
    publish(contest_channel(round_.id), contest_state(round_, now))
