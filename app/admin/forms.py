"""Admin forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.models import ROLES_ALL


class CreateUserForm(FlaskForm):
    """A new account made by an admin, e.g. a teacher's."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[Length(max=120)])
    role = SelectField(
        "Role", choices=[SelectChoice(r, r.capitalize()) for r in ROLES_ALL], default="student"
    )
    password = PasswordField(
        "Password",
        description="Leave empty to mail the user a link where they choose their own.",
    )


class SettingsForm(FlaskForm):
    """Site-wide switches."""

    signup_open = BooleanField(
        "Anyone may sign up",
        description="Off means invite-only: accounts come from admins and teachers.",
    )
