"""Output checkers: one file per checker; `make_checker` picks one for a challenge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class CheckResult:
    """A checker's verdict on one output: AC, WA, or IE when the checker itself failed."""

    verdict: str
    message: str = ""

    @property
    def accepted(self) -> bool:
        return self.verdict == "AC"


class Checker(Protocol):
    """Compares a program's output with the expected answer of one test."""

    def check(self, given: bytes, answer: bytes, output: bytes) -> CheckResult:
        """Judge output for the test with input `given` and expected `answer`."""

    def close(self) -> None:
        """Release what the checker holds (a sandbox, for custom checkers)."""


def make_checker(
    name: str,
    options: dict[str, Any] | None = None,
    *,
    language: str | None = None,
    source: str | None = None,
    time_limit_ms: int = 10_000,
) -> Checker:
    """The checker a challenge asks for; custom checkers get a sandbox of their own."""
    if name == "exact":
        from worker.checkers.exact import ExactChecker

        return ExactChecker()
    if name == "tokens":
        from worker.checkers.tokens import TokenChecker

        return TokenChecker(options or {})
    if name == "custom":
        from worker.checkers.custom import CustomChecker

        if not language or not source:
            raise ValueError("a custom checker needs checker_language and checker_source")
        return CustomChecker(language, source, options or {}, time_limit_ms=time_limit_ms)
    raise ValueError(f"unknown checker {name!r}")
