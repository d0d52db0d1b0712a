"""Validate through the real judge: weak tests and the slowest accepted time, kept for the page."""

from __future__ import annotations

import pytest

from app.challenges import service, testdata
from tests.factories import make_user
from tests.worker.judge_support import require_sandbox

pytestmark = pytest.mark.docker

SUM = "a, b = map(int, input().split())\nprint(a + b)\n"
WRONG_ON_40 = "a, b = map(int, input().split())\nprint(0 if a == 40 else a + b)\n"
# About 1.3 s of CPU time against a 2 s limit: above half of it on a loaded machine too,
# and far enough from the limit not to TLE (the limit counts CPU time, not wall time).
SLOW_SUM = (
    "import time\nstart = time.process_time()\n"
    "while time.process_time() - start < 1.3:\n    pass\n" + SUM
)


def _challenge(teacher, slug: str, tests: list[tuple[bytes, bytes]]) -> None:
    service.create_challenge(
        teacher, service.ChallengeData(title=slug, slug=slug, time_limit_ms=2000)
    )
    for given, expected in tests:
        testdata.add_test(teacher, slug, "", given, expected)


def test_tests_no_wrong_solution_fails_are_listed_after_a_reload(app, client, auth) -> None:
    require_sandbox()
    teacher = make_user(role="teacher", email="t@example.org")
    _challenge(teacher, "add", [(b"1 2\n", b"3\n"), (b"40 2\n", b"42\n"), (b"5 5\n", b"10\n")])
    service.add_reference(teacher, "add", "sum.py", "python3", SUM, "AC")
    service.add_reference(teacher, "add", "wrong.py", "python3", WRONG_ON_40, "WA")
    report = service.validate(teacher, "add")
    assert report.ok, report.runs
    wrong = next(run for run in report.runs if run.expected == "WA")
    # The challenge stops at the first failure, yet the wrong solution ran all three tests.
    assert [t.verdict for t in wrong.tests] == ["AC", "WA", "AC"]
    assert [name for name, _ in report.weak_tests()] == ["01", "03"]

    auth.login("t@example.org")
    page = client.get("/challenges/add/solutions").get_data(as_text=True)
    assert "Tests that catch no wrong solution" in page
    weak = page[page.index('id="weak-tests"') :]
    assert "<li>01</li>" in weak and "<li>03</li>" in weak and "<li>02</li>" not in weak
    assert "slowest accepted: " in page and "of 2000 ms" in page
    assert 'id="slow-warning"' not in page


def test_a_slow_accepted_solution_warns_and_validation_still_passes(
    app, client, auth, runner
) -> None:
    require_sandbox()
    teacher = make_user(role="teacher", email="t@example.org")
    _challenge(teacher, "slow", [(b"1 2\n", b"3\n")])
    service.add_reference(teacher, "slow", "slow.py", "python3", SLOW_SUM, "AC")
    report = service.validate(teacher, "slow")
    assert report.ok, report.runs
    slowest = report.slowest_accepted()
    assert slowest is not None and slowest.too_slow, slowest

    auth.login("t@example.org")
    page = client.get("/challenges/slow/solutions").get_data(as_text=True)
    assert "Validation passed" in page
    assert "slow.py takes more than half the time limit on test 01" in page
    assert "add a wrong solution to find weak tests" in page

    # `flask problems verify` prints the warnings but only a verdict mismatch fails it.
    result = runner.invoke(args=["problems", "verify", "slow"])
    assert result.exit_code == 0, result.output
    assert "warning: slow.py takes more than half the time limit" in result.output
    assert "warning: No wrong solution" in result.output
