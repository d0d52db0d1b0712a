"""What one viewer may see of a submission: its stored state and each of its live events.

`sight()` is the one place that decides (the solve page, the API and every socket frame go
through it), so a hidden test's name and checker message, or a judge's error, never reach a
student by one path while another hides them. A contest freeze plugs in here too: `sight()`
reads it from the submission's round and `Sight` withholds what the freeze withholds, from the
state and the events at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.challenges.access import manages_challenge
from app.challenges.samples import SHOWN_BYTES, shown
from app.judging.service import execution_log
from app.models import Judgement, Submission, TestCase, User
from app.programs import files_of

# All a student learns of a hidden test: how it went, never what it was or what the checker said.
HIDDEN_TEST_FIELDS = frozenset(
    ("type", "submission_id", "judgement_id", "position", "total", "group", "verdict",
     "time_ms", "memory_kb", "sample")
)  # fmt: skip
# Why the judge failed, and how often it tried, is for the challenge's staff only.
STAFF_FIELDS = frozenset(("attempt", "attempts", "error"))


@dataclass(frozen=True)
class Sight:
    """What one viewer may see of one submission, applied alike to stored rows and events."""

    staff: bool
    sample_case_ids: frozenset[int]

    def is_sample(self, test_case_id: object) -> bool:
        """Whether a test result is of a sample (an unknown or deleted test is not)."""
        return test_case_id in self.sample_case_ids

    def test(self, row: dict[str, Any], test_case_id: object) -> dict[str, Any]:
        """A test's row or `submission.test` event as the viewer may see it."""
        if self.staff or self.is_sample(test_case_id):
            return row
        shown = {key: value for key, value in row.items() if key in HIDDEN_TEST_FIELDS}
        shown["name"] = f"test {row.get('position')}"
        return shown

    def fields(self, data: dict[str, Any]) -> dict[str, Any]:
        """A judgement's fields (or an event's) without what only staff may read."""
        if self.staff or not STAFF_FIELDS & data.keys():
            return data
        return {key: value for key, value in data.items() if key not in STAFF_FIELDS}

    def event(self, event: dict[str, Any]) -> dict[str, Any]:
        """One live event of the submission's channel as the viewer may see it."""
        if event.get("type") == "submission.test":
            return self.test(event, event.get("test_case_id"))
        return self.fields(event)


def sight(submission: Submission, viewer: User) -> Sight:
    """Decide what the viewer may see of the submission (they may see the submission itself)."""
    return Sight(
        staff=manages_challenge(viewer, submission.challenge),
        sample_case_ids=frozenset(t.id for t in judged_tests(submission) if t.is_sample),
    )


def latest_judgement(submission: Submission) -> Judgement | None:
    """The newest judgement of the submission (a rejudge in progress included)."""
    return submission.judgements[-1] if submission.judgements else None


def judged_tests(submission: Submission) -> list[TestCase]:
    """The tests a submission of this kind runs: all of them, or the samples of a sample run."""
    tests = list(submission.challenge.tests)
    if submission.kind == "samples":
        tests = [test for test in tests if test.is_sample]
    return tests


def _outputs(judgement: Judgement) -> dict[int, str]:
    """Program outputs of sample tests, if the judge logged them (position -> output)."""
    log = execution_log(judgement.id) if judgement.is_finished else None
    found: dict[int, str] = {}
    for test in (log or {}).get("tests", []) or []:
        if isinstance(test, dict) and isinstance(test.get("output"), str):
            found[int(test.get("position", 0))] = test["output"][:SHOWN_BYTES]
    return found


def sample_data(test: TestCase) -> dict[str, Any]:
    """A sample's input and expected output, which a run's diff compares with its output."""
    return {
        "name": test.name,
        "input": shown(test.input_sha256),
        "expected": shown(test.answer_sha256),
    }


def submission_state(submission: Submission, viewer: User) -> dict[str, Any]:
    """Everything the viewer may know about the submission now; hidden tests carry no data."""
    judgement = latest_judgement(submission)
    tests = judged_tests(submission)
    by_id = {test.id: test for test in tests}
    seen = sight(submission, viewer)
    sent = files_of(submission)
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
        "entry": sent[0][0],
        "files": [{"name": name, "content": text} for name, text in sent],
    }
    if judgement is None:
        return state
    outputs = _outputs(judgement) if seen.sample_case_ids else {}
    shown: dict[str, Any] = {
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
        "attempts": judgement.attempts,
        **({"error": judgement.error} if judgement.error else {}),
    }
    state["judgement"] = seen.fields(shown)
    state["status"] = judgement.status
    state["verdict"] = judgement.final_verdict
    state["score"] = judgement.score
    for result in judgement.test_results:
        sample = seen.is_sample(result.test_case_id)
        row: dict[str, Any] = {
            "position": result.position,
            "name": result.name,
            "group": result.group,
            "verdict": result.verdict,
            "time_ms": result.time_ms,
            "memory_kb": result.memory_kb,
            "sample": sample,
            "message": result.message,
        }
        case = by_id.get(result.test_case_id) if sample and result.test_case_id else None
        if case is not None:
            row.update(sample_data(case))
            row["name"] = result.name
            if result.position in outputs:
                row["output"] = outputs[result.position]
            if submission.challenge.is_interactive():
                # The judge logged the interaction as the output; the input and answer files
                # are the interactor's (a secret number, say), not the program's.
                row["interaction"] = row.pop("output", "")
                row.pop("input", None)
                row.pop("expected", None)
        state["tests"].append(seen.test(row, result.test_case_id))
    return state
