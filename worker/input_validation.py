"""Run a package's input validators on its test inputs, each validator in a sandbox of its own.

Spec (2025-09, "Input validators"): `validator [input_validator_args] < input`; exit 42 means
valid, anything else means the input could not be confirmed. Every data/sample and data/secret
input must pass every validator; every data/invalid_input input must fail at least one.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from worker.sandbox import api

EXIT_VALID = 42
LIMITS = api.Limits(time_ms=30_000, memory_mb=1024, output_kb=1024)


@dataclass(frozen=True)
class InputCase:
    """One input to validate: its path in the package, its bytes, its args per validator, and
    its .files (put in the validator's working directory)."""

    path: str
    data: bytes
    args: dict[str, tuple[str, ...]]
    must_fail: bool = False
    files: dict[str, bytes] = field(default_factory=dict)


def validate_inputs(programs: list[tuple[str, str, str]], cases: list[InputCase]) -> list[str]:
    """What is wrong, one line each naming the input and the validator ([] when all is well).

    programs are (name, language, source). A validator that does not compile is reported too.
    """
    problems: list[str] = []
    rejected: dict[str, list[str]] = {case.path: [] for case in cases}
    for name, language, source in programs:
        sandbox = importlib.import_module("worker.sandbox").acquire(language)
        try:
            compiled = sandbox.compile(source)
            if not compiled.ok:
                problems.append(
                    f"input_validators/{name}: does not compile: {compiled.output[:300]}"
                )
                continue
            for case in cases:
                given = {"files": case.files} if case.files else {}
                run = sandbox.run(case.data, LIMITS, case.args.get(name, ()), **given)
                if run.status == api.SANDBOX_ERROR:
                    raise api.SandboxError(f"input_validators/{name}: {run.message}")
                if run.status == api.NONZERO and run.exit_code == EXIT_VALID:
                    continue
                said = (run.stdout + run.stderr)[:300].decode("utf-8", "replace").strip()
                how = f"exit code {run.exit_code}" if run.exit_code is not None else run.status
                rejected[case.path].append(
                    f"input_validators/{name} ({how}{': ' if said else ''}{said})"
                )
        finally:
            sandbox.close()
    for case in cases:
        if case.must_fail and not rejected[case.path] and programs:
            problems.append(f"{case.path}: an invalid input that every input validator accepts")
        elif not case.must_fail:
            problems += [f"{case.path}: rejected by {why}" for why in rejected[case.path]]
    return problems
