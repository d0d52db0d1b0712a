"""What a judgement runs: the planned tests (data, args, .files, maximum scores) and the
files compiled beside a program."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Challenge, TestCase
from worker.blobs import fetch_blob
from worker.languages import get_language


@dataclass(frozen=True)
class PlannedTest:
    """A test to run: where it sits and which blobs hold its data."""

    position: int
    name: str
    group: str
    test_case_id: int | None
    input_sha256: str
    answer_sha256: str
    is_sample: bool = False
    args: tuple[str, ...] = ()  # the program's command-line args (the package's `args`)
    validator_args: tuple[str, ...] | None = None  # the output validator's, None: its own
    files: tuple[tuple[str, str], ...] = ()  # (name, sha256): the test's .files input
    max_score: float | None = None  # the most a validator's score may give it (None: no score)


def plan_tests(challenge: Challenge, samples_only: bool = False) -> list[PlannedTest]:
    """The challenge's tests in order (only the samples for a sample run)."""
    cases: list[TestCase] = [t for t in challenge.tests if t.is_sample or not samples_only]
    maxima = max_scores(challenge, cases)
    return [
        PlannedTest(
            position=index,
            name=case.name,
            group=case.group.name if case.group else "",
            test_case_id=case.id,
            input_sha256=case.input_sha256,
            answer_sha256=case.answer_sha256,
            is_sample=case.is_sample,
            args=args,
            validator_args=validator_args,
            files=tuple(sorted(challenge.test_files(case).items())),
            max_score=maxima.get(index),
        )
        for index, case in enumerate(cases, start=1)
        for args, validator_args in [challenge.run_args(case)]
    ]


def max_scores(challenge: Challenge, cases: list[TestCase]) -> dict[int, float]:
    """By position (from 1): the maximum score of each test that gets one (2025-09 "Scoring
    problems"): in a sum group its points / size, in a min group its points; without groups
    (a scoring problem) 100 / the number of secret tests when data/secret sums, 100 when it
    takes the minimum. Samples, pass-fail groups and a pass-fail data/secret get none."""
    sizes: dict[int, int] = {}
    for case in cases:
        if case.group_id is not None:
            sizes[case.group_id] = sizes.get(case.group_id, 0) + 1
    secret = sum(1 for case in cases if not case.is_sample)
    whole = challenge.secret_aggregation() if challenge.is_scoring() else "pass-fail"
    found: dict[int, float] = {}
    for index, case in enumerate(cases, start=1):
        if case.is_sample:
            continue
        if case.group is None:
            if whole != "pass-fail" and not challenge.groups:
                found[index] = 100.0 / secret if whole == "sum" else 100.0
            continue
        rule = challenge.aggregation_of(case.group.name)
        if rule == "sum":
            found[index] = case.group.points / sizes[case.group.id]
        elif rule == "min":
            found[index] = case.group.points
    return found


def program_files(
    challenge: Challenge, language: str, files: dict[str, bytes] | None
) -> dict[str, bytes] | None:
    """The files beside the source: a folder program's own, then the challenge's include/
    files for the language (include/<language>/, else include/default/), which win on a
    name collision, as the 2025-09 format says."""
    merged = {**(files or {}), **_included(challenge, language)}
    return merged or None


def with_includes(
    challenge: Challenge,
    language: str,
    source: str,
    files: dict[str, bytes] | None,
    source_name: str = "",
) -> tuple[str, dict[str, bytes] | None]:
    """(main source, files beside it) of a program with the challenge's include/ files added
    (program_files).

    An included file named as the language's main file (main.py, main.cpp, Main.java, ...) is
    a driver, as the format's "Included files" says: it is the main file and calls the
    program's code, which is kept beside it under its own name (source_name), or under
    `solution` and the language's extension when it has none or the driver's (a statement
    with a driver tells students what the driver imports)."""
    included = _included(challenge, language)
    spec = get_language(language)
    mains = spec.main_file_names()
    driver = next((name for name in mains if name in included), None)
    if driver is None:
        return source, program_files(challenge, language, files)
    own = next(
        (name for name in (source_name, spec.source_file(source)) if name and name not in mains),
        "solution" + spec.extensions[0],
    )
    merged = {**(files or {}), own: source.encode(), **included}
    return merged.pop(driver).decode("utf-8", "replace"), merged


def _included(challenge: Challenge, language: str) -> dict[str, bytes]:
    """include/<language>/ (else include/default/) as {name: bytes}; subfolders are not added."""
    for folder in (f"include/{language}/", "include/default/"):
        found = {
            kept.path[len(folder) :]: kept.sha256
            for kept in challenge.files
            if kept.path.startswith(folder) and "/" not in kept.path[len(folder) :]
        }
        if found:
            return {name: fetch_blob(sha256) for name, sha256 in found.items()}
    return {}


def test_files(test: PlannedTest) -> dict[str, bytes]:
    """A test's .files input as {name: bytes}, for the program's work dir during that test."""
    return {name: fetch_blob(sha256) for name, sha256 in test.files}
