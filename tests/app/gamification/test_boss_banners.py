"""The "Boss Fight running" banner: a participant finds a running fight from its course, its
challenges' pages and the dashboard; nobody else sees it, and it goes when the fight ends."""

from __future__ import annotations

from datetime import UTC, timedelta

import time_machine

from app.gamification import boss
from app.models import utcnow
from tests.app.gamification.test_boss import FOUR
from tests.factories import enroll, make_challenge, make_course, make_round, make_user

BANNER = 'data-testid="boss-running"'


def test_participants_find_a_running_fight_on_its_course_and_challenge_pages(app, client, auth):
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    kid = make_user(name="Kid")
    enroll(course, kid)
    challenge = make_challenge(FOUR, course_id=course.id, owner_id=teacher.id)
    elsewhere = make_challenge(FOUR, course_id=course.id, owner_id=teacher.id)
    fight = boss.start(teacher, boss.BossSpec("Bug King", [challenge.id], course_id=course.id))
    latecomer = make_user()
    enroll(course, latecomer)  # joined after the start: not in this fight
    pages = [f"/courses/{course.id}", f"/solve/{challenge.slug}",
             f"/challenges/{challenge.slug}", "/dashboard"]  # fmt: skip

    auth.login(kid.email)
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert BANNER in page and f'href="/boss/{fight.id}"' in page, url
        assert "Boss Fight running — 20 minutes left" in page and "Bug King" in page, url
    assert BANNER not in client.get(f"/solve/{elsewhere.slug}").get_data(as_text=True)
    assert client.get(f"/boss/{fight.id}").status_code == 200  # where the banner leads
    with time_machine.travel((utcnow() + timedelta(minutes=19, seconds=30)).replace(tzinfo=UTC)):
        page = client.get(f"/courses/{course.id}").get_data(as_text=True)
        assert "Boss Fight running — 1 minute left" in page
    with time_machine.travel((utcnow() + timedelta(minutes=21)).replace(tzinfo=UTC)):
        assert BANNER not in client.get(f"/courses/{course.id}").get_data(as_text=True)
    auth.logout()

    for outsider in (latecomer, teacher):
        auth.login(outsider.email)
        assert all(BANNER not in client.get(url).get_data(as_text=True) for url in pages)
        auth.logout()


def test_a_course_rounds_fight_shows_on_the_course_page(app, client, auth):
    from app.contests import participation

    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    kid = make_user()
    enroll(course, kid)
    challenge = make_challenge(FOUR, course_id=course.id, owner_id=teacher.id)
    round_ = make_round(teacher, [challenge], visibility="course", course_id=course.id)
    participation.join(kid, round_)
    fight = boss.start(teacher, boss.BossSpec("Hydra", [challenge.id], round_id=round_.id))
    auth.login(kid.email)
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert BANNER in page and f'href="/boss/{fight.id}"' in page
