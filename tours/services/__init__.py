"""Writes for tours: the lifecycle, checkpoints, first conversations, programs, calendar feeds.

Views, API views, tasks and commands all call these functions (``from tours import services``);
each one checks the caller's rights itself (tours/rights.py) and refuses with ``NotAllowed``
(403) or ``ApplicationError`` (400) with a message a person can act on. One module per part;
the public names are re-exported here.
"""

from __future__ import annotations

# The bounds of a tour's terms, for the apps that draft a tour through these services (a rehire).
from tours.limits import MISSION_MAX, TERMS_TEXT_MAX, TITLE_MAX
from tours.selectors import add_months
from tours.services._common import (
    CALENDAR_TOKEN_KIND,
    CHECKPOINT_LOCAL_TIME,
    DATE_RANGE,
    FOUNDATIONAL_PLANNING_HORIZON_MONTHS,
    MAX_TOUR_YEARS,
    SCHEDULE_GRACE,
    WRAP_UP_AFTER_END,
)
from tours.services.amendments import (
    amendment_accept,
    amendment_decline,
    amendment_propose,
    amendment_withdraw,
)
from tours.services.calendar_feeds import (
    calendar_feed_authenticate,
    calendar_feed_create,
    calendar_feed_revoke,
)
from tours.services.checkpoints import (
    _carry_over,
    action_item_set_done,
    agenda_item_add,
    agenda_item_edit,
    agenda_item_remove,
    agenda_item_set_discussed,
    checkpoint_cancel,
    checkpoint_confirm,
    checkpoint_has_started,
    checkpoint_mark_missed,
    checkpoint_record_outcome,
    checkpoint_reschedule,
    checkpoint_schedule,
    checkpoint_update_notes,
    checkpoints_event_changed,
    checkpoints_plan_series,
    on_a_working_day,
    private_note_save,
    private_notes_erase,
    series_dates,
)
from tours.services.drafting import (
    tour_create,
    tour_update,
)
from tours.services.first_conversations import (
    first_conversation_exercise,
    first_conversation_grant,
    first_conversation_record_outcome,
    first_conversation_withdraw,
    tour_record_next_plan,
)
from tours.services.lifecycle import (
    ACTION_VERBS,
    TRANSITIONS,
    tour_accept,
    tour_cancel,
    tour_complete,
    tour_end_early,
    tour_propose,
    tour_request_changes,
)
from tours.services.managers import (
    tours_follow_manager_change,
)
from tours.services.one_on_ones import (
    one_on_one_move,
    one_on_one_private_note_save,
    one_on_one_record,
    one_on_one_series_end,
    one_on_one_series_start,
    one_on_one_series_update,
    one_on_one_skip,
    one_on_ones_sweep,
    one_on_ones_top_up,
    talking_point_add,
    talking_point_set_discussed,
)
from tours.services.past_checkpoints import (
    checkpoint_log_past,
)
from tours.services.programs import (
    PROGRAM_FIELDS,
    cohort_start,
    program_create,
    program_update,
)

__all__ = [
    "MISSION_MAX",
    "TERMS_TEXT_MAX",
    "TITLE_MAX",
    "agenda_item_edit",
    "amendment_accept",
    "amendment_decline",
    "amendment_propose",
    "amendment_withdraw",
    "checkpoints_event_changed",
    "checkpoint_has_started",
    "checkpoint_log_past",
    "on_a_working_day",
    "ACTION_VERBS",
    "CALENDAR_TOKEN_KIND",
    "CHECKPOINT_LOCAL_TIME",
    "DATE_RANGE",
    "FOUNDATIONAL_PLANNING_HORIZON_MONTHS",
    "MAX_TOUR_YEARS",
    "PROGRAM_FIELDS",
    "SCHEDULE_GRACE",
    "TRANSITIONS",
    "WRAP_UP_AFTER_END",
    "_carry_over",
    "action_item_set_done",
    "add_months",
    "agenda_item_add",
    "agenda_item_remove",
    "agenda_item_set_discussed",
    "calendar_feed_authenticate",
    "calendar_feed_create",
    "calendar_feed_revoke",
    "checkpoint_cancel",
    "checkpoint_confirm",
    "checkpoint_mark_missed",
    "checkpoint_record_outcome",
    "checkpoint_reschedule",
    "checkpoint_schedule",
    "checkpoint_update_notes",
    "checkpoints_plan_series",
    "cohort_start",
    "first_conversation_exercise",
    "first_conversation_grant",
    "first_conversation_record_outcome",
    "first_conversation_withdraw",
    "private_note_save",
    "private_notes_erase",
    "program_create",
    "program_update",
    "series_dates",
    "tour_accept",
    "tour_cancel",
    "tour_complete",
    "tour_create",
    "tour_end_early",
    "tour_propose",
    "tour_record_next_plan",
    "tour_request_changes",
    "tour_update",
    "tours_follow_manager_change",
    "one_on_one_move",
    "one_on_one_private_note_save",
    "one_on_one_record",
    "one_on_one_series_end",
    "one_on_one_series_start",
    "one_on_one_series_update",
    "one_on_one_skip",
    "one_on_ones_sweep",
    "one_on_ones_top_up",
    "talking_point_add",
    "talking_point_set_discussed",
]
