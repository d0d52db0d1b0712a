"""A Boss Fight's end: defeated (in the hit's transaction) or escaped when its time ran out
(settled by whoever looks first: a page, the projector's clock, a worker's maintenance tick);
the report, and everyone's XP, guarded per boss and user so it is paid once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.channels import boss_channel
from app.extensions import db
from app.gamification import boss_events, boss_rules, ledger, players
from app.gamification.badges import Facts
from app.gamification.outcomes import Outcome, award_badges, credit, send
from app.live import publish
from app.models import BossFight, BossHit, Challenge, Player, User, utcnow
from app.stores import bound_lock_holding

log = logging.getLogger(__name__)


def damage_of(boss_id: int) -> float:
    """The damage dealt to a boss so far, from SQL (the record)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(BossHit.damage), 0.0)).where(BossHit.boss_id == boss_id)
    )
    return float(total or 0.0)


def finish(boss: BossFight, dealt: float, *, defeated: bool) -> list[Any]:
    """End a fight in the caller's transaction: its state, the report, everyone's XP (guarded
    per boss and user); what to send once committed."""
    boss.state = "defeated" if defeated else "escaped"
    boss.settled_at = utcnow()
    boss.report = build_report(boss)
    amount = boss_rules.reward_xp(boss.xp_reward, dealt, boss.hp_max, defeated)
    outcomes: list[Any] = []
    for user_id in boss.participant_ids:
        player = players.held_player(user_id)
        outcome = Outcome(user_id)
        if amount > 0 and ledger.pay_once(user_id, f"boss:{boss.id}:{user_id}", amount, "boss"):
            credit(player, amount, f"{boss.name} {'defeated' if defeated else 'escaped'}", outcome)
        if defeated:
            player.bosses_defeated = (player.bosses_defeated or 0) + 1
            facts = _facts(player)
            award_badges(player, facts, None, outcome)
        outcomes.append(outcome)
    return outcomes


def _facts(player: Player) -> Facts:
    return Facts(solved=player.solved or 0, languages=len(player.languages or []),
                 streak=player.streak_current or 0, level=player.level or 1,
                 bosses_defeated=player.bosses_defeated or 0, medals=player.medals or 0)  # fmt: skip


def build_report(boss: BossFight) -> dict[str, Any]:
    """For the teacher: pass counts per test, and who contributed what."""
    rows = db.session.execute(
        select(BossHit.user_id, BossHit.target, BossHit.damage).where(BossHit.boss_id == boss.id)
    ).all()
    passes: dict[str, int] = {}
    by_user: dict[str, float] = {}
    for user_id, target, damage in rows:
        if target.startswith("test:"):
            passes[target] = passes.get(target, 0) + 1
        by_user[str(user_id)] = round(by_user.get(str(user_id), 0.0) + damage, 4)
    return {"passes": passes, "damage": by_user}


def settle_if_over(boss_id: int, now: datetime | None = None) -> BossFight | None:
    """A running fight whose time ran out escapes (XP paid by damage); idempotent."""
    now = now or utcnow()
    boss = db.session.get(BossFight, boss_id)
    if boss is None or boss.state != "running" or now <= boss.ends_at:
        return boss
    bound_lock_holding()
    boss = db.session.scalar(
        select(BossFight)
        .where(BossFight.id == boss_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if boss is None or boss.state != "running":
        db.session.rollback()
        return db.session.get(BossFight, boss_id)
    dealt = damage_of(boss_id)
    outcomes = finish(boss, dealt, defeated=dealt >= boss.hp_max)
    db.session.commit()
    for outcome in outcomes:
        send(outcome)
    publish(boss_channel(boss_id), boss_events.state(boss, dealt, now))
    return boss


@dataclass(frozen=True)
class ReportPage:
    """The teacher's report as the page shows it: every test of the fight's challenges in
    order with how many students passed it (0 too: what nobody could do is the lesson), and
    each participant's damage."""

    passes: list[tuple[str, str, int]]  # (challenge title, test name, students)
    contributions: list[tuple[str, float, float]]  # (name, damage, share of all), by name


def report_page(boss: BossFight) -> ReportPage:
    """The report of an ended fight, named for the teacher."""
    passes = boss.report.get("passes", {})
    rows = [
        (challenge.title, test.name, int(passes.get(f"test:{test.id}", 0)))
        for challenge in (db.session.get(Challenge, i) for i in boss.challenge_ids)
        if challenge is not None
        for test in challenge.tests
    ]
    damage = boss.report.get("damage", {})
    people = db.session.scalars(select(User).where(User.id.in_(boss.participant_ids)))
    dealt = [(user.display_name, float(damage.get(str(user.id), 0.0))) for user in people]
    total = sum(hp for _, hp in dealt)
    contributions = sorted((name, hp, hp / total if total else 0.0) for name, hp in dealt)
    return ReportPage(rows, contributions)


def settle_overdue(now: datetime | None = None) -> list[int]:
    """Settle every running fight whose time ran out (a worker's maintenance tick, so an
    escape is paid even when no page is open), oldest first, each in its own transaction: one
    that fails is logged and rolled back (the next tick tries it again) and the rest are still
    settled. The ids settled."""
    now = now or utcnow()
    due = list(
        db.session.scalars(
            select(BossFight.id)
            .where(BossFight.state == "running", BossFight.ends_at < now)
            .order_by(BossFight.id)
        )
    )
    settled = []
    for boss_id in due:
        try:
            settle_if_over(boss_id, now)
        except Exception:
            db.session.rollback()
            log.exception("boss %s: settling its end failed; the next tick tries again", boss_id)
            continue
        settled.append(boss_id)
    return settled
