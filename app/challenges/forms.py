"""Challenge authoring forms: the challenge, a test, a group, a reference solution, uploads."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.challenges.service import LANGUAGES, MAX_STATEMENT_CHARS, VERDICTS
from app.models import DIFFICULTIES, Challenge

NO_GROUP = SelectChoice(0, "— none —")  # an int value: the field coerces to int
LANGUAGE_CHOICES = [SelectChoice(language) for language in LANGUAGES]


class ChallengeForm(FlaskForm):
    """Title, statement, limits, languages and checker of a challenge."""

    title = StringField("Title", validators=[DataRequired("A title, please."), Length(max=200)])
    slug = StringField(
        "Slug", validators=[Length(max=80)], description="Part of the URL; empty: from the title."
    )
    statement_md = TextAreaField(
        "Statement (Markdown, $math$)",
        render_kw={"rows": 14},
        validators=[Length(max=MAX_STATEMENT_CHARS)],
    )
    difficulty = SelectField("Difficulty", choices=[SelectChoice(d) for d in DIFFICULTIES])
    tags = StringField("Tags", description="Comma separated.")
    time_limit_ms = IntegerField("Time limit (ms)", default=2000, validators=[InputRequired()])
    memory_limit_mb = IntegerField("Memory limit (MB)", default=256, validators=[InputRequired()])
    output_limit_kb = IntegerField("Output limit (KB)", default=8192, validators=[InputRequired()])
    languages = SelectMultipleField(
        "Allowed languages", choices=LANGUAGE_CHOICES, description="None selected: all."
    )
    starter_python3 = TextAreaField("Starter code: python3", render_kw={"rows": 3})
    starter_c = TextAreaField("Starter code: c", render_kw={"rows": 3})
    starter_cpp = TextAreaField("Starter code: cpp", render_kw={"rows": 3})
    starter_java = TextAreaField("Starter code: java", render_kw={"rows": 3})
    starter_javascript = TextAreaField("Starter code: javascript", render_kw={"rows": 3})
    checker = SelectField(
        "Checker",
        choices=[
            SelectChoice("tokens", "Tokens (Kattis default)"),
            SelectChoice("exact", "Exact"),
            SelectChoice("custom", "Custom"),
        ],
    )
    case_sensitive = BooleanField("Case sensitive")
    space_change_sensitive = BooleanField("Whitespace sensitive")
    float_tolerance = FloatField(
        "Float tolerance", validators=[Optional(), NumberRange(min=0)], description="e.g. 1e-6"
    )
    checker_language = SelectField("Custom checker language", choices=LANGUAGE_CHOICES)
    checker_source = TextAreaField(
        "Custom checker source",
        render_kw={"rows": 6},
        description="Kattis output-validator protocol: exit 42 accepted, 43 wrong answer.",
    )
    checker_file = FileField("…or upload the checker source")
    stop_on_first_failure = BooleanField("Stop at the first failing test (ICPC style)")


class TestForm(FlaskForm):
    """One test: name, input, answer, sample flag, group."""

    __test__ = False
    name = StringField("Name", validators=[Length(max=120)], description="Empty: numbered.")
    input = TextAreaField("Input", render_kw={"rows": 4})
    answer = TextAreaField("Expected output", render_kw={"rows": 4})
    is_sample = BooleanField("Sample (shown to students)")
    group_id = SelectField("Group", coerce=int, choices=[NO_GROUP])


class TestZipForm(FlaskForm):
    """A zip of name.in / name.ans pairs."""

    __test__ = False
    file = FileField("Zip of .in/.ans pairs", validators=[FileRequired()])
    is_sample = BooleanField("Mark them as samples")


class ImageForm(FlaskForm):
    """A statement image (PNG, JPEG, GIF or WebP)."""

    file = FileField(
        "Image",
        validators=[FileRequired("Choose an image file.")],
        render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"},
        description="PNG, JPEG, GIF or WebP, up to 2 MB; the same name replaces an image.",
    )


class GroupForm(FlaskForm):
    """A subtask with its points."""

    name = StringField("Group name", validators=[DataRequired(), Length(max=80)])
    points = FloatField("Points", default=0, validators=[NumberRange(min=0, max=1000)])


class ReferenceForm(FlaskForm):
    """A reference solution and the verdict it should get."""

    name = StringField("Name", validators=[Length(max=200)])
    language = SelectField("Language", choices=LANGUAGE_CHOICES)
    expected_verdict = SelectField("Expected verdict", choices=[SelectChoice(v) for v in VERDICTS])
    source = TextAreaField("Source", render_kw={"rows": 10}, validators=[DataRequired()])


class EmptyForm(FlaskForm):
    """Just the CSRF token, for buttons."""


def make_test_form(challenge: Challenge) -> TestForm:
    """The test form, offering the challenge's groups."""
    form = TestForm(prefix="test")
    form.group_id.choices = [NO_GROUP] + [
        SelectChoice(group.id, group.name)  # an int value: the field coerces to int
        for group in challenge.groups
    ]
    return form
