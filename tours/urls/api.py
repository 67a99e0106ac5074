"""REST API routes, mounted under ``/api/v1/``."""

from __future__ import annotations

from django.urls import path

from tours import apis
from tours.apis import imports as import_apis

urlpatterns = [
    path("imports/tours/", import_apis.ToursImportCreateApi.as_view(), name="api_tours_import_create"),
    path("imports/tours/<int:pk>/", import_apis.ToursImportDetailApi.as_view(), name="api_tours_import_detail"),
    path("imports/tours/<int:pk>/apply/", import_apis.ToursImportApplyApi.as_view(), name="api_tours_import_apply"),
    path("tours/export.<str:fmt>", import_apis.ToursExportApi.as_view(), name="api_tours_export"),
    path("tours/", apis.TourListApi.as_view(), name="api_tour_list"),
    path("tours/<int:pk>/", apis.TourDetailApi.as_view(), name="api_tour_detail"),
    path("tours/<int:pk>/propose/", apis.TourProposeApi.as_view(), name="api_tour_propose"),
    path("tours/<int:pk>/accept/", apis.TourAcceptApi.as_view(), name="api_tour_accept"),
    path("tours/<int:pk>/request-changes/", apis.TourRequestChangesApi.as_view(), name="api_tour_request_changes"),
    path("tours/<int:pk>/cancel/", apis.TourCancelApi.as_view(), name="api_tour_cancel"),
    path("tours/<int:pk>/complete/", apis.TourCompleteApi.as_view(), name="api_tour_complete"),
    path("tours/<int:pk>/end-early/", apis.TourEndEarlyApi.as_view(), name="api_tour_end_early"),
    path("tours/<int:pk>/next-tour-plan/", apis.TourNextPlanApi.as_view(), name="api_tour_next_plan"),
    path("tours/<int:pk>/first-conversation/grant/", apis.FirstConversationGrantApi.as_view(),
         name="api_tour_rofc_grant"),
    path("tours/<int:pk>/first-conversation/withdraw/", apis.FirstConversationWithdrawApi.as_view(),
         name="api_tour_rofc_withdraw"),
    path("tours/<int:pk>/first-conversation/exercise/", apis.FirstConversationExerciseApi.as_view(),
         name="api_tour_rofc_exercise"),
    path("tours/<int:pk>/first-conversation/outcome/", apis.FirstConversationOutcomeApi.as_view(),
         name="api_tour_rofc_outcome"),
    path("checkpoints/", apis.CheckpointListApi.as_view(), name="api_checkpoint_list"),
    path("checkpoints/<int:pk>/", apis.CheckpointDetailApi.as_view(), name="api_checkpoint_detail"),
    path("checkpoints/<int:pk>/reschedule/", apis.CheckpointRescheduleApi.as_view(),
         name="api_checkpoint_reschedule"),
    path("checkpoints/<int:pk>/confirm/", apis.CheckpointConfirmApi.as_view(), name="api_checkpoint_confirm"),
    path("checkpoints/<int:pk>/cancel/", apis.CheckpointCancelApi.as_view(), name="api_checkpoint_cancel"),
    path("checkpoints/<int:pk>/missed/", apis.CheckpointMissedApi.as_view(), name="api_checkpoint_missed"),
    path("checkpoints/<int:pk>/record-outcome/", apis.CheckpointRecordOutcomeApi.as_view(),
         name="api_checkpoint_record_outcome"),
    path("checkpoints/<int:pk>/agenda-items/", apis.CheckpointAgendaAddApi.as_view(),
         name="api_checkpoint_agenda_add"),
    path("agenda-items/<int:pk>/", apis.AgendaItemDetailApi.as_view(), name="api_agenda_item_detail"),
    path("action-items/<int:pk>/", apis.ActionItemDetailApi.as_view(), name="api_action_item_detail"),
    path("programs/", apis.ProgramListApi.as_view(), name="api_program_list"),
    path("programs/<int:pk>/", apis.ProgramDetailApi.as_view(), name="api_program_detail"),
    path("programs/<int:pk>/start-cohort/", apis.ProgramStartCohortApi.as_view(), name="api_program_start_cohort"),
    path("tours/<int:pk>/amendments/", apis.TourAmendmentListApi.as_view(), name="api_tour_amendments"),
    path("amendments/<int:pk>/accept/", apis.AmendmentAcceptApi.as_view(), name="api_amendment_accept"),
    path("amendments/<int:pk>/decline/", apis.AmendmentDeclineApi.as_view(), name="api_amendment_decline"),
    path("amendments/<int:pk>/withdraw/", apis.AmendmentWithdrawApi.as_view(), name="api_amendment_withdraw"),
]
