"""REST API for tours, checkpoints and rotational programs (``/api/v1/``).

Reads come from ``tours.selectors`` (scoped by organization and rights: another
organization's or an invisible object is a 404); writes call ``tours.services``,
one view per operation. State changes are explicit POST actions. One module per topic,
as in ``tours.services``; the views and the output serializers are re-exported here for
the URLs (tours/urls/api.py) and the tests:

- ``tours``: list, draft, read, change terms, the lifecycle's actions;
- ``first_conversations``: the right of first conversation and the next-tour plan;
- ``checkpoints``: checkpoints, their notes and actions, agenda points, action items;
- ``programs``: rotational programs and cohorts;
- ``amendments``: amendments of active tours;
- ``_common``: reading input, resolving the people and tours a request names.
"""

from __future__ import annotations

from tours.apis.amendments import (
    AmendmentAcceptApi,
    AmendmentDeclineApi,
    AmendmentOutputSerializer,
    AmendmentWithdrawApi,
    TourAmendmentListApi,
)
from tours.apis.checkpoints import (
    ActionItemDetailApi,
    ActionItemOutputSerializer,
    AgendaItemDetailApi,
    AgendaItemOutputSerializer,
    CheckpointAgendaAddApi,
    CheckpointCancelApi,
    CheckpointConfirmApi,
    CheckpointDetailApi,
    CheckpointListApi,
    CheckpointMissedApi,
    CheckpointOutputSerializer,
    CheckpointRecordOutcomeApi,
    CheckpointRescheduleApi,
)
from tours.apis.first_conversations import (
    FirstConversationExerciseApi,
    FirstConversationGrantApi,
    FirstConversationOutcomeApi,
    FirstConversationWithdrawApi,
    TourNextPlanApi,
)
from tours.apis.programs import (
    ProgramDetailApi,
    ProgramListApi,
    ProgramOutputSerializer,
    ProgramStartCohortApi,
)
from tours.apis.tours import (
    TourAcceptApi,
    TourCancelApi,
    TourCompleteApi,
    TourDetailApi,
    TourEndEarlyApi,
    TourListApi,
    TourOutputSerializer,
    TourProposeApi,
    TourRequestChangesApi,
)

__all__ = [
    "ActionItemDetailApi",
    "ActionItemOutputSerializer",
    "AgendaItemDetailApi",
    "AgendaItemOutputSerializer",
    "AmendmentAcceptApi",
    "AmendmentDeclineApi",
    "AmendmentOutputSerializer",
    "AmendmentWithdrawApi",
    "CheckpointAgendaAddApi",
    "CheckpointCancelApi",
    "CheckpointConfirmApi",
    "CheckpointDetailApi",
    "CheckpointListApi",
    "CheckpointMissedApi",
    "CheckpointOutputSerializer",
    "CheckpointRecordOutcomeApi",
    "CheckpointRescheduleApi",
    "FirstConversationExerciseApi",
    "FirstConversationGrantApi",
    "FirstConversationOutcomeApi",
    "FirstConversationWithdrawApi",
    "ProgramDetailApi",
    "ProgramListApi",
    "ProgramOutputSerializer",
    "ProgramStartCohortApi",
    "TourAcceptApi",
    "TourAmendmentListApi",
    "TourCancelApi",
    "TourCompleteApi",
    "TourDetailApi",
    "TourEndEarlyApi",
    "TourListApi",
    "TourNextPlanApi",
    "TourOutputSerializer",
    "TourProposeApi",
    "TourRequestChangesApi",
]
