"""Models of the alumni app: the exit process and the alumni network.

Topics: exits, network (settings), directory, referrals, boomerangs, data_rights, news, newsletter,
benefits, events, openings. Every model is imported here, so Django finds them all."""

from __future__ import annotations

from alumni.models.benefits import (
    MAX_BENEFIT_TEXT,
    Benefit,
    BenefitKind,
    BenefitTier,
)
from alumni.models.boomerangs import (
    Boomerang,
)
from alumni.models.data_rights import (
    ErasureRecord,
)
from alumni.models.directory import (
    DIRECTORY_FIELDS,
    AlumniProfile,
    Visibility,
)
from alumni.models.events import (
    MAX_EVENT_CAPACITY,
    MAX_EVENT_DAYS,
    MAX_EVENT_TEXT,
    AlumniEvent,
    EventRsvp,
)
from alumni.models.exits import (
    CONSENT_TEXT,
    CONSENT_TEXT_VERSION,
    DEFAULT_INTERVIEW_MINUTES,
    MAX_DUE_OFFSET_DAYS,
    MAX_INTERVIEW_MINUTES,
    MAX_LAST_DAY_AHEAD_DAYS,
    MIN_INTERVIEW_MINUTES,
    SCALE_MAX,
    SCALE_MIN,
    AssigneeRole,
    ExitInterview,
    ExitKind,
    ExitProcess,
    ExitQuestion,
    ExitQuestionSet,
    ExitTask,
    ExitTemplate,
    ExitTemplateTask,
    LeaverStep,
)
from alumni.models.network import (
    LEVEL_RANK,
    MAX_BONUS,
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    AlumniNoteReach,
    AlumniSettings,
    BonusFor,
    BonusState,
    InvestmentLevel,
)
from alumni.models.news import (
    MAX_NEWS_BODY,
    MAX_NEWS_HTML,
    NewsPost,
)
from alumni.models.newsletter import (
    NewsletterFrequency,
    NewsletterIssue,
    NewsletterSchedule,
)
from alumni.models.openings import (
    MAX_OPENING_TEXT,
    Opening,
)
from alumni.models.referrals import (
    MAX_ESTIMATED_VALUE,
    MAX_REFERRAL_TEXT,
    Contribution,
    CustomerLead,
    Referral,
)

__all__ = [
    "AlumniEvent",
    "AlumniNoteReach",
    "AlumniProfile",
    "AlumniSettings",
    "AssigneeRole",
    "Benefit",
    "BenefitKind",
    "BenefitTier",
    "BonusFor",
    "BonusState",
    "Boomerang",
    "CONSENT_TEXT",
    "CONSENT_TEXT_VERSION",
    "Contribution",
    "CustomerLead",
    "DEFAULT_INTERVIEW_MINUTES",
    "DIRECTORY_FIELDS",
    "ErasureRecord",
    "EventRsvp",
    "ExitInterview",
    "ExitKind",
    "ExitProcess",
    "ExitQuestion",
    "ExitQuestionSet",
    "ExitTask",
    "ExitTemplate",
    "ExitTemplateTask",
    "InvestmentLevel",
    "LEVEL_RANK",
    "LeaverStep",
    "MAX_BENEFIT_TEXT",
    "MAX_BONUS",
    "MAX_DUE_OFFSET_DAYS",
    "MAX_ESTIMATED_VALUE",
    "MAX_EVENT_CAPACITY",
    "MAX_EVENT_DAYS",
    "MAX_EVENT_TEXT",
    "MAX_INTERVIEW_MINUTES",
    "MAX_LAST_DAY_AHEAD_DAYS",
    "MAX_NEWS_BODY",
    "MAX_NEWS_HTML",
    "MAX_OPENING_TEXT",
    "MAX_REFERRAL_TEXT",
    "MAX_RETENTION_DAYS",
    "MIN_INTERVIEW_MINUTES",
    "MIN_RETENTION_DAYS",
    "NewsPost",
    "NewsletterFrequency",
    "NewsletterIssue",
    "NewsletterSchedule",
    "Opening",
    "Referral",
    "SCALE_MAX",
    "SCALE_MIN",
    "Visibility",
]
