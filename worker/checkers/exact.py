"""Exact checker: the output must equal the answer byte for byte."""

from __future__ import annotations

from worker.checkers import CheckResult


class ExactChecker:
    """Byte-for-byte comparison; the message points at the first differing line."""

    def check(self, given: bytes, answer: bytes, output: bytes) -> CheckResult:
        """AC when output == answer."""
        if output == answer:
            return CheckResult("AC")
        expected_lines = answer.split(b"\n")
        got_lines = output.split(b"\n")
        for number, (want, got) in enumerate(zip(expected_lines, got_lines, strict=False), 1):
            if want != got:
                return CheckResult("WA", f"Line {number} differs from the expected output.")
        if len(got_lines) > len(expected_lines):
            return CheckResult("WA", "The output is longer than the expected output.")
        return CheckResult("WA", "The output is shorter than the expected output.")

    def close(self) -> None:
        """Nothing to release."""
