"""Browser pages for tours (HTMX partials for the interactive parts).

Every page resolves its objects through ``tours.selectors`` (404 for anything the
viewer may not see) and changes them only through ``tours.services``. One module per
topic, as in ``tours.services``; the views are re-exported here for the URLs
(tours/urls/__init__.py, tours/urls/feed.py) and the dashboard panel for tours/apps.py:

- ``tours``: the lists and dashboards, drafting and editing, a tour's page and transitions;
- ``amendments``: answering a proposed amendment;
- ``first_conversations``: the right of first conversation and the next-tour plan;
- ``checkpoints``: checkpoints, their notes, agenda points, action items, invites;
- ``one_on_ones``: recurring 1:1 series, their meetings and talking points;
- ``calendar_feeds``: a member's private calendar feed;
- ``programs``: rotational programs and cohorts (HR);
- ``_common``: redirects after a POST, safe ``next``, ids and URLs shared by the pages.
"""

from __future__ import annotations

from tours.views.amendments import amendment_action
from tours.views.calendar_feeds import (
    calendar_feed,
    calendar_settings,
)
from tours.views.checkpoints import (
    action_item_toggle,
    agenda_add,
    agenda_item_action,
    checkpoint_action,
    checkpoint_detail,
    checkpoint_invite,
    checkpoint_new,
    checkpoint_notes,
    checkpoint_outcome,
    checkpoint_private_note,
    checkpoint_reschedule,
)
from tours.views.first_conversations import (
    first_conversation_action,
    first_conversation_outcome,
    tour_next_plan,
)
from tours.views.one_on_ones import (
    one_on_one_detail,
    one_on_one_edit,
    one_on_one_end,
    one_on_one_invite,
    one_on_one_list,
    one_on_one_move,
    one_on_one_new,
    one_on_one_private_note,
    one_on_one_record,
    one_on_one_skip,
    talking_point_add,
    talking_point_toggle,
)
from tours.views.programs import (
    program_detail,
    program_list,
)
from tours.views.tours import (
    career_ledger,
    dashboard_panel_context,
    my_tour,
    team_dashboard,
    tour_alignment,
    tour_create,
    tour_detail,
    tour_edit,
    tour_list,
    tour_transition,
)

__all__ = [
    "one_on_one_detail",
    "one_on_one_edit",
    "one_on_one_end",
    "one_on_one_invite",
    "one_on_one_list",
    "one_on_one_move",
    "one_on_one_new",
    "one_on_one_private_note",
    "one_on_one_record",
    "one_on_one_skip",
    "talking_point_add",
    "talking_point_toggle",
    "action_item_toggle",
    "agenda_add",
    "agenda_item_action",
    "amendment_action",
    "calendar_feed",
    "calendar_settings",
    "career_ledger",
    "checkpoint_action",
    "checkpoint_detail",
    "checkpoint_invite",
    "checkpoint_new",
    "checkpoint_notes",
    "checkpoint_outcome",
    "checkpoint_private_note",
    "checkpoint_reschedule",
    "dashboard_panel_context",
    "first_conversation_action",
    "first_conversation_outcome",
    "my_tour",
    "program_detail",
    "program_list",
    "team_dashboard",
    "tour_alignment",
    "tour_create",
    "tour_detail",
    "tour_edit",
    "tour_list",
    "tour_next_plan",
    "tour_transition",
]
