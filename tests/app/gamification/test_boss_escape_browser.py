"""A Boss Fight that runs out of time in Chromium: the teacher starts it from a round page, two
of three students hit it, the window closes with HP left; the projector shows the escape, every
participant earns the same XP for the damage (the idle one too, live in their header), and the
teacher's report has the pass counts per test and each student's contribution."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.contests import participation
from app.extensions import db
from app.models import BossFight, Round, User, XpEntry, utcnow
from app.stores import get_redis
from app.submissions.service import create_submission
from tests.app.gamification.test_boss import FOUR, GOOD, judge
from tests.app.submissions.browser import log_in
from tests.factories import make_challenge, make_round, make_user
from tests.live import SCREENSHOTS

pytestmark = pytest.mark.browser

# How long the fight still has once the projector is up: time for the hits, then the end.
LEFT = timedelta(seconds=12)


def hit(user_id: int, round_id: int, verdicts: list[str]) -> None:
    """A student's submission judged with these test verdicts (recorded as the worker does)."""
    user, round_ = db.session.get(User, user_id), db.session.get(Round, round_id)
    get_redis().delete(f"ratelimit:boss:{user_id}")  # the 30 s limit has its own test
    challenge = round_.problems[0].challenge
    judge(create_submission(user, challenge, "python3", GOOD, round_=round_), verdicts)
    db.session.remove()


def shots(target, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1920, 1080), (1280, 720)):
        target.set_viewport_size({"width": width, "height": height})
        target.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def test_the_boss_escapes_when_time_runs_out(live_server, chromium, page):
    teacher = make_user(role="teacher")
    challenge = make_challenge(FOUR, owner_id=teacher.id, title="Add two numbers")
    round_ = make_round(teacher, [challenge], name="Friday practice")
    kids = [make_user(name=name) for name in ("Ada One", "Bo Two", "Cy Three")]
    for kid in kids:
        participation.join(kid, round_)
    ada, bo, cy = (kid.id for kid in kids)
    round_id, cy_email, teacher_email = round_.id, kids[2].email, teacher.email
    challenge_id = challenge.id
    db.session.remove()
    base = live_server.url

    log_in(page, base, teacher_email)
    page.goto(f"{base}/rounds/{round_id}")
    page.click("[data-testid=boss-link]")
    page.fill("#name", "The Slow Hydra")
    page.select_option("#challenge_ids", str(challenge_id))
    page.fill("#minutes", "1")
    page.fill("#hint_1", "Two numbers on one line.")
    page.click("main form button[type=submit]")
    projector_url = page.get_attribute("#projector-link", "href")
    assert projector_url and re.search(r"/boss/\d+/projector/", projector_url)
    boss_id = int(re.search(r"/boss/(\d+)/", projector_url).group(1))
    # A one-minute window is the shortest the form takes: move it so that LEFT remains.
    fight = db.session.get(BossFight, boss_id)
    moved = fight.ends_at - (utcnow() + LEFT)
    fight.starts_at, fight.ends_at = fight.starts_at - moved, fight.ends_at - moved
    db.session.commit()
    db.session.remove()

    wall = chromium.new_context(viewport={"width": 1920, "height": 1080})
    projector = wall.new_page()
    projector.goto(projector_url.replace("http://localhost", base))
    projector.locator("#boss-arena[data-live]").wait_for()
    assert projector.inner_text("#boss-hp-left") == "7.2"  # 3 students × 4 tests × 0.6
    student_context = chromium.new_context(viewport={"width": 1280, "height": 720})
    idle = student_context.new_page()  # Cy deals no damage and watches the fight
    log_in(idle, base, cy_email)
    idle.goto(f"{base}/boss/{boss_id}")
    idle.locator("#game-header[data-live]").wait_for()
    assert idle.inner_text("#game-xp") == "0"

    hit(ada, round_id, ["AC", "AC", "AC", "WA"])  # 3 tests
    hit(bo, round_id, ["AC", "WA", "WA", "WA"])  # 1 test
    projector.wait_for_function("document.getElementById('boss-hp-left').textContent === '3.2'")
    assert projector.locator("#boss-feed li").count() == 4
    assert projector.locator("#boss-hints li").count() == 1  # 44% left: the 66% hint only

    banner = projector.locator("#boss-banner:not([hidden])")
    banner.wait_for(timeout=30_000)
    # 4 of 7.2 HP: each of the three earns floor(60 × 4 / 7.2) = 33, no ranking.
    assert " ".join(banner.inner_text().split()) == (
        "The boss escaped! Everyone earns 33 XP for the damage dealt."
    )
    assert projector.inner_text("#boss-hp-left") == "3.2"
    assert projector.inner_text("#boss-clock") == "00:00"
    shots(projector, "boss-projector-escaped")
    idle.locator("#toasts .toast-xp").filter(has_text="+33 XP").wait_for(timeout=5000)
    assert idle.inner_text("#game-xp") == "33"
    assert "escaped" in idle.inner_text("#boss-banner")
    paid = db.session.execute(
        select(XpEntry.user_id, XpEntry.amount).where(XpEntry.source == "boss")
    ).all()
    assert sorted(paid) == [(ada, 33), (bo, 33), (cy, 33)]

    page.reload()
    passes = page.locator("#boss-report-passes tbody tr")
    assert [passes.nth(n).inner_text().split("\t")[-1] for n in range(4)] == [
        "2 of 3", "1 of 3", "1 of 3", "0 of 3",
    ]  # fmt: skip
    damage = page.locator("#boss-report-damage tbody tr")
    assert [damage.nth(n).inner_text().split("\t")[:2] for n in range(3)] == [
        ["Ada One", "3.0"], ["Bo Two", "1.0"], ["Cy Three", "0.0"],
    ]  # fmt: skip
    shots(page, "boss-teacher-report-escaped")
    idle.screenshot(path=str(SCREENSHOTS / "boss-student-escaped-1280.png"), full_page=True)
    student_context.close()
    wall.close()
