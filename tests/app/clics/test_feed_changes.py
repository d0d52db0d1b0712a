"""Changes that leave no time in their own row (an override, a rename, an edit, a deletion) reach
a feed client that resumes with its token, in order, under the freeze rules; the resumed feed
is always the rest of a fresh one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.auth.service import rename
from app.challenges.service import ChallengeData, update_challenge
from app.contests import state
from app.contests.rounds import ProblemSpec, RoundSpec, update_round
from app.courses.service import set_section
from app.extensions import db
from app.models import ClicsChange, Round, Submission
from app.scoring.boards import clics_group_id
from app.submissions.staff import override_verdict
from tests.app.clics.test_feed import assert_referentially_ordered, feed
from tests.clics import check

FIELDS = ("name", "mode", "scoring", "description", "course_id", "visibility", "starts_at",
          "ends_at", "freeze_at", "penalty_minutes", "ce_penalty", "team_size", "languages")  # fmt: skip


def _resume(roles, role: str, head: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events after the head's last token, checked: strictly valid, exactly a fresh feed's
    after that token, and with the head the same objects in the end as a fresh feed's (whose
    earlier events already carry the objects as they are now)."""
    rest = feed(roles, role, since_token=head[-1]["token"])
    for event in rest:
        check("event-feed", event)
        assert _key(event["token"]) > _key(head[-1]["token"])
    fresh = feed(roles, role)
    # Exactly a fresh feed's events after the token (an object a change made, such as a new
    # group, also has its own event in a fresh feed, before the token: the update carries it).
    after = [e for e in fresh if _key(e["token"]) > _key(head[-1]["token"])]
    assert rest == after
    assert _replayed(head + rest) == _replayed(fresh)
    assert_referentially_ordered(fresh)
    _assert_updates_follow_creations(fresh)
    return rest


def _assert_updates_follow_creations(events: list[dict[str, Any]]) -> None:
    """No update of a judgement comes before its own first event (it starts without a type)."""
    seen: set[str] = set()
    for event in events:
        if event["type"] == "judgements" and event["data"] is not None:
            assert event["id"] in seen or event["data"]["judgement_type_id"] is None, event
            seen.add(event["id"])


def _replayed(events: list[dict[str, Any]]) -> dict[tuple[str, str | None], Any]:
    """The objects a client holds after these events (a null data deletes)."""
    held: dict[tuple[str, str | None], Any] = {}
    for event in events:
        if event["data"] is None:
            held.pop((event["type"], event["id"]), None)
        else:
            held[(event["type"], event["id"])] = event["data"]
    return held


def _key(token: str) -> tuple[int, ...]:
    return tuple(int(part) for part in token.split("."))


def _spec(round_: Round, **changes: Any) -> RoundSpec:
    """The round as it is, with some fields changed."""
    problems = [ProblemSpec(p.challenge_id, p.label, p.points, p.color) for p in round_.problems]
    values = {name: getattr(round_, name) for name in FIELDS}
    medals = (round_.gold_medals, round_.silver_medals, round_.bronze_medals)
    return RoundSpec(**{**values, "problems": problems, "medals": medals, **changes})


def _verdicts(events, submission) -> list[str | None]:
    return [e["data"]["judgement_type_id"] for e in events if e["type"] == "judgements"
            and e["data"]["submission_id"] == str(submission.id)]  # fmt: skip


def test_an_override_reaches_a_client_resuming_with_its_token(roles, contest):
    head = {role: feed(roles, role) for role in ("public", "jury")}
    sent = db.session.scalars(
        select(Submission).where(Submission.round_id == contest["round"].id,
                                 Submission.user_id == contest["bob"].id).order_by(Submission.id)
    ).first()  # Bob's wrong answer on A, before the freeze
    override_verdict(contest["teacher"], sent.id, "AC", "The checker was wrong.")
    for role in ("public", "jury"):
        rest = _resume(roles, role, head[role])
        assert _verdicts(rest, sent) == ["AC"], role
        assert [e["id"] for e in rest if e["type"] == "judgements"] == [str(sent.judgements[-1].id)]
    # Cleared again: one more update, the judge's own verdict.
    head = feed(roles, "jury")
    override_verdict(contest["teacher"], sent.id, "", "")
    assert _verdicts(_resume(roles, "jury", head), sent) == ["WA"]


def test_an_override_after_the_freeze_reaches_the_public_only_at_the_thaw(roles, contest):
    late = contest["late"]  # Bob's post-freeze accept
    head = {role: feed(roles, role) for role in ("public", "team", "other team", "jury")}
    override_verdict(contest["teacher"], late.id, "WA", "Hard-coded the samples.")
    assert _verdicts(_resume(roles, "jury", head["jury"]), late) == ["WA"]
    assert _verdicts(_resume(roles, "other team", head["other team"]), late) == ["WA"]  # Bob's own
    for role in ("public", "team"):  # the public and Ada: nothing yet
        assert feed(roles, role, since_token=head[role][-1]["token"]) == []
    state.thaw(None, db.session.get(Round, contest["round"].id))
    rest = _resume(roles, "public", head["public"])
    assert _verdicts(rest, late)[-1] == "WA" and "AC" not in _verdicts(rest, late)


def test_a_renamed_problem_and_an_edited_round_reach_a_resuming_client(roles, contest):
    round_ = db.session.get(Round, contest["round"].id)
    head = feed(roles, "public")
    apples = contest["problems"][0]
    update_challenge(contest["teacher"], apples.slug,
                     ChallengeData(title="Pears", slug=apples.slug, time_limit_ms=apples.time_limit_ms))  # fmt: skip
    rest = _resume(roles, "public", head)
    assert [(e["type"], e["id"], e["data"]["name"]) for e in rest] == [("problems", "A", "Pears")]
    # The host recolours B, renames the contest and lets CE cost a penalty.
    head = head + rest
    problems = [ProblemSpec(p.challenge_id, p.label, p.points, "#123456" if p.label == "B" else p.color)
                for p in round_.problems]  # fmt: skip
    update_round(contest["teacher"], round_, _spec(round_, name="Finals", problems=problems, ce_penalty=True))
    rest = _resume(roles, "public", head)
    changed = {(e["type"], e["id"]): e["data"] for e in rest}
    assert changed[("contest", None)]["name"] == "Finals"
    assert changed[("problems", "B")]["rgb"] == "#123456"
    assert changed[("judgement-types", "CE")]["penalty"] is True
    assert ("problems", "A") not in changed  # unchanged: no event


def test_a_removed_problem_is_deleted_with_its_submissions(roles, contest):
    round_ = db.session.get(Round, contest["round"].id)
    head = feed(roles, "jury")
    keep = [ProblemSpec(p.challenge_id, p.label, p.points, p.color) for p in round_.problems[:1]]
    update_round(contest["teacher"], round_, _spec(round_, problems=keep))
    rest = _resume(roles, "jury", head)
    assert {e["type"] for e in rest} == {"problems", "submissions", "judgements", "runs"}
    assert all(e["data"] is None for e in rest)
    assert [e["id"] for e in rest if e["type"] == "problems"] == ["B"]
    gone = {e["id"] for e in rest if e["type"] == "submissions"}
    assert gone == {e["id"] for e in head if e["type"] == "submissions" and e["data"]["problem_id"] == "B"}
    # Deleted referencing objects first: runs, then judgements, then submissions, then B.
    order = [e["type"] for e in rest]
    assert order == sorted(order, key=["runs", "judgements", "submissions", "problems"].index)


def test_a_section_change_and_a_renamed_member_reach_a_resuming_client(roles, contest):
    head = {role: feed(roles, role) for role in ("public", "team")}
    ada = next(e["data"]["team_ids"][0] for e in head["team"]
               if e["type"] == "persons" and e["data"]["name"] == "Ada")  # fmt: skip
    set_section(contest["teacher"], contest["course"].id, contest["ada"].id, "Lab 3")
    rest = _resume(roles, "public", head["public"])
    changed = {(e["type"], e["id"]): e["data"] for e in rest}
    lab = clics_group_id("Lab 3")
    assert changed[("teams", ada)]["group_ids"] == [lab]
    assert changed[("groups", lab)] == {"id": lab, "name": "Lab 3"}
    assert changed[("groups", "north")] == {"id": "north", "name": "north"}  # Bob's still: no delete
    # Ada renames herself: her team (and only it) is told of its person and account.
    head = {role: feed(roles, role) for role in ("public", "team")}
    rename(contest["ada"], "Ada Lovelace")
    rest = _resume(roles, "team", head["team"])
    assert {(e["type"], e["data"]["name"]) for e in rest} == {("persons", "Ada Lovelace"),
                                                              ("accounts", "Ada Lovelace")}  # fmt: skip
    assert feed(roles, "public", since_token=head["public"][-1]["token"]) == []


def test_a_removed_problem_tells_each_role_only_of_results_it_was_shown(roles, contest):
    """Dropping a problem while frozen deletes, for the public and the other teams, the
    submissions but not the judgements and runs the freeze hid (their count would tell an
    accepted from a rejected one); the sending team and the jury are told of its own."""
    round_ = db.session.get(Round, contest["round"].id)
    late, ada_late = contest["late"], contest["ada_late"]
    hidden_from = {"public": {late, ada_late}, "team": {late}, "other team": {ada_late}, "jury": set()}
    heads = {role: feed(roles, role) for role in hidden_from}
    keep = [ProblemSpec(p.challenge_id, p.label, p.points, p.color) for p in round_.problems[:1]]
    update_round(contest["teacher"], round_, _spec(round_, problems=keep))
    # One row per submission taken off (the feed tells its judgements and runs from it), not
    # one per run: a problem with thousands of submissions would log a row per test.
    logged = db.session.scalars(select(ClicsChange.type).where(ClicsChange.round_id == round_.id)).all()
    assert sorted(set(logged)) == ["problems", "submissions"]
    assert logged.count("submissions") == 3  # Bob's CE and both late ones
    for role, hidden in hidden_from.items():
        rest = _resume(roles, role, heads[role])
        shown = {(e["type"], e["id"]) for e in heads[role] if e["data"] is not None}
        deleted = {(e["type"], e["id"]) for e in rest if e["data"] is None}
        judged = {(t, i) for t, i in deleted if t in ("judgements", "runs")}
        assert judged <= shown, (role, judged - shown)
        sent = {i for t, i in deleted if t == "submissions"}
        assert {str(s.id) for s in (late, ada_late)} <= sent
        for submission in (late, ada_late):
            ids = {str(j.id) for j in submission.judgements}
            told = {i for t, i in judged if t == "judgements"} & ids
            assert told == (set() if submission in hidden else ids), (role, submission.id)


def test_a_removed_team_tells_no_one_but_the_jury_of_its_hidden_results(roles, contest):
    """A team dropped while frozen: its submissions go for everyone, the judgements and runs
    the freeze hid from the others go for the jury only."""
    round_ = db.session.get(Round, contest["round"].id)
    late = contest["late"]  # Bob's, after the freeze
    hidden = {str(j.id) for j in late.judgements}
    heads = {role: feed(roles, role) for role in ("public", "team", "jury")}
    db.session.delete(next(p for p in round_.participants if p.id == late.participant_id))
    db.session.commit()
    for role, head in heads.items():
        rest = _resume(roles, role, head)
        deleted = {(e["type"], e["id"]) for e in rest if e["data"] is None}
        assert ("submissions", str(late.id)) in deleted
        told = {i for t, i in deleted if t == "judgements"} & hidden
        assert told == (hidden if role == "jury" else set()), role
        shown = {(e["type"], e["id"]) for e in head if e["data"] is not None}
        assert role == "jury" or {d for d in deleted if d[0] in ("judgements", "runs")} <= shown
