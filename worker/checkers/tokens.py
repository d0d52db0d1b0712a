"""Token checker with the semantics of the Kattis default output validator.

Flags (challenge.checker_options): case_sensitive, space_change_sensitive,
float_absolute_tolerance, float_relative_tolerance, float_tolerance (sets both; the
specific ones win when also given). As in problemtools' default_validator:
- whitespace is C `isspace` (space, \\t, \\n, \\v, \\f, \\r); without space_change_sensitive
  only the sequence of tokens matters, with it every whitespace byte must match too;
- with a tolerance set, an answer token that parses as a finite float (the whole token, C
  `strtod` syntax including hex floats) needs a float from the user within the absolute OR
  the relative tolerance; other tokens compare as strings;
- strings compare ASCII case-insensitively unless case_sensitive;
- extra trailing tokens are wrong.
"""

from __future__ import annotations

import math
import re
from typing import Any

from worker.checkers import CheckResult

_RUN = re.compile(rb"[ \t\n\v\f\r]+|[^ \t\n\v\f\r]+")
_DECIMAL = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HEX = re.compile(rb"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?")
_SPACE = b" \t\n\v\f\r"


def parse_float(token: bytes) -> float | None:
    """The token's value if the whole token is a finite C float, else None."""
    try:
        if _DECIMAL.fullmatch(token):
            value = float(token)
        elif _HEX.fullmatch(token):
            text = token.decode("ascii")
            if "p" not in text.lower():
                text += "p0"
            value = float.fromhex(text)
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def parse_flags(flags: str) -> dict[str, Any]:
    """Turn a Kattis `validator_flags` string into checker options."""
    words = flags.split()
    options: dict[str, Any] = {}
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("case_sensitive", "space_change_sensitive"):
            options[word] = True
        elif word in ("float_absolute_tolerance", "float_relative_tolerance", "float_tolerance"):
            if index + 1 == len(words) or parse_float(words[index + 1].encode()) is None:
                raise ValueError(f"{word} needs a number")
            options[word] = float(words[index + 1])
            index += 1
        else:
            raise ValueError(f"unknown validator flag {word!r}")
        index += 1
    return options


class TokenChecker:
    """The Kattis default validator, run in the worker (no sandbox needed)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.case_sensitive = bool(options.get("case_sensitive", False))
        self.space_sensitive = bool(options.get("space_change_sensitive", False))
        both = float(options.get("float_tolerance", -1.0))
        self.abs_tol = float(options.get("float_absolute_tolerance", both))
        self.rel_tol = float(options.get("float_relative_tolerance", both))
        self.use_floats = self.abs_tol >= 0 or self.rel_tol >= 0

    def check(self, given: bytes, answer: bytes, output: bytes) -> CheckResult:
        """AC when output matches answer under the flags."""
        judge = [(m.start(), m.group()) for m in _RUN.finditer(answer)]
        team = [(m.start(), m.group()) for m in _RUN.finditer(output)]
        if not self.space_sensitive:
            judge = [run for run in judge if run[1][0] not in _SPACE]
            team = [run for run in team if run[1][0] not in _SPACE]
        for index, (judge_at, want) in enumerate(judge):
            if index == len(team):
                if not any(run[1][0] not in _SPACE for run in team):
                    return self._wrong(
                        answer,
                        output,
                        judge_at,
                        len(output),
                        "User output has no tokens while the answer has more.",
                    )
                return self._wrong(
                    answer,
                    output,
                    judge_at,
                    len(output),
                    f"User EOF while the answer has more (next answer token: {_show(want)}).",
                )
            team_at, got = team[index]
            problem = self._compare(want, got)
            if problem:
                return self._wrong(answer, output, judge_at, team_at, problem)
        if len(team) > len(judge):
            team_at, got = team[len(judge)]
            return self._wrong(
                answer, output, len(answer), team_at, f"Trailing output: {_show(got)}"
            )
        return CheckResult("AC")

    def _compare(self, want: bytes, got: bytes) -> str:
        """Why two runs differ, or "" when they match."""
        if want[0] in _SPACE or got[0] in _SPACE:
            return "" if want == got else "Space change error (whitespace differs)."
        if self.use_floats:
            expected = parse_float(want)
            if expected is not None:
                value = parse_float(got)
                if value is None:
                    return f"Expected a float, got: {_show(got)}"
                difference = abs(expected - value)
                if difference <= self.abs_tol or difference <= self.rel_tol * abs(expected):
                    return ""
                return (
                    f"Too large difference. Judge: {_show(want)} User: {_show(got)} "
                    f"(abs tol {self.abs_tol:g}, rel tol {self.rel_tol:g})"
                )
        if want == got or (not self.case_sensitive and want.lower() == got.lower()):
            return ""
        return f"String tokens mismatch. Judge: {_show(want)} User: {_show(got)}"

    def _wrong(
        self, answer: bytes, output: bytes, judge_at: int, team_at: int, why: str
    ) -> CheckResult:
        line = output.count(b"\n", 0, team_at) + 1
        judge_line = answer.count(b"\n", 0, judge_at) + 1
        return CheckResult(
            "WA",
            f"Wrong answer on line {line} of output (line {judge_line} of the answer). {why}",
        )

    def close(self) -> None:
        """Nothing to release."""


def _show(token: bytes, limit: int = 60) -> str:
    text = token[:limit].decode("utf-8", "replace")
    return repr(text) + ("..." if len(token) > limit else "")
