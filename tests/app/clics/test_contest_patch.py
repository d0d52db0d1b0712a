"""PATCH of a contest: the jury sets or clears a start time until 30 s before the start, or
thaws the board once it has ended; teams are refused, the public must sign in."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
import time_machine

from app.clics.feed import events
from app.clics.roles import JURY
from app.extensions import db
from app.models import Round, utcnow
from app.scoring.times import abstime
from tests.app.clics.test_writes import send
from tests.clics import check
from tests.factories import make_round


def _patch(as_role, role: str, round_: Round, **body):
    return send(as_role, role, "patch", f"/contests/{round_.id}", {"id": str(round_.id), **body})


@pytest.fixture
def upcoming(contest):
    """A contest of the same teacher starting in an hour, with a freeze."""
    start = utcnow().replace(microsecond=0) + timedelta(hours=1)
    return make_round(contest["teacher"], contest["problems"], starts_at=start,
                      ends_at=start + timedelta(hours=5), freeze_at=start + timedelta(hours=4))  # fmt: skip


@pytest.mark.parametrize("role, status", [("public", 401), ("team", 403), ("other team", 403)])
def test_only_the_jury_may_patch(as_role, contest, upcoming, role, status):
    later = abstime(upcoming.starts_at + timedelta(hours=1))
    assert _patch(as_role, role, upcoming, start_time=later).status_code == status
    assert _patch(as_role, role, contest["round"], scoreboard_thaw_time=abstime(utcnow())).status_code == status
    access = send(as_role, role, "get", f"/contests/{upcoming.id}/access", None).get_json()
    assert not {"contest_start", "contest_thaw"} & set(access["capabilities"])


def test_the_jury_moves_clears_and_sets_the_start(as_role, upcoming):
    client, headers = as_role["jury"]
    before = client.get(f"/api/v1/contests/{upcoming.id}", headers=headers).get_json()
    later = upcoming.starts_at + timedelta(hours=2)
    response = _patch(as_role, "jury", upcoming, start_time=abstime(later))
    assert response.status_code == 204 and response.get_data() == b""
    moved = client.get(f"/api/v1/contests/{upcoming.id}", headers=headers).get_json()
    check("contest", moved)
    assert moved["start_time"] == abstime(later)
    assert {k: moved[k] for k in ("duration", "scoreboard_freeze_duration")} == {
        k: before[k] for k in ("duration", "scoreboard_freeze_duration")}  # fmt: skip
    # Cleared (with a countdown pause): the contest has no start and never opens.
    response = _patch(as_role, "jury", upcoming, start_time=None, countdown_pause_time="0:10:00.000")
    assert response.status_code == 204
    cleared = client.get(f"/api/v1/contests/{upcoming.id}", headers=headers).get_json()
    check("contest", cleared)
    assert cleared["start_time"] is None and cleared["countdown_pause_time"] == "0:10:00.000"
    assert client.get(f"/api/v1/contests/{upcoming.id}/state", headers=headers).get_json()["started"] is None
    # Set again, even "soon": an unset start has not begun.
    soon = utcnow().replace(microsecond=0) + timedelta(minutes=5)
    assert _patch(as_role, "jury", upcoming, start_time=abstime(soon)).status_code == 204
    again = client.get(f"/api/v1/contests/{upcoming.id}", headers=headers).get_json()
    assert again["start_time"] == abstime(soon) and "countdown_pause_time" not in again
    assert again["duration"] == before["duration"]
    # Every change is an update of the contest in the feed.
    contests = [e for e in events(db.session.get(Round, upcoming.id), JURY, utcnow()) if e.type == "contest"]
    assert [e.data["start_time"] for e in contests[1:]] == [abstime(soon)] * 3


def test_a_start_change_is_refused_as_the_spec_says(as_role, contest, upcoming):
    # In the past or within 30 s: 403.
    for moment in (utcnow() - timedelta(minutes=1), utcnow() + timedelta(seconds=10)):
        assert _patch(as_role, "jury", upcoming, start_time=abstime(moment)).status_code == 403
    # A started contest, or one starting within 30 s: 403.
    started = _patch(as_role, "jury", contest["round"], start_time=abstime(utcnow() + timedelta(hours=1)))
    assert started.status_code == 403 and started.get_json()["error"]["code"] == "forbidden"
    with time_machine.travel((upcoming.starts_at - timedelta(seconds=20)).replace(tzinfo=UTC)):
        late = abstime(upcoming.starts_at + timedelta(hours=1))
        assert _patch(as_role, "jury", upcoming, start_time=late).status_code == 403
    # Malformed: 400 (a wrong id, a bad time, a pause with a start, nothing to change).
    for body in ({"id": "999", "start_time": None}, {"start_time": "tomorrow"},
                 {"start_time": abstime(upcoming.starts_at + timedelta(hours=1)), "countdown_pause_time": "0:01:00"},
                 {"name": "Renamed"}):  # fmt: skip
        sent = send(as_role, "jury", "patch", f"/contests/{upcoming.id}", {"id": str(upcoming.id), **body})
        assert sent.status_code == 400, body


def test_the_jury_thaws_an_ended_contest(as_role, contest):
    round_ = db.session.get(Round, contest["round"].id)
    # Before the end, or in the future: 403.
    assert _patch(as_role, "jury", round_, scoreboard_thaw_time=abstime(utcnow())).status_code == 403
    with time_machine.travel((round_.ends_at + timedelta(minutes=10)).replace(tzinfo=UTC), tick=False):
        future = abstime(utcnow() + timedelta(hours=1))
        assert _patch(as_role, "jury", round_, scoreboard_thaw_time=future).status_code == 403
        # A thaw time that has passed: thawed now, 200 with the contest.
        response = _patch(as_role, "jury", round_, scoreboard_thaw_time=abstime(round_.ends_at))
        assert response.status_code == 200
        check("contest", response.get_json())
        assert response.get_json()["id"] == str(round_.id)
        client, _ = as_role["public"]
        state = client.get(f"/api/v1/contests/{round_.id}/state").get_json()
        assert state["thawed"] == abstime(utcnow())
        # Thawed already: 403.
        assert _patch(as_role, "jury", round_, scoreboard_thaw_time=abstime(utcnow())).status_code == 403
    # The public board now shows the post-freeze results (Bob's B).
    board = client.get(f"/api/v1/contests/{round_.id}/scoreboard").get_json()
    bob = next(r for r in board["rows"] if r["team_id"] == str(contest["late"].participant_id))
    assert bob["score"]["num_solved"] == 1 and any(p["solved"] for p in bob["problems"] if p["problem_id"] == "B")


def test_the_service_decides_the_role_itself(contest, upcoming):
    """Authorization is the service's: it asks who the user is in the round, never trusts a
    role handed in, so a team member calling it (from a CLI, a job) is refused."""
    from app.clics import contest_patch
    from app.errors import Forbidden

    later = abstime(upcoming.starts_at + timedelta(hours=1))
    for user in (contest["ada"], contest["cy"]):
        with pytest.raises(Forbidden):
            contest_patch.patch(user, upcoming, {"id": str(upcoming.id), "start_time": later}, utcnow())
    before = upcoming.starts_at
    assert contest_patch.patch(contest["teacher"], upcoming, {"id": str(upcoming.id), "start_time": later},
                               utcnow()) is None  # fmt: skip
    assert upcoming.starts_at == before + timedelta(hours=1)


def test_a_start_out_of_range_is_a_400(as_role, upcoming):
    for moment in ("9999-12-31T23:00:00.000+00:00", "9999-12-31T18:00:00+00:00"):
        response = _patch(as_role, "jury", upcoming, start_time=moment)
        assert response.status_code == 400, response.get_data()
        assert response.get_json()["error"]["code"] == "invalid"
    assert db.session.get(Round, upcoming.id).starts_at == upcoming.starts_at
