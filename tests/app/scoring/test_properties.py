"""Property tests: the board against a plain reference, the incremental cache against a full
recompute, the freeze never leaking, and the resolver ending at the final board."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from app.scoring.board import assemble, compute_board
from app.scoring.cells import cell
from app.scoring.freeze import PUBLIC, STAFF, visible
from app.scoring.resolver import reveal_steps
from app.scoring.standings import first_to_solve
from app.scoring.types import Attempt, Rules

PROBLEMS = ["A", "B", "C"]
VERDICTS = ["AC", "WA", "TLE", "RE", "CE", "IE", None]
END = 300 * 60
FREEZE = 240 * 60
SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def contests(draw):
    """A few participants' attempts, with scores and subtasks that agree with the verdicts."""
    teams = draw(st.integers(1, 5))
    count = draw(st.integers(0, 30))
    attempts = []
    for submission_id in range(1, count + 1):
        verdict = draw(st.sampled_from(VERDICTS))
        parts = tuple(draw(st.sampled_from([0.0, 20.0])) for _ in range(3)) + (40.0,)
        if verdict != "AC":
            parts = parts[:3] + (0.0,)
        attempts.append(Attempt(
            submission_id, draw(st.integers(1, teams)), draw(st.sampled_from(PROBLEMS)),
            float(draw(st.integers(0, END + 60))), verdict, score=sum(parts), subtasks=parts,
            credit=draw(st.sampled_from([1.0, 0.8, 0.5])),
        ))  # fmt: skip
    names = {n: f"team {draw(st.integers(0, 3))}" for n in range(1, teams + 1)}
    return attempts, names


def reference_icpc(attempts, names, penalty=20):
    """CLICS ICPC written out plainly, with no shared code."""
    rows = {}
    for team in names:
        solved, total, last = 0, 0, 0
        for label in PROBLEMS:
            mine = sorted((x for x in attempts if x.participant_id == team and x.problem == label
                           and x.at_seconds < END), key=lambda x: (x.at_seconds, x.submission_id))  # fmt: skip
            rejected = 0
            for x in mine:
                if x.verdict in (None, "IE"):
                    continue  # pending: no effect on scoring (CLICS)
                if x.verdict == "AC":
                    minute = int(x.at_seconds // 60)
                    solved, total, last = solved + 1, total + minute + penalty * rejected, max(last, minute)
                    break
                if x.verdict != "CE":
                    rejected += 1
        rows[team] = (solved, total, last)
    order = sorted(names, key=lambda t: (-rows[t][0], rows[t][1], rows[t][2], names[t], t))
    ranks, previous = {}, None
    for index, team in enumerate(order):
        ranks[team] = ranks[previous] if previous and rows[team] == rows[previous] else index + 1
        previous = team
    return [(ranks[t], t, rows[t]) for t in order]


def reference_ioi(attempts, names):
    """IOI written out plainly: best per subtask, summed."""
    totals = {}
    for team in names:
        total = 0.0
        for label in PROBLEMS:
            best = [0.0] * 4
            for x in attempts:
                if (x.participant_id, x.problem) == (team, label) and x.at_seconds < END \
                        and x.verdict not in (None, "IE", "CE"):  # fmt: skip
                    best = [max(b, s) for b, s in zip(best, x.subtasks, strict=True)]
            total += min(100.0, sum(best))
        totals[team] = total
    return sorted(totals.items())


@SETTINGS
@given(contests())
def test_the_icpc_board_matches_a_plain_reference(contest):
    attempts, names = contest
    board = compute_board(attempts, Rules("icpc", end_seconds=END), names, PROBLEMS)
    ours = [(s.rank, s.row.participant_id, (s.row.solved, s.row.time, s.row.last_accept))
            for s in board.standings]  # fmt: skip
    assert ours == reference_icpc(attempts, names)


@SETTINGS
@given(contests())
def test_the_ioi_board_matches_a_plain_reference(contest):
    attempts, names = contest
    board = compute_board(attempts, Rules("ioi", end_seconds=END), names, PROBLEMS)
    ours = sorted((s.row.participant_id, s.row.score) for s in board.standings)
    assert ours == reference_ioi(attempts, names)
    ordered = [s.row.score for s in board.standings]
    assert ordered == sorted(ordered, reverse=True)


@SETTINGS
@given(contests(), st.sampled_from(["icpc", "ioi", "assignment"]), st.randoms())
def test_the_incremental_cache_ends_at_the_full_recompute(contest, mode, rng):
    """Attempts arrive as pending, are judged in any order, and some are rejudged: each time
    only the touched cell is recomputed, and the end is the full recompute's board."""
    attempts, names = contest
    rules = Rules(mode, end_seconds=END)
    known: dict[int, Attempt] = {}
    cells = {}
    events = [("sent", x) for x in attempts] + [("judged", x) for x in attempts]
    events += [("rejudged", x) for x in rng.sample(attempts, k=len(attempts) // 3)]
    rng.shuffle(events)
    events.sort(key=lambda e: e[0] != "sent")  # every submission exists before its verdicts
    for kind, attempt in events:
        if kind == "sent":
            known[attempt.submission_id] = attempt._replace(verdict=None)
        elif kind == "rejudged":
            known[attempt.submission_id] = attempt._replace(verdict=rng.choice(VERDICTS[:-1]))
        else:
            known[attempt.submission_id] = attempt
        key = (attempt.participant_id, attempt.problem)
        cells[key] = cell([x for x in known.values() if (x.participant_id, x.problem) == key], rules, key[1])
    final = list(known.values())
    incremental = assemble(cells, rules, names, PROBLEMS, first_to_solve(final, rules, PROBLEMS))
    assert incremental == compute_board(final, rules, names, PROBLEMS)


@SETTINGS
@given(contests(), st.data())
def test_the_public_board_never_depends_on_a_result_after_the_freeze(contest, data):
    attempts, names = contest
    rules = Rules("icpc", end_seconds=END)
    changed = [
        x._replace(verdict=data.draw(st.sampled_from(VERDICTS)), score=0.0)
        if x.at_seconds >= FREEZE else x
        for x in attempts
    ]  # fmt: skip

    def public(items):
        return compute_board(visible(items, freeze_seconds=FREEZE, viewer=PUBLIC), rules, names, PROBLEMS)

    assert public(attempts) == public(changed)


@SETTINGS
@given(contests(), st.sampled_from(["icpc", "ioi"]))
def test_the_resolver_reveals_only_pending_cells_and_ends_at_the_final_board(contest, mode):
    attempts, names = contest
    rules = Rules(mode, end_seconds=END)
    frozen = visible(attempts, freeze_seconds=FREEZE, viewer=PUBLIC)
    start, steps = reveal_steps(frozen, visible(attempts, freeze_seconds=FREEZE, viewer=STAFF),
                                rules, names, PROBLEMS)  # fmt: skip
    final = compute_board(attempts, rules, names, PROBLEMS)
    end = steps[-1].board if steps else start
    assert [(s.rank, s.row) for s in end.standings] == [(s.rank, s.row) for s in final.standings]
    revealed = defaultdict(int)
    for step in steps:
        revealed[(step.participant_id, step.problem)] += 1
        assert start.cells[(step.participant_id, step.problem)].pending
    assert all(count == 1 for count in revealed.values())
    if steps:
        assert steps[-1].board.first == final.first

