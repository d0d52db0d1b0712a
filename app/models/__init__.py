"""All models, imported here so Alembic and the app see the whole metadata."""

from app.models.base import Base, utcnow
from app.models.challenge import (
    DIFFICULTIES,
    Blob,
    Challenge,
    ChallengeFile,
    ReferenceSolution,
    TestCase,
    TestGroup,
)
from app.models.clics import ClicsChange
from app.models.course import Course, Enrollment
from app.models.gamification import (
    BadgeAward,
    BossFight,
    BossHit,
    LanguageXpEntry,
    Player,
    XpEntry,
)
from app.models.notification import (
    Notification,
    NotificationPreference,
    NotificationSetting,
    OutgoingMail,
)
from app.models.round import (
    MODES,
    SCORINGS,
    VISIBILITIES,
    Clarification,
    Participant,
    ParticipantMember,
    Round,
    RoundProblem,
    ScoreRow,
)
from app.models.submission import ExecutionLog, Judgement, Submission, TestResult
from app.models.user import ROLES_ALL, ApiToken, SiteSetting, User

__all__ = [
    "DIFFICULTIES",
    "MODES",
    "SCORINGS",
    "VISIBILITIES",
    "Clarification",
    "ClicsChange",
    "Participant",
    "ParticipantMember",
    "Round",
    "RoundProblem",
    "ScoreRow",
    "ROLES_ALL",
    "ApiToken",
    "BadgeAward",
    "BossFight",
    "BossHit",
    "LanguageXpEntry",
    "Player",
    "XpEntry",
    "Base",
    "Blob",
    "Challenge",
    "ChallengeFile",
    "Course",
    "Enrollment",
    "ExecutionLog",
    "Judgement",
    "Notification",
    "NotificationPreference",
    "NotificationSetting",
    "OutgoingMail",
    "ReferenceSolution",
    "SiteSetting",
    "Submission",
    "TestCase",
    "TestGroup",
    "TestResult",
    "User",
    "utcnow",
]
