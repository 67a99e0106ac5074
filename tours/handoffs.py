"""Who hears of each of the tours app's services (alliance.handoffs): declared from ToursConfig.ready()."""

from __future__ import annotations

from alliance.handoffs import declare, silent, tells
from tours.notifications import (
    AMENDMENT_ANSWERED,
    AMENDMENT_PROPOSED,
    CHECKPOINT_CHANGED,
    CHECKPOINT_OUTCOME,
    FIRST_CONVERSATION_OUTCOME,
    NEXT_TOUR_PLAN,
    ONE_ON_ONE_INVITE,
    ONE_ON_ONE_NEWS,
    TOUR_ANSWERED,
    TOUR_IMPORTED,
    TOUR_PROPOSED,
)
from tours.reminders import FIRST_CONVERSATION

HELPER = "a helper of other services: changes nothing by itself"
OWN_NOTES = "a person's own preparation, seen on the checkpoint page by both when they meet"


def register() -> None:
    declare("tours.services", {
        "validate_terms": silent(HELPER),
        "series_dates": silent(HELPER),
        "on_a_working_day": silent(HELPER),
        "checkpoint_has_started": silent("a read: changes nothing"),
        "tour_create": silent("a draft is the manager's own work until it is proposed (tour_propose tells the "
                              "employee)"),
        "tour_update": silent("a draft or a proposal being edited; the employee hears of it when it is proposed"),
        "tour_propose": tells("the employee", TOUR_PROPOSED),
        "tours_import_preview": silent("a preview of HR's own file: no tour is added yet"),
        "tours_import_apply": tells("the employee and the manager of each imported tour", TOUR_IMPORTED),
        "people_file_tours_preview": silent("a preview of HR's own people file: no tour is added yet"),
        "people_file_tours_apply": tells("the employee and the manager of each tour a people file imports",
                                         TOUR_IMPORTED),
        "tour_accept": tells("the manager and whoever drafted the tour", TOUR_ANSWERED),
        "tour_request_changes": tells("the manager and whoever drafted the tour", TOUR_ANSWERED),
        "tour_cancel": tells("both participants, by the cancellation of every future checkpoint (the "
                             "proposal leaves the employee's bell)", CHECKPOINT_CHANGED),
        "tour_complete": tells("both participants, by the cancellation of every future checkpoint",
                               CHECKPOINT_CHANGED),
        "tour_end_early": tells("both participants, by the cancellation of every future checkpoint",
                                CHECKPOINT_CHANGED),
        "tour_record_next_plan": tells("the employee", NEXT_TOUR_PLAN),
        "amendment_propose": tells("the employee", AMENDMENT_PROPOSED),
        "amendment_accept": tells("who proposed it and the manager", AMENDMENT_ANSWERED),
        "amendment_decline": tells("who proposed it and the manager", AMENDMENT_ANSWERED),
        "amendment_withdraw": silent("the employee's pending request leaves their bell; nothing is asked of "
                                     "them any more"),
        "checkpoints_plan_series": silent("proposed dates on the tour page, not yet in anyone's calendar: "
                                          "confirming one (checkpoint_confirm) sends the invite"),
        "checkpoints_event_changed": tells("the other participant, with the updated invite", CHECKPOINT_CHANGED),
        "checkpoint_schedule": tells("the other participant, with the invite", CHECKPOINT_CHANGED),
        "checkpoint_reschedule": tells("the other participant, with the updated invite", CHECKPOINT_CHANGED),
        "checkpoint_confirm": tells("the other participant, with the invite", CHECKPOINT_CHANGED),
        "checkpoint_cancel": tells("the other participant, with the cancellation", CHECKPOINT_CHANGED),
        "checkpoint_log_past": silent("a conversation both attended, put on the record afterwards; recording its "
                                      "outcome (checkpoint_record_outcome) tells the employee"),
        "checkpoint_mark_missed": silent("the manager's own record; the overdue reminder stops"),
        "checkpoint_record_outcome": tells("the other participant, and each owner of a new action item",
                                           CHECKPOINT_OUTCOME),
        "checkpoint_update_notes": silent("shared notes both see on the checkpoint page"),
        "private_note_save": silent(OWN_NOTES),
        "private_notes_erase": silent("erasing a person's own private notes (their data rights)"),
        "agenda_item_add": silent(OWN_NOTES),
        "agenda_item_edit": silent(OWN_NOTES),
        "agenda_item_remove": silent(OWN_NOTES),
        "agenda_item_set_discussed": silent("ticking a point off during the conversation both attend"),
        "action_item_set_done": silent("the owner ticks off their own action item"),
        "first_conversation_grant": silent("the employee grants it on their own tour; the manager sees the flag "
                                           "on the tour"),
        "first_conversation_withdraw": silent("the employee takes back their own grant"),
        "first_conversation_exercise": tells("the manager, by the first-conversation reminder", FIRST_CONVERSATION),
        "first_conversation_record_outcome": tells("the employee", FIRST_CONVERSATION_OUTCOME),
        "program_create": silent("HR's catalogue of rotational programs"),
        "program_update": silent("HR's catalogue of rotational programs"),
        "cohort_start": tells("each employee, when their drafted tour is proposed", TOUR_PROPOSED),
        "calendar_feed_create": silent("a person's own calendar link"),
        "calendar_feed_revoke": silent("a person's own calendar link"),
        "calendar_feed_authenticate": silent("a read (notes the last use of the link)"),
        "one_on_one_series_start": tells("the other person (both when HR starts it), with the series invite",
                                         ONE_ON_ONE_INVITE),
        "one_on_one_series_update": tells("the other person (both when HR edits it), with the updated invite",
                                          ONE_ON_ONE_INVITE),
        "one_on_one_series_end": tells("the other person (both when HR ends it), with the cancellation",
                                       ONE_ON_ONE_INVITE),
        "one_on_one_move": tells("the other person, with the moved meeting (RECURRENCE-ID)", ONE_ON_ONE_INVITE),
        "one_on_one_skip": tells("the other person, with the cancellation of that meeting", ONE_ON_ONE_INVITE),
        "one_on_one_record": tells("the other person, with the carried-over points and their action items",
                                   ONE_ON_ONE_NEWS),
        "talking_point_add": tells("the other person of the 1:1", ONE_ON_ONE_NEWS),
        "talking_point_set_discussed": silent("ticking a point off during the 1:1 both attend"),
        "one_on_one_private_note_save": silent(OWN_NOTES),
        "one_on_ones_top_up": silent("makes the next meetings of a series both were invited to (the RRULE of the "
                                     "invite covers them)"),
        "one_on_ones_sweep": silent("the beat entry: tops series up and carries open points of meetings that "
                                    "passed to the next one, both already in the series"),
        "tours_follow_manager_change": silent("follows a manager change HR made on the member's page, where both "
                                              "see it"),
    })
