"""Course services: create and edit courses, join codes, joining, the roster."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.courses.access import managed_course, visible_course
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.models import Course, Enrollment, User

# No 0/O, 1/I/L: a code read aloud or copied from a projector can't be misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
NAME_MAX = 120
DESCRIPTION_MAX = 5000
_CODE_TRIES = 10


def normalize_code(code: str) -> str:
    """A typed code as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def new_join_code() -> str:
    """A random join code from the unambiguous alphabet."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _unused_join_code() -> str:
    """A join code no course has yet (the unique index still guards the race)."""
    for _ in range(_CODE_TRIES):
        code = new_join_code()
        if db.session.scalar(select(Course.id).where(Course.join_code == code)) is None:
            return code
    raise Conflict("Could not find a free join code; try again.")


def _clean(name: str, description: str) -> tuple[str, str]:
    """Validated name and description."""
    name = " ".join(name.split())
    description = description.strip().replace("\r\n", "\n")
    if not name:
        raise ValidationError("The course needs a name.")
    if len(name) > NAME_MAX:
        raise ValidationError(f"The name can have at most {NAME_MAX} characters.")
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(f"The description can have at most {DESCRIPTION_MAX} characters.")
    return name, description


def _commit_with_new_code(course: Course) -> None:
    """Commit, drawing another code if a concurrent request took this one."""
    for _ in range(_CODE_TRIES):
        try:
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
            db.session.add(course)
            course.join_code = _unused_join_code()
    raise Conflict("Could not find a free join code; try again.")


def create_course(actor: User, name: str, description: str = "") -> Course:
    """Create a course owned by a teacher or admin, with a fresh join code."""
    if not actor.is_staff:
        raise Forbidden("Only teachers and admins can create courses.")
    name, description = _clean(name, description)
    course = Course(
        name=name, description=description, owner_id=actor.id, join_code=_unused_join_code()
    )
    db.session.add(course)
    _commit_with_new_code(course)
    return course


def update_course(
    actor: User,
    course_id: int,
    name: str,
    description: str,
    submission_rate_per_minute: int | None = None,
) -> Course:
    """Change a course's name, description and submission rate (None: the site default)."""
    course = managed_course(actor, course_id)
    if submission_rate_per_minute is not None and not 0 <= submission_rate_per_minute <= 1000:
        raise ValidationError("The submission rate must be between 0 and 1000 per minute.")
    course.name, course.description = _clean(name, description)
    course.submission_rate_per_minute = submission_rate_per_minute
    db.session.commit()
    return course


def set_archived(actor: User, course_id: int, archived: bool) -> Course:
    """Archive a course (no one can join it any more) or bring it back."""
    course = managed_course(actor, course_id)
    course.archived = archived
    db.session.commit()
    return course


def regenerate_join_code(actor: User, course_id: int) -> Course:
    """Give the course a new join code; the old code and link stop working."""
    course = managed_course(actor, course_id)
    course.join_code = _unused_join_code()
    _commit_with_new_code(course)
    return course


def course_for_code(code: str) -> Course:
    """The course with this join code, archived or not."""
    normalized = normalize_code(code)
    course = None
    if normalized:
        course = db.session.scalar(select(Course).where(Course.join_code == normalized))
    if course is None:
        raise NotFound("No course has this join code. Check it with your teacher.")
    return course


def check_joinable(user: User, course: Course) -> None:
    """Raise Conflict when the user can't join this course (their own, or archived)."""
    if course.owner_id == user.id:
        raise Conflict("You teach this course, so you can't join it as a student.")
    if course.archived:
        raise Conflict(f"{course.name} is archived and can't be joined any more.")


def is_enrolled(user: User, course: Course) -> bool:
    """Whether the user is already on the course's roster."""
    return _enrollment(course.id, user.id) is not None


def join_course(user: User, code: str) -> tuple[Course, bool]:
    """Enroll the user in the course with this code; returns (course, newly joined)."""
    course = course_for_code(code)
    if _enrollment(course.id, user.id) is not None:
        return course, False  # joining twice is harmless, even once the course is archived
    check_joinable(user, course)
    db.session.add(Enrollment(course_id=course.id, user_id=user.id, role="student"))
    try:
        db.session.commit()
    except IntegrityError:  # the same user joined in a parallel request (double click)
        db.session.rollback()
        return course, False
    return course, True


def _enrollment(course_id: int, user_id: int) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.course_id == course_id, Enrollment.user_id == user_id)
    )


def course_page(actor: User, course_id: int) -> Course:
    """The course as the actor may see it (members and managers; NotFound for the rest)."""
    return visible_course(actor, course_id)


def course_to_manage(actor: User, course_id: int) -> Course:
    """The course if the actor may manage it (Forbidden for members, NotFound for the rest)."""
    return managed_course(actor, course_id)


def roster(actor: User, course_id: int) -> Sequence[Enrollment]:
    """The course's students, by name then email (managers only)."""
    course = managed_course(actor, course_id)
    return db.session.scalars(
        select(Enrollment)
        .join(User, User.id == Enrollment.user_id)
        .where(Enrollment.course_id == course.id)
        .order_by(func.lower(User.name), User.email)
    ).all()


def enrolled_student(actor: User, course_id: int, user_id: int) -> Enrollment:
    """One student's enrollment in a course the actor manages."""
    course = managed_course(actor, course_id)
    enrollment = _enrollment(course.id, user_id)
    if enrollment is None:
        raise NotFound("This student is not in the course.")
    return enrollment


def remove_student(actor: User, course_id: int, user_id: int) -> User:
    """Take a student off the roster; their account stays."""
    enrollment = enrolled_student(actor, course_id, user_id)
    student = enrollment.user
    db.session.delete(enrollment)
    db.session.commit()
    return student


def courses_taught_by(user: User) -> Sequence[Course]:
    """Courses the user owns (admins see every course), open ones first."""
    query = select(Course).order_by(Course.archived, Course.created_at.desc(), Course.id.desc())
    if not user.is_admin:
        query = query.where(Course.owner_id == user.id)
    return db.session.scalars(query).all()


def courses_taken_by(user: User) -> Sequence[Course]:
    """Courses the user is enrolled in, open ones first."""
    return db.session.scalars(
        select(Course)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .where(Enrollment.user_id == user.id)
        .order_by(Course.archived, Course.name)
    ).all()


def student_counts(course_ids: Sequence[int]) -> dict[int, int]:
    """How many students each of these courses has."""
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(Enrollment.course_id, func.count(Enrollment.id))
        .where(Enrollment.course_id.in_(course_ids))
        .group_by(Enrollment.course_id)
    ).all()
    counts = {course_id: 0 for course_id in course_ids}
    counts.update({course_id: count for course_id, count in rows})
    return counts


def set_section(actor: User, course_id: int, user_id: int, section: str) -> Enrollment:
    """Put a student in a section of the course (empty: none)."""
    enrollment = enrolled_student(actor, course_id, user_id)
    section = " ".join(section.split())
    if len(section) > 40:
        raise ValidationError("A section name has at most 40 characters.", field="section")
    enrollment.section = section
    db.session.commit()
    return enrollment


def sections(course_id: int) -> list[str]:
    """The course's sections in use, in order."""
    return sorted(set(db.session.scalars(
        select(Enrollment.section).where(Enrollment.course_id == course_id, Enrollment.section != "")
    )))  # fmt: skip
