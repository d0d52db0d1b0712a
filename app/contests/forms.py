"""Round forms: the host's round form (times in UTC) and the plain confirm forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.contests.rounds import NAME_MAX
from app.models import MODES, SCORINGS, VISIBILITIES

TIME_FORMAT = "%Y-%m-%dT%H:%M"
MODE_NAMES = {"contest": "Contest (fixed start and end)",
              "timed": "Timed round (a personal timer, started by each student)",
              "assignment": "Assignment (due date, late credit, hard cutoff)"}  # fmt: skip
SCORING_NAMES = {"icpc": "ICPC (pass-fail, penalty time)", "ioi": "IOI (points, best per subtask)",
                 "assignment": "Assignment (best score, late credit)"}  # fmt: skip
VISIBILITY_NAMES = {"course": "The course's students", "invite": "Whoever has the invite link",
                    "public": "Public: anyone signed in may register"}  # fmt: skip


class RoundForm(FlaskForm):
    """Everything a host sets on a round. Times are UTC."""

    name = StringField("Name", validators=[DataRequired("The round needs a name."),
                                           Length(max=NAME_MAX)])  # fmt: skip
    description = TextAreaField("Description", validators=[Length(max=5000)])
    mode = SelectField("Mode", choices=[(m, MODE_NAMES[m]) for m in MODES])
    scoring = SelectField("Scoring", choices=[(s, SCORING_NAMES[s]) for s in SCORINGS])
    course_id = SelectField("Course", coerce=int, choices=[], validate_choice=False)
    visibility = SelectField("Who may take part",
                             choices=[(v, VISIBILITY_NAMES[v]) for v in VISIBILITIES])  # fmt: skip
    starts_at = DateTimeLocalField("Start (UTC)", format=TIME_FORMAT,
                                   validators=[DataRequired("Give the start.")])  # fmt: skip
    ends_at = DateTimeLocalField("End (UTC)", format=TIME_FORMAT,
                                 validators=[DataRequired("Give the end.")],
                                 description="For an assignment: the hard cutoff.")  # fmt: skip
    duration_minutes = IntegerField("Personal time (minutes)", validators=[Optional()],
                                    description="Timed rounds only.")  # fmt: skip
    due_at = DateTimeLocalField("Due (UTC)", format=TIME_FORMAT, validators=[Optional()],
                                description="Assignments only.")  # fmt: skip
    late_until_1 = DateTimeLocalField("Late credit until (UTC)", format=TIME_FORMAT,
                                      validators=[Optional()])  # fmt: skip
    late_credit_1 = DecimalField("Late credit (%)", places=0, validators=[Optional()])
    late_until_2 = DateTimeLocalField("Then until (UTC)", format=TIME_FORMAT,
                                      validators=[Optional()])  # fmt: skip
    late_credit_2 = DecimalField("Then credit (%)", places=0, validators=[Optional()])
    freeze_at = DateTimeLocalField("Scoreboard freeze (UTC)", format=TIME_FORMAT,
                                   validators=[Optional()],
                                   description="Empty: no freeze.")  # fmt: skip
    penalty_minutes = IntegerField("Penalty per rejected try (minutes)", default=20,
                                   validators=[NumberRange(min=0, max=1000)])  # fmt: skip
    ce_penalty = BooleanField("A compile error counts as a rejected try")
    team_size = IntegerField("Team size", default=1, validators=[NumberRange(min=1, max=3)])
    languages = SelectMultipleField("Languages", choices=[], validate_choice=False,
                                    description="None chosen: every language.")  # fmt: skip
    gold = IntegerField("Gold medals", default=4, validators=[NumberRange(min=0, max=100)])
    silver = IntegerField("Silver medals", default=4, validators=[NumberRange(min=0, max=100)])
    bronze = IntegerField("Bronze medals", default=4, validators=[NumberRange(min=0, max=100)])
    problems = TextAreaField(
        "Problems",
        validators=[DataRequired("Add at least one problem.")],
        description="One challenge slug per line, in order; optionally followed by a label "
        "and points: `two-sum A 100`.",
    )


class ExtensionForm(FlaskForm):
    """Extra minutes for one participant."""

    participant_id = IntegerField("Participant", validators=[DataRequired()])
    minutes = IntegerField("Extra minutes", validators=[NumberRange(min=0, max=86400)])
