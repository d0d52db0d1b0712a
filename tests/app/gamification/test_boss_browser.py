"""A Boss Fight in Chromium: the teacher summons it, three students submit from their own
browsers and a real worker judges; the projector's HP bar falls to the defeat, live."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from tests.app.submissions.browser import final_verdict, log_in, type_code
from tests.factories import enroll, make_challenge, make_course, make_user
from tests.live import SCREENSHOTS
from tests.worker.judge_support import require_sandbox
from tests.worker.workers import worker_env, worker_process

pytestmark = pytest.mark.browser

TESTS = [("1 2\n", "3\n"), ("2 2\n", "4\n"), ("10 5\n", "15\n"), ("20 1\n", "21\n")]
RIGHT = "a, b = map(int, input().split())\nprint(a + b)\n"
HALF = "a, b = map(int, input().split())\nprint(a + b if a < 10 else 0)\n"
# The HP the projector showed, every time it changed (the page records it itself).
RECORD_HP = """() => {
  window.__hp = [];
  const left = document.getElementById('boss-hp-left');
  new MutationObserver(() => window.__hp.push(parseFloat(left.textContent)))
    .observe(left, {childList: true, characterData: true, subtree: true});
}"""


@pytest.fixture
def judged(app, stack, tmp_path, live_server):
    require_sandbox()
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    env = worker_env(stack, tmp_path / "blobs")
    with worker_process(env, tmp_path / "worker.log"):
        yield live_server


@pytest.mark.docker
def test_three_students_defeat_the_boss_on_the_projector(judged, chromium, page):
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher)
    kids = [make_user(name=name) for name in ("Ada One", "Bo Two", "Cy Three")]
    for kid in kids:
        enroll(course, kid)
    challenge = make_challenge(TESTS, course_id=course.id, owner_id=teacher.id,
                               stop_on_first_failure=False, title="Sum it")  # fmt: skip
    ids = (course.id, challenge.id, challenge.slug, teacher.email, [k.email for k in kids])
    course_id, challenge_id, slug, teacher_email, emails = ids
    db.session.remove()
    base = judged.url

    log_in(page, base, teacher_email)
    page.goto(f"{base}/boss/new?course_id={course_id}")
    page.fill("#name", "The Bug King")
    page.select_option("#challenge_ids", str(challenge_id))
    page.fill("#hint_1", "Read the input format again.")
    page.fill("#hint_2", "Ten plus five is fifteen.")
    page.click("main form button[type=submit]")
    projector_url = page.get_attribute("#projector-link", "href")
    assert projector_url and re.search(r"/boss/\d+/projector/", projector_url)
    page.set_viewport_size({"width": 1366, "height": 768})

    wall = chromium.new_context(viewport={"width": 1920, "height": 1080})
    projector = wall.new_page()
    projector.goto(projector_url.replace("http://localhost", base))
    projector.locator("#boss-arena[data-live]").wait_for()
    # 3 students × 4 tests × 0.6: the half solve (2) and one full solve (4 + 0.8) leave 0.4,
    # so it takes all three.
    assert projector.inner_text("#boss-hp-left") == "7.2"
    projector.evaluate(RECORD_HP)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    projector.screenshot(path=str(SCREENSHOTS / "boss-projector-start-1920.png"))

    students = []
    for email, source in zip(emails, (HALF, RIGHT, RIGHT), strict=True):
        context = chromium.new_context(viewport={"width": 1366, "height": 768})
        student = context.new_page()
        log_in(student, base, email)
        student.goto(f"{base}/solve/{slug}")
        type_code(student, source)
        students.append((context, student))
    first = students[0][1]
    first.click("#submit")  # the half solve lands first, so all three hit before the end
    assert final_verdict(first) == "WA"
    projector.locator("#boss-feed li").nth(1).wait_for()
    for _, student in students[1:]:
        student.click("#submit")  # the two full solves at once
    assert [final_verdict(student) for _, student in students[1:]] == ["AC", "AC"]

    projector.locator("#boss-banner:not([hidden])").wait_for(timeout=20_000)
    assert "Defeated" in projector.inner_text("#boss-banner")
    assert projector.inner_text("#boss-hp-left") == "0.0"
    seen = projector.evaluate("window.__hp")
    assert seen[-1] == 0.0 and seen == sorted(seen, reverse=True) and len(seen) >= 3, seen
    assert projector.locator("#boss-feed li").count() >= 3
    assert projector.locator("#boss-feed li.critical").count() >= 1
    assert projector.locator("#boss-hints li").count() == 2  # both unlocked on the way down
    projector.screenshot(path=str(SCREENSHOTS / "boss-projector-defeated-1920.png"))
    projector.set_viewport_size({"width": 1366, "height": 768})
    projector.screenshot(path=str(SCREENSHOTS / "boss-projector-defeated-1366.png"))

    page.reload()
    assert page.locator("#boss-report-damage tbody tr").count() == 3
    page.screenshot(path=str(SCREENSHOTS / "boss-teacher-report-1366.png"), full_page=True)
    kid_page = students[0][1]
    kid_page.goto(page.url)
    kid_page.screenshot(path=str(SCREENSHOTS / "boss-student-1366.png"), full_page=True)
    for context, _ in students:
        context.close()
    wall.close()
