"""Realistic CLICS contest packages made by a seeded generator (tests and bench/ use them):
many teams and problems, rejudges, compile errors before accepts, exact ties and a freeze;
and a plain reference ranking computed from the package alone."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2026, 3, 1, 9, 0, 0)
DURATION = timedelta(hours=5)
FREEZE = timedelta(hours=1)
PENALTY = {"AC": False, "WA": True, "TLE": True, "RTE": True, "CE": False}


def _t(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+00:00"


def _rel(delta: timedelta) -> str:
    ms = int(delta.total_seconds() * 1000)
    return f"{ms // 3600000}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def generate(seed: int, teams: int, problems: int, submissions: int) -> dict[str, Any]:
    """The package's endpoint objects (contest, judgement types, problems, teams, submissions,
    judgements, state): seeded, so every run builds the same contest."""
    rng = random.Random(seed)
    labels = [chr(ord("A") + i) for i in range(problems)]
    contest = {"id": f"gen{seed}", "name": f"Generated {seed}", "start_time": _t(START),
               "duration": _rel(DURATION), "scoreboard_freeze_duration": _rel(FREEZE),
               "scoreboard_type": "pass-fail", "penalty_time": 20}  # fmt: skip
    types = [{"id": t, "name": t, "penalty": p, "solved": t == "AC"} for t, p in PENALTY.items()]
    problem_list = [{"id": f"p{label.lower()}", "label": label, "name": f"Problem {label}",
                     "ordinal": i + 1, "test_data_count": 3, "rgb": "#336699"}
                    for i, label in enumerate(labels)]  # fmt: skip
    team_list = [{"id": f"t{i}", "name": f"Team {i:03d}", "label": str(i)} for i in range(1, teams + 1)]
    sent: list[dict[str, Any]] = []
    judged: list[dict[str, Any]] = []

    def add(team: str, problem: str, at: timedelta, verdicts: list[str]) -> None:
        number = len(sent) + 1
        moment = START + at
        sent.append({"id": str(number), "team_id": team, "problem_id": problem, "language_id": "cpp",
                     "time": _t(moment), "contest_time": _rel(at), "files": []})  # fmt: skip
        for k, verdict in enumerate(verdicts):  # a rejudge is a later judgement
            begun = moment + timedelta(seconds=1 + 600 * k)
            judged.append({"id": f"{number}-{k}", "submission_id": str(number), "judgement_type_id": verdict,
                           "start_time": _t(begun), "start_contest_time": _rel(begun - START),
                           "end_time": _t(begun + timedelta(seconds=2)),
                           "end_contest_time": _rel(begun + timedelta(seconds=2) - START)})  # fmt: skip

    # Two pairs of exact twins (identical submissions at identical times): ties.
    for twins in (("t1", "t2"), ("t3", "t4")):
        for problem in problem_list[:3]:
            at = timedelta(minutes=rng.randrange(10, 200), seconds=rng.randrange(60))
            for team in twins:
                add(team, problem["id"], at, ["CE"])
                add(team, problem["id"], at + timedelta(minutes=3), ["WA"])
                add(team, problem["id"], at + timedelta(minutes=9), ["AC"])
    while len(sent) < submissions:
        team = rng.choice(team_list[4:])["id"]
        problem = rng.choice(problem_list)["id"]
        at = timedelta(seconds=rng.randrange(int(DURATION.total_seconds()) - 1))
        verdict = rng.choices(["AC", "WA", "TLE", "RTE", "CE"], [3, 5, 2, 1, 1])[0]
        verdicts = [verdict]
        if rng.random() < 0.08:  # rejudged: the later verdict counts
            verdicts.append(rng.choice(["AC", "WA"]))
        add(team, problem, at, verdicts)
    state = {"started": _t(START), "frozen": _t(START + DURATION - FREEZE),
             "ended": _t(START + DURATION), "thawed": None, "finalized": None, "end_of_updates": None}  # fmt: skip
    return {"contest": contest, "judgement-types": types, "problems": problem_list,
            "teams": team_list, "submissions": sent, "judgements": judged, "state": state}  # fmt: skip


def write_endpoint_files(folder: Path, package: dict[str, Any]) -> Path:
    """The package as contest.json, state.json and one JSON file per endpoint."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "contest.json").write_text(json.dumps(package["contest"]))
    (folder / "state.json").write_text(json.dumps(package["state"]))
    for name in ("judgement-types", "problems", "teams", "submissions", "judgements"):
        (folder / f"{name}.json").write_text(json.dumps(package[name], indent=1))
    return folder


def write_event_feed(folder: Path, package: dict[str, Any]) -> Path:
    """The package as one event-feed.ndjson (objects in referential order, the state last)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [{"type": "contest", "id": None, "data": package["contest"]}]
    for name in ("judgement-types", "problems", "teams", "submissions", "judgements"):
        lines += [{"type": name, "id": item["id"], "data": item} for item in package[name]]
    lines.append({"type": "state", "id": None, "data": package["state"]})
    (folder / "event-feed.ndjson").write_text("".join(json.dumps(x) + "\n" for x in lines))
    return folder


def reference_ranking(package: dict[str, Any], *, public: bool) -> list[tuple[int, str, int, int]]:
    """(rank, team name, solved, total time) by the ICPC rules, written plainly: the latest
    judgement of each submission counts; a problem counts at its first accept, plus 20 per
    earlier rejected try with a penalty; for the public, tries from the freeze on are
    pending. Ties share a rank; within one, rows go by name."""
    freeze = START + DURATION - FREEZE
    verdict: dict[str, str] = {}
    for judgement in sorted(package["judgements"], key=lambda j: j["start_time"]):
        verdict[judgement["submission_id"]] = judgement["judgement_type_id"]
    penalty = {t["id"]: t["penalty"] for t in package["judgement-types"]}
    names = {t["id"]: t["name"] for t in package["teams"]}
    rows = []
    for team in names:
        solved = total = last = 0
        for problem in package["problems"]:
            tries = sorted((s for s in package["submissions"]
                            if s["team_id"] == team and s["problem_id"] == problem["id"]),
                           key=lambda s: (s["time"], int(s["id"])))  # fmt: skip
            wrong = 0
            for sent in tries:
                at = datetime.fromisoformat(sent["time"]).replace(tzinfo=None)
                if public and at >= freeze:
                    continue
                result = verdict[sent["id"]]
                if result == "AC":
                    minute = int((at - START).total_seconds() // 60)
                    solved, total, last = solved + 1, total + minute + 20 * wrong, max(last, minute)
                    break
                wrong += 1 if penalty[result] else 0
        rows.append((solved, total, last, names[team]))
    rows.sort(key=lambda r: (-r[0], r[1], r[2], r[3]))
    ranked, previous, rank = [], None, 0
    for index, (solved, total, last, name) in enumerate(rows, start=1):
        if (solved, total, last) != previous:
            rank, previous = index, (solved, total, last)
        ranked.append((rank, name, solved, total))
    return ranked
