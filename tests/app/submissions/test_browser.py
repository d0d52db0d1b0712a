"""A student in Chromium: types a solution (one file or several as tabs), runs samples, submits
and watches it judged live."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Submission
from tests.app.submissions.browser import (
    RECORD_MARKS,
    editor_text,
    final_verdict,
    log_in,
    type_code,
)
from tests.factories import make_challenge, make_user
from tests.live import SCREENSHOTS
from tests.worker.judge_support import require_sandbox
from tests.worker.workers import worker_env, worker_process

pytestmark = pytest.mark.browser

TESTS = [("1 2\n", "3\n"), ("2 2\n", "4\n"), ("10 5\n", "15\n"), ("0 0\n", "0\n"), ("7 1\n", "8\n")]
# Sleeps (wall time) so that each test's mark visibly arrives on its own.
SLOW_SUM = "import time\ntime.sleep(0.4)\na, b = map(int, input().split())\nprint(a + b)\n"


@pytest.fixture
def judged(app, stack, tmp_path, live_server):
    """A live server, a real worker judging in Docker, and a logged-in student's page."""
    require_sandbox()
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    env = worker_env(stack, tmp_path / "blobs")
    with worker_process(env, tmp_path / "worker.log"):
        yield live_server


@pytest.mark.docker
def test_student_runs_samples_then_submits_and_watches_marks_fill_in(judged, page):
    student = make_user()
    challenge = make_challenge(TESTS, stop_on_first_failure=False)
    slug = challenge.slug
    email = student.email
    db.session.remove()
    log_in(page, judged.url, email)
    page.goto(f"{judged.url}/solve/{slug}")
    type_code(page, SLOW_SUM)
    assert "print(a + b)" in editor_text(page)

    page.click("#run-samples")
    assert final_verdict(page) == "AC"
    assert page.locator("#marks .mark").count() == 1  # a sample run judges the samples only

    page.evaluate(RECORD_MARKS)
    page.click("#submit")
    page.locator("#progress-text").filter(has_text="of 5").first.wait_for()
    assert final_verdict(page) == "AC"
    assert page.locator("#marks .mark.v-AC").count() == 5
    assert "score 100" in page.inner_text("[data-testid=verdict]")
    assert " ms" in page.inner_text("[data-testid=verdict]")
    filled = page.evaluate("window.__filled")
    # The marks filled in one by one while the page stayed open (never reloaded).
    assert page.evaluate("window.__sameDocument") is True
    assert any(0 < count < 5 for count in filled), filled
    assert filled == sorted(filled)
    assert db.session.query(Submission).filter_by(kind="submit").count() == 1


@pytest.mark.docker
def test_compile_error_shows_the_compiler_message(judged, page):
    student = make_user()
    slug = make_challenge(TESTS).slug
    email = student.email
    db.session.remove()
    log_in(page, judged.url, email)
    page.goto(f"{judged.url}/solve/{slug}")
    page.select_option("#language", "c")
    type_code(page, "int main(void) {\nreturn undefined_name;\n}\n")
    page.click("#submit")
    assert final_verdict(page) == "CE"
    output = page.locator("#compile-output")
    output.wait_for()
    assert "undefined_name" in output.inner_text()


@pytest.mark.docker
def test_wrong_answer_on_a_sample_shows_the_first_difference(judged, page):
    student = make_user()
    slug = make_challenge(TESTS).slug
    email = student.email
    db.session.remove()
    log_in(page, judged.url, email)
    page.goto(f"{judged.url}/solve/{slug}")
    type_code(page, "a, b = map(int, input().split())\nprint(a * 10 + b)\n")
    page.click("#run-samples")
    assert final_verdict(page) == "WA"
    diff = page.locator(".sample-diff")
    diff.wait_for()
    assert "First difference at line 1, column 1." in diff.inner_text()
    expected, actual = diff.locator("pre").all()
    assert expected.inner_text().startswith("3") and actual.inner_text().startswith("12")
    assert expected.locator("mark").inner_text() == "3"
    assert actual.locator("mark").inner_text() == "1"


TWO_FILE_MAIN = "from helper import add\na, b = map(int, input().split())\nprint(add(a, b))\n"
TWO_FILE_HELPER = "def add(a, b):\n    return a + b\n"


@pytest.mark.docker
def test_student_adds_a_tab_and_submits_two_files(judged, page):
    email, slug = make_user().email, make_challenge(TESTS[:2]).slug
    db.session.remove()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, judged.url, email)
    page.goto(f"{judged.url}/solve/{slug}")
    tabs = page.locator("[data-testid=file-tab]")
    assert tabs.all_inner_texts() == ["main.py"]
    type_code(page, TWO_FILE_MAIN)

    page.click("#add-file")
    page.fill("#file-name", "../helper.py")  # refused in the page, as the server would
    page.press("#file-name", "Enter")
    assert "must not contain" in page.inner_text("#message")
    assert page.input_value("#file-name") == "file2.py"
    page.fill("#file-name", "helper.py")
    page.press("#file-name", "Enter")
    assert [t.split()[0] for t in tabs.all_inner_texts()] == ["main.py", "helper.py"]
    type_code(page, TWO_FILE_HELPER)
    page.click("#add-file")  # a third file, removed again
    assert tabs.count() == 3
    page.click("#remove-file")
    assert [t.split()[0] for t in tabs.all_inner_texts()] == ["main.py", "helper.py"]
    assert page.locator("#main-file").input_value() == "main.py"

    tabs.first.click()  # each tab keeps its own text
    assert "from helper import add" in editor_text(page)
    tabs.nth(1).click()
    assert "return a + b" in editor_text(page)

    page.reload()  # the draft keeps every tab
    assert [t.split()[0] for t in tabs.all_inner_texts()] == ["main.py", "helper.py"]

    page.click("#submit")
    assert final_verdict(page) == "AC"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "multi-file-tabs-1366.png"))
    page.locator("#result").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "multi-file-verdict-1366.png"))
    sent = db.session.query(Submission).one()
    assert sent.source_name == "main.py" and sent.other_files == {"helper.py": TWO_FILE_HELPER}

    page.goto(f"{judged.url}/submissions/{sent.id}")
    assert page.locator("[data-testid=file-name]").all_inner_texts()[1] == "helper.py"
    page.screenshot(path=str(SCREENSHOTS / "multi-file-submission-1366.png"), full_page=True)
