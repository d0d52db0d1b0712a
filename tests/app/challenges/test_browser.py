"""In Chromium: a teacher creates a challenge with two tests and a reference solution,
validates it through the real judge (a queued job a worker runs), publishes it, and a student
then sees it."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_user
from tests.worker.judge_support import require_sandbox
from tests.worker.workers import worker_env, worker_process

pytestmark = [pytest.mark.browser, pytest.mark.docker]


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url(f"{base}/dashboard")


def test_teacher_authors_validates_publishes_and_student_sees(
    app, stack, tmp_path, live_server, page
) -> None:
    require_sandbox()
    make_user(role="teacher", email="teacher@example.org")
    make_user(email="student@example.org")
    base = live_server.url
    _login(page, base, "teacher@example.org")

    page.goto(f"{base}/challenges/new")
    page.fill("input[name=title]", "Add Two")
    page.fill("textarea[name=statement_md]", "Print $a+b$ for **two** integers.")
    page.fill("input[name=time_limit_ms]", "2000")
    page.click("button:has-text('Create challenge')")
    page.wait_for_url(f"{base}/challenges/add-two/tests")

    for given, expected, sample in [("1 2\n", "3\n", True), ("40 2\n", "42\n", False)]:
        page.fill("textarea[name=test-input]", given)
        page.fill("textarea[name=test-answer]", expected)
        if sample:
            page.check("input[name=test-is_sample]")
        page.click("button:has-text('Add test')")
        page.wait_for_selector("text=Test added.")
    assert page.locator("#tests tbody tr").count() == 2

    page.goto(f"{base}/challenges/add-two/solutions")
    page.fill("input[name=ref-name]", "sum.py")
    page.select_option("select[name=ref-language]", "python3")
    page.fill("textarea[name=ref-source]", "a, b = map(int, input().split())\nprint(a + b)\n")
    page.click("button:has-text('Add solution')")
    page.wait_for_selector("text=Reference solution added.")

    page.click("#publish")  # refused before a validation
    page.wait_for_selector("text=Validate first")
    page.click("#validate")
    page.wait_for_selector("#validation-running")  # queued: the page follows it by itself
    assert page.locator("#validate").is_disabled()
    page.fill("input[name=ref-name]", "typed-meanwhile.py")
    with worker_process(worker_env(stack, tmp_path / "blobs"), tmp_path / "worker.log"):
        page.wait_for_selector("#validation-report.ok", timeout=120_000)
    assert page.input_value("input[name=ref-name]") == "typed-meanwhile.py"  # no reload
    assert page.locator("#validate").is_enabled()
    assert "AC" in page.inner_text("#validation-report")
    page.click("#publish")
    page.wait_for_url(f"{base}/challenges/add-two")
    page.wait_for_selector("text=Published")

    page.click("button:has-text('Log out')")
    _login(page, base, "student@example.org")
    page.goto(f"{base}/challenges/")
    page.click("#published-challenges >> text=Add Two")
    page.wait_for_url(f"{base}/challenges/add-two")
    assert page.inner_text("#challenge-title") == "Add Two"
    assert "two" in page.inner_text(".statement strong")
    assert page.inner_text(".sample-input").strip() == "1 2"
    assert page.locator(".sample").count() == 1  # the hidden test stays hidden
    assert "Time limit 2 s" in page.inner_text(".limits")
