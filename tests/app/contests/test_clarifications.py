"""Clarifications and announcements: asking, answering, announcing; what each viewer sees;
the refusals; the live events and their channels; the pages; the CLICS objects."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.channels import channel_prefix
from app.contests import clarifications as service
from app.contests import participation
from app.contests.clarification_sight import JURY, PUBLIC, Viewer
from app.contests.participation import create_team
from app.errors import Conflict, Forbidden, NotFound, TooMany, ValidationError
from app.extensions import db
from app.models import Clarification, Round, User, utcnow
from app.stores import get_redis
from tests.conftest import csrf_token, submit
from tests.factories import make_challenge, make_course, make_round, make_user

# The CLICS 2023-06 schemas, copied unchanged (tests/clics_schema/).
SCHEMAS = Path(__file__).parents[2] / "clics_schema"


@pytest.fixture
def cast(app: Flask) -> dict[str, Any]:
    """A contest with problems A and B, its teacher, two contestants (each asks: each joins)."""
    teacher = make_user(role="teacher")
    challenges = [make_challenge(owner_id=teacher.id) for _ in range(2)]
    # Whole seconds, so the CLICS times below are exact.
    start = utcnow().replace(microsecond=0) - timedelta(minutes=5)
    round_ = make_round(teacher, challenges, starts_at=start)
    return {"round": round_, "teacher": teacher, "ann": make_user(), "bob": make_user()}


def texts(user: User | None, round_: Round) -> list[tuple[str, str | None]]:
    """What the user sees: (question, answer) newest first (an announcement's question is "")."""
    return [(c.question, c.answer) for c in service.visible_clarifications(user, round_)]


# --- asking, answering, announcing, and who sees what -------------------------------------


def test_a_private_answer_reaches_the_asker_and_the_jury_only(cast):
    round_, teacher, ann, bob = cast["round"], cast["teacher"], cast["ann"], cast["bob"]
    question = service.ask(ann, round_, "a", "  Is N at most 10^9?\r\n ")
    assert (question.problem_label, question.question) == ("A", "Is N at most 10^9?")
    assert service.unanswered_count(round_) == 1
    assert texts(ann, round_) == [("Is N at most 10^9?", None)]
    assert texts(bob, round_) == [] and texts(None, round_) == []
    service.answer(teacher, question.id, "Yes.", to_all=False)
    assert service.unanswered_count(round_) == 0
    assert texts(ann, round_) == [("Is N at most 10^9?", "Yes.")]
    assert texts(bob, round_) == [] and texts(None, round_) == []
    [jury_view] = service.visible_clarifications(teacher, round_)
    assert jury_view.participant_id == question.participant_id and not jury_view.to_all


def test_an_answer_to_all_shows_the_question_to_everyone_but_not_who_asked(cast):
    round_, teacher, ann, bob = cast["round"], cast["teacher"], cast["ann"], cast["bob"]
    question = service.ask(ann, round_, None, "May we use a calculator?")
    service.answer(teacher, question.id, "No.", to_all=True)
    for viewer in (bob, None, make_user()):
        [shown] = service.visible_clarifications(viewer, round_)
        assert (shown.question, shown.answer) == ("May we use a calculator?", "No.")
        assert shown.to_all
        assert shown.participant_id is None and not shown.mine
    assert service.visible_clarifications(ann, round_)[0].mine


def test_announcements_reach_everyone_newest_first(cast):
    round_, teacher, ann = cast["round"], cast["teacher"], cast["ann"]
    service.announce(teacher, round_, "Problem B: the sample was fixed.", "b")
    later = utcnow() + timedelta(seconds=1)
    service.announce(teacher, round_, "One hour left.", now=later)
    for viewer in (teacher, ann, None):
        shown = service.visible_clarifications(viewer, round_)
        assert [(c.kind, c.problem_label, c.answer) for c in shown] == [
            ("announcement", None, "One hour left."),
            ("announcement", "B", "Problem B: the sample was fixed."),
        ]
    assert service.unanswered_count(round_) == 0


def test_every_member_of_a_team_sees_its_questions(app):
    teacher = make_user(role="teacher")
    round_ = make_round(teacher, team_size=2)
    first, second, other = make_user(), make_user(), make_user()
    create_team(teacher, round_, "Pair", [first, second])
    create_team(teacher, round_, "Solo", [other])
    question = service.ask(first, round_, None, "Can we print?")
    service.answer(teacher, question.id, "Ask a runner.", to_all=False)
    assert texts(second, round_) == [("Can we print?", "Ask a runner.")]
    assert texts(other, round_) == []


def test_the_jury_queue_puts_the_oldest_waiting_question_first(cast):
    round_, teacher, ann, bob = cast["round"], cast["teacher"], cast["ann"], cast["bob"]
    now = utcnow()
    first = service.ask(ann, round_, "A", "First?", now=now)
    second = service.ask(bob, round_, None, "Second?", now=now + timedelta(seconds=1))
    done = service.ask(bob, round_, "B", "Third?", now=now + timedelta(seconds=2))
    service.answer(teacher, done.id, "Yes.", to_all=False)
    queue = service.jury_queue(teacher, round_)
    assert [c.id for c in queue.unanswered] == [first.id, second.id]
    assert [c.id for c in queue.answered] == [done.id]
    assert queue.waiting_by_problem() == {"A": 1, "General": 1}
    assert queue.pick(None).id == first.id and queue.pick(done.id).id == done.id
    assert queue.asked_by[first.participant_id] == ann.name
    with pytest.raises(Forbidden):
        service.jury_queue(ann, round_)


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "text", "field"),
    [
        (None, "", "question"),
        (None, " \n\t ", "question"),
        (None, "x" * (service.TEXT_MAX + 1), "question"),
        ("Z", "About Z?", "problem_label"),
    ],
)
def test_a_bad_question_is_refused_naming_the_field(cast, label, text, field):
    with pytest.raises(ValidationError) as refused:
        service.ask(cast["ann"], cast["round"], label, text)
    assert refused.value.field == field
    assert db.session.scalar(select(Clarification.id)) is None


def test_the_longest_question_is_accepted(cast):
    assert service.ask(cast["ann"], cast["round"], None, "x" * service.TEXT_MAX).id


def test_only_the_jury_answers_or_announces(cast):
    round_, ann, bob = cast["round"], cast["ann"], cast["bob"]
    question = service.ask(ann, round_, None, "Why?")
    for user in (ann, bob):
        with pytest.raises(Forbidden):
            service.answer(user, question.id, "Because.", to_all=True)
        with pytest.raises(Forbidden):
            service.announce(user, round_, "Hello all.")
    with pytest.raises(NotFound):
        service.answer(cast["teacher"], question.id + 100, "Nobody asked.", to_all=False)
    assert db.session.get(Clarification, question.id).answered_at is None


def test_a_course_round_hides_its_questions_from_strangers(app):
    teacher = make_user(role="teacher")
    round_ = make_round(teacher, visibility="course", course_id=make_course(teacher).id)
    stranger = make_user()
    with pytest.raises(NotFound):
        service.ask(stranger, round_, None, "Hello?")
    row = service.announce(teacher, round_, "Welcome.")
    with pytest.raises(NotFound):
        service.answer(stranger, row.id, "Hi.", to_all=True)


def test_the_jury_asks_nothing_and_answers_once(cast):
    round_, teacher = cast["round"], cast["teacher"]
    with pytest.raises(Forbidden):
        service.ask(teacher, round_, None, "Am I on the board?")
    question = service.ask(cast["ann"], round_, None, "Once?")
    service.answer(teacher, question.id, "Yes.", to_all=False)
    with pytest.raises(Conflict):
        service.answer(make_user(role="admin"), question.id, "No.", to_all=True)
    assert texts(cast["bob"], round_) == []  # the second answer did not go to all
    announcement = service.announce(teacher, round_, "Note.")
    with pytest.raises(Conflict):
        service.answer(teacher, announcement.id, "Reply.", to_all=False)
    with pytest.raises(ValidationError):
        service.answer(teacher, service.ask(cast["bob"], round_, None, "?").id, " ", False)


def test_a_finalized_round_takes_no_questions(cast):
    round_ = cast["round"]
    round_.finalized_at = utcnow()
    db.session.commit()
    with pytest.raises(Conflict):
        service.ask(cast["ann"], round_, None, "Still there?")
    assert not service.may_ask(cast["ann"], round_)


def test_before_the_start_only_general_questions(app, client, auth):
    teacher = make_user(role="teacher")
    challenge = make_challenge(title="Secret Title", owner_id=teacher.id)
    round_ = make_round(teacher, [challenge], starts_at=utcnow() + timedelta(hours=1))
    student = make_user()
    with pytest.raises(ValidationError):
        service.ask(student, round_, "A", "Is A hard?")
    assert service.ask(student, round_, None, "Which room?").problem_label is None
    auth.login(student.email)
    html = client.get(f"/rounds/{round_.id}/clarifications").get_data(as_text=True)
    assert 'id="ask-form"' in html and "Secret Title" not in html


def test_a_timed_round_takes_problem_questions_once_started(app):
    start = utcnow() - timedelta(minutes=5)
    round_ = make_round(mode="timed", duration_minutes=30, starts_at=start)
    student = make_user()
    with pytest.raises(ValidationError):
        service.ask(student, round_, "A", "Before my Start?")
    participation.start(student, round_)
    assert service.ask(student, round_, "A", "After my Start?").problem_label == "A"


def test_questions_are_rate_limited_per_user(cast):
    round_, ann = cast["round"], cast["ann"]
    for n in range(service.ASK_PER_MINUTE):
        service.ask(ann, round_, None, f"Question {n}?")
    with pytest.raises(TooMany):
        service.ask(ann, round_, None, "One more?")
    service.ask(cast["bob"], round_, None, "My first?")  # another user's own budget
    assert db.session.query(Clarification).count() == service.ASK_PER_MINUTE + 1


# --- live events ---------------------------------------------------------------------------


@contextmanager
def heard(app: Flask) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every clarification event published while the block runs, as (channel without the
    prefix, event); the bell's `notification` events are tested in tests/app/notifications."""
    prefix = channel_prefix(app)
    pubsub = get_redis(app).pubsub()
    pubsub.psubscribe(f"{prefix}*")
    assert pubsub.get_message(timeout=5)["type"] == "psubscribe"
    events: list[tuple[str, dict[str, Any]]] = []
    try:
        yield events
        while (message := pubsub.get_message(timeout=1)) is not None:
            if message["type"] == "pmessage":
                channel = message["channel"].decode().removeprefix(prefix)
                event = json.loads(message["data"])
                if event["type"] != "notification":
                    events.append((channel, event))
    finally:
        pubsub.close()


def test_a_question_goes_to_the_jury_only(app, cast):
    round_, ann = cast["round"], cast["ann"]
    with heard(app) as events:
        question = service.ask(ann, round_, "B", "Is the graph connected?")
    [(channel, event)] = events
    assert channel == f"contest:{round_.id}:jury"
    assert event["type"] == "clarification" and event["id"] == question.id
    assert event["question"] == "Is the graph connected?" and event["answer"] is None
    assert event["participant_id"] == question.participant_id


def test_a_private_answer_never_goes_on_the_public_channel(app, cast):
    round_, teacher, ann = cast["round"], cast["teacher"], cast["ann"]
    question = service.ask(ann, round_, None, "Secret trick?")
    with heard(app) as events:
        service.answer(teacher, question.id, "Read the problem statement.", to_all=False)
    channels = [channel for channel, _ in events]
    assert sorted(channels) == sorted([f"contest:{round_.id}:jury", f"user:{ann.id}"])
    assert f"contest:{round_.id}" not in channels
    to_ann = dict(events)[f"user:{ann.id}"]
    assert to_ann["answer"] == "Read the problem statement." and to_ann["mine"]
    assert to_ann["participant_id"] is None  # a viewer's payload: the jury's fields stay out


def test_an_answer_to_all_goes_out_without_who_asked(app, cast):
    round_, teacher, ann = cast["round"], cast["teacher"], cast["ann"]
    question = service.ask(ann, round_, "A", "Are inputs sorted?")
    with heard(app) as events:
        service.answer(teacher, question.id, "The input is as described.", to_all=True)
    by_channel = dict(events)
    public = by_channel[f"contest:{round_.id}"]
    assert public["type"] == "clarification" and public["to_all"]
    assert public["question"] == "Are inputs sorted?"
    assert public["answer"] == "The input is as described."
    assert public["participant_id"] is None and not public["mine"]
    assert by_channel[f"user:{ann.id}"]["mine"]
    assert by_channel[f"contest:{round_.id}:jury"]["participant_id"] == question.participant_id


def test_an_announcement_goes_to_everyone_watching(app, cast):
    round_ = cast["round"]
    with heard(app) as events:
        row = service.announce(cast["teacher"], round_, "Submissions are open.", "A")
    [(channel, event)] = events
    assert channel == f"contest:{round_.id}"
    assert event["type"] == "announcement" and event["id"] == row.id
    assert (event["text"], event["problem_label"]) == ("Submissions are open.", "A")
    assert event["time"].endswith("Z")


def test_a_refused_question_publishes_nothing(app, cast):
    with heard(app) as events, pytest.raises(ValidationError):
        service.ask(cast["ann"], cast["round"], None, "")
    assert events == []


# --- pages ---------------------------------------------------------------------------------


def test_a_contestant_asks_through_the_form(app, client, auth, cast):
    round_, ann = cast["round"], cast["ann"]
    page = f"/rounds/{round_.id}/clarifications"
    auth.login(ann.email)
    html = client.get(page).get_data(as_text=True)
    assert 'id="ask-form"' in html and 'value="B"' in html
    response = submit(client, page, {"problem_label": "B", "question": "Is <b>x</b> & y ok?"})
    assert response.status_code == 302
    row = db.session.scalar(select(Clarification))
    assert (row.problem_label, row.question) == ("B", "Is <b>x</b> & y ok?")
    html = client.get(page).get_data(as_text=True)
    assert "Is &lt;b&gt;x&lt;/b&gt; &amp; y ok?" in html and "Waiting for the jury." in html


def test_a_form_without_its_csrf_token_is_refused(app, client, auth, cast):
    auth.login(cast["ann"].email)
    response = client.post(
        f"/rounds/{cast['round'].id}/clarifications", data={"question": "Sneaky?"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(Clarification.id)) is None


def test_a_refused_question_is_shown_on_the_form(app, client, auth, cast):
    page = f"/rounds/{cast['round'].id}/clarifications"
    auth.login(cast["ann"].email)
    response = submit(client, page, {"problem_label": "", "question": "   "})
    assert response.status_code == 400
    assert "Write the question." in response.get_data(as_text=True)
    response = submit(client, page, {"problem_label": "Q", "question": "About Q?"})
    assert response.status_code == 400
    assert "The round has no problem Q." in response.get_data(as_text=True)


def test_the_jury_answers_and_announces_through_the_forms(app, client, auth, cast):
    round_, teacher, ann = cast["round"], cast["teacher"], cast["ann"]
    question = service.ask(ann, round_, "A", "Is 0 allowed?")
    page = f"/rounds/{round_.id}/clarifications"
    auth.login(teacher.email)
    html = client.get(page).get_data(as_text=True)
    assert "Is 0 allowed?" in html and ann.name in html and 'id="answer-form"' in html
    assert all(canned in html for canned in service.CANNED_ANSWERS)
    assert "<strong>1</strong> waiting (A: 1)" in html
    answer_url = f"{page}/{question.id}/answer"
    response = submit(client, answer_url, {"canned": "Yes.", "answer": ""}, page=page)
    assert response.status_code == 302
    stored = db.session.get(Clarification, question.id)
    db.session.refresh(stored)
    assert (stored.answer, stored.to_all, stored.answered_by_id) == ("Yes.", False, teacher.id)
    again = submit(client, answer_url, {"answer": "No.", "to_all": "y"}, page=page)
    assert again.status_code == 409 and "answered already" in again.get_data(as_text=True)
    response = submit(
        client, f"/rounds/{round_.id}/announcements", {"text": "Lunch at noon."}, page=page
    )
    assert response.status_code == 302
    assert texts(None, round_) == [("", "Lunch at noon.")]


def test_a_contestant_cannot_use_the_jury_forms(app, client, auth, cast):
    round_, ann = cast["round"], cast["ann"]
    question = service.ask(ann, round_, None, "Can I answer myself?")
    page = f"/rounds/{round_.id}/clarifications"
    auth.login(ann.email)
    token = csrf_token(client, page)
    answer = client.post(f"{page}/{question.id}/answer", data={"csrf_token": token, "answer": "Y"})
    announce = client.post(
        f"/rounds/{round_.id}/announcements", data={"csrf_token": token, "text": "Hi"}
    )
    assert (answer.status_code, announce.status_code) == (403, 403)
    assert db.session.query(Clarification).count() == 1


def test_the_public_page_shows_announcements_and_answers_to_all_only(app, client, cast):
    round_, teacher, ann = cast["round"], cast["teacher"], cast["ann"]
    service.answer(teacher, service.ask(ann, round_, None, "Private one?").id, "Hush.", False)
    service.answer(teacher, service.ask(ann, round_, None, "Public one?").id, "Sure.", True)
    service.announce(teacher, round_, "Welcome!")
    html = client.get(f"/rounds/{round_.id}/clarifications").get_data(as_text=True)
    assert "Public one?" in html and "Sure." in html and "Welcome!" in html
    assert "Private one?" not in html and "Hush." not in html and ann.name not in html
    assert 'id="ask-form"' not in html and "Log in" in html


# --- CLICS ---------------------------------------------------------------------------------


def _check_against_schema(obj: dict[str, Any]) -> None:
    """clarification.json by hand (jsonschema is not installed): required properties, each
    property's type or pattern from common.json, and not both a sender and a receiver team."""
    schema = json.loads((SCHEMAS / "clarification.json").read_text())
    common = json.loads((SCHEMAS / "common.json").read_text())
    assert set(schema["required"]) <= obj.keys()
    assert set(obj) <= set(schema["properties"])

    def check(value: Any, rule: dict[str, Any]) -> bool:
        if "$ref" in rule:
            return check(value, common[rule["$ref"].split("#/")[1]])
        if "oneOf" in rule:
            return sum(check(value, option) for option in rule["oneOf"]) == 1
        if rule.get("type") == "null":
            return value is None
        if rule.get("type") == "string" and not isinstance(value, str):
            return False
        return "pattern" not in rule or re.search(rule["pattern"], value) is not None

    for name, value in obj.items():
        assert check(value, schema["properties"][name]), (name, value)
    assert obj.get("from_team_id") is None or obj.get("to_team_id") is None


def test_a_question_and_its_answer_are_two_clics_messages(cast):
    round_, teacher, ann = cast["round"], cast["teacher"], cast["ann"]
    asked_at = round_.starts_at + timedelta(hours=1, minutes=2, seconds=3, milliseconds=45)
    question = service.ask(ann, round_, "A", "Is N positive?", now=asked_at)
    service.answer(teacher, question.id, "Yes.", to_all=False, now=asked_at + timedelta(minutes=1))
    team = str(question.participant_id)
    request, reply = service.clics_clarifications(question, round_)
    assert request == {
        "id": f"q{question.id}",
        "from_team_id": team,
        "to_team_id": None,
        "reply_to_id": None,
        "problem_id": "A",
        "text": "Is N positive?",
        "time": f"{asked_at:%Y-%m-%dT%H:%M:%S}.045+00:00",
        "contest_time": "1:02:03.045",
    }
    assert reply == {
        **request,
        "id": f"a{question.id}",
        "from_team_id": None,
        "to_team_id": team,
        "reply_to_id": f"q{question.id}",
        "text": "Yes.",
        "time": f"{asked_at + timedelta(minutes=1):%Y-%m-%dT%H:%M:%S}.045+00:00",
        "contest_time": "1:03:03.045",
    }
    for obj in (request, reply):
        _check_against_schema(obj)
    asker = Viewer(participant_id=question.participant_id)
    assert service.clics_clarifications(question, round_, asker) == [request, reply]
    assert service.clics_clarifications(question, round_, PUBLIC) == []


def test_an_answer_to_all_and_an_announcement_in_clics(cast):
    round_, teacher = cast["round"], cast["teacher"]
    question = service.ask(cast["ann"], round_, None, "Lunch?")
    service.answer(teacher, question.id, "At noon.", to_all=True)
    before = round_.starts_at - timedelta(minutes=15, seconds=32, milliseconds=457)
    note = service.announce(teacher, round_, "Do not touch anything.", now=before)
    [public_reply] = service.clics_clarifications(question, round_, PUBLIC)
    assert public_reply["to_team_id"] is None and public_reply["reply_to_id"] is None
    [jury_request, jury_reply] = service.clics_clarifications(question, round_, JURY)
    assert jury_reply["reply_to_id"] == jury_request["id"] and jury_reply["to_team_id"] is None
    [message] = service.clics_clarifications(note, round_, PUBLIC)
    assert message["id"] == f"a{note.id}"
    assert message["from_team_id"] is None and message["to_team_id"] is None
    assert message["contest_time"] == "-0:15:32.457" and message["problem_id"] is None
    for obj in (public_reply, jury_request, jury_reply, message):
        _check_against_schema(obj)
    unanswered = service.ask(cast["bob"], round_, None, "Anyone?")
    assert service.clics_clarifications(unanswered, round_, PUBLIC) == []
