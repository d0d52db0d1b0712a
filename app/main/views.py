"""Views of the home page and dashboard."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.contests import pages as round_pages
from app.courses import service as courses
from app.judging import languages
from app.main import bp
from app.models import utcnow


@bp.get("/")
def index() -> str | Response:
    """Landing page; signed-in users go to their dashboard."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("main/index.html")


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    """The rounds running, upcoming and due; the courses a user teaches (staff) or takes."""
    teaching = courses.courses_taught_by(current_user) if current_user.is_staff else []
    return render_template(
        "main/dashboard.html",
        rounds=round_pages.rounds_for(current_user, utcnow()),
        teaching=teaching,
        counts=courses.student_counts([course.id for course in teaching]),
        taking=courses.courses_taken_by(current_user),
    )


@bp.get("/languages", endpoint="languages")
def languages_page() -> str:
    """Each language's compiler, version and flags, for anyone to read."""
    return render_template("main/languages.html", builds=languages.builds())


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness probe for load balancers and `make run`."""
    return {"status": "ok"}
