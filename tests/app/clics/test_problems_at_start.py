"""The problems are the jury's until the start, as on codedev's own pages: the public and the
teams are served none and the feed tells them of none; at the start they appear, the feed's
problem events keyed at the start time."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

import time_machine

from app.auth.service import create_token
from app.clics.feed import micros
from app.contests.participation import join
from app.models import utcnow
from tests.app.clics.conftest import basic
from tests.factories import PASSWORD, make_challenge, make_round, make_user


def test_the_public_and_the_teams_see_no_problems_before_the_start(app):
    app.config.update(CLICS_FEED_SETTLE_SECONDS=0)
    teacher, ada = make_user(role="teacher"), make_user(name="Ada")
    problems = [make_challenge(owner_id=teacher.id, title=t) for t in ("Apples", "Bananas")]
    start = utcnow().replace(microsecond=0) + timedelta(hours=1)
    round_ = make_round(teacher, problems, starts_at=start, ends_at=start + timedelta(hours=2))
    join(ada, round_)
    roles = {"public": {}, "team": basic(ada.email, PASSWORD),
             "jury": basic(teacher.email, create_token(teacher))}  # fmt: skip
    client, base = app.test_client(), f"/api/v1/contests/{round_.id}"

    def seen(role: str) -> tuple[list[str], list[dict], int]:
        headers = roles[role]
        served = client.get(f"{base}/problems", headers=headers).get_json()
        lines = client.get(f"{base}/event-feed?stream=false", headers=headers).get_data(as_text=True)
        events = [json.loads(line) for line in lines.splitlines() if line]
        one = client.get(f"{base}/problems/A", headers=headers).status_code
        return [p["id"] for p in served], [e for e in events if e["type"] == "problems"], one

    assert seen("jury")[0] == ["A", "B"] and len(seen("jury")[1]) == 2
    for role in ("public", "team"):
        assert seen(role) == ([], [], 404), role
    with time_machine.travel((start + timedelta(seconds=1)).replace(tzinfo=UTC), tick=False):
        for role in ("public", "team"):
            served, events, one = seen(role)
            assert served == ["A", "B"] and one == 200
            assert [e["id"] for e in events] == ["A", "B"]
            assert {int(e["token"].split(".")[0]) for e in events} == {micros(start)}
