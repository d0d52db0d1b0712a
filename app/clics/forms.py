"""The contest package upload form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField


class ContestPackageForm(FlaskForm):
    """A CLICS contest package as a .zip."""

    file = FileField("Contest package (.zip)", validators=[FileRequired()])
    visibility = SelectField(
        "Visibility", choices=[("public", "Public"), ("invite", "Invite link only")]
    )
