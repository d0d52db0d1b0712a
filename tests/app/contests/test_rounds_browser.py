"""Each mode end to end in Chromium with a real worker judging in Docker: a teacher creates
the round in the form, students solve in it, and (contest) the projector shows the frozen
board live and the resolver plays it to the final standings. Screenshots are saved."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
import time_machine

from app.extensions import db
from app.judging import service
from app.judging.outcome import JudgeOutcome
from app.models import Round, utcnow
from app.scoring import boards
from app.scoring.freeze import STAFF
from app.submissions.service import create_submission
from tests.app.submissions.browser import final_verdict, log_in, type_code
from tests.factories import enroll, make_challenge, make_course, make_user
from tests.live import SCREENSHOTS
from tests.worker.judge_support import require_sandbox
from tests.worker.workers import worker_env, worker_process

pytestmark = [pytest.mark.browser, pytest.mark.docker]
LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}
SMALL_PROJECTOR = {"width": 1280, "height": 720}
GOOD = "a, b = map(int, input().split())\nprint(a + b)\n"


@pytest.fixture
def judged(app, stack, tmp_path, live_server):
    """A live server and a real worker judging in Docker."""
    require_sandbox()
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    with worker_process(worker_env(stack, tmp_path / "blobs"), tmp_path / "worker.log"):
        yield live_server


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def minute(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def create_round(page, base: str, fields: dict[str, str], selects: dict[str, str]) -> int:
    """Fill the host's form as a teacher does; the new round's id."""
    page.goto(f"{base}/rounds/new")
    for name, value in selects.items():
        page.select_option(f"select[name={name}]", value)
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    page.click("[data-testid=save-round]")
    page.wait_for_url(lambda url: "/rounds/new" not in url)
    return int(page.url.rstrip("/").split("/")[-1])


def solve(page, base: str, round_id: int, label: str = "A") -> str:
    page.goto(f"{base}/rounds/{round_id}")
    page.click(f"[data-testid=problem-{label}] a")
    type_code(page, GOOD)
    page.click("#submit")
    return final_verdict(page)


def seed_before_freeze(round_id: int, moment, people) -> None:
    """Results judged before the freeze (straight through the services, in the past)."""
    with time_machine.travel(moment.replace(tzinfo=UTC), tick=False):
        round_ = db.session.get(Round, round_id)
        for user, label, verdict in people:
            challenge = next(p.challenge for p in round_.problems if p.label == label)
            submission = create_submission(user, challenge, "python3", GOOD, round_=round_)
            judgement = submission.judgements[0]
            service.start_attempt(judgement.id, "seed")
            service.record_result(judgement.id, JudgeOutcome(verdict, 100.0 if verdict == "AC" else 0.0))
    db.session.remove()


def test_a_contest_on_the_projector_frozen_then_resolved(judged, chromium, page):
    base = judged.url
    teacher = make_user(role="teacher", name="Ms Host")
    for title in ("Apples", "Bananas", "Cherries"):
        make_challenge(owner_id=teacher.id, title=title, slug=title.lower())
    rivals = [make_user(name=name) for name in ("Ada Lovelace", "Alan Turing", "Grace Hopper")]
    student = make_user(name="Edsger Dijkstra")
    emails = {"teacher": teacher.email, "student": student.email}
    now = utcnow()
    db.session.remove()

    page.set_viewport_size(LAPTOP)
    log_in(page, base, emails["teacher"])
    round_id = create_round(page, base, {
        "name": "Winter Cup", "starts_at": minute(now - timedelta(minutes=30)),
        "ends_at": minute(now + timedelta(hours=1)), "freeze_at": minute(now - timedelta(minutes=10)),
        "problems": "apples A\nbananas B\ncherries C",
    }, {"mode": "contest", "scoring": "icpc", "visibility": "public"})  # fmt: skip
    shot(page, "contest-home-teacher-1366")
    projector_url = page.get_attribute("[data-testid=projector-link]", "href")
    rivals = [db.session.merge(r) for r in rivals]
    seed_before_freeze(round_id, now - timedelta(minutes=20), [
        (rivals[0], "A", "AC"), (rivals[0], "B", "AC"), (rivals[1], "A", "WA"), (rivals[1], "A", "AC"),
        (rivals[2], "C", "AC"),
    ])  # fmt: skip

    wall = chromium.new_context(viewport=PROJECTOR)
    try:
        projector = wall.new_page()
        projector.goto(base + projector_url)
        projector.locator("#scoreboard[data-loaded=true]").wait_for()
        assert projector.locator("[data-testid=freeze-banner]").is_visible()
        assert projector.locator("tbody tr").count() == 3
        shot(projector, "projector-frozen-1920")

        student_page = chromium.new_context(viewport=LAPTOP).new_page()
        log_in(student_page, base, emails["student"])
        student_page.goto(f"{base}/rounds/{round_id}")
        student_page.click("[data-testid=register]")
        assert solve(student_page, base, round_id, "B") == "AC"
        # Live on the projector, frozen: the new row's cell is pending, its result hidden.
        row = projector.locator("tbody tr", has_text="Edsger Dijkstra")
        row.locator("td.cell.pending[data-label=B]").wait_for()
        assert projector.locator("td.cell.solved", has_text="").count() >= 1
        student_page.goto(f"{base}/rounds/{round_id}")
        assert "solved" in student_page.inner_text("[data-testid=status-B]")  # own results
        student_page.context.close()
        projector.set_viewport_size(SMALL_PROJECTOR)
        shot(projector, "projector-frozen-1280")
    finally:
        wall.close()

    page.goto(f"{base}/rounds/{round_id}/resolver")
    page.set_viewport_size(PROJECTOR)
    page.locator("#resolver[data-loaded=true]").wait_for()
    shot(page, "resolver-start-1920")
    assert not page.locator("[data-testid=awards]").is_visible()
    awards_seen = []
    for _ in range(20):
        if page.get_attribute("#resolver", "data-done") == "true":
            break
        page.keyboard.press("Space")
        page.wait_for_timeout(700)
        if page.locator("[data-testid=awards]").is_visible():
            awards_seen.append(page.get_attribute("[data-testid=awards]", "data-award"))
            if page.get_attribute("[data-testid=awards]", "data-award") == "winner":
                shot(page, "resolver-award-1920")
    assert awards_seen[-1] == "winner" and "gold-medal" in awards_seen, awards_seen
    assert page.get_attribute("#resolver", "data-done") == "true"
    shown = [page.locator("tbody tr").nth(i).get_attribute("data-participant")
             for i in range(page.locator("tbody tr").count())]  # fmt: skip
    final = boards.board_json(boards.seen_board(db.session.get(Round, round_id), STAFF), utcnow())
    assert shown == [str(pid) for pid, _ in final["order"]]
    assert "Edsger Dijkstra" in page.inner_text("tbody")
    shot(page, "resolver-final-1920")


def test_a_timed_lab_quiz_started_by_the_student(judged, page):
    base = judged.url
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher, name="Algorithms 101")
    student = make_user(name="Barbara Liskov")
    enroll(course, student)
    make_challenge(owner_id=teacher.id, title="Sum of two", slug="sum-two", published=False)
    emails = (teacher.email, student.email)
    course_id = str(course.id)
    now = utcnow()
    db.session.remove()

    page.set_viewport_size(LAPTOP)
    log_in(page, base, emails[0])
    round_id = create_round(page, base, {
        "name": "Lab quiz 3", "starts_at": minute(now - timedelta(minutes=5)),
        "ends_at": minute(now + timedelta(hours=2)), "duration_minutes": "30", "problems": "sum-two",
    }, {"mode": "timed", "scoring": "icpc", "visibility": "course", "course_id": course_id})  # fmt: skip
    page.context.clear_cookies()
    log_in(page, base, emails[1])
    page.goto(f"{base}/rounds/{round_id}")
    assert "The problems open when you press Start" in page.inner_text("main")
    shot(page, "timed-before-start-1366")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=start]")
    page.locator("[data-testid=problem-A]").wait_for()
    countdown = page.inner_text("[data-testid=countdown]")
    assert countdown.startswith(("00:29", "00:30")), countdown
    assert solve(page, base, round_id) == "AC"
    page.goto(f"{base}/rounds/{round_id}")
    assert "solved" in page.inner_text("[data-testid=status-A]")
    shot(page, "timed-solved-1366")


def test_an_assignment_with_late_credit_and_the_grade_export(judged, page):
    base = judged.url
    teacher = make_user(role="teacher")
    course = make_course(owner=teacher, name="Programming 2")
    student = make_user(name="Ken Thompson")
    enroll(course, student)
    make_challenge(owner_id=teacher.id, title="Sum of two", slug="homework-sum")
    emails = (teacher.email, student.email)
    course_id = str(course.id)
    now = utcnow()
    db.session.remove()

    page.set_viewport_size(LAPTOP)
    log_in(page, base, emails[0])
    round_id = create_round(page, base, {
        "name": "Week 5 homework", "starts_at": minute(now - timedelta(days=2)),
        "due_at": minute(now - timedelta(hours=1)), "late_until_1": minute(now + timedelta(days=1)),
        "late_credit_1": "80", "ends_at": minute(now + timedelta(days=1)), "problems": "homework-sum A 10",
    }, {"mode": "assignment", "scoring": "assignment", "visibility": "course",
        "course_id": course_id})  # fmt: skip
    teacher_cookies = page.context.cookies()
    page.context.clear_cookies()
    log_in(page, base, emails[1])
    page.goto(f"{base}/rounds/{round_id}")
    assert page.locator("[data-testid=countdown]").inner_text() != "—"
    assert solve(page, base, round_id) == "AC"
    page.goto(f"{base}/rounds/{round_id}")
    shot(page, "assignment-student-1366")
    page.context.clear_cookies()
    page.context.add_cookies(teacher_cookies)
    page.goto(f"{base}/rounds/{round_id}/monitor")
    assert "Ken Thompson" in page.inner_text("#participants")
    shot(page, "assignment-monitor-1366")
    grades = page.request.get(f"{base}/rounds/{round_id}/grades.csv").text()
    assert grades.splitlines()[1].split(",")[1:] == [emails[1], "8", "8", "A 80%"]
