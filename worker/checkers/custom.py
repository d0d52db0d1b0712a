"""Custom checker: a Kattis output validator, compiled and run in a sandbox of its own.

Protocol: `validator input answer feedback_dir [flags] < team_output`; exit 42 accepts, 43
rejects, anything else (or a crash, a limit) is a judge error (IE). The message shown to the
user is feedback_dir/judgemessage.txt. The validator never runs in the worker process.
"""

from __future__ import annotations

import importlib
import math
from typing import Any

from worker.checkers import CheckResult
from worker.sandbox import api

EXIT_AC = 42
EXIT_WA = 43
MESSAGE_BYTES = 4096
NEXT_PASS = "nextpass.in"  # noqa: S105  (a file name: the next pass's input)
NEXT_PASS_BYTES = 64 << 20
SCORE = "score.txt"  # the test's score (2025-09 scoring problems)
SCORE_MULTIPLIER = "score_multiplier.txt"  # or a fraction of its maximum score
SCORE_BYTES = 256
# The run dir is the validator's working dir and its own (nothing of the submission's is there).
FEEDBACK_DIR = "./"


class CustomChecker:
    """Runs the challenge's validator once per test in one sandbox, compiled on first use."""

    def __init__(
        self, language: str, source: str, options: dict[str, Any], *, time_limit_ms: int = 10_000
    ) -> None:
        self.language = language
        self.source = source
        # Packages store their output_validator_args as `args` (app/packages/config.py).
        flags = options.get("args", options.get("validator_flags", ()))
        self.flags = tuple(str(flag) for flag in flags)
        # The current test's own output_validator_args (its .yaml or test_group.yaml), if any.
        self.test_flags: tuple[str, ...] | None = None
        self.limits = api.Limits(time_ms=time_limit_ms, memory_mb=1024, output_kb=1024)
        self._sandbox: api.Sandbox | None = None
        self._broken = ""
        # score.txt and score_multiplier.txt of the current test's last validator run (None:
        # not written); the judge clears them before each test.
        self.scores: tuple[float | None, float | None] = (None, None)

    def _ready(self) -> api.Sandbox | None:
        if self._sandbox is None and not self._broken:
            sandbox = importlib.import_module("worker.sandbox").acquire(self.language)
            compiled = sandbox.compile(self.source)
            if compiled.ok:
                self._sandbox = sandbox
            else:
                sandbox.close()
                self._broken = "The output validator does not compile:\n" + compiled.output
        return self._sandbox

    def prepare(self, given: bytes, answer: bytes) -> tuple[api.Sandbox | None, str]:
        """The validator's box with this test's input and answer written (an interactive run
        starts it itself), or (None, why) when the validator does not compile."""
        sandbox = self._ready()
        if sandbox is None:
            return None, self._broken[:MESSAGE_BYTES]
        sandbox.write_file("input", given)
        sandbox.write_file("answer", answer)
        return sandbox, ""

    def arguments(self) -> tuple[str, ...]:
        """The validator's command line after its program: input answer feedback_dir flags."""
        return ("input", "answer", FEEDBACK_DIR, *self._flags())

    def _flags(self) -> tuple[str, ...]:
        return self.flags if self.test_flags is None else self.test_flags

    def judge_message(self) -> str:
        """judgemessage.txt of the validator's last run ("" if none)."""
        if self._sandbox is None:
            return ""
        feedback = self._sandbox.read_file("judgemessage.txt", MESSAGE_BYTES) or b""
        return feedback.decode("utf-8", "replace").strip()

    def score_files(self) -> tuple[float | None, float | None]:
        """score.txt and score_multiplier.txt of the validator's last run (None: not written);
        ValueError when one does not hold a single number."""
        found: list[float | None] = []
        for name in (SCORE, SCORE_MULTIPLIER):
            data = self._sandbox.read_file(name, SCORE_BYTES) if self._sandbox else None
            if data is None:
                found.append(None)
                continue
            try:
                value = float(data.decode("ascii").strip())
            except (UnicodeDecodeError, ValueError):
                raise ValueError(f"{name}: not a number: {data[:40]!r}") from None
            if not math.isfinite(value):
                raise ValueError(f"{name}: not a finite number")
            found.append(value)
        return found[0], found[1]

    def next_pass_input(self) -> bytes | None:
        """nextpass.in of the validator's last run (None: not written)."""
        if self._sandbox is None:
            return None
        return self._sandbox.read_file(NEXT_PASS, NEXT_PASS_BYTES)

    def start_next_pass(self, next_input: bytes) -> None:
        """Before an interactive problem's later pass: nextpass.in becomes the interactor's
        input file (the submission only hears the interactor, so the new input is the
        interactor's), the rest of the feedback dir stays, as between multi-pass runs."""
        if self._sandbox is not None:
            self._sandbox.remove_file(NEXT_PASS)
            self._sandbox.write_file("input", next_input)

    def check(self, given: bytes, answer: bytes, output: bytes) -> CheckResult:
        """Run the validator on one output."""
        return self.check_pass(given, answer, output, multi_pass=False)[0]

    def check_pass(
        self,
        given: bytes,
        answer: bytes,
        output: bytes,
        *,
        multi_pass: bool = True,
        later_pass: bool = False,
    ) -> tuple[CheckResult, bytes | None]:
        """One validator run, and the nextpass.in it wrote (multi-pass), if any.

        A later pass keeps the feedback dir of the pass before (the spec's multi-pass rule);
        the first pass of a test starts from an empty one. `given` stays the test's input."""
        sandbox = self._ready()
        if sandbox is None:
            return CheckResult("IE", self._broken[:MESSAGE_BYTES]), None
        if later_pass:
            sandbox.remove_file(NEXT_PASS)
        else:
            sandbox.write_file("input", given)
            sandbox.write_file("answer", answer)
        run = sandbox.run(
            output,
            self.limits,
            self.arguments(),
            keep_files=later_pass,
        )
        feedback = sandbox.read_file("judgemessage.txt", MESSAGE_BYTES) or b""
        message = feedback.decode("utf-8", "replace").strip()
        next_input = sandbox.read_file(NEXT_PASS, NEXT_PASS_BYTES) if multi_pass else None
        try:
            self.scores = self.score_files()
        except ValueError as error:
            return CheckResult("IE", str(error)), None
        if run.status == api.NONZERO and run.exit_code == EXIT_AC:
            return CheckResult("AC", message), next_input
        if next_input is not None:
            return CheckResult("IE", "The output validator wrote nextpass.in but rejected."), None
        if run.status == api.NONZERO and run.exit_code == EXIT_WA:
            return CheckResult("WA", message), None
        detail = run.message or f"status {run.status}, exit code {run.exit_code}"
        stderr = run.stderr[:1000].decode("utf-8", "replace")
        return CheckResult("IE", f"The output validator failed ({detail}). {stderr}".strip()), None

    def close(self) -> None:
        """Remove the validator's sandbox."""
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None
