"""What a validation found: verdicts against expectations, timing margin and weak tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# An accepted run slower than this share of the limit leaves too little margin: DOMjudge and
# Kattis set limits at about twice the slowest accepted time, so a fast-enough but slower
# student program in another language would be rejected by chance.
MARGIN_FRACTION = 0.5
# Expected verdicts of programs that compile but must fail some test. Their failing tests are
# the ones that "catch" a wrong solution; CE programs never reach a test.
WRONG_VERDICTS = frozenset({"WA", "RE", "TLE", "MLE", "OLE"})


@dataclass(frozen=True)
class TestRun:
    """One test of a reference solution's run."""

    __test__ = False  # not a pytest class

    name: str
    group: str
    verdict: str
    time_ms: int
    case_id: int | None = None
    message: str = ""
    score: float | None = None  # the output validator's score (TestOutcome.score)


@dataclass
class SolutionRun:
    """One reference solution's verdict next to the one it promises."""

    name: str
    language: str
    expected: str
    verdict: str
    tests: list[TestRun] = field(default_factory=list)
    message: str = ""
    score: float | None = None
    # Set for packages with submissions.yaml rules (2025-09): they decide, not `expected`.
    rule_errors: list[str] | None = None

    @property
    def ok(self) -> bool:
        if self.rule_errors is not None:
            return not self.rule_errors
        return self.verdict == self.expected

    @property
    def slowest(self) -> TestRun | None:
        return max(self.tests, key=lambda test: test.time_ms, default=None)

    @property
    def slowest_ms(self) -> int:
        return self.slowest.time_ms if self.slowest else 0


@dataclass(frozen=True)
class SlowestAccepted:
    """The slowest test over the accepted solutions, against the time limit."""

    solution: str
    test: str
    group: str
    time_ms: int
    limit_ms: int

    @property
    def percent(self) -> int:
        return round(100 * self.time_ms / self.limit_ms) if self.limit_ms else 0

    @property
    def too_slow(self) -> bool:
        return self.time_ms > self.limit_ms * MARGIN_FRACTION

    def describe(self) -> str:
        """E.g. "slowest accepted: 312 ms of 2000 ms (16%), sum.py on test 02"."""
        where = f"{self.test} ({self.group})" if self.group else self.test
        return (
            f"slowest accepted: {self.time_ms} ms of {self.limit_ms} ms ({self.percent}%), "
            f"{self.solution} on test {where}"
        )

    def warning(self) -> str:
        """Why a slowest accepted time above half the limit is worth a look ("" if it isn't)."""
        if not self.too_slow:
            return ""
        return (
            f"{self.solution} takes more than half the time limit on test {self.test}: "
            "raise the limit (about twice the slowest accepted time) or speed the solution up."
        )


@dataclass
class ValidationReport:
    """Every reference solution's run, the time limit verify settled on, and the test list."""

    runs: list[SolutionRun] = field(default_factory=list)
    time_limit_ms: int | None = None
    derived: bool = False
    test_names: list[tuple[str, str]] = field(default_factory=list)  # (name, group) in order
    extra_errors: list[str] = field(default_factory=list)  # findings about the whole set

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(run.ok for run in self.runs) and not self.extra_errors

    @property
    def wrong_runs(self) -> list[SolutionRun]:
        return [run for run in self.runs if run.expected in WRONG_VERDICTS]

    def slowest_accepted(self) -> SlowestAccepted | None:
        """The slowest test of the solutions expected and judged AC (None without any)."""
        best: SlowestAccepted | None = None
        for run in self.runs:
            test = run.slowest
            if run.expected != "AC" or run.verdict != "AC" or test is None:
                continue
            if best is None or test.time_ms > best.time_ms:
                limit = self.time_limit_ms or 0
                best = SlowestAccepted(run.name, test.name, test.group, test.time_ms, limit)
        return best if self.time_limit_ms else None

    def weak_tests(self) -> list[tuple[str, str]]:
        """(name, group) of the tests no wrong solution fails, in test order."""
        caught = {
            (test.name, test.group)
            for run in self.wrong_runs
            for test in run.tests
            if test.verdict != "AC"
        }
        return [key for key in self.test_names if key not in caught]

    def warnings(self) -> list[str]:
        """Findings that don't fail the validation but deserve the author's attention."""
        found: list[str] = []
        slowest = self.slowest_accepted()
        if slowest and slowest.too_slow:
            found.append(slowest.warning())
        if not self.wrong_runs:
            found.append("No wrong solution: add a wrong solution to find weak tests.")
        elif weak := self.weak_tests():
            names = ", ".join(_test_label(name, group) for name, group in weak)
            found.append(f"Tests that catch no wrong solution: {names}.")
        return found

    def stored(self, at: str) -> dict[str, Any]:
        """The JSON kept in challenge.package_meta["validation"] for the solutions page."""
        slowest = self.slowest_accepted()
        return {
            "ok": self.ok,
            "at": at,
            "runs": [
                {
                    "name": run.name,
                    "language": run.language,
                    "expected": run.expected,
                    "verdict": run.verdict,
                    "slowest_ms": run.slowest_ms,
                    "message": run.message,
                }
                for run in self.runs
            ],
            "time_limit_ms": self.time_limit_ms,
            "slowest_accepted": slowest.describe() if slowest else "",
            "slow_warning": slowest.warning() if slowest else "",
            "has_wrong_solutions": bool(self.wrong_runs),
            "weak_tests": [{"name": name, "group": group} for name, group in self.weak_tests()],
        }


def _test_label(name: str, group: str) -> str:
    return f"{name} ({group})" if group else name
