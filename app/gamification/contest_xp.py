"""Contest placements pay XP once the results are final: medals and first-to-solve marks.

Paid from the awards the public sees, so nothing reaches a student before the board shows
it: a round finalized while still frozen pays at its unfreeze. Each (round, award, user) is
one guarded ledger row, so finalizing and unfreezing (or a retry) never pay twice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.gamification import ledger, players
from app.gamification.badges import Facts
from app.gamification.outcomes import Outcome, award_badges, credit, send
from app.models import Course, Participant, ParticipantMember, Round, utcnow
from app.scoring.boards import round_awards
from app.scoring.freeze import PUBLIC

# XP per award kind (medals by colour; a first solve of any problem).
AWARD_XP = {"gold-medal": 300, "silver-medal": 200, "bronze-medal": 100, "first-to-solve": 50}
MEDALS = ("gold-medal", "silver-medal", "bronze-medal")


def award_xp(award_id: str) -> int:
    """XP of one CLICS award id (first-to-solve-<label> counts as first-to-solve)."""
    kind = "first-to-solve" if award_id.startswith("first-to-solve-") else award_id
    return AWARD_XP.get(kind, 0)


def settle_round(round_: Round) -> None:
    """Pay the final awards of a round to its participants' members (a finalized round only)."""
    if round_.finalized_at is None or round_.is_frozen_at(utcnow()):
        return
    course = db.session.get(Course, round_.course_id) if round_.course_id else None
    if not players.gamified(course):
        return
    members: dict[str, list[int]] = {}
    # A virtual run is on no official board, so it wins nothing; its members are left out
    # as well, so that no award can ever pay one.
    for participant_id, user_id in db.session.execute(
        select(ParticipantMember.participant_id, ParticipantMember.user_id)
        .join(Participant, Participant.id == ParticipantMember.participant_id)
        .where(ParticipantMember.round_id == round_.id, Participant.virtual.is_(False))
    ):
        members.setdefault(str(participant_id), []).append(user_id)
    outcomes: dict[int, Outcome] = {}
    for award in round_awards(round_, PUBLIC):
        amount = award_xp(award["id"])
        if amount <= 0:
            continue
        for team_id in award["team_ids"]:
            for user_id in members.get(team_id, []):
                _pay(round_, award, user_id, amount, outcomes)
    db.session.commit()
    for outcome in outcomes.values():
        send(outcome)


def _pay(round_: Round, award: dict[str, Any], user_id: int, amount: int,
         outcomes: dict[int, Outcome]) -> None:  # fmt: skip
    guard = f"contest:{round_.id}:{award['id']}:{user_id}"
    if not ledger.pay_once(user_id, guard, amount, "contest"):
        return
    player = players.held_player(user_id)
    outcome = outcomes.setdefault(user_id, Outcome(user_id))
    credit(player, amount, f"{round_.name}: {award['citation']}", outcome)
    medal = award["id"] in MEDALS
    first = award["id"].startswith("first-to-solve-")
    player.medals = (player.medals or 0) + int(medal)
    facts = Facts(solved=player.solved or 0, languages=len(player.languages or []),
                  streak=player.streak_current or 0, level=player.level, medals=player.medals,
                  firsts=int(first), bosses_defeated=player.bosses_defeated or 0)  # fmt: skip
    award_badges(player, facts, None, outcome)
