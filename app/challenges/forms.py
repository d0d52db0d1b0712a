"""Challenge authoring forms: the challenge, a test, a group, a reference solution, uploads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    Field,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from app.challenges.service import MAX_STATEMENT_CHARS, VERDICTS
from app.judging import languages as judge_languages
from app.models import DIFFICULTIES, Challenge

NO_GROUP = SelectChoice(0, "— none —")  # an int value: the field coerces to int
STARTER = "starter_"  # name prefix of the per-language starter-code fields


def language_choices() -> list[SelectChoice]:
    """The registry's languages as select choices (read per form: the registry is the list)."""
    return [SelectChoice(id_, name) for id_, name in judge_languages.choices()]


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
    languages = SelectMultipleField("Allowed languages", description="None selected: all.")
    # One starter-code field per language is added by challenge_form().
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
    checker_language = SelectField("Custom checker language")
    checker_source = TextAreaField(
        "Custom checker source",
        render_kw={"rows": 6},
        description="Kattis output-validator protocol: exit 42 accepted, 43 wrong answer.",
    )
    checker_file = FileField("…or upload the checker source")
    stop_on_first_failure = BooleanField("Stop at the first failing test (ICPC style)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages.choices = language_choices()
        self.checker_language.choices = language_choices()

    def __iter__(self) -> Iterator[Field]:
        """The fields in order, with the starter-code fields right after the languages."""
        starters = list(self.starters().values())
        for name, field in self._fields.items():
            if not name.startswith(STARTER):
                yield field
            if name == "languages":
                yield from starters

    def starters(self) -> dict[str, Field]:
        """The starter-code field of each language, by language id."""
        return {
            name.removeprefix(STARTER): field
            for name, field in self._fields.items()
            if name.startswith(STARTER)
        }


def challenge_form() -> ChallengeForm:
    """The challenge form with a starter-code field for every language of the registry."""
    fields = {
        f"{STARTER}{id_}": TextAreaField(f"Starter code: {name}", render_kw={"rows": 3})
        for id_, name in judge_languages.choices()
    }
    return cast(ChallengeForm, type("ChallengeForm", (ChallengeForm,), fields)())


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
    language = SelectField("Language")
    expected_verdict = SelectField("Expected verdict", choices=[SelectChoice(v) for v in VERDICTS])
    source = TextAreaField("Source", render_kw={"rows": 10})
    files = MultipleFileField(
        "…or upload a program of several files",
        description="Several files, or one .zip of them (no folders). The main file is the "
        "language's (main.py, Main.java, main.cpp, …) or the one defining main, unless named below.",
    )
    entry = StringField("Main file (optional)", validators=[Length(max=100)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()

    def uploads(self) -> list[tuple[str, bytes]]:
        """The uploaded files as (name, bytes); empty when none was chosen."""
        return [(f.filename or "", f.read()) for f in self.files.data or [] if f and f.filename]

    def validate_source(self, field: Field) -> None:
        """A program is pasted or uploaded."""
        if not (field.data or "").strip() and not self.uploads_given():
            raise StopValidation("Paste the source, or upload its files.")

    def uploads_given(self) -> bool:
        """Whether any file was chosen."""
        return any(f and f.filename for f in self.files.data or [])


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
