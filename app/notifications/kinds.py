"""Every kind of notification, declared once: what it says, where it links, its defaults per
channel and whether the user may turn it off (as Moodle's message providers do).

Channels: in the app (the bell), and by mail either at once ("now"), in the daily or weekly
digest ("digest"), or not ("off"). Security mail (password reset or changed, an account
invitation) can't be turned off and carries no unsubscribe link. `about` names the objects a
notification is about (payload keys), so one whose object was deleted renders as "no longer
available" instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass

EMAIL_CHOICES = ("now", "digest", "off")


@dataclass(frozen=True)
class Kind:
    """One kind of notification and its defaults."""

    name: str
    group: str  # the heading it sits under on the preferences page
    label: str  # what the preferences page calls it
    title: str  # str.format over the payload; the bell's line and the mail's subject
    link: str = ""  # a path, str.format over the payload; empty: no page of its own
    in_app: bool = True
    email: str = "now"  # now | digest | off
    may_turn_off: bool = True
    about: tuple[str, ...] = ()  # object references (see render.REFERENCES)
    collapsed_title: str = ""  # the title of a row that took several (uses {count})

    @property
    def is_security(self) -> bool:
        """Security mail: always sent, never unsubscribable."""
        return not self.may_turn_off


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        # Contests
        Kind("clarification_answered", "Contests", "Your clarification was answered",
             "The jury answered your question in {round_title}",
             "/rounds/{round_id}/clarifications", about=("round", "clarification")),
        Kind("announcement", "Contests", "Announcements in your rounds",
             "Announcement in {round_title}", "/rounds/{round_id}/clarifications",
             email="off", about=("round",)),
        Kind("contest_starting", "Contests", "A contest starts in 15 minutes",
             "{round_title} starts in 15 minutes", "/rounds/{round_id}", about=("round",)),
        # Assignments
        Kind("assignment_published", "Assignments", "A new assignment",
             "New assignment: {round_title}", "/rounds/{round_id}", about=("round",)),
        Kind("deadline_24h", "Assignments", "A deadline is 24 hours away",
             "{round_title} is due in 24 hours", "/rounds/{round_id}", about=("round",)),
        Kind("deadline_1h", "Assignments", "A deadline is 1 hour away",
             "{round_title} is due in 1 hour", "/rounds/{round_id}", about=("round",)),
        Kind("extension_granted", "Assignments", "You were given more time",
             "You have {minutes} more minutes for {round_title}", "/rounds/{round_id}",
             about=("round",)),
        # Judging
        Kind("verdict_changed", "Judging", "A rejudge or override changed your result",
             "Your result for {challenge_title} changed: {before} → {after}",
             "/submissions/{submission_id}", email="digest", about=("submission",),
             collapsed_title="{count} of your results for {challenge_title} changed"),
        # Courses and the account
        Kind("course_added", "Courses", "You were added to a course",
             "You were added to {course_title}", "/courses/{course_id}", about=("course",)),
        Kind("account_invite", "Account", "Invitation to set a first password",
             "You were invited to {where}", in_app=False, may_turn_off=False),
        Kind("password_reset", "Account", "Password reset links",
             "Reset your codedev password", in_app=False, may_turn_off=False),
        Kind("password_changed", "Account", "Your password was changed",
             "Your codedev password was changed", "/auth/account", may_turn_off=False),
        # Gamification: in the app only, unless the user asks for mail
        Kind("badge_earned", "Achievements", "A badge", "You earned the badge {badge_name}",
             email="off"),
        Kind("level_up", "Achievements", "A new level", "You reached level {level}", email="off"),
        # Teachers
        Kind("clarification_asked", "Teaching", "A student asked a clarification",
             "New question in {round_title}", "/rounds/{round_id}/clarifications",
             email="digest", about=("round",),
             collapsed_title="{count} new questions in {round_title}"),
        Kind("validation_finished", "Teaching", "Validation of a challenge finished",
             "Validation of {challenge_title} finished: {outcome}",
             "/challenges/{challenge_slug}", email="off", about=("challenge",)),
        Kind("judge_error", "Teaching", "A judgement failed with an internal error",
             "A submission to {challenge_title} failed with IE",
             "/submissions/{submission_id}", about=("submission",),
             collapsed_title="{count} submissions to {challenge_title} failed with IE"),
    )
}  # fmt: skip

# The digest mail is a kind of mail, not of notification: unsubscribing from it turns every
# kind the user gets in the digest off by mail.
DIGEST = "digest"


def get_kind(name: str) -> Kind:
    """The declared kind; a typo is a programming error, raised where it was made."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown notification kind {name!r}") from None
