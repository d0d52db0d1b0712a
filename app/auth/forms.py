"""Account forms: the shape of the input; the rules live in the service."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

# Field names differ between the forms of the account page, so each post is unambiguous.
_CONFIRM = "The two passwords differ."


class LoginForm(FlaskForm):
    """Email and password; the address is not format-checked so any existing account can log in."""

    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me logged in")


class SignupForm(FlaskForm):
    """A visitor's new student account."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        "Password", validators=[DataRequired()], description="At least 8 characters."
    )
    confirm = PasswordField(
        "Repeat the password", validators=[DataRequired(), EqualTo("password", _CONFIRM)]
    )


class ProfileForm(FlaskForm):
    """The name shown to teachers and on leaderboards."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])


class PasswordChangeForm(FlaskForm):
    """A new password, allowed only with the current one."""

    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password", validators=[DataRequired()], description="At least 8 characters."
    )
    new_confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", _CONFIRM)],
    )


class TokenForm(FlaskForm):
    """A new personal API token."""

    label = StringField(
        "Label",
        validators=[Length(max=80)],
        description="What the token is for, e.g. “grading script”.",
    )


class ResetRequestForm(FlaskForm):
    """The address to mail a reset link to."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    """The new password set through a mailed link."""

    password = PasswordField(
        "New password", validators=[DataRequired()], description="At least 8 characters."
    )
    confirm = PasswordField(
        "Repeat the password", validators=[DataRequired(), EqualTo("password", _CONFIRM)]
    )
