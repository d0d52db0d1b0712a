"""Boss Fight rules against plain references."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.gamification import boss_rules
from app.gamification.boss_rules import TestPoint


def test_hp_is_participants_times_points_times_six_tenths():
    assert boss_rules.hp(10, 25.0) == 150.0
    assert boss_rules.hp(0, 25.0) == 0.0


def test_points_are_one_per_test_or_the_group_shared():
    tests = [TestPoint(1, None), TestPoint(2, "a"), TestPoint(3, "a"), TestPoint(4, "b")]
    assert boss_rules.test_points(tests, {}) == {1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0}
    assert boss_rules.test_points(tests, {"a": 30.0, "b": 70.0}) == {
        1: 0.0,
        2: 15.0,
        3: 15.0,
        4: 70.0,
    }


JUDGEMENTS = st.lists(st.tuples(st.sets(st.integers(1, 8)), st.booleans()), max_size=15)


@given(JUDGEMENTS)
def test_a_student_deals_at_most_one_full_solve_plus_the_critical(judgements):
    points = {test_id: float(test_id) for test_id in range(1, 9)}
    full = sum(points.values())
    already: set[str] = set()
    dealt = 0.0
    best: set[int] = set()
    for passed, accepted in judgements:
        new = boss_rules.hits(7, points, passed, accepted, already)
        assert not {h.target for h in new} & already  # idempotent by target
        already |= {h.target for h in new}
        # The plain reference: the points of tests beyond the student's own best so far.
        expected = sum(points[t] for t in passed - best)
        assert sum(h.damage for h in new if not h.critical) == expected
        best |= passed
        dealt += sum(h.damage for h in new)
    assert dealt <= full * (1 + boss_rules.CRITICAL) + 1e-9
    # Repeating any judgement deals nothing more.
    for passed, accepted in judgements:
        assert boss_rules.hits(7, points, passed, accepted, already) == []


def test_the_critical_is_a_fifth_of_the_challenge_once():
    points = {1: 2.0, 2: 3.0}
    first = boss_rules.hits(5, points, [1, 2], True, set())
    assert [h.target for h in first] == ["test:1", "test:2", "crit:5"] and first[-1].damage == 1.0
    assert boss_rules.hits(5, points, [1, 2], True, {h.target for h in first}) == []


@given(st.floats(1, 1000), st.floats(0, 1))
def test_hints_unlock_at_two_thirds_and_one_third(hp_max, share):
    shown = boss_rules.hints_unlocked(["one", "two"], hp_max, hp_max * share)
    assert shown == [h for h, at in (("one", 0.66), ("two", 0.33)) if share <= at]


@given(st.integers(0, 1000), st.floats(0, 2000), st.floats(1, 1000), st.booleans())
def test_the_reward_is_whole_at_a_defeat_and_a_share_at_an_escape(reward, damage, hp_max, won):
    paid = boss_rules.reward_xp(reward, damage, hp_max, won)
    if won:
        assert paid == reward
    else:
        assert 0 <= reward * min(damage / hp_max, 1.0) - paid < 1 + 1e-6
        assert boss_rules.reward_xp(reward, damage + 1, hp_max, False) >= paid
    assert 0 <= paid <= reward


def test_an_escape_share_is_not_lost_to_floating_point():
    assert boss_rules.reward_xp(60, 3.0, 3 * 4 * 0.6, False) == 25
