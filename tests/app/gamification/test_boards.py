"""Leaderboards on real stores: a challenge's board keeps a round's freeze and its course's
policy in one query; the global and language boards name players as the class sees them and
leave out those whose courses all switched gamification off."""

from __future__ import annotations

from datetime import UTC, timedelta

import time_machine
from sqlalchemy import event

from app.contests import state
from app.extensions import db
from app.gamification import boards, service
from app.models import utcnow
from app.submissions.service import create_submission
from tests.app.gamification.test_ledger import GOOD, judge, submit
from tests.factories import enroll, make_challenge, make_course, make_round, make_user


def values(entries) -> dict[str, float]:
    return {entry.name: entry.value for entry in entries}


def sent_in(round_, user, challenge, verdict="AC", score=None):
    submission = create_submission(user, challenge, "python3", GOOD, round_=round_)
    judge(submission.judgements[0].id, verdict, score)
    return submission


def test_a_challenge_board_counts_no_round_result_its_viewer_may_not_see_yet(app, client, auth):
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)  # practice, and problem A of the contest
    now = utcnow()
    contest = make_round(teacher, [challenge], starts_at=now - timedelta(hours=2),
                         ends_at=now + timedelta(hours=1), freeze_at=now - timedelta(minutes=30))  # fmt: skip
    early, late = make_user(name="Early Bird"), make_user(name="Late Owl")
    practice, spectator = make_user(name="Pat Practice"), make_user(name="Spec")
    with time_machine.travel((now - timedelta(hours=1)).replace(tzinfo=UTC), tick=False):
        sent_in(contest, early, challenge)
        sent_in(contest, late, challenge, "WA", 40.0)
    sent_in(contest, late, challenge)  # after the freeze: hidden from the public board
    submit(practice, challenge, "WA", 70.0)  # practice, after the freeze: always counts

    public = {"Early": 100.0, "Pat": 70.0, "Late": 40.0}
    assert values(boards.challenge_board(challenge, spectator)) == public
    assert values(boards.challenge_board(challenge, None)) == public
    assert values(boards.challenge_board(challenge, late))["Late"] == 100.0  # their own result
    assert values(boards.challenge_board(challenge, teacher))["Late"] == 100.0  # the jury
    auth.login(spectator.email)
    page = client.get(f"/challenges/{challenge.slug}/leaderboard").get_data(as_text=True)
    assert "<td>Late</td>\n      <td>40.0</td>" in page and "Late Owl" not in page
    auth.logout()

    state.thaw(teacher, contest)
    assert values(boards.challenge_board(challenge, spectator))["Late"] == 100.0


def test_a_virtual_replay_is_frozen_on_its_own_clock(app):
    """A replay's freeze comes at the same minute of its own clock, as on the round's board."""
    from app.contests import participation, state

    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    teacher = make_user(role="teacher")
    challenge = make_challenge(owner_id=teacher.id)
    now = utcnow()
    ended = make_round(teacher, [challenge], starts_at=now - timedelta(hours=5),
                       ends_at=now - timedelta(hours=3), freeze_at=now - timedelta(hours=4))  # fmt: skip
    state.finalize(None, ended)  # only final results are replayed (frozen: never thawed)
    fresh, deep = make_user(name="Fresh"), make_user(name="Deep")
    participation.start_virtual(fresh, ended, now - timedelta(minutes=30))  # before its freeze
    participation.start_virtual(deep, ended, now - timedelta(minutes=90))  # after it
    sent_in(ended, fresh, challenge)
    sent_in(ended, deep, challenge)
    assert values(boards.challenge_board(challenge, make_user())) == {"Fresh": 100.0}
    assert values(boards.challenge_board(challenge, deep)) == {"Fresh": 100.0, "Deep": 100.0}


def test_a_course_challenges_board_follows_the_course_policy(app, client, auth):
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    challenge = make_challenge(owner_id=teacher.id, course_id=course.id)
    students = [make_user(name=f"S{n:02d} Surname") for n in range(10)]
    for n, student in enumerate(students):
        enroll(course, student)
        submit(student, challenge, "WA", 10.0 * n)  # S09 best, S00 last
    service.set_board_choice(students[1].id, "", True)  # S01 left the boards
    service.set_board_choice(students[2].id, "Night Owl", False)

    relative = boards.challenge_board(challenge, students[0])
    assert [e.name for e in relative] == ["S04", "S03", "Night Owl", "S00"]  # S01 left
    assert [e.me for e in relative] == [False, False, False, True]
    full = boards.challenge_board(challenge, teacher)
    assert len(full) == 9 and "S09 Surname" in values(full)  # staff: everyone, full names

    course.board_mode, course.board_top_n = "top", 3
    db.session.commit()
    assert [e.name for e in boards.challenge_board(challenge, students[0])] == ["S09", "S08", "S07"]

    course.gamification = False
    db.session.commit()
    assert boards.challenge_board(challenge, students[0]) == []
    auth.login(students[0].email)
    assert client.get(f"/challenges/{challenge.slug}/leaderboard").status_code == 404


def test_a_challenge_board_reads_every_player_in_the_same_few_queries(app):
    challenge = make_challenge()
    viewer = make_user()
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    def queries() -> int:
        db.session.expire_all()
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            boards.challenge_board(challenge, viewer)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    for _ in range(2):
        submit(make_user(), challenge)
    few = queries()
    for _ in range(10):
        submit(make_user(), challenge, "WA", 30.0)
    assert queries() == few


def test_global_and_language_boards_show_first_names_or_pseudonyms_only(app, client, auth):
    ada = make_user(name="Ada Lovelace", email="ada.lovelace@example.org")
    nameless = make_user(name="", email="jane.doe.4711@example.org")
    owl = make_user(name="Grace Hopper")
    challenge = make_challenge()
    for user in (ada, nameless, owl):
        submit(user, challenge)
    service.set_board_choice(owl.id, "Night Owl", False)
    for board in (boards.global_board(ada.id), boards.language_board("python3", ada.id)):
        assert sorted(e.name for e in board) == ["A classmate", "Ada", "Night Owl"]
    auth.login(make_user(name="Viewer").email)
    page = client.get("/leaderboards").get_data(as_text=True)
    assert "Lovelace" not in page and "jane.doe" not in page and "Hopper" not in page
    assert "Ada" in page and "Night Owl" in page


def test_players_whose_courses_all_switched_gamification_off_are_on_no_global_board(
    app, client, auth
):
    teacher = make_user(role="teacher")
    off, on = make_course(teacher, gamification=False), make_course(teacher)
    quiet, mixed, free = make_user(name="Quiet"), make_user(name="Mixed"), make_user(name="Free")
    enroll(off, quiet)
    enroll(off, mixed)
    enroll(on, mixed)  # one course still plays
    challenge = make_challenge(difficulty="easy")
    for user in (quiet, mixed, free):
        submit(user, challenge, language="c")
    for board in (boards.global_board(free.id), boards.language_board("c", free.id),
                  boards.challenge_board(challenge, free)):  # fmt: skip
        assert sorted(e.name for e in board) == ["Free", "Mixed"]
    auth.login(quiet.email)
    assert client.get("/leaderboards").status_code == 404
    assert client.get("/leaderboards?language=c").status_code == 404
    assert client.get(f"/challenges/{challenge.slug}/leaderboard").status_code == 404
    auth.logout()
    auth.login(mixed.email)
    assert client.get("/leaderboards").status_code == 200
