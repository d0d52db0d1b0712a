"""The CLICS objects of one round, as the jury sees them (roles filter them in `collections`).

Ids: the contest is the round id, a team the participant id, a person and an account the
user id, a problem its label (as the scoreboard and clarifications already say), a group a
course section, a submission/judgement/run the row id; an imported package's own ids instead
where it gave them (app/clics/ids.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from app.clics.groups import imported
from app.clics.ids import judgement_id, problem_id, submission_id, team_id
from app.judging import languages as registry
from app.models import Judgement, Participant, Round, RoundProblem, Submission, TestResult
from app.scoring.boards import clics_group_id
from app.scoring.times import abstime, reltime

# codedev verdicts as CLICS judgement types (DESIGN: "Mapped to CLICS judgement types").
JUDGEMENT_TYPE_OF = {"AC": "AC", "WA": "WA", "TLE": "TLE", "MLE": "MLE", "RE": "RTE",
                     "CE": "CE", "OLE": "OLE", "IE": "JE"}  # fmt: skip
VERDICT_OF = {type_id: verdict for verdict, type_id in JUDGEMENT_TYPE_OF.items()}
TYPE_NAMES = {"AC": "correct", "WA": "wrong answer", "TLE": "time limit exceeded",
              "MLE": "memory limit exceeded", "RTE": "run-time error", "CE": "compiler error",
              "OLE": "output limit exceeded", "JE": "judging error"}  # fmt: skip
_RGB = re.compile(r"^#[A-Fa-f0-9]{3}([A-Fa-f0-9]{3})?$")


def type_of(verdict: str | None) -> str | None:
    """The CLICS judgement type of a codedev verdict (unknown ones are judging errors)."""
    return None if verdict is None else JUDGEMENT_TYPE_OF.get(verdict, "JE")


def pass_fail(round_: Round) -> bool:
    return round_.scoring == "icpc"


def start_unset(round_: Round) -> bool:
    """Whether the jury cleared the start time (a PATCH): the round waits, never opening."""
    return bool((round_.clics or {}).get("start_unset"))


def contest(round_: Round) -> dict[str, Any]:
    """The contest object."""
    unset = start_unset(round_)
    data: dict[str, Any] = {
        "id": str(round_.id),
        "name": round_.name,
        "formal_name": round_.name,
        "start_time": None if unset else abstime(round_.starts_at),
        "duration": reltime(round_.ends_at - round_.starts_at),
        "scoreboard_freeze_duration": reltime(round_.ends_at - round_.freeze_at)
        if round_.freeze_at is not None else None,
        "scoreboard_type": "pass-fail" if pass_fail(round_) else "score",
    }  # fmt: skip
    if pass_fail(round_):
        data["penalty_time"] = round_.penalty_minutes
    if unset:
        data["countdown_pause_time"] = (round_.clics or {}).get("countdown_pause_time")
    return data


def judgement_types(round_: Round) -> list[dict[str, Any]]:
    """The judgement types codedev gives, with the round's penalty rules."""
    penalty = {"AC": False, "CE": round_.ce_penalty, "JE": False}
    return [{"id": t, "name": TYPE_NAMES[t], "penalty": penalty.get(t, True), "solved": t == "AC"}
            for t in TYPE_NAMES]  # fmt: skip


def languages(round_: Round) -> list[dict[str, Any]]:
    """The languages of the round: an imported contest's own, else the judge's it allows
    (every one when it names none)."""
    return imported(round_, "languages") or judge_languages(round_.languages or registry.ids())


def judge_languages(allowed: Iterable[str]) -> list[dict[str, Any]]:
    """These of the judge's languages, as CLICS languages."""
    wanted = set(allowed)
    return [{"id": language.id, "name": language.name, "entry_point_required": False,
             "extensions": [extension.lstrip(".") for extension in language.extensions]}
            for language in registry.all_languages() if language.id in wanted]  # fmt: skip


def language_id(round_: Round, stored: str) -> str:
    """The served id of a submission's language: an imported contest's own (a package's alias
    is stored as the judge's id, a long id cut to the column's 16 characters)."""
    given = [str(item["id"]) for item in (round_.clics or {}).get("languages", [])]
    if not given or stored in given:
        return stored
    return next((i for i in given if registry.from_code(i)[:16] == stored), stored)


def problem(round_: Round, item: RoundProblem, ordinal: int) -> dict[str, Any]:
    """One problem object: the label is its id."""
    data: dict[str, Any] = {
        "id": problem_id(item), "label": item.label, "name": item.challenge.title, "ordinal": ordinal,
        "color": item.color, "time_limit": round(item.challenge.time_limit_ms / 1000, 3),
        "test_data_count": len(item.challenge.tests),
    }  # fmt: skip
    if _RGB.match(item.color or ""):
        data["rgb"] = item.color
    if not pass_fail(round_):
        data["max_score"] = item.points
    return data


def group(section: str) -> dict[str, Any]:
    """A course section as a CLICS group."""
    return {"id": clics_group_id(section), "name": section}


def team(participant: Participant, group_ids: list[str]) -> dict[str, Any]:
    """One team object; a virtual participant (a package's hidden team: a replay is never
    served) is hidden."""
    extra = participant.clics or {}
    data = {"id": team_id(participant), "name": participant.name,
            "label": str(extra.get("label") or team_id(participant)),
            "display_name": participant.name, "group_ids": group_ids,
            "hidden": participant.virtual}  # fmt: skip
    if extra.get("organization_id"):
        data["organization_id"] = extra["organization_id"]
    return data


def person(participant: Participant, user_id: int, name: str, email: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(user_id), "name": name, "role": "contestant",
                            "team_ids": [team_id(participant)]}  # fmt: skip
    if email is not None:
        data["email"] = email
    return data


def account(user_id: int, email: str, name: str, team: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(user_id), "username": email, "name": name,
                            "type": "team" if team is not None else "admin",
                            "person_id": str(user_id) if team is not None else None}  # fmt: skip
    if team is not None:
        data["team_id"] = team
    return data


def submission(round_: Round, sent: Submission, problem: str, team: str,
               files: bool) -> dict[str, Any]:  # fmt: skip
    """One submission (of that CLICS problem and team id); its files (a zip of the source)
    only for those who may read them."""
    href = f"contests/{round_.id}/submissions/{submission_id(sent)}/files"
    return {
        "id": submission_id(sent), "language_id": language_id(round_, sent.language), "problem_id": problem,
        "team_id": team, "time": abstime(sent.created_at),
        "contest_time": reltime(sent.created_at - round_.starts_at), "entry_point": sent.source_name or None,
        "files": [{"href": href, "mime": "application/zip", "filename": "files.zip"}]
        if files else [],
    }  # fmt: skip


def started_at(judgement: Judgement) -> datetime:
    return judgement.started_at or judgement.created_at


def judged(item: Judgement) -> bool:
    """Whether a judgement has its verdict: finished, but not one an imported package recorded
    without a verdict (failed, so the judge never takes it up; served as still judging)."""
    return item.status == "done" or (item.status == "failed" and item.verdict is not None)


def judgement(round_: Round, item: Judgement, sent: str, runs: list[TestResult],
              as_started: bool = False, points: float = 100.0) -> dict[str, Any]:  # fmt: skip
    """One judgement (of that CLICS submission id): a verdict once judged (failed = judging
    error), null before; with as_started, as it was when it started (the feed's first event).
    Its score is in the problem's points, as its max_score and the scoreboard are."""
    finished = judged(item) and not as_started
    runs = runs if finished else []
    verdict = ("IE" if item.status == "failed" else item.final_verdict) if finished else None
    start = started_at(item)
    end = item.finished_at or start if finished else None
    data: dict[str, Any] = {
        "id": judgement_id(item), "submission_id": sent,
        "judgement_type_id": type_of(verdict) if finished else None,
        "start_time": abstime(start), "start_contest_time": reltime(start - round_.starts_at),
        "end_time": abstime(end) if end else None,
        "end_contest_time": reltime(end - round_.starts_at) if end else None,
        "max_run_time": round(max(r.time_ms for r in runs) / 1000, 3) if runs else None,
    }  # fmt: skip
    if not pass_fail(round_):
        data["score"] = round(points * max(0.0, item.score) / 100.0, 4) if finished else 0.0
    return data


def run(round_: Round, item: TestResult, judged: Judgement) -> dict[str, Any]:
    """One test's run of a judgement, at the judgement's end (runs are recorded with it)."""
    at = judged.finished_at or started_at(judged)
    return {"id": str(item.id), "judgement_id": judgement_id(judged), "ordinal": item.position,
            "judgement_type_id": type_of(item.verdict), "time": abstime(at),
            "contest_time": reltime(at - round_.starts_at),
            "run_time": round(item.time_ms / 1000, 3)}  # fmt: skip


VERSION_URL = "https://ccs-specs.icpc.io/2023-06/contest_api"


def api_information() -> dict[str, Any]:
    """What the base URL says of itself (the API's version, the provider): a package's api.json."""
    return {"version": "2023-06", "version_url": VERSION_URL,
            "provider": {"name": "codedev", "version": "0.1.0"}}  # fmt: skip
