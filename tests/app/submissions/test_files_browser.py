"""A student in Chromium adds a second file as a tab, submits both, and gets AC."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Submission
from tests.app.submissions.browser import editor_text, final_verdict, log_in, type_code
from tests.factories import make_challenge, make_user
from tests.live import SCREENSHOTS
from tests.worker.judge_support import require_sandbox
from tests.worker.workers import worker_env, worker_process

pytestmark = [pytest.mark.browser, pytest.mark.docker]

TESTS = [("1 2\n", "3\n"), ("40 2\n", "42\n")]
MAIN = "from helper import add\na, b = map(int, input().split())\nprint(add(a, b))\n"
HELPER = "def add(a, b):\n    return a + b\n"


@pytest.fixture
def judged(app, stack, tmp_path, live_server):
    """A live server and a real worker judging in Docker."""
    require_sandbox()
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    env = worker_env(stack, tmp_path / "blobs")
    with worker_process(env, tmp_path / "worker.log"):
        yield live_server


def test_student_adds_a_tab_and_submits_two_files(judged, page):
    email, slug = make_user().email, make_challenge(TESTS).slug
    db.session.remove()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, judged.url, email)
    page.goto(f"{judged.url}/solve/{slug}")
    tabs = page.locator("[data-testid=file-tab]")
    assert tabs.all_inner_texts() == ["main.py"]
    type_code(page, MAIN)

    page.click("#add-file")
    page.fill("#file-name", "helper.py")
    page.press("#file-name", "Enter")
    assert [t.split()[0] for t in tabs.all_inner_texts()] == ["main.py", "helper.py"]
    type_code(page, HELPER)
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
    assert sent.source_name == "main.py" and sent.other_files == {"helper.py": HELPER}

    page.goto(f"{judged.url}/submissions/{sent.id}")
    assert page.locator("[data-testid=file-name]").all_inner_texts()[1] == "helper.py"
    page.screenshot(path=str(SCREENSHOTS / "multi-file-submission-1366.png"), full_page=True)
