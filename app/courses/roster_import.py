"""Bulk enrolment from a CSV file: check every row first, then import all of it or nothing.

The invitations are stored in the import's own transaction (the mail outbox and the bell) and
sent by the `mail` queue once it commits: no one is invited to an import that failed, and a
2,000-row import never waits on the mail server."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth import service as auth_service
from app.courses.access import managed_course
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.models import Course, Enrollment, User
from app.notifications.service import notify

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
NAME_MAX = 120
SECTION_MAX = 40


class RosterImportError(ValidationError):
    """The file can't be imported; `problems` lists every reason, most with a line number."""

    code = "invalid_roster"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Nothing was imported: " + "; ".join(problems[:5]))
        self.problems = problems


@dataclass
class RosterRow:
    """One student named in the file."""

    line: int
    email: str
    name: str
    section: str = ""


@dataclass
class ImportReport:
    """What an import did: accounts created, existing ones enrolled, those already there."""

    created: list[str] = field(default_factory=list)
    enrolled: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def _text(data: bytes) -> str:
    """The file as text; raises for empty, oversized, binary or non-UTF-8 files."""
    if len(data) > MAX_BYTES:
        raise RosterImportError([f"The file is larger than {MAX_BYTES // 1024} KB."])
    if b"\x00" in data:
        raise RosterImportError(
            ["This is a binary file, not CSV text. Save the sheet as “CSV UTF-8” and upload that."]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RosterImportError(
            [f"Line {line}: the file is not UTF-8 text. Save it as “CSV UTF-8” and try again."]
        ) from None
    if not text.strip():
        raise RosterImportError(["The file is empty; it needs a header line `email,name`."])
    return text


def _delimiter(text: str) -> str:
    """The delimiter of the header line: comma, semicolon (spreadsheets in many locales) or tab."""
    header = next(line for line in text.splitlines() if line.strip())
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:  # a single column has no delimiter to find
        return ","


def _email_problem(email: str) -> str | None:
    if not email:
        return "the email is empty"
    try:
        auth_service.validate_email(email)  # the same rule as sign-up
    except ValidationError:
        return f"{email!r} is not a valid email address"
    return None


def parse_roster(data: bytes) -> list[RosterRow]:
    """Parse and check an `email,name` CSV without touching the database."""
    text = _text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    problems: list[str] = []
    rows: list[RosterRow] = []
    first_line: dict[str, int] = {}
    columns: dict[str, int] | None = None
    previous_end = 0
    try:
        for cells in reader:
            line, previous_end = previous_end + 1, reader.line_num
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if columns is None:
                columns = {cell.lower(): index for index, cell in enumerate(cells)}
                if "email" not in columns:
                    found = ", ".join(cells)
                    raise RosterImportError(
                        [f"Line {line}: the header needs an `email` column (found: {found})."]
                    )
                continue
            if len(rows) >= MAX_ROWS:
                raise RosterImportError([f"The file has more than {MAX_ROWS} students; split it."])
            email = auth_service.normalize_email(_cell(cells, columns, "email"))
            name = " ".join(_cell(cells, columns, "name").split())
            section = " ".join(_cell(cells, columns, "section").split())
            problem = _email_problem(email)
            if problem is None and email in first_line:
                problem = f"{email} repeats line {first_line[email]}"
            if problem is None and len(name) > NAME_MAX:
                problem = f"the name has more than {NAME_MAX} characters"
            if problem is None and len(section) > SECTION_MAX:
                problem = f"the section has more than {SECTION_MAX} characters"
            if problem is not None:
                problems.append(f"Line {line}: {problem}.")
            else:
                first_line[email] = line
            rows.append(RosterRow(line, email, name, section))
    except csv.Error as error:
        problems.append(f"Line {reader.line_num}: unreadable CSV ({error}).")
    if columns is None:
        problems.append("The file has no header line `email,name`.")
    if not rows and not problems:
        problems.append("The file has a header but no students.")
    if problems:
        raise RosterImportError(problems)
    return rows


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else ""


def _existing_users(emails: list[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        found.update(
            (user.email, user)
            for user in db.session.scalars(select(User).where(User.email.in_(chunk)))
        )
    return found


def import_students(actor: User, course_id: int, data: bytes) -> ImportReport:
    """Enroll every student of the CSV, creating and inviting missing accounts; all or nothing."""
    course = managed_course(actor, course_id)
    if course.archived:
        raise Conflict("This course is archived; restore it before adding students.")
    rows = parse_roster(data)
    existing = _existing_users([row.email for row in rows])
    problems = []
    for row in rows:
        user = existing.get(row.email)
        if user is not None and user.role != "student":
            problems.append(
                f"Line {row.line}: {row.email} is a {user.role} account, not a student."
            )
        elif user is not None and not user.active:
            problems.append(f"Line {row.line}: the account {row.email} is deactivated.")
    if problems:
        raise RosterImportError(problems)

    enrolled_ids = set(
        db.session.scalars(select(Enrollment.user_id).where(Enrollment.course_id == course.id))
    )
    report = ImportReport()
    to_invite: list[User] = []
    to_enroll: list[User] = []
    sections_of_enrolled: dict[int, str] = {}
    section_of = {row.email: row.section for row in rows}
    for row in rows:
        user = existing.get(row.email)
        if user is None:
            user = User(email=row.email, name=row.name, role="student")
            db.session.add(user)
            report.created.append(row.email)
            to_invite.append(user)
        elif user.id in enrolled_ids:
            report.already.append(row.email)
            if row.section:  # a later file may put a student in a section
                sections_of_enrolled[user.id] = row.section
            continue
        else:
            report.enrolled.append(row.email)
            if not user.name and row.name:
                user.name = row.name
            to_invite.append(user)  # existing accounts get a "you were added" note
        to_enroll.append(user)
    try:
        db.session.flush()  # gives the new accounts their ids
        db.session.add_all(
            Enrollment(course_id=course.id, user_id=user.id, role="student",
                       section=section_of.get(user.email, ""))
            for user in to_enroll
        )  # fmt: skip
        for enrollment in db.session.scalars(select(Enrollment).where(
                Enrollment.course_id == course.id, Enrollment.user_id.in_(sections_of_enrolled))):  # fmt: skip
            enrollment.section = sections_of_enrolled[enrollment.user_id]
        _invite(to_invite, course)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(
            "An account or enrolment was created at the same time; nothing was imported. "
            "Upload the file again."
        ) from None
    return report


def _invite(users: list[User], course: Course) -> None:
    """New accounts get a set-password invitation; existing ones a "you were added" note
    (by their notification choices). Both go out when the import commits."""
    for user in users:
        if user.password_hash:
            notify(user, "course_added", {"course_id": course.id, "course_title": course.name})
        else:
            auth_service.send_invite(user, course.name)
