"""The "Boss Fight running" banner in Chromium, on a laptop and a classroom screen: visible at
the top of the course and solve pages, and one click away from the fight."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.gamification import boss
from tests.app.gamification.test_boss import FOUR
from tests.app.submissions.browser import log_in
from tests.factories import enroll, make_challenge, make_course, make_user
from tests.live import SCREENSHOTS

pytestmark = pytest.mark.browser


def test_the_boss_banner_is_in_view_and_leads_to_the_fight(live_server, page):
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher, name="Algorithms 1")
    kid = make_user(name="Ada One")
    enroll(course, kid)
    challenge = make_challenge(FOUR, course_id=course.id, owner_id=teacher.id, title="Sum it")
    fight = boss.start(teacher, boss.BossSpec("The Bug King", [challenge.id], course_id=course.id))
    urls = {"course": f"/courses/{course.id}", "solve": f"/solve/{challenge.slug}"}
    boss_url, email = f"/boss/{fight.id}", kid.email
    db.session.remove()

    log_in(page, live_server.url, email)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 768), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        for name, url in urls.items():
            page.goto(live_server.url + url)
            banner = page.locator("[data-testid=boss-running]")
            assert banner.count() == 1
            assert "Boss Fight running" in banner.inner_text()
            box = banner.bounding_box()
            assert box is not None and box["y"] + box["height"] <= height  # above the fold
            assert box["width"] > width / 3  # a bar, not a link lost in the text
            page.screenshot(path=str(SCREENSHOTS / f"boss-banner-{name}-{width}.png"))
    page.locator("[data-testid=boss-running]").click()
    page.wait_for_url(f"**{boss_url}")
    page.locator("#boss-hp-left").wait_for()
