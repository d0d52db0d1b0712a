"""Course forms: create and edit, join with a code, roster upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.courses.service import DESCRIPTION_MAX, NAME_MAX


class CourseForm(FlaskForm):
    """Name and description of a course."""

    name = StringField(
        "Name", validators=[DataRequired("The course needs a name."), Length(max=NAME_MAX)]
    )
    description = TextAreaField(
        "Description",
        validators=[Length(max=DESCRIPTION_MAX)],
        description="Shown to students on the course page.",
    )
    submission_rate_per_minute = IntegerField(
        "Submissions per student per minute",
        validators=[Optional(), NumberRange(min=0, max=1000, message="Use 0 to 1000.")],
        description="Empty: the site's default. 0: no limit.",
    )


class JoinForm(FlaskForm):
    """A join code typed by a student."""

    code = StringField(
        "Join code",
        validators=[DataRequired("Enter the code your teacher gave you."), Length(max=32)],
        description="Eight letters and digits, e.g. K7QX-M2PA; dashes and case don't matter.",
    )


class RosterUploadForm(FlaskForm):
    """A CSV file of students to enroll."""

    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file.")],
        description="Header `email,name` (name optional); comma or semicolon; up to 2000 rows.",
    )
