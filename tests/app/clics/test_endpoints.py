"""The CLICS endpoints for every role: each answer validates strictly against the spec's
schemas, carries only what `access` lists, and no public or team answer leaks a verdict of
another team's submission made after the freeze."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from app.clics.service import COLLECTIONS
from tests.clics import check
from tests.factories import PASSWORD

ROLES = ("public", "team", "other team", "jury")
SINGULAR = {"judgement-types": "judgement-type", "languages": "language", "problems": "problem",
            "groups": "group", "organizations": "organization", "teams": "team",
            "persons": "person", "accounts": "account", "submissions": "submission",
            "judgements": "judgement", "runs": "run", "clarifications": "clarification",
            "awards": "award"}  # fmt: skip


def get(as_role, role: str, path: str, status: int = 200):
    client, headers = as_role[role]
    response = client.get(f"/api/v1{path}", headers=headers)
    assert response.status_code == status, (role, path, response.get_data(as_text=True))
    return response.get_json()


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_validates_strictly_for_every_role(as_role, contest, role):
    cid = contest["round"].id
    check("api_information", get(as_role, role, ""))
    check("contests", get(as_role, role, "/contests"))
    check("contest", get(as_role, role, f"/contests/{cid}"))
    access = get(as_role, role, f"/contests/{cid}/access")
    check("access", access)
    served = {e["type"]: set(e["properties"]) for e in access["endpoints"]}
    check("state", get(as_role, role, f"/contests/{cid}/state"))
    check("scoreboard", get(as_role, role, f"/contests/{cid}/scoreboard"))
    assert set(get(as_role, role, f"/contests/{cid}")) <= served["contest"]
    for endpoint in COLLECTIONS:
        items = get(as_role, role, f"/contests/{cid}/{endpoint}")
        check(endpoint, items)
        for item in items:
            assert set(item) <= served[endpoint], (endpoint, item)
            check(SINGULAR[endpoint], item)
        if items:  # one object by its id is the collection's object
            assert get(as_role, role, f"/contests/{cid}/{endpoint}/{items[-1]['id']}") == items[-1]
        get(as_role, role, f"/contests/{cid}/{endpoint}/nope", status=404)
    counts = {e: len(get(as_role, role, f"/contests/{cid}/{e}")) for e in COLLECTIONS}
    assert counts["submissions"] == 6 and counts["problems"] == 2 and counts["teams"] == 3
    assert counts["groups"] == 2


def test_the_contest_says_how_it_scores(as_role, contest):
    round_ = contest["round"]
    data = get(as_role, "public", f"/contests/{round_.id}")
    assert data == {"id": str(round_.id), "name": round_.name, "formal_name": round_.name,
                    "start_time": f"{round_.starts_at:%Y-%m-%dT%H:%M:%S}.000+00:00",
                    "duration": "3:00:00.000", "scoreboard_freeze_duration": "1:30:00.000",
                    "scoreboard_type": "pass-fail", "penalty_time": 20}  # fmt: skip
    types = {t["id"]: t for t in get(as_role, "public", f"/contests/{round_.id}/judgement-types")}
    assert types["CE"]["penalty"] is False and types["WA"]["penalty"] is True
    assert types["AC"]["solved"] and not types["WA"]["solved"]


def _hidden_ids(contest) -> set[str]:
    return {str(contest["late"].id), str(contest["ada_late"].id)}


def test_the_freeze_holds_for_the_public_and_other_teams(as_role, contest):
    cid, late, ada_late = contest["round"].id, contest["late"], contest["ada_late"]
    judged = {role: {j["submission_id"]: j for j in get(as_role, role, f"/contests/{cid}/judgements")}
              for role in ROLES}  # fmt: skip
    assert _hidden_ids(contest) <= judged["jury"].keys()
    assert not _hidden_ids(contest) & judged["public"].keys()
    # A team sees its own result after the freeze, not the other team's.
    assert str(ada_late.id) in judged["team"] and str(late.id) not in judged["team"]
    assert str(late.id) in judged["other team"] and str(ada_late.id) not in judged["other team"]
    hidden_judgements = {str(j.id) for s in (late, ada_late) for j in s.judgements}
    for role, own in (("public", set()), ("team", {str(j.id) for j in ada_late.judgements})):
        runs = {r["judgement_id"] for r in get(as_role, role, f"/contests/{cid}/runs")}
        assert not (hidden_judgements - own) & runs
        # The submissions show, as on the board: that they exist, not what they got.
        sent = {s["id"] for s in get(as_role, role, f"/contests/{cid}/submissions")}
        assert _hidden_ids(contest) <= sent
        rows = {r["team_id"]: r for r in get(as_role, role, f"/contests/{cid}/scoreboard")["rows"]}
        bob_b = next(p for p in rows[str(late.participant_id)]["problems"] if p["problem_id"] == "B")
        assert bob_b["num_pending"] == 1 and not bob_b["solved"]
        awards = get(as_role, role, f"/contests/{cid}/awards")
        assert all(str(late.participant_id) not in a["team_ids"]
                   for a in awards if a["id"] == "first-to-solve-B")  # fmt: skip
        assert not [a for a in awards if a["id"] == "first-to-solve-B"][0]["team_ids"]


def test_the_jury_board_has_every_result(as_role, contest):
    cid, late = contest["round"].id, contest["late"]
    rows = {r["team_id"]: r for r in get(as_role, "jury", f"/contests/{cid}/scoreboard")["rows"]}
    bob_b = next(p for p in rows[str(late.participant_id)]["problems"] if p["problem_id"] == "B")
    assert bob_b["solved"] and bob_b["num_pending"] == 0


def test_a_group_scoreboard_ranks_its_own_teams_and_an_unknown_group_is_refused(as_role, contest):
    cid = contest["round"].id
    groups = {g["name"]: g["id"] for g in get(as_role, "public", f"/contests/{cid}/groups")}
    assert groups["north"] == "north" and groups["South Wing"].startswith("g")
    north = get(as_role, "public", f"/contests/{cid}/scoreboard?group_id=north")
    check("scoreboard", north)
    ids = {contest[n].id for n in ("ada", "bob")}
    assert {int(r["team_id"]) for r in north["rows"]} == {p for p in _participants(contest, ids)}
    south = get(as_role, "public", f"/contests/{cid}/scoreboard?group_id={groups['South Wing']}")
    assert [r["rank"] for r in south["rows"]] == [1]
    get(as_role, "public", f"/contests/{cid}/scoreboard?group_id=nowhere", status=404)
    teams = {t["name"]: t for t in get(as_role, "public", f"/contests/{cid}/teams")}
    assert teams["Ada"]["group_ids"] == ["north"]


def _participants(contest, user_ids: set[int]) -> set[int]:
    round_ = contest["round"]
    return {p.id for p in round_.participants for m in p.members if m.user_id in user_ids}


def test_collections_filter_on_id_properties(as_role, contest):
    cid, late = contest["round"].id, contest["late"]
    mine = get(as_role, "jury", f"/contests/{cid}/judgements?submission_id={late.id}")
    assert [j["submission_id"] for j in mine] == [str(late.id)]
    team = str(late.participant_id)
    sent = get(as_role, "jury", f"/contests/{cid}/submissions?team_id={team}")
    assert len(sent) == 3 and {s["team_id"] for s in sent} == {team}
    announcements = get(as_role, "public", f"/contests/{cid}/clarifications?from_team_id=")
    assert [c["text"] for c in announcements] == ["Welcome!"]


def test_files_are_the_jury_and_the_sending_teams_only(as_role, contest):
    cid, ada_late = contest["round"].id, contest["ada_late"]
    path = f"/contests/{cid}/submissions/{ada_late.id}"
    assert get(as_role, "public", path)["files"] == []
    assert get(as_role, "other team", path)["files"] == []
    href = get(as_role, "team", path)["files"][0]["href"]
    assert href == f"contests/{cid}/submissions/{ada_late.id}/files"
    for role in ("team", "jury"):
        client, headers = as_role[role]
        response = client.get(f"/api/v1/{href}", headers=headers)
        assert response.status_code == 200 and response.mimetype == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(response.data))
        assert archive.read(archive.namelist()[0]).decode() == ada_late.source
    for role in ("public", "other team"):
        client, headers = as_role[role]
        assert client.get(f"/api/v1/{href}", headers=headers).status_code == 404


def test_persons_and_accounts_are_the_jurys_or_ones_own(as_role, contest):
    cid = contest["round"].id
    assert get(as_role, "public", f"/contests/{cid}/persons") == []
    assert get(as_role, "public", f"/contests/{cid}/accounts") == []
    assert [p["name"] for p in get(as_role, "team", f"/contests/{cid}/persons")] == ["Ada"]
    assert [a["username"] for a in get(as_role, "team", f"/contests/{cid}/accounts")] == [contest["ada"].email]
    jury = get(as_role, "jury", f"/contests/{cid}/persons")
    assert len(jury) == 3 and all("email" in p for p in jury)


def test_wrong_credentials_are_refused_and_unknown_contests_are_not_found(app, contest):
    from tests.app.clics.conftest import basic

    client, cid = app.test_client(), contest["round"].id
    response = client.get(f"/api/v1/contests/{cid}/state", headers=basic(contest["ada"].email, "nope"))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert client.get(f"/api/v1/contests/{cid}/state",
                      headers=basic(contest["ada"].email, PASSWORD)).status_code == 200  # fmt: skip
    assert client.get("/api/v1/contests/999999").status_code == 404
    assert client.get("/api/v1/contests/nope/teams").status_code == 404


def test_a_course_round_is_not_public(app, contest):
    from app.extensions import db

    round_ = contest["round"]
    round_.visibility = "course"
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/api/v1/contests/{round_.id}/scoreboard").status_code == 404
    assert str(round_.id) not in {c["id"] for c in client.get("/api/v1/contests").get_json()}


@pytest.mark.parametrize("public", [False, True])
def test_the_cli_prints_the_board_the_api_serves(as_role, contest, runner, public):
    cid = contest["round"].id
    served = get(as_role, "public" if public else "jury", f"/contests/{cid}/scoreboard")
    printed = json.loads(runner.invoke(args=["contests", "scoreboard", str(cid),
                                             *(["--public"] if public else [])]).output)  # fmt: skip
    for board in (served, printed):
        board.pop("time"), board.pop("contest_time")
    assert printed == served
    awards = get(as_role, "public" if public else "jury", f"/contests/{cid}/awards")
    printed_awards = runner.invoke(args=["contests", "awards", str(cid), *(["--public"] if public else [])])
    assert json.loads(printed_awards.output) == awards


def test_the_cli_prints_a_group_board_as_the_api_serves_it(as_role, contest, runner):
    cid = contest["round"].id
    groups = {g["name"]: g["id"] for g in get(as_role, "public", f"/contests/{cid}/groups")}
    for name in ("north", "South Wing"):
        served = get(as_role, "jury", f"/contests/{cid}/scoreboard?group_id={groups[name]}")
        for group in {name, groups[name]}:  # the section's name or its CLICS id
            printed = json.loads(runner.invoke(args=["contests", "scoreboard", str(cid), "--group", group]).output)
            for board in (served, printed):
                board.pop("time", None), board.pop("contest_time", None)
            assert printed == served and printed["rows"]


def _walk(value):
    """Every JSON object inside a value."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


@pytest.mark.parametrize("role", ["public", "team"])
def test_no_answer_of_any_endpoint_or_the_feed_leaks_a_frozen_verdict(as_role, contest, role):
    """Every object the role can read anywhere, the feed included: none is a judgement or run
    of another team's post-freeze submission; the jury's answers do hold them."""
    cid = contest["round"].id
    others = {"public": {contest["late"], contest["ada_late"]}, "team": {contest["late"]}}[role]
    hidden_subs = {str(s.id) for s in others}
    hidden_judgements = {str(j.id) for s in others for j in s.judgements}

    def everything(who: str) -> list:
        client, headers = as_role[who]
        found = [get(as_role, who, f"/contests/{cid}/{e}") for e in (*COLLECTIONS, "scoreboard", "state")]
        feed = client.get(f"/api/v1/contests/{cid}/event-feed?stream=false", headers=headers)
        found += [json.loads(line) for line in feed.get_data(as_text=True).splitlines() if line]
        return [o for value in found for o in _walk(value)]

    def leaks(objects: list) -> list:
        return [o for o in objects
                if (o.get("submission_id") in hidden_subs and "judgement_type_id" in o
                    and o.get("judgement_type_id") is not None)
                or o.get("judgement_id") in hidden_judgements]  # fmt: skip

    assert leaks(everything("jury"))  # the check can see a leak
    assert leaks(everything(role)) == []
