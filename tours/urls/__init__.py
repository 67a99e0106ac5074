"""Browser routes, mounted under ``/o/<org_slug>/``; the package's other modules hold the routes mounted elsewhere
(``api``: under ``/api/v1/``; ``feed``: the calendar feeds)."""

from __future__ import annotations

from django.urls import path

from tours import views
from tours.views import imports as import_views

app_name = "tours"

urlpatterns = [
    path("tours/", views.tour_list, name="list"),
    path("tours/new/", views.tour_create, name="create"),
    path("tours/import/", import_views.tours_import_upload, name="import"),
    path("tours/import/template.<str:fmt>", import_views.tours_import_template, name="import_template"),
    path("tours/import/<int:import_id>/", import_views.tours_import_detail, name="import_detail"),
    path("tours/import/<int:import_id>/apply/", import_views.tours_import_apply_view, name="import_apply"),
    path("tours/alignment/", views.tour_alignment, name="alignment"),
    path("tours/<int:tour_id>/", views.tour_detail, name="detail"),
    path("tours/<int:tour_id>/edit/", views.tour_edit, name="edit"),
    path("tours/<int:tour_id>/do/<slug:action>/", views.tour_transition, name="transition"),
    path("tours/<int:tour_id>/first-conversation/<slug:action>/", views.first_conversation_action,
         name="first_conversation"),
    path("tours/<int:tour_id>/next-plan/", views.tour_next_plan, name="next_plan"),
    path("amendments/<int:amendment_id>/<slug:action>/", views.amendment_action, name="amendment"),
    path("tours/<int:tour_id>/checkpoints/new/", views.checkpoint_new, name="checkpoint_new"),
    path("first-conversations/<int:conversation_id>/outcome/", views.first_conversation_outcome,
         name="first_conversation_outcome"),
    path("checkpoints/<int:checkpoint_id>/", views.checkpoint_detail, name="checkpoint_detail"),
    path("checkpoints/<int:checkpoint_id>/reschedule/", views.checkpoint_reschedule, name="checkpoint_reschedule"),
    path("checkpoints/<int:checkpoint_id>/outcome/", views.checkpoint_outcome, name="checkpoint_outcome"),
    path("checkpoints/<int:checkpoint_id>/notes/", views.checkpoint_notes, name="checkpoint_notes"),
    path("checkpoints/<int:checkpoint_id>/private-note/", views.checkpoint_private_note,
         name="checkpoint_private_note"),
    path("checkpoints/<int:checkpoint_id>/agenda/", views.agenda_add, name="agenda_add"),
    path("checkpoints/<int:checkpoint_id>/invite.ics", views.checkpoint_invite, name="checkpoint_invite"),
    path("checkpoints/<int:checkpoint_id>/do/<slug:action>/", views.checkpoint_action, name="checkpoint_action"),
    path("agenda-items/<int:item_id>/<slug:action>/", views.agenda_item_action, name="agenda_item"),
    path("action-items/<int:item_id>/toggle/", views.action_item_toggle, name="action_item_toggle"),
    path("my-tour/", views.my_tour, name="my_tour"),
    path("team/", views.team_dashboard, name="team"),
    path("people/<int:membership_id>/tours/", views.career_ledger, name="ledger"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("one-on-ones/", views.one_on_one_list, name="one_on_ones"),
    path("one-on-ones/new/", views.one_on_one_new, name="one_on_one_new"),
    path("one-on-ones/<int:series_id>/", views.one_on_one_detail, name="one_on_one_detail"),
    path("one-on-ones/<int:series_id>/edit/", views.one_on_one_edit, name="one_on_one_edit"),
    path("one-on-ones/<int:series_id>/end/", views.one_on_one_end, name="one_on_one_end"),
    path("one-on-ones/<int:series_id>/invite.ics", views.one_on_one_invite, name="one_on_one_invite"),
    path("one-on-ones/meetings/<int:one_on_one_id>/move/", views.one_on_one_move, name="one_on_one_move"),
    path("one-on-ones/meetings/<int:one_on_one_id>/skip/", views.one_on_one_skip, name="one_on_one_skip"),
    path("one-on-ones/meetings/<int:one_on_one_id>/record/", views.one_on_one_record, name="one_on_one_record"),
    path("one-on-ones/meetings/<int:one_on_one_id>/talking-points/", views.talking_point_add,
         name="talking_point_add"),
    path("one-on-ones/meetings/<int:one_on_one_id>/private-note/", views.one_on_one_private_note,
         name="one_on_one_private_note"),
    path("talking-points/<int:point_id>/toggle/", views.talking_point_toggle, name="talking_point_toggle"),
    path("programs/", views.program_list, name="programs"),
    path("programs/<int:program_id>/", views.program_detail, name="program_detail"),
]
