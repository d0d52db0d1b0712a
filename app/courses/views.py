"""Course views: create, join, the course page with its roster, edit, archive, import."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.courses import bp, roster_import, service
from app.courses.access import can_manage
from app.courses.forms import CourseForm, JoinForm, RosterUploadForm
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import limiter

# Guessing codes is the only way to find a course; per user, so a class behind one NAT can join.
JOIN_RATE_LIMIT = "20 per minute"


def _user_key() -> str:
    """Rate-limit key: the signed-in user, else the address."""
    user_id = current_user.id if current_user.is_authenticated else None
    return f"user:{user_id}" if user_id else get_remote_address()


def _status(form: object) -> int:
    return 400 if getattr(form, "errors", None) else 200


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> str | Response | tuple[str, int]:
    """Create a course (teachers and admins)."""
    if not current_user.is_staff:
        raise Forbidden("Only teachers and admins can create courses.")
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = service.create_course(
                current_user, form.name.data or "", form.description.data or ""
            )
        except ValidationError as error:
            form.name.errors.append(error.message)
        else:
            flash(f"Created {course.name}. Share the join code {course.join_code}.", "success")
            return redirect(url_for("courses.show", course_id=course.id))
    return render_template("courses/form.html", form=form, course=None), _status(form)


@bp.route("/join", methods=["GET", "POST"])
@login_required
@limiter.limit(JOIN_RATE_LIMIT, methods=["POST"], key_func=_user_key)
def join() -> str | Response | tuple[str, int]:
    """Join a course with the code the teacher gave out."""
    form = JoinForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
    if form.validate_on_submit():
        try:
            course, joined = service.join_course(current_user, form.code.data or "")
        except (NotFound, Conflict) as error:
            form.code.errors.append(error.message)
        else:
            return _joined(course.id, course.name, joined)
    return render_template("courses/join.html", form=form), _status(form)


def _joined(course_id: int, name: str, joined: bool) -> Response:
    if joined:
        flash(f"Welcome to {name}!", "success")
    else:
        flash(f"You are already in {name}.", "info")
    return redirect(url_for("courses.show", course_id=course_id))


@bp.route("/join/<code>", methods=["GET", "POST"])
@login_required
@limiter.limit(JOIN_RATE_LIMIT, methods=["POST"], key_func=_user_key)
def join_link(code: str) -> str | Response | tuple[str, int]:
    """A shared join link: confirm, then join (a GET never enrolls anyone)."""
    course = service.course_for_code(code)
    if service.is_enrolled(current_user, course):
        return _joined(course.id, course.name, False)
    if request.method == "POST":
        course, joined = service.join_course(current_user, code)
        return _joined(course.id, course.name, joined)
    problem = None
    try:
        service.check_joinable(current_user, course)
    except Conflict as error:
        problem = error.message
    page = render_template("courses/join_link.html", course=course, problem=problem)
    return page, (409 if problem else 200)


@bp.get("/<int:course_id>")
@login_required
def show(course_id: int) -> str:
    """The course page; its teacher and admins also get the roster and the actions."""
    course = service.course_page(current_user, course_id)
    if not can_manage(current_user, course):
        return render_template("courses/show.html", course=course, manage=False)
    return render_template(
        "courses/show.html",
        course=course,
        manage=True,
        roster=service.roster(current_user, course_id),
        upload_form=RosterUploadForm(),
        join_url=url_for("courses.join_link", code=course.join_code, _external=True),
    )


@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@login_required
def edit(course_id: int) -> str | Response | tuple[str, int]:
    """Change a course's name and description."""
    course = service.course_to_manage(current_user, course_id)
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        try:
            service.update_course(
                current_user,
                course_id,
                form.name.data or "",
                form.description.data or "",
                form.submission_rate_per_minute.data,
            )
        except ValidationError as error:
            form.name.errors.append(error.message)
        else:
            flash("Saved.", "success")
            return redirect(url_for("courses.show", course_id=course_id))
    return render_template("courses/form.html", form=form, course=course), _status(form)


@bp.post("/<int:course_id>/archive")
@login_required
def archive(course_id: int) -> Response:
    """Archive a course: it stays readable, but no one can join it."""
    course = service.set_archived(current_user, course_id, True)
    flash(f"{course.name} is archived; its join code no longer works.", "success")
    return redirect(url_for("courses.show", course_id=course_id))


@bp.post("/<int:course_id>/restore")
@login_required
def restore(course_id: int) -> Response:
    """Bring an archived course back."""
    course = service.set_archived(current_user, course_id, False)
    flash(f"{course.name} is open again.", "success")
    return redirect(url_for("courses.show", course_id=course_id))


@bp.post("/<int:course_id>/code")
@login_required
def regenerate_code(course_id: int) -> Response:
    """Give the course a new join code; the old code and link stop working."""
    course = service.regenerate_join_code(current_user, course_id)
    flash(f"New join code: {course.join_code}. The old one no longer works.", "success")
    return redirect(url_for("courses.show", course_id=course_id))


@bp.route("/<int:course_id>/students/<int:user_id>/remove", methods=["GET", "POST"])
@login_required
def remove_student(course_id: int, user_id: int) -> str | Response:
    """Confirm, then take a student off the roster."""
    if request.method == "POST":
        student = service.remove_student(current_user, course_id, user_id)
        flash(f"Removed {student.display_name} from the course.", "success")
        return redirect(url_for("courses.show", course_id=course_id))
    enrollment = service.enrolled_student(current_user, course_id, user_id)
    return render_template("courses/remove.html", enrollment=enrollment, course=enrollment.course)


@bp.post("/<int:course_id>/students/<int:user_id>/section")
@login_required
def set_section(course_id: int, user_id: int) -> Response:
    """Put a student in a section (a lab group): boards filter by it."""
    try:
        enrollment = service.set_section(current_user, course_id, user_id,
                                         request.form.get("section", ""))  # fmt: skip
        flash(f"{enrollment.user.display_name}: section {enrollment.section or 'none'}.", "success")
    except ValidationError as error:
        flash(error.message, "error")
    return redirect(url_for("courses.show", course_id=course_id))


@bp.route("/<int:course_id>/import", methods=["GET", "POST"])
@login_required
def import_students(course_id: int) -> str | Response | tuple[str, int]:
    """Upload a CSV of students: all rows are enrolled, or none and every problem is listed."""
    course = service.course_to_manage(current_user, course_id)
    form = RosterUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        data = form.file.data.stream.read(roster_import.MAX_BYTES + 1)
        try:
            report = roster_import.import_students(current_user, course_id, data)
        except roster_import.RosterImportError as error:
            problems = error.problems
        except Conflict as error:
            problems = [error.message]
        else:
            _flash_report(report)
            return redirect(url_for("courses.show", course_id=course_id))
    status = 400 if problems or form.errors else 200
    page = render_template("courses/import.html", course=course, form=form, problems=problems)
    return page, status


def _flash_report(report: roster_import.ImportReport) -> None:
    parts = [
        f"{len(report.enrolled) + len(report.created)} students added",
        f"{len(report.created)} new accounts invited by email",
    ]
    if report.already:
        parts.append(f"{len(report.already)} were already in the course")
    flash("Import done: " + ", ".join(parts) + ".", "success")
