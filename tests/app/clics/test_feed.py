"""The event feed: every line validates strictly, objects come after what they reference,
tokens resume without loss or duplication, the freeze holds per role, the stream keeps alive
and ends after end_of_updates."""

from __future__ import annotations

import json
from datetime import UTC, timedelta
from typing import Any

import pytest
import time_machine

from app.contests import state
from app.extensions import db
from app.models import Round, utcnow
from app.submissions.service import create_submission
from tests.app.clics.conftest import GOOD, judge
from tests.clics import check

REFERENCES = {"team_id": "teams", "problem_id": "problems", "language_id": "languages",
              "submission_id": "submissions", "judgement_id": "judgements",
              "from_team_id": "teams", "to_team_id": "teams", "reply_to_id": "clarifications",
              "person_id": "persons", "judgement_type_id": "judgement-types"}  # fmt: skip
LISTS = {"group_ids": "groups", "team_ids": "teams"}


def feed(as_role, role: str, **params: str) -> list[dict[str, Any]]:
    client, headers = as_role[role]
    query = "&".join(f"{k}={v}" for k, v in {"stream": "false", **params}.items())
    response = client.get(f"/api/v1/contests/{as_role['cid']}/event-feed?{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/x-ndjson"
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines() if line]


def assert_referentially_ordered(events: list[dict[str, Any]]) -> None:
    seen: set[tuple[str, str]] = set()
    for event in events:
        data = event["data"]
        if isinstance(data, dict):
            for name, target in REFERENCES.items():
                if data.get(name) is not None:
                    assert (target, data[name]) in seen, (event, name)
            for name, target in LISTS.items():
                for ref in data.get(name) or []:
                    if event["type"] != "awards":
                        assert (target, ref) in seen, (event, name)
        if event["id"] is not None:
            seen.add((event["type"], event["id"]))


@pytest.mark.parametrize("role", ["public", "team", "jury"])
def test_every_line_validates_and_comes_after_what_it_references(roles, contest, role):
    events = feed(roles, role)
    for event in events:
        check("event-feed", event)
    assert events[0]["type"] == "contest"
    assert_referentially_ordered(events)
    tokens = [e["token"] for e in events]
    assert len(set(tokens)) == len(tokens)
    types = {e["type"] for e in events}
    assert {"contest", "judgement-types", "languages", "problems", "groups", "teams", "state",
            "submissions", "judgements", "clarifications"} <= types  # fmt: skip
    # The last state event is the state now.
    client, headers = roles["public"]
    now_state = client.get(f"/api/v1/contests/{contest['round'].id}/state").get_json()
    assert [e["data"] for e in events if e["type"] == "state"][-1] == now_state


def _judged(events, submission) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "judgements" and e["data"]["submission_id"] == str(submission.id)]


def test_the_freeze_holds_in_the_feed_until_the_thaw(roles, contest):
    late, ada_late = contest["late"], contest["ada_late"]
    public, team, jury = feed(roles, "public"), feed(roles, "team"), feed(roles, "jury")
    assert _judged(jury, late) and _judged(jury, ada_late)
    assert not _judged(public, late) and not _judged(public, ada_late)
    assert _judged(team, ada_late) and not _judged(team, late)  # Ada's own, not Bob's
    hidden = {e["id"] for s in (late, ada_late) for e in _judged(jury, s)}
    for events in (public,):
        assert not hidden & {e["data"]["judgement_id"] for e in events if e["type"] == "runs"}
    # After the thaw, a public client resuming from its last token gets the results.
    last = public[-1]["token"]
    state.thaw(None, db.session.get(Round, contest["round"].id))
    resumed = feed(roles, "public", since_token=last)
    verdicts = {e["data"]["submission_id"]: e["data"]["judgement_type_id"] for e in resumed
                if e["type"] == "judgements" and e["data"]["judgement_type_id"]}  # fmt: skip
    assert verdicts == {str(late.id): "AC", str(ada_late.id): "WA"}
    assert [e["data"]["thawed"] is not None for e in resumed if e["type"] == "state"] == [True]
    # The resumed feed is exactly the rest of a fresh one.
    fresh = feed(roles, "public")
    assert [e["token"] for e in fresh] == [e["token"] for e in public + resumed]


def test_resume_by_token_loses_and_duplicates_nothing_mid_contest(roles, contest):
    before = feed(roles, "jury")
    middle = len(before) // 2
    head = before[: middle + 1]
    # The contest goes on while the client is away: a new submission, a rejudge's verdict.
    round_ = contest["round"]
    with time_machine.travel((utcnow() - timedelta(minutes=1)).replace(tzinfo=UTC), tick=False):
        new = create_submission(contest["cy"], contest["problems"][1], "python3", GOOD, round_=round_)
        judge(new, "TLE")
    rest = feed(roles, "jury", since_token=head[-1]["token"])
    fresh = feed(roles, "jury")
    assert [e["token"] for e in head + rest] == [e["token"] for e in fresh]
    assert head + rest == fresh
    assert _judged(rest, new)[-1]["data"]["judgement_type_id"] == "TLE"


def test_a_token_the_server_never_gave_is_refused(roles):
    client, headers = roles["public"]
    response = client.get(f"/api/v1/contests/{roles['cid']}/event-feed?since_token=bogus")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_token"


def test_the_stream_keeps_alive_and_resumes(app, roles, contest):
    app.config.update(CLICS_FEED_POLL_SECONDS=0.01, CLICS_FEED_KEEPALIVE_SECONDS=0.05)
    client, headers = roles["jury"]
    everything = feed(roles, "jury")
    response = client.get(f"/api/v1/contests/{roles['cid']}/event-feed", headers=headers,
                          buffered=False)  # fmt: skip
    chunks = response.response
    got: list[str] = []
    for chunk in chunks:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        got.append(text)
        if text == "\n":  # nothing new: the keep-alive newline
            break
    response.close()
    lines = [json.loads(t) for t in got if t.strip()]
    assert lines == everything and got[-1] == "\n"
    # A new event after the reconnect, streamed from the token.
    with time_machine.travel((utcnow() - timedelta(seconds=30)).replace(tzinfo=UTC), tick=False):
        new = create_submission(contest["cy"], contest["problems"][1], "python3", GOOD,
                                round_=contest["round"])  # fmt: skip
    response = client.get(f"/api/v1/contests/{roles['cid']}/event-feed?since_token={lines[-1]['token']}",
                          headers=headers, buffered=False)  # fmt: skip
    first = json.loads(next(iter(response.response)))
    response.close()
    assert first["type"] == "submissions" and first["id"] == str(new.id)


def test_the_stream_ends_after_end_of_updates(app, roles, contest):
    app.config.update(CLICS_FEED_POLL_SECONDS=0.01)
    round_ = db.session.get(Round, contest["round"].id)
    with time_machine.travel((round_.ends_at + timedelta(minutes=5)).replace(tzinfo=UTC), tick=False):
        judge(contest["cy"] and round_.participants and _pending(round_), "AC")
        state.thaw(None, round_)
        state.finalize(None, round_)
        client, headers = roles["public"]
        body = client.get(f"/api/v1/contests/{round_.id}/event-feed").get_data(as_text=True)
        events = [json.loads(line) for line in body.splitlines() if line]
        # A client that resumes after the end of updates gets nothing, and the stream ends.
        again = client.get(f"/api/v1/contests/{round_.id}/event-feed?since_token={events[-1]['token']}")
        assert again.get_data(as_text=True) == ""
    assert events[-1]["type"] == "state" and events[-1]["data"]["end_of_updates"]
    assert [e["type"] for e in events].count("awards") >= 5
    assert_referentially_ordered(events)


def _pending(round_):
    from sqlalchemy import select

    from app.models import Judgement, Submission

    return db.session.scalar(
        select(Submission).join(Judgement).where(Submission.round_id == round_.id,
                                                 Judgement.status == "queued"))  # fmt: skip


def test_another_app_on_a_wiped_database_is_never_served_this_ones_events(app, stack):
    """A shared derivation belongs to its app: another app (here a test's, on a database wiped
    and refilled, so the round has the same id and times) derives its own round's events."""
    from app import create_app
    from app.clics.feed import shared_events
    from app.clics.roles import SPECTATOR
    from tests.conftest import _empty, config_for
    from tests.factories import make_round

    moment = utcnow().replace(microsecond=0)
    with time_machine.travel(moment.replace(tzinfo=UTC), tick=False):
        first = make_round(name="Spring Open")
        assert shared_events(first, SPECTATOR, moment)[0].data["name"] == "Spring Open"
        held = (first.id, first.created_at)
        db.session.remove()  # no open transaction in the way of the wipe
        other = create_app(config_for(stack))
        _empty(other)
        with other.app_context():
            second = make_round(name="Autumn Open")
            assert (second.id, second.created_at) == held
            assert shared_events(second, SPECTATOR, moment)[0].data["name"] == "Autumn Open"
            db.session.remove()
