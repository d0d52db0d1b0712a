"""XP, level, streak and badge rules (pure functions) against plain references."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.gamification import badges, ledger, streaks, xp
from app.gamification.badges import Facts, Threshold
from app.gamification.streaks import Streak
from app.gamification.verdict_state import release_of

DIFFICULTY = st.sampled_from(list(xp.XP_BY_DIFFICULTY) + ["unknown"])
SCORE = st.floats(min_value=0, max_value=100, allow_nan=False)
VERDICT = st.sampled_from(["AC", "WA", "TLE", "RE", "CE", "IE"])


def test_the_xp_table_by_difficulty():
    assert [xp.full_xp(d) for d in xp.XP_BY_DIFFICULTY] == [10, 25, 60, 150, 400]
    assert xp.full_xp("unknown") == 60
    assert xp.payable("hard", 100.0) == 150 and xp.payable("hard", 50.0) == 75


def level_reference(total: int) -> int:
    level = 1
    while 50 * (level + 1) * level <= total:
        level += 1
    return level


@given(st.integers(min_value=-10, max_value=10**9))
def test_level_matches_the_plain_loop(total):
    assert xp.level_of(total) == level_reference(max(total, 0))


def test_level_boundaries():
    assert [xp.level_of(t) for t in (0, 99, 100, 299, 300, 600)] == [1, 1, 2, 2, 3, 4]
    assert xp.progress(150) == (2, 50, 200)


# A user's submissions of one challenge over time: each step is (submission, verdict, score)
# and stands for that submission's newest judgement (a first judgement, a rejudge or an
# override). Resubmitting the same code is a new submission; languages don't matter here.
STEPS = st.lists(st.tuples(st.integers(0, 4), VERDICT, SCORE), max_size=30)


@given(DIFFICULTY, STEPS)
def test_settling_after_every_verdict_pays_exactly_the_best_that_counts_now(difficulty, steps):
    counting: dict[int, float] = {}
    paid = 0
    for submission, verdict, score in steps:
        counting[submission] = xp.best_of(verdict, score)
        row = xp.settle(difficulty, paid, max(counting.values()))
        paid += row
        assert 0 <= paid <= xp.full_xp(difficulty)
        # A repeat of the same judgement (a retried job) changes nothing.
        assert xp.settle(difficulty, paid, max(counting.values())) == 0
    best = max(counting.values(), default=0.0)
    assert paid == xp.payable(difficulty, best)


@given(DIFFICULTY, st.lists(SCORE, max_size=20))
def test_partial_progress_pays_the_increase_and_sums_to_the_best(difficulty, scores):
    best = 0.0
    total = 0
    for score in scores:
        total += xp.increase(difficulty, best, max(best, score))
        best = max(best, score)
    assert total == xp.payable(difficulty, best) <= xp.full_xp(difficulty)


@given(STEPS)
def test_a_best_is_raised_by_score_whatever_the_xp_it_pays(steps):
    counting: dict[int, float] = {}
    for submission, verdict, score in steps:
        best_before = max(counting.values(), default=0.0)
        previous = counting.get(submission)
        counting[submission] = xp.best_of(verdict, score)
        tried = [ledger.Attempt(s, "python3", None, best) for s, best in counting.items()]
        raised = ledger.raised_best(tried, submission, previous)
        assert raised == (max(counting.values()) > best_before)
    # A 10-XP challenge from 50 to 55 pays nothing (5.5 rounds down to 5) and still improved.
    assert xp.increase("beginner", 50.0, 55.0) == 0
    tried = [ledger.Attempt(1, "c", "WA", 50.0), ledger.Attempt(2, "c", "WA", 55.0)]
    assert ledger.raised_best(tried, 2, None) and not ledger.raised_best(tried, 2, 55.0)


def test_release_is_the_publishing_or_a_later_start_of_the_round():
    published, start, own = datetime(2026, 12, 1), datetime(2026, 12, 3), datetime(2026, 12, 4)
    assert release_of(published, None, None, None) == published
    assert release_of(None, None, None, None) is None  # a draft outside a round
    assert release_of(published, "contest", start, None) == start
    later = datetime(2026, 12, 5)  # published after the round began
    assert release_of(later, "contest", start, None) == later
    assert release_of(None, "contest", start, None) == start  # secret until its round
    assert release_of(published, "timed", start, own) == own  # their own Start opens it
    assert release_of(published, "timed", start, None) == start
    assert release_of(published, "assignment", start, own) == start  # only timed rounds


def test_an_accept_is_a_full_solve_whatever_its_score():
    assert xp.best_of("AC", 40.0) == 100.0 and xp.best_of("WA", 40.0) == 40.0


# Streaks: a plain day-by-day walk is the reference for the fold of record().
def streak_reference(counted: set[int], rest: set[int]) -> Streak:
    if not counted:
        return Streak()
    current = best = freezes = 0
    for period in range(min(counted), max(counted) + 1):
        if period in counted:
            current += 1
            if current % 7 == 0:
                freezes = min(freezes + 1, 2)
            best = max(best, current)
        elif period in rest:
            continue
        elif freezes:
            freezes -= 1
        else:
            current = 0
    return Streak(current, best, max(counted), freezes)


PERIODS = st.lists(st.integers(0, 60), max_size=40)


@given(PERIODS, st.sets(st.integers(0, 60)))
def test_streaks_match_the_day_by_day_walk(periods, rest):
    rest = rest - set(periods)
    streak = Streak()
    for period in sorted(periods):
        streak = streaks.record(streak, period, rest.__contains__)
    assert streak == streak_reference(set(periods), rest)


@given(PERIODS, st.integers(0, 60))
def test_going_back_in_time_never_counts(periods, late):
    streak = Streak()
    for period in periods:  # in any order: an earlier period after a later one changes nothing
        before = streak
        streak = streaks.record(streak, period)
        if before.last is not None and period <= before.last:
            assert streak == before
    assert streak.freezes <= streaks.MAX_FREEZES and streak.current <= streak.best


def test_freezes_save_a_missed_day_and_rest_days_use_none():
    streak = Streak()
    for day in range(7):
        streak = streaks.record(streak, day)
    assert (streak.current, streak.freezes) == (7, 1)
    assert streaks.shown(streak, 8) == 7  # day 7 missed, covered by the freeze
    assert streaks.shown(streak, 9) == 0  # days 7 and 8 missed: one freeze is not enough
    assert streaks.shown(streak, 9, {7, 8}.__contains__) == 7  # rest days
    frozen = streaks.record(streak, 8)
    assert (frozen.current, frozen.freezes) == (8, 0)


@given(st.integers(21, 60))
def test_at_most_two_freezes_are_held(days):
    streak = Streak()
    for day in range(days):
        streak = streaks.record(streak, day)
    assert streak == streak_reference(set(range(days)), set()) and streak.freezes == 2


def test_weeks_are_iso_weeks_and_a_rest_week_has_five_rest_weekdays():
    monday = date(2026, 11, 30)
    assert streaks.week_period(monday) == streaks.week_period(monday + timedelta(days=6))
    assert streaks.week_period(monday + timedelta(days=7)) == streaks.week_period(monday) + 1
    week = [monday + timedelta(days=n) for n in range(5)]
    assert streaks.rest_periods(week, weekly=True) == {streaks.week_period(monday)}
    assert streaks.rest_periods(week[:4], weekly=True) == set()


ZONES = st.sampled_from(
    ["UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin", "America/New_York"]
)
MOMENTS = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1))


@given(MOMENTS, ZONES, ZONES, st.integers(0, 14 * 24 * 60))
def test_a_new_zone_never_reaches_tomorrow_early(moment, old, new, minutes_since_change):
    changed_at = moment - timedelta(minutes=minutes_since_change)
    day = streaks.counted_day(moment, new, old, changed_at)
    assert day <= streaks.local_day(moment, new)
    if minutes_since_change < 7 * 24 * 60:
        assert day <= streaks.local_day(moment, old)
    else:
        assert day == streaks.local_day(moment, new)


# A submission some minutes after the last, in the zone then set (a change is asked for at it).
TRAVEL = st.lists(
    st.tuples(st.integers(1, 3 * 24 * 60), st.one_of(st.none(), ZONES)), min_size=1, max_size=40
)


@given(ZONES, TRAVEL)
def test_zone_changes_never_count_days_faster_than_the_clock(first_zone, steps):
    """However a user moves between zones (once a week at most, as the profile allows), a run
    of N counted days spans N - 2 days of real time, less at most two days per change (a
    change can move the calendar by up to 26 hours, once): never a day won back every week."""
    zone, previous, changed_at = first_zone, "", None
    moment, streak = datetime(2026, 1, 1, 12), Streak()
    run_start, changes = moment, []
    for minutes, wanted in steps:
        moment += timedelta(minutes=minutes)
        if wanted and wanted != zone and streaks.may_change_zone(changed_at, moment):
            previous, zone, changed_at = zone, wanted, moment
            changes.append(moment)
        day = streaks.counted_day(moment, zone, previous, changed_at)
        before = streak
        streak = streaks.record(streak, streaks.day_period(day))
        if streak.current == 1 and before.current != 1:
            run_start = moment  # a new run
        # A change moves the calendar when its week of the earlier day is over: in this run.
        moved = sum(1 for at in changes if at + streaks.ZONE_CHANGE_EVERY > run_start)
        slack = timedelta(hours=1)  # a daylight-saving change
        assert moment - run_start >= timedelta(days=streak.current - 2 - 2 * moved) - slack


def test_east_jump_after_a_change_counts_the_old_day():
    # 11:00 UTC on a Monday is still Sunday at UTC-12 and already Tuesday at UTC+14.
    moment = datetime(2026, 11, 30, 11, 0)
    day = streaks.counted_day(moment, "Pacific/Kiritimati", "Etc/GMT+12", moment)
    assert day == date(2026, 11, 29)


def test_a_zone_changes_at_most_once_a_week():
    now = datetime(2026, 12, 1)
    assert streaks.may_change_zone(None, now)
    assert not streaks.may_change_zone(now - timedelta(days=6, hours=23), now)
    assert streaks.may_change_zone(now - timedelta(days=7), now)
    assert streaks.is_zone("Europe/Berlin") and not streaks.is_zone("Mars/Olympus")


# Badges
FACTS = st.builds(
    Facts,
    solved=st.integers(0, 300),
    languages=st.integers(0, 6),
    streak=st.integers(0, 120),
    level=st.integers(1, 25),
    medals=st.integers(0, 3),
    firsts=st.integers(0, 3),
    bosses_defeated=st.integers(0, 3),
    first_accept=st.booleans(),
    hard=st.booleans(),
    rejected_before=st.integers(0, 10),
    minutes_since_release=st.none() | st.floats(-5, 60, allow_nan=False),
)


def badge_reference(badge_id: str, f: Facts) -> bool:
    thresholds = {
        "first-accept": f.solved >= 1, "solved-10": f.solved >= 10, "solved-50": f.solved >= 50,
        "solved-200": f.solved >= 200, "solved-25": f.solved >= 25, "solved-100": f.solved >= 100, "polyglot-3": f.languages >= 3,
        "polyglot-5": f.languages >= 5, "streak-7": f.streak >= 7, "streak-30": f.streak >= 30, "streak-3": f.streak >= 3, "streak-14": f.streak >= 14, "streak-100": f.streak >= 100,
        "level-5": f.level >= 5, "level-10": f.level >= 10, "level-20": f.level >= 20, "level-3": f.level >= 3, "level-15": f.level >= 15,
        "medal": f.medals >= 1, "first-blood": f.firsts >= 1, "boss-slayer": f.bosses_defeated >= 1, "boss-hunter": f.bosses_defeated >= 3, "podium": f.medals >= 3,
        "first-try-hard": f.first_accept and f.hard and f.rejected_before == 0,
        "comeback": f.first_accept and f.rejected_before >= 5,
        "early-bird": f.first_accept and f.minutes_since_release is not None
        and 0 <= f.minutes_since_release <= 10,
    }  # fmt: skip
    return thresholds[badge_id]


def test_every_badge_has_a_unique_id_a_tier_and_a_reference():
    found = badges.all_badges()
    assert len({b.id for b in found}) == len(found) >= 25
    assert all(b.tier in badges.TIERS and b.name and b.description for b in found)
    for badge in found:  # a badge with no reference here fails: add it to badge_reference
        badge_reference(badge.id, Facts())


@given(FACTS, st.sets(st.sampled_from([b.id for b in badges.all_badges()])))
def test_badges_follow_their_rules_and_are_earned_once(facts, held):
    for badge in badges.all_badges():
        assert badge.awarded_to(facts) == badge_reference(badge.id, facts), badge.id
    earned = badges.newly_earned(facts, held)
    assert not {b.id for b in earned} & held
    assert {b.id for b in earned} == {
        b.id for b in badges.all_badges() if b.id not in held and badge_reference(b.id, facts)
    }


@given(FACTS)
def test_badges_in_reach_are_unearned_counted_ones_nearest_first(facts):
    reach = badges.in_reach(facts, set())
    shares = [have / need for _, have, need in reach]
    assert shares == sorted(shares, reverse=True)
    assert all(isinstance(b, Threshold) for b, _, _ in reach)


def test_rarity_is_the_share_of_holders():
    assert badges.rarity(1, 4) == 0.25 and badges.rarity(0, 0) == 0.0


def test_the_xp_table_follows_the_challenge_difficulties():
    from app.models import DIFFICULTIES

    assert tuple(xp.XP_BY_DIFFICULTY) == DIFFICULTIES
