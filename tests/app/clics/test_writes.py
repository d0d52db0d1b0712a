"""CLICS writes: a team POSTs its own submission and questions, the jury POSTs or PUTs a
submission for any team and answers or announces; the public writes nothing."""

from __future__ import annotations

import base64
import io
import zipfile

from app.extensions import db
from app.models import Clarification, Submission
from tests.clics import check

SOURCE = "print(sum(map(int, input().split())))\n"


def files(source: str = SOURCE) -> list[dict[str, str]]:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("main.py", source)
    return [{"data": base64.b64encode(data.getvalue()).decode(), "mime": "application/zip"}]


def send(as_role, role, method, path, body):
    client, headers = as_role[role]
    return getattr(client, method)(f"/api/v1{path}", json=body, headers=headers)


def test_a_team_posts_its_own_submission(as_role, contest):
    cid = contest["round"].id
    response = send(as_role, "team", "post", f"/contests/{cid}/submissions",
                    {"problem_id": "A", "language_id": "python3", "files": files()})  # fmt: skip
    assert response.status_code == 201, response.get_json()
    item = response.get_json()
    check("submission", item)
    assert response.headers["Location"].endswith(f"/submissions/{item['id']}")
    stored = db.session.get(Submission, int(item["id"]))
    assert stored.source == SOURCE and stored.participant_id == contest["ada_late"].participant_id
    assert stored.judgements[-1].status == "queued"


def test_a_team_may_not_submit_as_another_or_with_a_time_or_by_put(as_role, contest):
    cid, bob_team = contest["round"].id, str(contest["late"].participant_id)
    body = {"problem_id": "A", "language_id": "python3", "files": files()}
    assert send(as_role, "team", "post", f"/contests/{cid}/submissions", dict(body, team_id=bob_team)).status_code == 403
    assert send(as_role, "team", "post", f"/contests/{cid}/submissions",
                dict(body, time="2026-01-01T00:00:00Z")).status_code == 400  # fmt: skip
    assert send(as_role, "team", "put", f"/contests/{cid}/submissions/777", dict(body, id="777")).status_code == 403
    assert send(as_role, "team", "post", f"/contests/{cid}/submissions", dict(body, problem_id="Z")).status_code == 400
    assert send(as_role, "team", "post", f"/contests/{cid}/submissions", dict(body, files=[])).status_code == 400
    assert send(as_role, "public", "post", f"/contests/{cid}/submissions", body).status_code == 401


def test_the_jury_puts_a_submission_with_its_id_and_time(as_role, contest):
    round_ = contest["round"]
    team = str(contest["late"].participant_id)
    at = round_.starts_at.replace(microsecond=0)
    body = {"id": "5000", "team_id": team, "problem_id": "B", "language_id": "python3",
            "time": f"{at:%Y-%m-%dT%H:%M:%S}.000+00:00", "files": files()}  # fmt: skip
    response = send(as_role, "jury", "put", f"/contests/{round_.id}/submissions/5000", body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["id"] == "5000" and response.get_json()["team_id"] == team
    stored = db.session.get(Submission, 5000)
    assert stored.created_at == at and stored.round_id == round_.id
    assert send(as_role, "jury", "put", f"/contests/{round_.id}/submissions/5000", body).status_code == 409
    assert send(as_role, "jury", "put", f"/contests/{round_.id}/submissions/5001", body).status_code == 409
    # The next submission codedev numbers itself does not collide with the chosen id.
    posted = send(as_role, "jury", "post", f"/contests/{round_.id}/submissions", {k: v for k, v in body.items() if k != "id"})
    assert posted.status_code == 201 and int(posted.get_json()["id"]) > 5000


def test_clarifications_a_team_asks_and_the_jury_answers_or_announces(as_role, contest):
    cid = contest["round"].id
    asked = send(as_role, "team", "post", f"/contests/{cid}/clarifications", {"text": "Is B hard?", "problem_id": "B"})
    assert asked.status_code == 201, asked.get_json()
    question = asked.get_json()
    check("clarification", question)
    assert question["from_team_id"] == str(contest["ada_late"].participant_id) and question["problem_id"] == "B"
    refused = send(as_role, "team", "post", f"/contests/{cid}/clarifications",
                   {"text": "psst", "to_team_id": str(contest["late"].participant_id)})  # fmt: skip
    assert refused.status_code == 403
    answered = send(as_role, "jury", "post", f"/contests/{cid}/clarifications",
                    {"text": "No.", "reply_to_id": question["id"],
                     "to_team_id": question["from_team_id"]})  # fmt: skip
    assert answered.status_code == 201 and answered.get_json()["reply_to_id"] == question["id"]
    announced = send(as_role, "jury", "post", f"/contests/{cid}/clarifications", {"text": "Lunch at noon."})
    assert announced.status_code == 201 and announced.get_json()["to_team_id"] is None
    row = db.session.get(Clarification, int(question["id"][1:]))
    assert row.answer == "No." and not row.to_all
    public = as_role["public"][0].get(f"/api/v1/contests/{cid}/clarifications").get_json()
    assert "Lunch at noon." in {c["text"] for c in public} and "No." not in {c["text"] for c in public}
    assert send(as_role, "public", "post", f"/contests/{cid}/clarifications", {"text": "hi"}).status_code == 401
