"""Virtual participation: a student replays a finalized contest in a window of their own, is
judged as usual, and is ranked against the original contestants as they stood at the same
minute, while every official output (board, CSV, CLICS scoreboard, awards, the score cache's
counts and marks, the resolver) stays exactly as it was."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.clics import service as clics
from app.clics.roles import JURY, SPECTATOR
from app.contests import participation
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.models import Participant, Round, ScoreRow, Submission
from app.scoring import boards, cache, virtual
from app.scoring.freeze import PUBLIC, STAFF, Viewer
from tests.app.contests.replays import FINAL, ORIGINAL, RUN, T0, at, finalized_contest
from tests.conftest import AuthActions
from tests.factories import make_round, make_user

LATER = T0 + timedelta(days=2)


@pytest.fixture
def replay(app):
    return finalized_contest(app)


def official(round_id: int) -> dict[str, Any]:
    """Every official output of the round, for each audience, as read at one moment."""
    db.session.expire_all()
    round_ = db.session.get(Round, round_id)
    ada = db.session.scalar(select(Participant.id).where(Participant.round_id == round_id,
                                                         Participant.name == "Ada"))  # fmt: skip
    found: dict[str, Any] = {}
    for name, viewer in (("jury", STAFF), ("public", PUBLIC), ("ada", Viewer("participant", ada))):
        seen = boards.seen_board(round_, viewer)
        found[name] = (boards.board_json(seen, LATER), boards.board_csv(seen),
                       boards.round_awards(round_, viewer),
                       json.loads(boards.board_response(round_, viewer, LATER)))  # fmt: skip
    for role in (JURY, SPECTATOR):
        found[f"clics-{role.kind}"] = (clics.scoreboard(round_, role, LATER),
                                       clics.awards(round_, role))  # fmt: skip
    found["resolver"] = boards.resolver_json(round_, LATER)
    found["marks"] = {p.label: (p.counts, p.firsts) for p in round_.problems}
    return found


def names_in_order(board: dict[str, Any]) -> list[tuple[int, str]]:
    rows = {row["participant_id"]: row for row in board["rows"]}
    return [(rank, rows[pid]["name"]) for pid, rank in board["order"]]


def test_only_a_finalized_contest_is_replayed_and_only_by_someone_not_on_it(app, replay):
    round_, people = replay.round, replay.people
    ended = make_round(replay.teacher, starts_at=T0, ends_at=T0 + timedelta(hours=1))
    with at(RUN):
        with pytest.raises(Conflict, match="results are final"):
            participation.start_virtual(people["vi"], ended)  # ended, not finalized
        with pytest.raises(Conflict, match="took part"):
            participation.start_virtual(people["ada"], round_)
        with pytest.raises(Forbidden):
            participation.start_virtual(replay.teacher, round_)
    first = replay.start()
    again = replay.start(RUN + timedelta(minutes=1))  # a second press: the first window stays
    assert first.id == again.id and again.started_at == RUN and again.is_replay
    assert again.name == "Vi (virtual)"


def test_a_late_submission_does_not_register_and_a_virtual_run_still_can(replay):
    with pytest.raises(Conflict, match="Start a virtual contest"):
        replay.send("vi", "A", RUN, "AC")  # after the end, without a run: nobody new stands
    sent = select(func.count(Submission.id)).where(Submission.round_id == replay.round.id)
    assert db.session.scalar(sent) == len(ORIGINAL)
    assert participation.participant_of(replay.people["vi"], replay.round) is None
    replay.start()


def test_the_run_submits_in_its_own_window_on_a_finalized_contest(replay):
    with pytest.raises(Conflict, match="finalized"):
        replay.send("ada", "A", RUN, "AC")  # an original participant: the round is closed
    run = replay.start()
    sent = replay.send("vi", "A", RUN + timedelta(minutes=119, seconds=59), "AC")
    assert sent.participant_id == run.id and sent.judgements[-1].final_verdict == "AC"
    with pytest.raises(Conflict, match="Your time is up"):
        replay.send("vi", "B", RUN + timedelta(hours=2), "AC")  # the window is the contest's length


def test_a_virtual_run_leaves_every_official_output_as_it_was(replay):
    round_id = replay.round.id
    before = official(round_id)
    jury_order = names_in_order(before["jury"][0])
    assert jury_order == [(1, "Ada"), (2, "Bob"), (3, "Cy")]
    run = replay.run()  # two problems solved in 65 minutes: she would be first
    with at(LATER):
        assert official(round_id) == before
        cache.rebuild(db.session.get(Round, round_id))  # a full recompute agrees
        db.session.commit()
        assert official(round_id) == before
    rows = db.session.scalars(select(ScoreRow).where(ScoreRow.participant_id == run.id)).all()
    assert {r.audience for r in rows} == {"jury", "public"}  # the run's own cells are kept
    awards = {a["id"]: a["team_ids"] for a in before["jury"][2]}
    ids = {p.name: str(p.id) for p in db.session.get(Round, round_id).participants}
    ada, bob, cy = ids["Ada"], ids["Bob"], ids["Cy"]
    assert (awards["winner"], awards["gold-medal"], awards["silver-medal"],
            awards["bronze-medal"]) == ([ada], [ada], [bob], [cy])  # fmt: skip


def test_the_run_is_ranked_against_the_originals_at_the_same_minute(replay):
    run = replay.start()
    replay.send("vi", "A", RUN + timedelta(minutes=15), "AC")
    round_ = db.session.get(Round, replay.round.id)

    def board(minutes: float) -> dict[str, Any]:
        db.session.expire_all()
        return virtual.replay_json(round_, db.session.get(Participant, run.id),
                                   RUN + timedelta(minutes=minutes))  # fmt: skip

    at_20 = board(20)  # Bob's accept at minute 30 has not happened yet
    assert names_in_order(at_20) == [(1, "Ada"), (2, "Vi (virtual)"), (3, "Bob"), (3, "Cy")]
    bob = next(r for r in at_20["rows"] if r["name"] == "Bob")
    assert (bob["cells"]["A"]["judged"], bob["cells"]["A"]["solved"]) == (1, False)
    assert at_20["virtual"]["minute"] == 20 and not at_20["round"]["frozen"]
    assert [r["virtual"] for r in at_20["rows"] if r["virtual"]] == [True]
    assert names_in_order(board(45)) == [(1, "Ada"), (2, "Vi (virtual)"), (3, "Bob"), (4, "Cy")]
    replay.send("vi", "B", RUN + timedelta(minutes=50), "AC")
    over = board(24 * 60)  # long after the window: the originals' whole contest
    assert over["virtual"]["minute"] == 120 and over["round"]["frozen"]
    assert names_in_order(over) == [(1, "Vi (virtual)"), (2, "Ada"), (3, "Bob"), (4, "Cy")]
    cells = {r["name"]: r["cells"] for r in over["rows"]}
    assert cells["Ada"]["B"]["pending"] == 1  # after the freeze, as the public saw it
    assert cells["Vi (virtual)"]["A"] == {"judged": 1, "pending": 0, "solved": True, "time": 15,
                                          "score": 0.0, "first": False}  # fmt: skip
    # First to solve stays the originals': Cy's B at 60, not the run's at 50.
    assert cells["Cy"]["B"]["first"] and cells["Ada"]["A"]["first"]
    assert not cells["Vi (virtual)"]["B"]["first"]


def test_the_run_reads_its_own_board_and_everyone_else_the_official_one(client, replay):
    round_id = replay.round.id
    run = replay.run()
    auth = AuthActions(client)
    with at(RUN + timedelta(minutes=20)):
        auth.login(replay.people["vi"].email)
        page = client.get(f"/rounds/{round_id}/board").text
        assert 'data-testid="virtual-banner"' in page and "data-poll-seconds" in page
        mine = client.get(f"/rounds/{round_id}/board.json").get_json()
        assert mine["virtual"]["participant_id"] == run.id
        assert (1, "Ada") in names_in_order(mine) and (2, "Vi (virtual)") in names_in_order(mine)
        assert "Vi" not in client.get(f"/rounds/{round_id}/board.csv").text  # the official CSV
        home = client.get(f"/rounds/{round_id}").text
        assert 'data-testid="virtual-run"' in home and 'data-testid="virtual"' not in home
        auth.logout()
        auth.login(replay.people["ada"].email)
        theirs = client.get(f"/rounds/{round_id}/board.json").get_json()
        assert "virtual" not in theirs and names_in_order(theirs)[0] == (1, "Ada")
        assert all(row["name"] != "Vi (virtual)" for row in theirs["rows"])
        auth.logout()
        auth.login(make_user(name="Newcomer").email)
        assert 'data-testid="virtual"' in client.get(f"/rounds/{round_id}").text


def test_the_start_button_waits_for_the_final_results(client, app):
    teacher = make_user(role="teacher")
    ended = make_round(teacher, starts_at=T0, ends_at=T0 + timedelta(hours=1))
    student = make_user()
    with at(FINAL):
        AuthActions(client).login(student.email)
        page = client.get(f"/rounds/{ended.id}").text
        assert 'data-testid="virtual"' not in page and "Once its results are final" in page


def test_a_virtual_run_is_no_grade_and_pays_practice_xp_at_once(replay):
    """The grade export leaves a replay out; an accept after the run's own freeze minute pays
    at once (the original's freeze held back only results on the official board)."""
    from datetime import timedelta

    from app.models import XpEntry
    from tests.app.contests.replays import RUN

    replay.start()
    replay.send("vi", "B", RUN + timedelta(minutes=100), "AC")  # after the minute-90 freeze
    round_ = db.session.get(Round, replay.round.id)
    grades = boards.grades_csv(round_)
    assert "Ada" in grades and "Vi" not in grades
    paid = db.session.scalars(select(XpEntry.amount).where(
        XpEntry.user_id == replay.people["vi"].id)).all()  # fmt: skip
    assert sum(paid) > 0
