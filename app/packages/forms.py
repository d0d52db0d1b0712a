"""The package upload form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length


class PackageForm(FlaskForm):
    """A Kattis problem package as a .zip."""

    file = FileField("Problem package (.zip)", validators=[FileRequired()])
    slug = StringField("Slug", validators=[Length(max=80)], description="Empty: the zip's name.")
