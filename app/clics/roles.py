"""Who asks the CLICS API, and as which role of a contest.

The policy, in one place:
- A client is a codedev user found by the session, `Authorization: Bearer <token>`, or HTTP
  basic auth (email and password, or email and a personal token as the password); or nobody.
- Of one contest (a round) the client is the jury (the round's staff: everything), a team (a
  participant it stands on: its own data in full, the rest as the public), or the public
  (read-only, the frozen board, no other team's verdict after the freeze).
- A round the client may not see is NotFound, as everywhere in codedev.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Literal

from flask import request
from flask_login import current_user

from app.auth.service import authenticate, normalize_email, user_for_token
from app.contests.access import AnyUser, is_staff_of, participant_of, visible_round
from app.errors import AppError
from app.models import Round, User
from app.scoring.freeze import PUBLIC, STAFF, Viewer


class Unauthorized(AppError):
    """Credentials were sent and are wrong."""

    status = 401
    code = "unauthorized"


@dataclass(frozen=True)
class Role:
    """A client's role in one contest."""

    kind: Literal["admin", "team", "public"]
    team_id: int | None = None  # the participant, for a team

    @property
    def viewer(self) -> Viewer:
        """The scoring viewer this role is (the freeze projection's input)."""
        if self.kind == "admin":
            return STAFF
        if self.kind == "team":
            return Viewer("participant", self.team_id)
        return PUBLIC

    def owns(self, team_id: int | None) -> bool:
        """Whether this role sees that team's data in full."""
        return self.kind == "admin" or (self.kind == "team" and team_id == self.team_id)


JURY = Role("admin")
SPECTATOR = Role("public")


def client() -> AnyUser:
    """The user this request is from (session, bearer token or basic auth), or None."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        email, _, secret = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized("Malformed HTTP basic credentials.") from None
    # A token first: a sha256 look-up, where a password costs a deliberately slow hash.
    user = user_for_token(secret)
    if user is None or user.email != normalize_email(email):
        user = authenticate(email, secret)
    if user is None:
        raise Unauthorized("Wrong email, password or token.")
    return user


def role_in(user: AnyUser, round_: Round) -> Role:
    """The user's role in this round."""
    if is_staff_of(user, round_):
        return JURY
    participant = participant_of(user, round_)
    if participant is not None:
        return Role("team", participant.id)
    return SPECTATOR


def contest_for(user: AnyUser, contest_id: str) -> tuple[Round, Role]:
    """The round a contest id names, if the user may see it, and the user's role there."""
    round_ = (
        visible_round(user, int(contest_id)) if contest_id.isdigit() else visible_round(user, 0)
    )
    return round_, role_in(user, round_)


def is_user(user: AnyUser) -> bool:
    """Whether someone is signed in (not the anonymous public)."""
    return isinstance(user, User)
