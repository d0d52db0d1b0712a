"""Store a read contest package as a codedev round, in one transaction: its problems (Kattis
packages through the problem importer, else a bare challenge), teams as participants,
submissions with the package's judgements as recorded results, clarifications and the state.

Recorded results: the package's judgements are the verdicts (none is judged again), a
judgement type keeps its penalty and solved flags, and the latest judgement of a submission
counts; one with no verdict that nothing replaces leaves its submission pending (stored as a
failed judgement without a verdict, which scoring counts as pending, the judge queue never
picks up and the API serves as still judging). A judging error stays one (pending, not a CE).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from app.clics.contest_patch import UNSET_START
from app.clics.imported_languages import languages as package_languages
from app.clics.imported_programs import program
from app.clics.package_reader import ContestPackage, PackageError
from app.errors import AppError
from app.extensions import db
from app.judging import languages as registry
from app.judging.queue import enqueue_judgement
from app.models import (
    Challenge,
    Clarification,
    Judgement,
    Participant,
    Round,
    RoundProblem,
    Submission,
    User,
    utcnow,
)
from app.packages.importer import import_files
from app.scoring import cache
from app.scoring import live as board_live
from app.scoring.times import parse_abstime, parse_reltime

_VERDICT_OF_TYPE = {"AC": "AC", "WA": "WA", "TLE": "TLE", "MLE": "MLE", "RTE": "RE", "RE": "RE",
                    "CE": "CE", "OLE": "OLE", "JE": "IE", "IE": "IE", "SE": "IE"}  # fmt: skip
GROUP_KEYS = ("icpc_id",)
ORGANIZATION_KEYS = ("icpc_id", "formal_name", "url")
COLORS = ("#3b82f6", "#ef4444", "#22c55e", "#eab308", "#a855f7", "#f97316", "#14b8a6", "#ec4899")


@dataclass(frozen=True)
class Imported:
    round: Round
    warnings: list[str]


def _reltime(value: Any) -> timedelta:
    return timedelta(seconds=value) if isinstance(value, int | float) else parse_reltime(str(value))


def verdict_of(type_id: str, types: dict[str, dict[str, Any]], ce_penalty: bool) -> str:
    """The codedev verdict a judgement type scores as: its own, else by its flags."""
    flags = types.get(type_id, {})
    if flags.get("solved") or type_id == "AC":
        return "AC"
    if type_id in _VERDICT_OF_TYPE and not flags:
        return _VERDICT_OF_TYPE[type_id]
    penalty = flags.get("penalty", True)
    known = _VERDICT_OF_TYPE.get(type_id)
    if known == "IE" and not penalty:
        return "IE"  # a judging error: pending, whatever a CE costs here
    if known == "CE" and penalty == ce_penalty:
        return "CE"
    if not penalty:
        # No penalty: a CE when CE costs nothing here, else a judging error (pending).
        return "CE" if not ce_penalty else "IE"
    return known if known not in (None, "CE", "IE") else "WA"


def store(package: ContestPackage, owner: User, *, visibility: str = "public") -> Imported:
    """Create the round; nothing stays in the database if anything fails."""
    warnings = list(package.warnings)
    # Kattis problems first: the problem importer commits each one, so they are in place
    # before the round's own transaction, and removed again if that fails.
    kattis = _kattis_problems(package, owner, warnings)
    try:
        round_ = _store(package, owner, visibility, warnings, kattis)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for challenge_id in kattis.values():
            db.session.execute(delete(Challenge).where(Challenge.id == challenge_id))
        db.session.commit()
        raise
    board_live.bump(round_.id)
    return Imported(round_, warnings)


def _kattis_problems(package: ContestPackage, owner: User, warnings: list[str]) -> dict[str, int]:
    """Problem id -> challenge id of each problem the package carries as problems/<id>/."""
    found: dict[str, int] = {}
    tag = secrets.token_hex(3)
    try:
        for problem_id in package.of("problems"):
            prefix = f"problems/{problem_id}/"
            files = {n[len(prefix) :]: d for n, d in package.files.items() if n.startswith(prefix)}
            if "problem.yaml" in files:
                result = import_files(files, f"clics-{tag}-{problem_id}".lower()[:80], owner=owner)
                warnings += [f"problems/{problem_id}: {w}" for w in result.warnings]
                found[problem_id] = result.challenge.id
    except AppError as error:
        for challenge_id in found.values():
            db.session.execute(delete(Challenge).where(Challenge.id == challenge_id))
        db.session.commit()
        raise PackageError(f"problems/{problem_id}: {error.message}") from error
    return found


def _store(package: ContestPackage, owner: User, visibility: str, warnings: list[str],
           kattis: dict[str, int]) -> Round:  # fmt: skip
    contest, state = package.contest, package.state
    # A contest not scheduled yet (start_time null; the reader refused one that ran) waits
    # as a PATCH that clears its start leaves it, until the jury sets one.
    unset = contest["start_time"] is None
    start = UNSET_START if unset else parse_abstime(str(contest["start_time"]))
    end = start + _reltime(contest["duration"])
    freeze = contest.get("scoreboard_freeze_duration")
    freeze_at = end - _reltime(freeze) if freeze else None
    if freeze_at is not None and freeze_at >= end:
        freeze_at = None
    types = package.of("judgement-types")
    ce_penalty = bool(types.get("CE", {}).get("penalty", False))
    score = contest.get("scoreboard_type") == "score"
    awards = package.of("awards")
    medals = [len(awards.get(f"{m}-medal", {}).get("team_ids") or []) or 4
              for m in ("gold", "silver", "bronze")] if awards else [4, 4, 4]  # fmt: skip
    round_ = Round(
        name=str(contest.get("formal_name") or contest["name"])[:120], description="",
        mode="contest", scoring="ioi" if score else "icpc", owner_id=owner.id,
        visibility=visibility, invite_code=secrets.token_urlsafe(12),
        projector_key=secrets.token_urlsafe(32), starts_at=start, ends_at=end,
        freeze_at=freeze_at, penalty_minutes=int(contest.get("penalty_time") or 20),
        ce_penalty=ce_penalty, gold_medals=medals[0], silver_medals=medals[1],
        bronze_medals=medals[2], created_at=min(utcnow(), start - timedelta(hours=1)),
        thawed_at=_at(state.get("thawed")) if freeze_at else None,
        finalized_at=_at(state.get("finalized")),
    )  # fmt: skip
    db.session.add(round_)
    db.session.flush()
    challenge_of = _problems(package, round_, owner, score, kattis)
    round_.clics = {"groups": [_kept(g, GROUP_KEYS) for g in package.of("groups").values()],
                    "organizations": [_kept(o, ORGANIZATION_KEYS) for o in package.of("organizations").values()]}  # fmt: skip
    languages = package_languages(package, warnings)
    if languages:
        round_.clics["languages"] = languages
    if unset:
        round_.clics["start_unset"] = True
    team_of = {}
    for team_id, team in package.of("teams").items():
        participant = Participant(round_id=round_.id, name=str(team.get("display_name") or team["name"])[:120],
                                  virtual=bool(team.get("hidden")), created_at=round_.created_at,
                                  external_id=str(team_id), clics=_team_extra(team))  # fmt: skip
        db.session.add(participant)
        team_of[team_id] = participant
    db.session.flush()
    points = {p.label: p.points for p in round_.problems}
    label_of = {pid: label for pid, (label, _) in challenge_of.items()}
    judgements = _judgements_by_submission(package)
    for sent_id, sent in sorted(
        package.of("submissions").items(), key=lambda kv: _sent_at(kv[1], start)
    ):
        at = _sent_at(sent, start)
        label, challenge_id = challenge_of[str(sent["problem_id"])]
        submission = Submission(user_id=None, challenge_id=challenge_id, kind="submit",
                                language=registry.from_code(str(sent.get("language_id") or "unknown"))[:16],
                                created_at=at, round_id=round_.id, external_id=str(sent_id),
                                participant_id=team_of[str(sent["team_id"])].id)  # fmt: skip
        submission.source, submission.source_name, submission.files = program(
            package, sent_id, sent, submission.language
        )
        db.session.add(submission)
        items = judgements.get(sent_id, [])
        for index, item in enumerate(items):
            type_id = item.get("judgement_type_id")
            begun = _at(item.get("start_time")) or at
            if type_id is None and index < len(items) - 1:
                continue  # replaced by a later judgement
            if type_id is None:
                submission.judgements.append(Judgement(
                    status="failed", verdict=None, created_at=begun, started_at=begun,
                    finished_at=begun, worker="clics-import", external_id=str(item["id"]),
                    error="recorded without a verdict (contest package)"))  # fmt: skip
                continue
            verdict = verdict_of(str(type_id), types, ce_penalty)
            raw = float(item.get("score") or 0.0)
            full = points.get(label_of[str(sent["problem_id"])], 100.0) or 100.0
            value = 100.0 * raw / full if score else (100.0 if verdict == "AC" else 0.0)
            finished = _at(item.get("end_time")) or begun
            submission.judgements.append(Judgement(
                status="done", verdict=verdict, score=min(100.0, value), created_at=begun,
                started_at=begun, finished_at=finished, worker="clics-import", external_id=str(item["id"]),
                time_ms=int(float(item.get("max_run_time") or 0) * 1000) or None))  # fmt: skip
    _clarifications(package, round_, team_of, label_of)
    db.session.flush()
    db.session.expire(round_)
    cache.rebuild(round_)
    return round_


def _kept(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Of a package's group or organization, what codedev serves again: the text fields."""
    return {k: str(item[k]) for k in keys if isinstance(item.get(k), str | int)} | {
        "id": str(item["id"]), "name": str(item.get("name") or item["id"])}  # fmt: skip


def _team_extra(team: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {"label": str(team.get("label") or team["id"]),
                             "group_ids": [str(g) for g in team.get("group_ids") or []]}  # fmt: skip
    if team.get("organization_id"):
        extra["organization_id"] = str(team["organization_id"])
    return extra


def judge_sources(round_: Round) -> int:
    """Have codedev judge every imported submission that came with its source (the host asked
    for it): a new judgement each, which counts once finished, as a rejudge does."""
    queued = [Judgement(submission_id=sid, status="queued") for sid in db.session.scalars(
        select(Submission.id).where(Submission.round_id == round_.id, Submission.source != ""))]  # fmt: skip
    db.session.add_all(queued)
    db.session.commit()
    for judgement in queued:
        enqueue_judgement(judgement)
    return len(queued)


def _at(value: Any) -> datetime | None:
    return parse_abstime(str(value)) if value else None


def _sent_at(sent: dict[str, Any], start: datetime) -> datetime:
    if sent.get("time"):
        return parse_abstime(str(sent["time"]))
    return start + parse_reltime(str(sent["contest_time"]))


def _judgements_by_submission(package: ContestPackage) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for item in package.of("judgements").values():
        found.setdefault(str(item["submission_id"]), []).append(item)
    for items in found.values():
        items.sort(key=lambda j: (parse_abstime(str(j["start_time"])) if j.get("start_time") else datetime.min,
                                  str(j["id"])))  # fmt: skip
    return found


def _problems(package: ContestPackage, round_: Round, owner: User, score: bool,
              kattis: dict[str, int]) -> dict[str, tuple[str, int]]:  # fmt: skip
    """A challenge per problem (the Kattis one, else a bare one), in ordinal order; problem
    id -> (label, challenge id)."""
    found: dict[str, tuple[str, int]] = {}
    ordered = sorted(
        package.of("problems").items(), key=lambda kv: (kv[1].get("ordinal") or 0, kv[0])
    )
    tag = secrets.token_hex(3)
    labels: set[str] = set()
    for position, (problem_id, problem) in enumerate(ordered):
        label = str(problem.get("label") or problem_id)[:8]
        if label in labels:
            raise PackageError(
                f"{package.where.get(('problems', problem_id), 'problems')}: label {label!r} twice"
            )
        labels.add(label)
        if problem_id in kattis:
            challenge_id = kattis[problem_id]
        else:
            limit = problem.get("time_limit")
            challenge = Challenge(slug=f"clics-{round_.id}-{tag}-{problem_id}".lower()[:80],
                                  title=str(problem.get("name") or label)[:200], owner_id=owner.id,
                                  published=False,
                                  time_limit_ms=int(float(limit) * 1000) if limit else 2000)  # fmt: skip
            db.session.add(challenge)
            db.session.flush()
            challenge_id = challenge.id
        rgb = problem.get("rgb")
        db.session.add(RoundProblem(
            round_id=round_.id, challenge_id=challenge_id, label=label, position=position,
            points=float(problem.get("max_score") or 100.0) if score else 100.0,
            color=str(rgb) if rgb else COLORS[position % len(COLORS)], external_id=str(problem_id)))  # fmt: skip
        found[problem_id] = (label, challenge_id)
    db.session.flush()
    db.session.refresh(round_)
    return found


def _clarifications(package: ContestPackage, round_: Round, team_of: dict[str, Participant],
                    label_of: dict[str, str]) -> None:  # fmt: skip
    """A team's message is a question; a jury reply its answer; any other jury message an
    announcement."""
    messages = package.of("clarifications")
    rows: dict[str, Clarification] = {}
    ordered = sorted(messages.items(), key=lambda kv: str(kv[1].get("time") or ""))
    for message_id, item in ordered:
        label = label_of.get(str(item.get("problem_id"))) if item.get("problem_id") else None
        at = _at(item.get("time")) or round_.starts_at
        if item.get("from_team_id"):
            rows[message_id] = Clarification(round_id=round_.id, participant_id=team_of[str(item["from_team_id"])].id,
                                             problem_label=label, question=str(item.get("text") or ""),
                                             created_at=at, clics={"q": message_id})  # fmt: skip
        elif item.get("reply_to_id") and str(item["reply_to_id"]) in rows:
            asked = rows[str(item["reply_to_id"])]
            asked.answer, asked.answered_at = str(item.get("text") or ""), at
            asked.to_all = item.get("to_team_id") is None
            asked.clics = {**asked.clics, "a": message_id}
        else:
            rows[message_id] = Clarification(round_id=round_.id, participant_id=None, problem_label=label,
                                             answer=str(item.get("text") or ""), created_at=at,
                                             answered_at=at, to_all=True, clics={"a": message_id})  # fmt: skip
    db.session.add_all(rows.values())


def owner_for(email: str | None) -> User:
    """The importing user: the one named, else the first admin."""
    query = select(User).where(User.email == email.strip().lower()) if email else \
        select(User).where(User.role == "admin").order_by(User.id)  # fmt: skip
    user = db.session.scalars(query).first()
    if user is None:
        raise PackageError(
            f"No user {email!r}." if email else "No admin user to own the contest: pass --owner."
        )
    return user
