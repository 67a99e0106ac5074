"""Reads for tours: every lookup is scoped by organization *and* by the caller's rights.

Who sees what (one place):

* an employee: their own tours and those tours' checkpoints;
* a manager: the tours they manage and the tours of their direct reports;
* HR and admins: every tour of the organization;
* private checkpoint notes: their author only (HR and admins included in "nobody else").

A tour or checkpoint the caller may not see is a 404, exactly like one that does not exist.
The package re-exports the public names of its topic modules.
"""

from __future__ import annotations

from tours.selectors.checkpoints import (
    CheckpointPageItems,
    calendar_checkpoints_for,
    checkpoint_list,
    checkpoint_page_items,
    get_action_item_for_member,
    get_agenda_item_for_member,
    get_checkpoint_for_member,
    my_private_note,
    open_action_items,
    tour_checkpoints,
    upcoming_checkpoints_for,
    visible_checkpoints,
    with_checkpoint_details,
)
from tours.selectors.first_conversations import (
    first_conversations_of,
    get_first_conversation_for_member,
    open_first_conversation,
    open_first_conversations_for_manager,
)
from tours.selectors.imports import (
    get_tours_import_for_member,
    tours_export_rows,
)
from tours.selectors.one_on_ones import (
    PAST_MEETINGS_SHOWN,
    TimelineEntry,
    active_series_between,
    active_series_of_report,
    calendar_one_on_ones_for,
    get_meeting_for_member,
    get_series_for_member,
    get_talking_point_for_member,
    my_meeting_note,
    series_list,
    series_meetings,
    series_timeline,
    startable_reports,
    visible_series,
    with_meeting_details,
)
from tours.selectors.programs import (
    active_calendar_feed,
    get_program_for_member,
    program_cohorts,
    program_list,
)
from tours.selectors.team import (
    TEAM_FLAGS,
    TEAM_SORTS,
    TeamRow,
    leaving_on,
    team_overview,
)
from tours.selectors.tours import (
    SUCCESSOR_MONTHS,
    TOUR_LIST_DEFAULT_SORT,
    TOUR_LIST_SORTS,
    active_members,
    add_months,
    career_ledger,
    changes_asked_by,
    cohort_candidates,
    draftable_employees,
    get_amendment_for_member,
    get_tour_for_member,
    next_tour_lead_default,
    open_tours_managed_by,
    open_tours_of,
    pending_amendment,
    successor_initial,
    tour_amendments,
    tour_history,
    tour_list,
    visible_tours,
)

__all__ = [
    "PAST_MEETINGS_SHOWN",
    "TimelineEntry",
    "active_series_between",
    "active_series_of_report",
    "calendar_one_on_ones_for",
    "get_meeting_for_member",
    "get_series_for_member",
    "get_talking_point_for_member",
    "my_meeting_note",
    "series_list",
    "series_meetings",
    "series_timeline",
    "startable_reports",
    "visible_series",
    "with_meeting_details",
    "CheckpointPageItems",
    "SUCCESSOR_MONTHS",
    "TEAM_FLAGS",
    "TEAM_SORTS",
    "TeamRow",
    "active_calendar_feed",
    "active_members",
    "add_months",
    "calendar_checkpoints_for",
    "career_ledger",
    "changes_asked_by",
    "checkpoint_list",
    "checkpoint_page_items",
    "cohort_candidates",
    "draftable_employees",
    "first_conversations_of",
    "get_action_item_for_member",
    "get_agenda_item_for_member",
    "get_amendment_for_member",
    "get_checkpoint_for_member",
    "get_first_conversation_for_member",
    "get_program_for_member",
    "get_tour_for_member",
    "get_tours_import_for_member",
    "leaving_on",
    "my_private_note",
    "next_tour_lead_default",
    "open_action_items",
    "open_first_conversation",
    "open_first_conversations_for_manager",
    "open_tours_managed_by",
    "open_tours_of",
    "pending_amendment",
    "program_cohorts",
    "program_list",
    "successor_initial",
    "team_overview",
    "tour_amendments",
    "tour_checkpoints",
    "tour_history",
    "TOUR_LIST_DEFAULT_SORT",
    "TOUR_LIST_SORTS",
    "tour_list",
    "tours_export_rows",
    "upcoming_checkpoints_for",
    "visible_checkpoints",
    "visible_tours",
    "with_checkpoint_details",
]
