"""The JSON shape of a submission as one viewer may see it (API, sockets and the solve page)."""

from __future__ import annotations

from typing import Any

from app.challenges.access import manages_challenge
from app.extensions import db
from app.judging.service import execution_log
from app.models import Blob, Judgement, Submission, TestCase, User

# Sample data shown in the page is capped: a sample is meant to be read by a person.
SHOWN_BYTES = 64 * 1024


def latest_judgement(submission: Submission) -> Judgement | None:
    """The newest judgement of the submission (a rejudge in progress included)."""
    return submission.judgements[-1] if submission.judgements else None


def judged_tests(submission: Submission) -> list[TestCase]:
    """The tests a submission of this kind runs: all of them, or the samples of a sample run."""
    tests = list(submission.challenge.tests)
    if submission.kind == "samples":
        tests = [test for test in tests if test.is_sample]
    return tests


def _shown(sha256: str) -> str:
    blob = db.session.get(Blob, sha256)
    if blob is None:
        return ""
    return bytes(blob.data[:SHOWN_BYTES]).decode("utf-8", errors="replace")


def _outputs(judgement: Judgement) -> dict[int, str]:
    """Program outputs of sample tests, if the judge logged them (position -> output)."""
    log = execution_log(judgement.id) if judgement.is_finished else None
    found: dict[int, str] = {}
    for test in (log or {}).get("tests", []) or []:
        if isinstance(test, dict) and isinstance(test.get("output"), str):
            found[int(test.get("position", 0))] = test["output"][:SHOWN_BYTES]
    return found


def sample_view(test: TestCase) -> dict[str, Any]:
    """A sample test as the statement shows it: input and expected output."""
    return {
        "name": test.name,
        "input": _shown(test.input_sha256),
        "expected": _shown(test.answer_sha256),
    }


def submission_state(submission: Submission, viewer: User) -> dict[str, Any]:
    """Everything the viewer may know about the submission now; hidden tests carry no data."""
    judgement = latest_judgement(submission)
    tests = judged_tests(submission)
    by_id = {test.id: test for test in tests}
    staff = manages_challenge(viewer, submission.challenge)
    state: dict[str, Any] = {
        "id": submission.id,
        "challenge": submission.challenge.slug,
        "language": submission.language,
        "kind": submission.kind,
        "user_id": submission.user_id,
        "created_at": submission.created_at.isoformat(),
        "total_tests": len(tests),
        "judgement": None,
        "status": "queued",
        "verdict": None,
        "score": 0.0,
        "tests": [],
    }
    if judgement is None:
        return state
    outputs = _outputs(judgement) if any(test.is_sample for test in tests) else {}
    state["judgement"] = {
        "id": judgement.id,
        "status": judgement.status,
        "verdict": judgement.final_verdict,
        "judge_verdict": judgement.verdict,
        "overridden": judgement.override_verdict is not None,
        "override_reason": judgement.override_reason if judgement.override_verdict else "",
        "score": judgement.score,
        "time_ms": judgement.time_ms,
        "memory_kb": judgement.memory_kb,
        "compile_output": judgement.compile_output,
        "finished_at": judgement.finished_at.isoformat() if judgement.finished_at else None,
    }
    state["status"] = judgement.status
    state["verdict"] = judgement.final_verdict
    state["score"] = judgement.score
    if staff:  # why the judge failed, and how often it tried, is for the challenge's staff only
        state["judgement"]["attempts"] = judgement.attempts
        if judgement.error:
            state["judgement"]["error"] = judgement.error
    for result in judgement.test_results:
        case = by_id.get(result.test_case_id) if result.test_case_id else None
        sample = case is not None and case.is_sample
        row: dict[str, Any] = {
            "position": result.position,
            "name": result.name if (sample or staff) else f"test {result.position}",
            "group": result.group,
            "verdict": result.verdict,
            "time_ms": result.time_ms,
            "memory_kb": result.memory_kb,
            "sample": sample,
        }
        if sample or staff:
            row["message"] = result.message
        if sample and case is not None:
            row.update(sample_view(case))
            row["name"] = result.name
            if result.position in outputs:
                row["output"] = outputs[result.position]
        state["tests"].append(row)
    return state
