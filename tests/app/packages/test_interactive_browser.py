"""A student solves an interactive problem in Chromium and reads the sample's interaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.extensions import db
from app.packages import import_package
from tests.app.packages.builders import write_tree
from tests.app.packages.builders2025 import interactive_package
from tests.app.submissions.browser import final_verdict, log_in, type_code
from tests.factories import make_user
from tests.live import SCREENSHOTS
from tests.worker.judge_support import require_sandbox
from tests.worker.workers import worker_env, worker_process

pytestmark = [pytest.mark.browser, pytest.mark.docker]

# One indented line: the editor helper types code flat and lets auto-indent do the rest.
SEARCH = (
    'lo, hi, reply = 1, 100, ""\n'
    'while reply != "correct":\n'
    "    mid = (lo + hi) // 2; print(mid, flush=True); reply = input(); "
    'lo, hi = (mid + 1, hi) if reply == "higher" else (lo, mid - 1)\n'
)


@pytest.fixture
def judged(app, stack, tmp_path, live_server):
    """A live server and a real worker judging in Docker."""
    require_sandbox()
    app.config["SUBMISSION_RATE_PER_MINUTE"] = 0
    env = worker_env(stack, tmp_path / "blobs")
    with worker_process(env, tmp_path / "worker.log"):
        yield live_server


def test_student_solves_an_interactive_problem(judged, page, tmp_path: Path) -> None:
    student = make_user()
    challenge = import_package(write_tree(tmp_path / "guess", interactive_package())).challenge
    challenge.published = True
    db.session.commit()
    slug, email = challenge.slug, student.email
    db.session.remove()
    log_in(page, judged.url, email)
    page.goto(f"{judged.url}/solve/{slug}")
    type_code(page, SEARCH)
    page.click("#run-samples")
    assert final_verdict(page) == "AC"
    transcript = page.locator(".sample-transcript")
    transcript.wait_for()
    lines = transcript.locator("pre").inner_text().splitlines()
    # The sample's secret is 42: the binary search's guesses (`>`, the program's output) and
    # the interactor's replies (`<`, the judge's), as a .interaction file writes them.
    assert lines[:4] == ["> 50", "< lower", "> 25", "< higher"]
    assert lines[-2:] == ["> 42", "< correct"]
    assert transcript.locator(".to-program").count() == 7
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    transcript.screenshot(path=str(SCREENSHOTS / "interactive-transcript.png"))
    page.click("#submit")
    page.locator("#progress-text").filter(has_text="of 3").first.wait_for()
    assert final_verdict(page) == "AC"
    assert "score 100" in page.inner_text("[data-testid=verdict]")
