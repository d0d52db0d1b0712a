"""Gamification forms: the player's zone and board choices, a course's game settings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.gamification.service import PSEUDONYM_MAX


class ZoneForm(FlaskForm):
    """The IANA zone the user's streak days are counted in."""

    time_zone = StringField(
        "Time zone",
        validators=[DataRequired("Name a time zone."), Length(max=64)],
        description="An IANA name such as Europe/Berlin. It may change once a week.",
    )


class BoardChoiceForm(FlaskForm):
    """How the user appears on leaderboards."""

    pseudonym = StringField(
        "Pseudonym", validators=[Length(max=PSEUDONYM_MAX)],
        description="Shown on leaderboards instead of your name. Empty: your name.",
    )  # fmt: skip
    hidden = BooleanField("Leave me off every leaderboard")


class CourseGameForm(FlaskForm):
    """A course's gamification settings (its teacher)."""

    gamification = BooleanField("XP, badges, streaks and boards on for this course")
    board_mode = SelectField(
        "Course board",
        choices=[
            SelectChoice("relative", "Relative: each student and 3 neighbours"),
            SelectChoice("top", "Top N"),
            SelectChoice("full", "Full board"),
        ],  # fmt: skip
        validators=[DataRequired()],
    )
    board_top_n = IntegerField("N (top N)", validators=[Optional(), NumberRange(min=1, max=500)])
    time_zone = StringField("Course time zone", validators=[DataRequired(), Length(max=64)])
    weekly_streaks = BooleanField("Count weekly streaks instead of daily ones")
    rest_days = TextAreaField(
        "Rest days",
        description="One date a line (YYYY-MM-DD): these days never break a streak.",
    )


class BossForm(FlaskForm):
    """A Boss Fight: its challenges, its window and two hints."""

    name = StringField("Boss name", default="The Bug King", validators=[Length(max=120)])
    challenge_ids = SelectMultipleField(
        "Challenges (1 to 3)", coerce=int,
        validators=[DataRequired("Pick one to three challenges.")],
    )  # fmt: skip
    minutes = IntegerField(
        "Minutes", default=20, validators=[DataRequired(), NumberRange(min=1, max=240)]
    )
    hint_1 = StringField("Hint at 66% HP", validators=[Length(max=300)])
    hint_2 = StringField("Hint at 33% HP", validators=[Length(max=300)])
