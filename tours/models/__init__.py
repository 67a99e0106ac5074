"""Tours of duty: the two-sided contract, its checkpoints and what comes next.

Every model is tenant-owned (``TenantModel``); its migration applies
``alliance.rls.TenantIsolation``. Lifecycle rules live in ``tours.services``;
these classes hold fields, constraints and properties of their own fields only.
The package re-exports every model and constant, so ``from tours.models import ...``
works for each topic module.
"""

from __future__ import annotations

from tours.models.calendar_feeds import CalendarFeed
from tours.models.checkpoints import ActionItem, AgendaItem, Checkpoint, PrivateNote
from tours.models.first_conversations import FirstConversation
from tours.models.one_on_ones import (
    DEFAULT_ONE_ON_ONE_MINUTES,
    ONE_ON_ONE_HORIZON,
    OneOnOne,
    OneOnOneActionItem,
    OneOnOnePrivateNote,
    OneOnOneSeries,
    TalkingPoint,
)
from tours.models.tours import (
    DEFAULT_CADENCE_MONTHS,
    DEFAULT_CHECKPOINT_MINUTES,
    DEFAULT_NEXT_TOUR_LEAD_DAYS,
    EARLIEST_DATE,
    EARLIEST_TIME,
    LATEST_DATE,
    LATEST_TIME,
    MAX_CADENCE_MONTHS,
    MAX_CHECKPOINT_MINUTES,
    MAX_NEXT_TOUR_LEAD_DAYS,
    MIN_CADENCE_MONTHS,
    MIN_CHECKPOINT_MINUTES,
    MIN_NEXT_TOUR_LEAD_DAYS,
    Cohort,
    RotationalProgram,
    Tour,
    TourAmendment,
    TourKind,
    TourRevision,
    tour_duration_warnings,
    tour_next_conversation_due,
)

__all__ = [
    "DEFAULT_CADENCE_MONTHS", "DEFAULT_CHECKPOINT_MINUTES", "DEFAULT_NEXT_TOUR_LEAD_DAYS", "EARLIEST_DATE",
    "EARLIEST_TIME", "LATEST_DATE", "LATEST_TIME", "MAX_CADENCE_MONTHS", "MAX_CHECKPOINT_MINUTES",
    "MAX_NEXT_TOUR_LEAD_DAYS", "MIN_CADENCE_MONTHS", "MIN_CHECKPOINT_MINUTES", "MIN_NEXT_TOUR_LEAD_DAYS",
    "ActionItem", "AgendaItem", "CalendarFeed", "Checkpoint", "Cohort", "FirstConversation", "PrivateNote",
    "RotationalProgram", "Tour", "TourAmendment", "TourKind", "TourRevision", "tour_duration_warnings",
    "tour_next_conversation_due", "DEFAULT_ONE_ON_ONE_MINUTES", "ONE_ON_ONE_HORIZON", "OneOnOne",
    "OneOnOneActionItem", "OneOnOnePrivateNote", "OneOnOneSeries", "TalkingPoint",
]
