"""Clarification forms: a participant's question, the jury's answer, an announcement.

The rules on their text (length, labels) are the service's; these forms carry the fields and
the CSRF token, and the views put the service's refusal on the field it names.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, TextAreaField

from app.contests.clarifications import CANNED_ANSWERS, TEXT_MAX
from app.models import Round


def problem_choices(round_: Round | None) -> list[SelectChoice]:
    """General, then the round's problems by label (none: the problems are not out yet)."""
    problems = round_.problems if round_ is not None else []
    return [
        SelectChoice("", "General"),
        *(SelectChoice(p.label, f"{p.label}: {p.challenge.title}") for p in problems),
    ]


class AskForm(FlaskForm):
    """A participant's question to the jury."""

    problem_label = SelectField("About", validate_choice=False)
    question = TextAreaField(
        "Question",
        render_kw={"rows": 4, "maxlength": TEXT_MAX},
        description="Plain text. The jury answers you, or everyone if it concerns all.",
    )

    def __init__(self, round_: Round | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem_label.choices = problem_choices(round_)


class AnswerForm(FlaskForm):
    """The jury's answer to one question: a canned reply or their own words."""

    canned = SelectField(
        "Canned answer",
        choices=[
            SelectChoice("", "(write your own below)"),
            *(SelectChoice(text, text) for text in CANNED_ANSWERS),
        ],
        validate_choice=False,
    )
    answer = TextAreaField("Answer", render_kw={"rows": 4, "maxlength": TEXT_MAX})
    to_all = BooleanField("Send to everyone (the question is shown too, never who asked)")

    @property
    def text(self) -> str:
        """The typed answer, else the canned one."""
        return (self.answer.data or "").strip() or (self.canned.data or "")


class AnnounceForm(FlaskForm):
    """A message from the jury to everyone in the round."""

    problem_label = SelectField("About", validate_choice=False)
    text = TextAreaField("Announcement", render_kw={"rows": 3, "maxlength": TEXT_MAX})

    def __init__(self, round_: Round | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem_label.choices = problem_choices(round_)
