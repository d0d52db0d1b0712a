"""What one run of the judging pipeline found, handed from the worker to the recorder."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class TestOutcome:
    """The judge's result on one test."""

    __test__ = False  # not a pytest class

    position: int
    name: str
    group: str
    verdict: str
    time_ms: int = 0
    memory_kb: int = 0
    message: str = ""  # shown to the user (checker feedback)
    test_case_id: int | None = None
    wall_ms: int = 0
    judge_us: int = 0  # the worker's own clock around run + check, for overhead figures
    stderr: str = ""  # a capped snippet, for the execution log only
    detail: str = ""  # the sandbox's explanation, for staff
    output: str = ""  # sample tests only: the program's stdout (capped), shown to its author
    # Points from the output validator's score.txt / score_multiplier.txt (in the group's
    # points, of 100 without groups); None: the verdict alone decides.
    score: float | None = None

    def public(self) -> dict[str, Any]:
        """The fields the CLI and the live events show."""
        return {
            "name": self.name,
            "group": self.group,
            "verdict": self.verdict,
            "time_ms": self.time_ms,
            "memory_kb": self.memory_kb,
            "message": self.message,
        }


@dataclass
class JudgeOutcome:
    """A finished judgement: aggregate verdict, score and every test that ran."""

    verdict: str
    score: float
    compile_output: str = ""
    tests: list[TestOutcome] = field(default_factory=list)
    time_ms: int | None = None
    memory_kb: int | None = None
    timings: dict[str, int] = field(default_factory=dict)  # phase -> milliseconds

    def public(self) -> dict[str, Any]:
        """The stable JSON shape printed by `flask judge --json`."""
        return {
            "verdict": self.verdict,
            "score": int(self.score) if float(self.score).is_integer() else round(self.score, 2),
            "compile_output": self.compile_output,
            "tests": [test.public() for test in self.tests],
        }

    def execution_log(self) -> dict[str, Any]:
        """The detailed log kept beside the judgement (SQL or MongoDB)."""
        return {
            "verdict": self.verdict,
            "score": int(self.score) if float(self.score).is_integer() else round(self.score, 2),
            "compile_output": self.compile_output,
            "timings": dict(self.timings),
            # Flat fields only: a shallow copy each (asdict deep-copies, ten times slower).
            "tests": [{f.name: getattr(test, f.name) for f in TEST_FIELDS} for test in self.tests],
        }


TEST_FIELDS = fields(TestOutcome)
