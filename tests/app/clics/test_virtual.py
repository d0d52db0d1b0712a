"""A virtual run is no part of the contest's CLICS data: its team, members, submissions,
judgements and runs are neither served nor told in the event feed, which stays event for event
as it was (the contest here was finalized while frozen, so its feed has not ended)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clics import feed
from app.clics import service as clics
from app.clics.roles import JURY, SPECTATOR, Role
from app.extensions import db
from app.models import Round
from tests.app.contests.replays import RUN, finalized_contest

SERVED = ("teams", "persons", "accounts", "submissions", "judgements", "runs")
LATER = RUN + timedelta(days=1)


def served(round_id: int, role: Role) -> tuple[dict[str, list], list[feed.Event]]:
    db.session.expire_all()
    round_ = db.session.get(Round, round_id)
    collections = {name: clics.collection(round_, role, name, LATER) for name in SERVED}
    return collections, feed.events(round_, role, feed.FAR_FUTURE)


@pytest.mark.parametrize("role", [JURY, SPECTATOR], ids=["jury", "public"])
def test_a_virtual_run_adds_nothing_to_the_contests_clics_data(app, role):
    replay = finalized_contest(app)
    round_id = replay.round.id
    before = served(round_id, role)
    assert before[0]["submissions"] and not any(e.key[1] == feed.END_OF_UPDATES for e in before[1])
    run = replay.run()
    assert served(round_id, role) == before
    own = served(round_id, Role("team", run.id))  # not even to the run itself
    assert str(run.id) not in {team["id"] for team in own[0]["teams"]}
    assert not [s for s in own[0]["submissions"] if s["team_id"] == str(run.id)]
