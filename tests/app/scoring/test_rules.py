"""Scoring rules by example: CLICS ICPC, IOI, assignment credit, ties, first to solve, awards."""

from __future__ import annotations

from app.scoring.awards import awards, solvers
from app.scoring.board import compute_board
from app.scoring.cells import cell
from app.scoring.freeze import PUBLIC, Viewer, visible
from app.scoring.standings import first_to_solve
from app.scoring.types import Attempt, Rules

ICPC = Rules("icpc", end_seconds=5 * 3600)
_ids = iter(range(1, 10_000))


def a(minute: float, verdict: str | None, participant: int = 1, problem: str = "A", **kw) -> Attempt:
    return Attempt(next(_ids), participant, problem, minute * 60, verdict, **kw)


def test_a_problem_counts_at_its_first_accept_with_penalty_per_rejected_try():
    result = cell([a(10, "WA"), a(12, "TLE"), a(30.9, "AC"), a(40, "WA")], ICPC)
    assert (result.solved, result.time, result.penalty, result.judged) == (True, 30, 70, 3)


def test_a_compile_error_costs_nothing_unless_the_host_says_so():
    attempts = [a(5, "CE"), a(20, "AC")]
    assert (cell(attempts, ICPC).penalty, cell(attempts, ICPC).judged) == (20, 1)
    strict = Rules("icpc", ce_penalty=True)
    assert (cell(attempts, strict).penalty, cell(attempts, strict).judged) == (40, 2)


def test_internal_errors_and_judging_count_as_pending():
    result = cell([a(5, "IE"), a(8, "AC")], ICPC)  # pending: no effect on scoring (CLICS)
    assert (result.solved, result.pending, result.judged, result.penalty) == (True, 1, 1, 8)
    assert cell([a(5, None)], ICPC).pending == 1


def test_a_submission_at_exactly_the_end_does_not_count():
    assert not cell([a(300, "AC")], ICPC).solved
    assert cell([a(299.99, "AC")], ICPC).solved


def test_ties_share_a_rank_and_sort_by_name():
    attempts = [a(10, "AC", 1), a(10, "AC", 2), a(20, "AC", 3)]
    board = compute_board(attempts, ICPC, {1: "Zeta", 2: "Alpha", 3: "Mid"}, ["A"])
    assert [(s.rank, s.name) for s in board.standings] == [(1, "Alpha"), (1, "Zeta"), (3, "Mid")]


def test_the_last_accept_breaks_ties_on_solved_and_time():
    attempts = [a(50, "AC", 1, "A"), a(50, "AC", 1, "B"), a(1, "AC", 2, "A"), a(99, "AC", 2, "B")]
    board = compute_board(attempts, ICPC, {1: "one", 2: "two"}, ["A", "B"])
    assert [s.row.time for s in board.standings] == [100, 100]
    assert [s.name for s in board.standings] == ["one", "two"]  # last accept 50 < 99


def test_first_to_solve_waits_for_an_earlier_pending_attempt():
    pending_first = [a(5, None, 1), a(6, "AC", 2)]
    assert first_to_solve(pending_first, ICPC, ["A"]) == {"A": None}
    decided = [a(5, "WA", 1), first := a(6, "AC", 2), a(7, "AC", 1)]
    assert first_to_solve(decided, ICPC, ["A"]) == {"A": first.submission_id}


def test_ioi_takes_the_best_of_each_subtask_across_submissions():
    rules = Rules("ioi", points={"A": 100})
    attempts = [a(1, "WA", subtasks=(30, 0, 0), score=30), a(2, "WA", subtasks=(0, 20, 0), score=20)]
    assert cell(attempts, rules, "A").score == 50
    assert cell([a(1, "AC", score=100, subtasks=(30, 20, 50))], rules, "A").solved


def test_an_assignment_counts_late_work_at_its_credit_and_never_goes_down():
    rules = Rules("assignment")
    attempts = [a(1, "WA", score=60), a(2, "AC", score=100, credit=0.5)]
    assert cell(attempts, rules, "A").score == 60
    assert cell([*attempts, a(3, "AC", score=100, credit=0.8)], rules, "A").score == 80


def test_the_public_sees_post_freeze_attempts_as_pending_and_a_team_its_own():
    attempts = [a(10, "AC", 1), a(250, "AC", 2), a(251, "WA", 1)]
    public = visible(attempts, freeze_seconds=240 * 60, viewer=PUBLIC)
    assert [x.verdict for x in public] == ["AC", None, None]
    own = visible(attempts, freeze_seconds=240 * 60, viewer=Viewer("participant", 2))
    assert [x.verdict for x in own] == ["AC", "AC", None]


def test_awards_give_medals_by_place_with_ties_and_first_to_solve():
    attempts = [a(10, "AC", 1), a(10, "AC", 2), a(20, "AC", 3), a(30, "AC", 4), a(40, "WA", 5)]
    names = {n: f"team {n}" for n in range(1, 6)}
    board = compute_board(attempts, ICPC, names, ["A"])
    given = {x["id"]: x["team_ids"] for x in awards(board, "icpc", gold=1, silver=1, bronze=1,
                                                     solver_of=solvers(attempts))}  # fmt: skip
    assert given["winner"] == ["1", "2"] and given["gold-medal"] == ["1", "2"]
    assert given["silver-medal"] == [] and given["bronze-medal"] == ["3"]
    assert given["first-to-solve-A"] == ["1"]
