"""Gamification pages: header, profile, zone once a week, boards with choices, course switch."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.extensions import db
from app.gamification import boards
from app.models import Course, Player, utcnow
from tests.app.gamification.test_ledger import submit
from tests.conftest import submit as send_form
from tests.factories import enroll, make_challenge, make_course, make_user


def post(client, url, data):
    """A form POST with the CSRF token of the page the form is on."""
    page = "/profile" if url.startswith("/profile") else url
    return send_form(client, url, data, page=page)


def test_the_header_shows_xp_level_and_streak_from_sql(app, client, auth):
    user = make_user()
    submit(user, make_challenge(difficulty="hard"))
    auth.login(user.email)
    page = client.get("/profile").get_data(as_text=True)
    assert 'id="game-xp">150<' in page and 'id="game-level">2<' in page
    assert 'id="game-streak">1<' in page and "js/game.js" in page
    assert 'data-badge="first-accept"' in page and 'id="badges-in-reach"' in page


def test_a_course_with_gamification_off_hides_the_header(app, client, auth):
    user = make_user()
    enroll(make_course(gamification=False), user)
    auth.login(user.email)
    page = client.get("/challenges/").get_data(as_text=True)
    assert "game-header" not in page


def test_a_challenge_page_links_its_leaderboard_unless_its_course_switched_it_off(
    app, client, auth
):
    user = make_user()
    practice = make_challenge()
    teacher = make_user(role="teacher")
    quiet = make_course(teacher, gamification=False)
    enroll(quiet, user)
    enroll(make_course(teacher), user)  # one course still on: the header shows
    in_quiet = make_challenge(owner_id=teacher.id, course_id=quiet.id)
    auth.login(user.email)
    board = f"/challenges/{practice.slug}/leaderboard"
    assert f'href="{board}"' in client.get(f"/challenges/{practice.slug}").get_data(as_text=True)
    assert client.get(board).status_code == 200
    page = client.get(f"/challenges/{in_quiet.slug}").get_data(as_text=True)
    assert "/leaderboard" not in page


def test_the_time_zone_changes_at_most_once_a_week(app, client, auth):
    user = make_user()
    auth.login(user.email)
    assert post(client, "/profile/zone", {"time_zone": "Mars/Base"}).status_code == 400
    assert post(client, "/profile/zone", {"time_zone": "Europe/Berlin"}).status_code == 302
    refused = post(client, "/profile/zone", {"time_zone": "Asia/Tokyo"})
    assert refused.status_code == 400 and "once a week" in refused.get_data(as_text=True)
    player = db.session.get(Player, user.id)
    assert (player.time_zone, player.previous_time_zone) == ("Europe/Berlin", "UTC")
    player.time_zone_changed_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert post(client, "/profile/zone", {"time_zone": "Asia/Tokyo"}).status_code == 302


def test_pseudonyms_and_opting_out_on_the_global_board(app, client, auth):
    shy, proud, viewer = make_user(name="Shy"), make_user(name="Proud"), make_user()
    challenge = make_challenge()
    for user in (shy, proud, viewer):
        submit(user, challenge)
    auth.login(shy.email)
    post(client, "/profile/boards", {"pseudonym": "", "hidden": "y"})
    auth.logout()
    auth.login(proud.email)
    post(client, "/profile/boards", {"pseudonym": "Night Owl"})
    auth.logout()
    auth.login(viewer.email)
    page = client.get("/leaderboards").get_data(as_text=True)
    assert "Night Owl" in page and "Proud" not in page and "Shy" not in page
    assert client.get(f"/challenges/{challenge.slug}/leaderboard").status_code == 200


def test_the_course_board_is_relative_by_default_and_the_teacher_can_switch(app, client, auth):
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    students = [make_user(name=f"S{n:02d}") for n in range(10)]
    for n, student in enumerate(students):
        enroll(course, student)
        for k in range(n):  # S09 solved 9 challenges, S00 none
            submit(
                student,
                make_challenge(course_id=course.id, slug=f"c-{n}-{k}", difficulty="beginner"),
            )
    auth.login(students[0].email)
    page = client.get(f"/courses/{course.id}/leaderboard").get_data(as_text=True)
    assert page.count("<tr class=") == 4  # the last one and three above
    assert "S00" in page and "S03" in page and "S04" not in page
    auth.logout()
    auth.login(teacher.email)
    assert (
        client.get(f"/courses/{course.id}/leaderboard").get_data(as_text=True).count("<tr class=")
        == 10
    )
    settings = {"gamification": "", "board_mode": "top", "board_top_n": "3", "time_zone": "Europe/Berlin",
                "rest_days": "2026-12-24\n2026-12-25"}  # fmt: skip
    assert post(client, f"/courses/{course.id}/gamification", settings).status_code == 302
    course = db.session.get(Course, course.id)
    assert (course.gamification, course.board_mode, course.rest_days) == (
        False, "top", ["2026-12-24", "2026-12-25"])  # fmt: skip
    auth.logout()
    auth.login(students[0].email)
    assert client.get(f"/courses/{course.id}/leaderboard").status_code == 404


@given(st.integers(0, 40), st.integers(0, 39), st.sampled_from(boards.MODES), st.integers(0, 12))
def test_the_board_window_shows_you_and_three_neighbours(length, me, mode, top_n):
    me = min(me, length - 1) if length else None
    shown = list(boards.window(length, me, mode, top_n))
    if mode == "full":
        assert shown == list(range(length))
    elif mode == "top" or me is None:
        assert shown == list(range(min(top_n, length)))
    else:
        assert shown == [i for i in range(length) if abs(i - me) <= 3]


@given(st.lists(st.tuples(st.integers(1, 20), st.integers(0, 5)), unique_by=lambda r: r[0]))
def test_equal_values_share_a_rank(rows):
    board = boards.ranked([(user, float(value), None) for user, value in rows])
    for rank, _, value, _ in board:
        assert rank == 1 + sum(1 for _, v in rows if v > value)


def test_the_language_board_counts_each_language_and_the_challenge_board_best_then_time(app):
    first, second, third = (
        make_user(name="First"),
        make_user(name="Second"),
        make_user(name="Third"),
    )
    challenge = make_challenge(difficulty="easy")
    submit(second, challenge, "WA", 50.0)
    submit(first, challenge, language="c")  # full, earlier than second's full
    submit(first, challenge, language="python3")  # again in another language: counted there
    submit(second, challenge)
    submit(third, challenge, "WA", 40.0)
    python = boards.language_board("python3", first.id)
    assert [(e.name, e.value) for e in python] == [
        ("First", 25.0),
        ("Second", 25.0),
        ("Third", 10.0),
    ]
    assert [(e.name, e.value) for e in boards.language_board("c", None)] == [("First", 25.0)]
    board = boards.challenge_board(challenge, third)
    assert [(e.rank, e.name, e.value) for e in board] == [
        (1, "First", 100.0), (2, "Second", 100.0), (3, "Third", 40.0),
    ]  # fmt: skip
    assert [e.me for e in board] == [False, False, True]
