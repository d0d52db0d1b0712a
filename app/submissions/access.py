"""Who may see a submission: its owner, and the staff who manage its challenge.

Anyone else gets NotFound (404) for it, so a guessed submission id tells nobody whether that
submission exists. What a viewer sees of one they may see is app/submissions/state.py's.
"""

from __future__ import annotations

from app.challenges.access import manages_challenge
from app.errors import NotFound
from app.extensions import db
from app.models import Submission, User

NO_SUBMISSION = "No such submission, or it is not yours."


def may_see_submission(user: User, submission: Submission) -> bool:
    """The owner, and staff who manage the submission's challenge, may see a submission."""
    return submission.user_id == user.id or manages_challenge(user, submission.challenge)


def visible_submission(user: User, submission_id: int) -> Submission:
    """The submission if the user may see it; NotFound otherwise (existence does not leak)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or not may_see_submission(user, submission):
        raise NotFound(NO_SUBMISSION)
    return submission
