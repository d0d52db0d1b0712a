"""The verdict's consequences for gamification: XP, level, streak and badges in the verdict's
transaction; the user's live events and bell rows once it is committed.

The transaction's share is kept to a few statements (bench/gamification.py counts them): one
read of the user's and the challenge's state with its attempts and ledgers, then only the rows
that changed: the ledger rows, BadgeAward rows, one write of the Player.
What changed is kept in the session's info under the judgement's id between the two phases
(the after-commit handler runs in the same session, right after the commit).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from app.errors import Contended
from app.extensions import db
from app.gamification import badges, events, frozen, ledger, players, verdict_state, xp
from app.gamification.outcomes import Outcome, award_badges, credit, send
from app.judging.consequences import Judged

_PENDING = "codedev.gamification.pending"


def apply_verdict(event: Judged) -> None:
    """In the verdict's transaction: settle the challenge's XP, then streak and badges."""
    # The verdict (an override is only set on the object) and the board's first solve go out
    # first so the reads below see them.
    db.session.flush()
    with db.session.no_autoflush:
        try:
            _apply(event)
        except IntegrityError as error:
            # A key of the rows written here (a ledger guard, a badge award, a new Player)
            # refused a row a racing verdict of the same user committed after this one read:
            # recording this verdict again reads that one (retry_transaction), no re-judgement.
            if "unique" not in str(error.orig).lower():
                raise
            raise Contended("A verdict of the same user was recorded meanwhile.") from error


def _apply(event: Judged) -> None:
    submission = event.submission
    if submission.user_id is None or not event.counts:
        return
    if frozen.held(submission):
        return  # a result the freeze hides: paid at the thaw (frozen.release)
    user_id, challenge_id = submission.user_id, submission.challenge_id
    state = verdict_state.read(
        user_id, challenge_id, submission.round_id, submission.participant_id
    )
    if state is None or not state.gamified:
        return
    judgement_id = event.judgement.id
    settled, tried = ledger.settle_challenge(
        user_id, challenge_id, state.difficulty, judgement_id, state.ledger
    )
    player = state.player
    outcome = Outcome(user_id)
    if settled.amount:
        reason = state.title if settled.amount > 0 else f"{state.title} (rejudged)"
        credit(player, settled.amount, reason, outcome)
        player.solved = (player.solved or 0) + (settled.first_accept - settled.revoked)
    for language in settled.languages_solved:
        if language not in player.languages:
            player.languages = [*player.languages, language]
    accepted = event.judgement.final_verdict == "AC"
    if _counts_day(event, tried) and players.count_streak(
        player, state.course, submission.created_at
    ):
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
        languages=len(player.languages),
        streak=player.streak_current,
        level=player.level,
        bosses_defeated=player.bosses_defeated,
        medals=player.medals,
        first_accept=settled.first_accept and accepted,
        hard=state.difficulty in xp.HARD_DIFFICULTIES,
        rejected_before=ledger.rejected_before(tried, submission.id),
        minutes_since_release=_minutes_since(state.released, submission.created_at),
        firsts=int(submission.round_id is not None and state.first_public_id == submission.id),
    )
    award_badges(player, facts, judgement_id, outcome)
    verdict_state.save(state)
    if outcome.events or outcome.notices:
        db.session.info.setdefault(_PENDING, {})[judgement_id] = outcome


def _counts_day(event: Judged, tried: list[ledger.Attempt]) -> bool:
    """Whether this verdict counts its submission's day for the streak: an accept, or a higher
    best score (not more XP: that rounds down), that the submission's earlier verdict did not
    already give. A rejudge or an override that only confirms counts nothing; one that newly
    accepts or raises the best counts the day the student submitted, never the day staff
    acted (the caller counts at the submission's created_at). A day at or before the last
    counted one changes nothing (streaks.record), so a late correction can extend a streak
    but never hand out today, nor mend a streak it broke in the meantime."""
    previous = event.previous
    newly_accepted = event.judgement.final_verdict == "AC" and (
        previous is None or previous.verdict != "AC"
    )
    before = xp.best_of(previous.verdict, previous.score) if previous is not None else None
    return newly_accepted or ledger.raised_best(tried, event.submission.id, before)


def _minutes_since(released: datetime | None, moment: datetime) -> float | None:
    return None if released is None else (moment - released).total_seconds() / 60


def announce_verdict(event: Judged) -> None:
    """Once committed: the user's XP, level, streak and badge events on user:<id>."""
    outcome = db.session.info.get(_PENDING, {}).pop(event.judgement.id, None)
    if outcome is not None:
        send(outcome)
