"""The verdict's consequences for gamification: XP, level, streak and badges in the verdict's
transaction; the user's live events once it is committed.

What changed is kept in the session's info under the judgement's id between the two phases
(the after-commit handler runs in the same session, right after the commit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.channels import user_channel
from app.extensions import db
from app.gamification import badges, events, ledger, players, xp
from app.judging.consequences import Judged
from app.live import publish
from app.models import BadgeAward, Course, Player, RoundProblem, utcnow
from app.notifications.service import notify

_PENDING = "codedev.gamification.pending"


@dataclass
class Outcome:
    """What one verdict changed for its user: the events to send once committed."""

    user_id: int
    events: list[dict[str, Any]] = field(default_factory=list)


def gamified(course: Course | None) -> bool:
    """A course's teacher may switch gamification off; challenges outside courses are on."""
    return course is None or course.gamification


def apply_verdict(event: Judged) -> None:
    """In the verdict's transaction: settle the challenge's XP, then streak and badges."""
    # The verdict (an override is only set on the object) goes out first so the queries see
    # it; the rows decided here are then flushed once, with the commit.
    db.session.flush()
    with db.session.no_autoflush:
        _apply(event)


def _apply(event: Judged) -> None:
    submission = event.submission
    if submission.user_id is None or not event.counts:
        return
    challenge = submission.challenge
    course = db.session.get(Course, challenge.course_id) if challenge.course_id else None
    if not gamified(course):
        return
    user_id = submission.user_id
    settled, tried = ledger.settle_challenge(
        user_id, challenge.id, challenge.difficulty, event.judgement.id
    )
    player = players.player_of(user_id)
    outcome = Outcome(user_id)
    old_level = player.level or 1
    if settled.amount:
        player.xp = (player.xp or 0) + settled.amount
        player.level = xp.level_of(player.xp)
        player.solved = (player.solved or 0) + (settled.first_accept - settled.revoked)
        reason = challenge.title if settled.amount > 0 else f"{challenge.title} (rejudged)"
        outcome.events.append(events.xp_awarded(settled.amount, player.xp, reason))
        if player.level > old_level:
            outcome.events.append(leveled(player))
    for language in settled.languages_solved:
        if language not in (player.languages or []):
            player.languages = [*(player.languages or []), language]
    accepted = event.judgement.final_verdict == "AC"
    home = players.home_course(user_id) if course is None else course
    if (accepted or settled.amount > 0) and players.count_streak(player, home, utcnow()):
        outcome.events.append(
            events.streak_updated(
                player.streak_current,
                player.streak_best,
                player.streak_freezes,
                player.streak_weekly,
            )  # fmt: skip
        )
    facts = badges.Facts(
        solved=player.solved,
        languages=len(player.languages or []),
        streak=player.streak_current,
        level=player.level,
        bosses_defeated=player.bosses_defeated or 0,
        first_accept=settled.first_accept and accepted,
        hard=challenge.difficulty in xp.HARD_DIFFICULTIES,
        rejected_before=ledger.rejected_before(tried, submission.id),
        minutes_since_release=(submission.created_at - challenge.created_at).total_seconds() / 60,
        firsts=int(first_to_solve(submission.round_id, challenge.id, submission.id)),
    )
    outcome.events.extend(award_badges(player, facts, event.judgement.id))
    if outcome.events:
        db.session.info.setdefault(_PENDING, {})[event.judgement.id] = outcome


def first_to_solve(round_id: int | None, challenge_id: int, submission_id: int) -> bool:
    """Whether the submission is its round problem's first solve as the public sees it (the
    board set it just before, in this transaction; under a freeze the public sees none)."""
    if round_id is None:
        return False
    firsts = db.session.scalar(
        select(RoundProblem.firsts).where(
            RoundProblem.round_id == round_id, RoundProblem.challenge_id == challenge_id
        )
    )
    public = (firsts or {}).get("public") or {}
    return bool(public.get("id") == submission_id)


def award_badges(
    player: Player, facts: badges.Facts, judgement_id: int | None
) -> list[dict[str, Any]]:
    """Add the badges facts newly earn (BadgeAward rows, unique per user and badge); their
    events."""
    found = []
    for badge in badges.newly_earned(facts, set(player.badges or [])):
        db.session.add(
            BadgeAward(user_id=player.user_id, badge_id=badge.id, judgement_id=judgement_id)
        )
        # The bell keeps it (in-app only by default); the once key: never announced twice.
        notify(player.user_id, "badge_earned", {"badge_name": badge.name},
               once_key=f"badge:{badge.id}")  # fmt: skip
        player.badges = [*(player.badges or []), badge.id]
        found.append(events.badge_earned(badge))
    return found


def leveled(player: Player) -> dict[str, Any]:
    """A new level: the bell's row in this transaction, and the live event to send after it."""
    notify(player.user_id, "level_up", {"level": player.level}, once_key=f"level:{player.level}")
    return events.level_up(player.level, player.xp)


def announce_verdict(event: Judged) -> None:
    """Once committed: the user's XP, level, streak and badge events on user:<id>."""
    outcome = db.session.info.get(_PENDING, {}).pop(event.judgement.id, None)
    if outcome is not None:
        send(outcome)


def send(outcome: Outcome) -> None:
    for payload in outcome.events:
        publish(user_channel(outcome.user_id), payload)
