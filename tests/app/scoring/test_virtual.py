"""Property tests of a virtual run's board: at any minute the originals keep the places they
had among themselves then, the run takes the place its row earns, and no mark is the run's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.scoring.board import compute_board
from app.scoring.standings import sort_key
from app.scoring.types import Rules
from app.scoring.virtual import as_of, replay_board
from tests.app.scoring.test_properties import END, PROBLEMS, SETTINGS, contests

RUN = 99  # the run's participant id (the originals' are 1 to 5)


@SETTINGS
@given(contests(), contests(), st.integers(0, END + 60), st.sampled_from(["icpc", "ioi"]))
def test_the_run_is_ranked_among_the_originals_as_they_stood_then(originals, run, seconds, mode):
    attempts, names = originals
    own = [a._replace(participant_id=RUN, submission_id=1000 + a.submission_id) for a in run[0]]
    rules = Rules(mode, end_seconds=END)
    board = replay_board(attempts, own, seconds, rules, {**names, RUN: "Vi (virtual)"}, PROBLEMS)
    alone = compute_board(as_of(attempts, seconds), rules, names, PROBLEMS)
    mine = next(s for s in board.standings if s.row.participant_id == RUN)
    assert (
        mine.row == compute_board(as_of(own, seconds), rules, {RUN: ""}, PROBLEMS).standings[0].row
    )
    ahead = sort_key(mine.row, mode)
    for standing in alone.standings:  # one place lower exactly where the run is strictly ahead
        shifted = next(
            s for s in board.standings if s.row.participant_id == standing.row.participant_id
        )
        assert shifted.row == standing.row
        assert shifted.rank == standing.rank + int(ahead < sort_key(standing.row, mode))
    assert mine.rank == 1 + sum(sort_key(s.row, mode) < ahead for s in alone.standings)
    assert board.first == alone.first  # first to solve: the originals' alone
