"""CLICS writes, as the spec allows them: a team POSTs its own submission (team_submit), the
jury POSTs or PUTs one for any team with its time (admin_submit); a team asks a
clarification (team_clar), the jury answers or announces (admin_clar).

A team's submission goes through codedev's one submitting service (window, language, rate
limit); the jury's is stored as sent, at the time it gives, and judged like any other.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import current_app
from sqlalchemy import select, text

from app import archives, programs
from app.archives import Caps
from app.clics import contest_data, objects
from app.clics.ids import Ids, problem_id
from app.clics.roles import Role
from app.contests import clarifications
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.judging import languages as registry
from app.judging.queue import enqueue_judgement
from app.models import Judgement, Participant, Round, RoundProblem, Submission, User
from app.scoring import cache as board
from app.scoring import live as board_live
from app.scoring.times import parse_abstime
from app.submissions.service import create_submission, validate_source

MAX_ZIP = 1024 * 1024


def _source(body: dict[str, Any]) -> str | list[tuple[str, bytes]]:
    """The source files in the submission's base64 zip (files[0].data): one file's text, or
    several (name, content) pairs (a program of several, main file `entry_point`)."""
    files = body.get("files")
    if not isinstance(files, list) or len(files) != 1 or not isinstance(files[0], dict):
        raise ValidationError("`files` must hold exactly one zip archive.", field="files")
    mime = files[0].get("mime")
    if mime not in (None, "application/zip"):
        raise ValidationError("The files' mime must be application/zip.", field="files")
    try:
        data = base64.b64decode(str(files[0].get("data", "")), validate=True)
    except binascii.Error as error:
        raise ValidationError("`files[0].data` must be base64.", field="files") from error
    # archives' reader: members counted before any is read, each read with a hard cap, and a
    # member zipfile cannot read (encrypted, an unknown method) refused, not a 500.
    most = int(current_app.config["MAX_SUBMISSION_FILES"])
    caps = Caps(package_bytes=MAX_ZIP, total_bytes=MAX_ZIP, file_bytes=MAX_ZIP, files=most)
    try:
        found = archives.read_zip(data, caps, label="The archive")
    except ValidationError as error:
        raise ValidationError(error.message, field="files") from error
    if not found:
        raise ValidationError("The archive holds no file.", field="files")
    if len(found) == 1:
        return validate_source(next(iter(found.values())))
    return list(found.items())


def _entry(body: dict[str, Any]) -> str | None:
    entry = body.get("entry_point")
    if entry is not None and not isinstance(entry, str):
        raise ValidationError("`entry_point` must be a string.", field="entry_point")
    return entry or None


def _problem(round_: Round, body: dict[str, Any]) -> RoundProblem:
    problem = next((p for p in round_.problems if problem_id(p) == body.get("problem_id")), None)
    if problem is None:
        raise ValidationError(
            f"No problem {body.get('problem_id')!r} in this contest.", field="problem_id"
        )
    return problem


def _language(round_: Round, body: dict[str, Any]) -> str:
    """The judge's id of a language the contest serves (an imported contest's own ids are
    the judge's by its aliases; one the judge doesn't know is refused)."""
    language = body.get("language_id")
    if not isinstance(language, str):
        raise ValidationError(f"Unknown language {language!r}.", field="language_id")
    served = {item["id"] for item in objects.languages(round_)}
    judge = registry.from_code(language)
    if language not in served or not registry.is_known(judge):
        raise ValidationError(f"Unknown language {language!r}.", field="language_id")
    return judge


def submit(
    user: User, round_: Round, role: Role, body: dict[str, Any], put_id: str | None = None
) -> dict[str, Any]:
    """Store a submission as the spec's capabilities allow; its CLICS object."""
    if role.kind == "team":
        if put_id is not None:
            raise Forbidden("A team may only POST its submissions.")
        for name in ("id", "time", "contest_time"):
            if name in body:
                raise ValidationError(f"A team's submission must not carry `{name}`.", field=name)
        team = Ids.of(round_).team(role.team_id)
        if body.get("team_id") not in (None, team):
            raise Forbidden("A team submits as itself only.")
        problem, language, source = _problem(round_, body), _language(round_, body), _source(body)
        sent = create_submission(
            user, problem.challenge, language, source, round_=round_, entry=_entry(body)
        )
        return objects.submission(round_, sent, problem_id(problem), team, True)
    if role.kind != "admin":
        raise Forbidden("Sign in as a team or as the jury to submit.")
    return _jury_submission(round_, body, put_id)


def _jury_submission(round_: Round, body: dict[str, Any], put_id: str | None) -> dict[str, Any]:
    if put_id is None and "id" in body:
        raise ValidationError("A POST must not carry an id; PUT to submissions/<id>.", field="id")
    if put_id is not None and str(body.get("id")) != put_id:
        raise Conflict("The id in the body must match the URL.")
    if put_id is not None and _taken(round_, put_id):
        raise Conflict(f"The submission id {put_id!r} exists already.")
    if not body.get("time"):
        raise ValidationError("The jury's submission needs its `time`.", field="time")
    ids = Ids.of(round_)
    pid = ids.participant(body.get("team_id"))
    team = db.session.get(Participant, pid) if pid is not None else None
    if team is None:
        raise ValidationError(f"No team {body.get('team_id')!r} in this contest.", field="team_id")
    problem, language, source = _problem(round_, body), _language(round_, body), _source(body)
    try:
        at = parse_abstime(str(body["time"]))
    except ValueError as error:
        raise ValidationError("`time` must be a CLICS time.", field="time") from error
    first = team.members[0].user_id if team.members else None
    program = (
        programs.one_file(source)
        if isinstance(source, str)
        else programs.several(language, source, _entry(body))
    )
    sent = Submission(user_id=first, challenge_id=problem.challenge_id, language=language,
                      source=program.source, source_name=program.source_name,
                      files=[{"name": n, "text": t} for n, t in program.others.items()] or None,
                      kind="submit", created_at=at, round_id=round_.id, participant_id=team.id)  # fmt: skip
    if put_id is not None and put_id.isdigit():
        sent.id = int(put_id)  # codedev's own kind of id: the row's
    elif put_id is not None:
        sent.external_id = put_id
    judgement = Judgement(submission=sent, status="queued")
    db.session.add_all([sent, judgement])
    db.session.flush()
    if put_id is not None and put_id.isdigit() and db.engine.dialect.name == "postgresql":
        # A chosen id must not be handed out again by the sequence.
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('submissions', 'id'), "
                                "GREATEST((SELECT max(id) FROM submissions), 1))"))  # fmt: skip
    board.refresh(sent)
    db.session.commit()
    enqueue_judgement(judgement)
    board_live.announce(sent)
    return objects.submission(round_, sent, problem_id(problem), ids.team(team.id), True)


def _taken(round_: Round, clics_id: str) -> bool:
    """Whether a submission has this CLICS id already (a number is also a row id anywhere)."""
    if clics_id.isdigit() and db.session.get(Submission, int(clics_id)) is not None:
        return True
    found = select(Submission.id).where(Submission.round_id == round_.id,
                                        Submission.external_id == clics_id)  # fmt: skip
    return db.session.scalar(found) is not None


def clarify(user: User, round_: Round, role: Role, body: dict[str, Any]) -> dict[str, Any]:
    """A team's question, or the jury's answer (reply_to_id) or announcement; the new
    message's CLICS object."""
    message = body.get("text")
    if not isinstance(message, str) or not message.strip():
        raise ValidationError("`text` must be a non-empty string.", field="text")
    if "id" in body or "time" in body:
        raise ValidationError("A new clarification must not carry `id` or `time`.")
    ids = Ids.of(round_, messages=True)
    label = ids.label(body.get("problem_id")) if body.get("problem_id") is not None else None
    if body.get("problem_id") is not None and label is None:
        raise ValidationError(
            f"No problem {body['problem_id']!r} in this contest.", field="problem_id"
        )
    if role.kind == "team":
        if body.get("to_team_id") is not None or body.get("reply_to_id") is not None:
            raise Forbidden("Teams cannot send clarifications to another team or reply.")
        if body.get("from_team_id") not in (None, ids.team(role.team_id)):
            raise Forbidden("A team asks as itself only.")
        row = clarifications.ask(user, round_, label, message)
        wanted = f"q{row.id}"
    elif role.kind == "admin":
        reply = body.get("reply_to_id")
        if isinstance(reply, str):
            reply = ids.message_of(reply)  # an imported message's id names codedev's own
        if reply is not None:
            if not (isinstance(reply, str) and reply.startswith("q") and reply[1:].isdigit()):
                raise ValidationError(
                    f"No clarification {reply!r} to reply to.", field="reply_to_id"
                )
            row = clarifications.answer(
                user, int(reply[1:]), message, to_all=body.get("to_team_id") is None
            )
        else:
            row = clarifications.announce(user, round_, message, label)
        wanted = f"a{row.id}"
    else:
        raise Forbidden("Sign in as a team or as the jury to send clarifications.")
    viewer = contest_data.clarification_viewer(role)
    found = [
        ids.clarification(c)
        for c in clarifications.clics_clarifications(row, round_, viewer)
        if c["id"] == wanted
    ]
    if not found:
        raise NotFound("The clarification was stored but is not visible to you.")
    return found[0]
