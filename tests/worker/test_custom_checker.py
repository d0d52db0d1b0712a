"""Custom checkers: a Kattis output validator run in its own sandbox (exit 42/43, judgemessage)."""

from __future__ import annotations

import pytest

from tests.worker.judge_support import require_sandbox
from worker.checkers import make_checker

pytestmark = pytest.mark.docker

VALIDATOR = """
import sys
a, b = map(int, open(sys.argv[1]).read().split())
feedback = sys.argv[3]
got = sys.stdin.read().split()
if got == [str(a + b)]:
    sys.exit(42)
with open(feedback + "judgemessage.txt", "w") as out:
    out.write(f"expected {a + b}, got {' '.join(got)}")
sys.exit(43)
"""


@pytest.fixture
def checker(app):
    require_sandbox()
    built = make_checker("custom", {}, language="python3", source=VALIDATOR)
    yield built
    built.close()


def test_accepts_and_rejects_with_the_validator_message(checker):
    assert checker.check(b"2 3\n", b"5\n", b"5\n").verdict == "AC"
    result = checker.check(b"2 3\n", b"5\n", b"6\n")
    assert result.verdict == "WA" and result.message == "expected 5, got 6"
    assert checker.check(b"1 1\n", b"2\n", b"2").verdict == "AC"  # state does not leak


def test_crashing_or_broken_validator_is_a_judge_error(app):
    require_sandbox()
    crashing = make_checker("custom", {}, language="python3", source="raise SystemExit(1)\n")
    broken = make_checker("custom", {}, language="python3", source="def (:\n")
    try:
        assert crashing.check(b"", b"", b"").verdict == "IE"
        result = broken.check(b"", b"", b"")
        assert result.verdict == "IE" and "does not compile" in result.message
    finally:
        crashing.close()
        broken.close()
