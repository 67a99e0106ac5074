"""Checkpoints over the API: list, schedule, read, each side's notes, the explicit actions
(reschedule, confirm, cancel, missed, record the outcome), agenda points and action items.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import ColumnListMixin, DateTimeFilter, IdFilter, UpdatedSinceFilterSet, api_date, api_datetimes
from alliance.etags import VersionedResourceMixin
from alliance.serializers import BoundedListField, InputSerializer, StrictBooleanField, StrictCharField, no_input
from tours import limits, selectors, services
from tours.apis._common import _input, _visible_tour
from tours.models import (
    DEFAULT_CHECKPOINT_MINUTES,
    MAX_CHECKPOINT_MINUTES,
    MIN_CHECKPOINT_MINUTES,
    ActionItem,
    AgendaItem,
    Checkpoint,
)


class AgendaItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "text", "added_by", "discussed", "carried_from", "created_at", "updated_at"]


class ActionItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "text", "owner", "due_on", "done", "done_at", "carried_from", "created_at", "updated_at"]


class CheckpointOutputSerializer(serializers.ModelSerializer):
    ends_at = serializers.DateTimeField()
    agenda = AgendaItemOutputSerializer(source="agenda_items", many=True)
    action_items = ActionItemOutputSerializer(many=True)
    private_note = serializers.SerializerMethodField(
        help_text="Your own private note; nobody else's is ever shown."
    )

    class Meta:
        model = Checkpoint
        fields = [
            "id", "tour", "uid", "sequence", "scheduled_at", "duration_minutes", "ends_at", "location", "status",
            "confirmed", "progress", "manager_notes", "employee_notes", "course_corrections", "agenda",
            "action_items", "private_note", "completed_at", "cancelled_at", "created_at", "updated_at",
        ]

    def get_private_note(self, checkpoint: Checkpoint) -> str:
        return selectors.my_private_note(checkpoint)


class CheckpointFilterSet(UpdatedSinceFilterSet):
    tour = IdFilter(field_name="tour_id")
    status = filters.ChoiceFilter(choices=Checkpoint.Status.choices)
    scheduled_after = DateTimeFilter(field_name="scheduled_at", lookup_expr="gte")
    scheduled_before = DateTimeFilter(field_name="scheduled_at", lookup_expr="lt")

    class Meta:
        model = Checkpoint
        fields = ["tour", "status", "scheduled_after", "scheduled_before", "updated_since"]


class CheckpointCreateInputSerializer(InputSerializer):
    tour = serializers.IntegerField()
    scheduled_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(
        min_value=MIN_CHECKPOINT_MINUTES, max_value=MAX_CHECKPOINT_MINUTES, required=False,
        default=DEFAULT_CHECKPOINT_MINUTES,
    )
    location = StrictCharField(max_length=limits.LOCATION_MAX, required=False, allow_blank=True, default="")


class CheckpointUpdateInputSerializer(InputSerializer):
    employee_notes = StrictCharField(max_length=limits.NOTES_MAX,
                                           required=False, allow_blank=True, help_text="The employee only.")
    manager_notes = StrictCharField(max_length=limits.NOTES_MAX,
                                          required=False, allow_blank=True, help_text="Manager side only.")
    course_corrections = StrictCharField(max_length=limits.NOTES_MAX,
                                               required=False, allow_blank=True, help_text="Manager side only.")
    private_note = StrictCharField(max_length=limits.NOTES_MAX, required=False, allow_blank=True,
                                         help_text="Your own note, readable by you only.")


def _checkpoint_response(request, pk: int, *, status_code: int = 200) -> Response:
    checkpoint = selectors.get_checkpoint_for_member(request.member, pk)
    return Response(CheckpointOutputSerializer(checkpoint, context={"request": request}).data, status=status_code)


@extend_schema_view(
    get=extend_schema(summary="List checkpoints you can see", responses=CheckpointOutputSerializer(many=True)),
    post=extend_schema(summary="Schedule a checkpoint", request=CheckpointCreateInputSerializer,
                       responses={201: CheckpointOutputSerializer}),
)
class CheckpointListApi(ColumnListMixin, generics.ListAPIView):
    serializer_class = CheckpointOutputSerializer
    filterset_class = CheckpointFilterSet
    list_columns = (
        "id", "tour_id", "uid", "sequence", "scheduled_at", "duration_minutes", "location", "status", "confirmed",
        "progress", "manager_notes", "employee_notes", "course_corrections", "completed_at", "cancelled_at",
        "created_at", "updated_at",
    )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Checkpoint.objects.none()
        return selectors.checkpoint_list(member=self.request.member)

    def list_rows(self, rows):
        """The page's checkpoints, then their agenda, action items and the caller's own private notes in one
        query each (as the serializer's prefetches did)."""
        when = api_datetimes(timezone.get_current_timezone())  # once per page, not per value
        ids = [row["id"] for row in rows]
        agenda: dict[int, list] = {pk: [] for pk in ids}
        actions: dict[int, list] = {pk: [] for pk in ids}
        items = selectors.checkpoint_page_items(organization_id=self.request.member.organization_id,
                                                author_id=self.request.member.pk, checkpoint_ids=ids)
        for pk, checkpoint_id, text, added_by_id, discussed, carried_from_id, created_at, updated_at in items.agenda:
            agenda[checkpoint_id].append({
                "id": pk, "text": text, "added_by": added_by_id, "discussed": discussed,
                "carried_from": carried_from_id, "created_at": when(created_at),
                "updated_at": when(updated_at),
            })
        for (pk, checkpoint_id, text, owner_id, due_on, done, done_at, carried_from_id, created_at,
             updated_at) in items.actions:
            actions[checkpoint_id].append({
                "id": pk, "text": text, "owner": owner_id, "due_on": api_date(due_on), "done": done,
                "done_at": when(done_at), "carried_from": carried_from_id,
                "created_at": when(created_at), "updated_at": when(updated_at),
            })
        notes = items.notes
        return [
            {
                "id": row["id"], "tour": row["tour_id"], "uid": str(row["uid"]), "sequence": row["sequence"],
                "scheduled_at": when(row["scheduled_at"]), "duration_minutes": row["duration_minutes"],
                "ends_at": when(row["scheduled_at"] + timedelta(minutes=row["duration_minutes"])),
                "location": row["location"], "status": row["status"], "confirmed": row["confirmed"],
                "progress": row["progress"], "manager_notes": row["manager_notes"],
                "employee_notes": row["employee_notes"], "course_corrections": row["course_corrections"],
                "agenda": agenda[row["id"]], "action_items": actions[row["id"]],
                "private_note": notes.get(row["id"], ""), "completed_at": when(row["completed_at"]),
                "cancelled_at": when(row["cancelled_at"]),
                "created_at": when(row["created_at"]),
                "updated_at": when(row["updated_at"]),
            }
            for row in rows
        ]

    def post(self, request):
        data = _input(CheckpointCreateInputSerializer, request)
        tour = _visible_tour(request, data.pop("tour"), "tour")
        checkpoint = services.checkpoint_schedule(tour=tour, by=request.member, **data)
        return _checkpoint_response(request, checkpoint.pk, status_code=201)


@extend_schema_view(
    get=extend_schema(summary="Retrieve a checkpoint", responses=CheckpointOutputSerializer),
    patch=extend_schema(summary="Write your side of the notes", request=CheckpointUpdateInputSerializer,
                        responses=CheckpointOutputSerializer),
)
class CheckpointDetailApi(VersionedResourceMixin, APIView):
    def get(self, request, pk: int):
        return _checkpoint_response(request, pk)

    def patch(self, request, pk: int):
        checkpoint = selectors.get_checkpoint_for_member(request.member, pk)
        data = _input(CheckpointUpdateInputSerializer, request)
        private_note = data.pop("private_note", None)
        # Two services, one answer: a refusal from the second must undo the first, because the
        # request's own transaction commits 400s.
        with transaction.atomic():
            if data:
                services.checkpoint_update_notes(checkpoint=checkpoint, by=request.member, **data)
            if private_note is not None:
                services.private_note_save(checkpoint=checkpoint, by=request.member, body=private_note)
        return _checkpoint_response(request, pk)


class RescheduleInputSerializer(InputSerializer):
    scheduled_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(
        min_value=MIN_CHECKPOINT_MINUTES, max_value=MAX_CHECKPOINT_MINUTES, required=False
    )
    location = StrictCharField(max_length=limits.LOCATION_MAX, required=False, allow_blank=True)


class NewActionItemSerializer(InputSerializer):
    text = StrictCharField(max_length=limits.ITEM_TEXT_MAX)
    owner = serializers.IntegerField(required=False, allow_null=True, default=None,
                                     help_text="The employee's or the manager's membership id.")
    due_on = serializers.DateField(required=False, allow_null=True, default=None,
                                   help_text="When it is due; its owner is reminded the day after if it is open.")


class RecordOutcomeInputSerializer(InputSerializer):
    progress = serializers.ChoiceField(choices=Checkpoint.Progress.choices)
    manager_notes = StrictCharField(max_length=limits.NOTES_MAX, required=False, allow_blank=True, default="")
    course_corrections = StrictCharField(max_length=limits.NOTES_MAX,
                                               required=False, allow_blank=True, default="")
    discussed_agenda_items = BoundedListField(child=serializers.IntegerField(), required=False, default=list,
                                              max_length=limits.DISCUSSED_ITEMS_MAX)
    action_items = NewActionItemSerializer(many=True, required=False, default=list,
                                           max_length=limits.ACTION_ITEMS_MAX)


class AgendaItemInputSerializer(InputSerializer):
    text = StrictCharField(max_length=limits.ITEM_TEXT_MAX)


class CheckpointActionApi(APIView):
    input_serializer: type[serializers.Serializer] | None = None

    def perform(self, request, checkpoint: Checkpoint, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        checkpoint = selectors.get_checkpoint_for_member(request.member, pk)
        data = _input(self.input_serializer, request) if self.input_serializer else no_input(request)
        self.perform(request, checkpoint, data)
        return _checkpoint_response(request, pk)


def _checkpoint_action(summary: str, description: str, input_serializer=None):
    return extend_schema(summary=summary, description=description, request=input_serializer,
                         responses={200: CheckpointOutputSerializer,
                                    400: OpenApiResponse(description="Refused: the message says why.")})


class CheckpointRescheduleApi(CheckpointActionApi):
    input_serializer = RescheduleInputSerializer

    @_checkpoint_action("Move a checkpoint", "Same calendar UID, next SEQUENCE.", RescheduleInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, checkpoint, data):
        services.checkpoint_reschedule(checkpoint=checkpoint, by=request.member, **data)


class CheckpointConfirmApi(CheckpointActionApi):
    @_checkpoint_action("Confirm a proposed checkpoint", "Manager side.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, checkpoint, data):
        services.checkpoint_confirm(checkpoint=checkpoint, by=request.member)


class CheckpointCancelApi(CheckpointActionApi):
    @_checkpoint_action("Cancel a checkpoint", "Manager side; the calendar event is cancelled (METHOD:CANCEL).")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, checkpoint, data):
        services.checkpoint_cancel(checkpoint=checkpoint, by=request.member)


class CheckpointMissedApi(CheckpointActionApi):
    @_checkpoint_action("Mark a checkpoint as missed", "Manager side, after its time.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, checkpoint, data):
        services.checkpoint_mark_missed(checkpoint=checkpoint, by=request.member)


class CheckpointRecordOutcomeApi(CheckpointActionApi):
    input_serializer = RecordOutcomeInputSerializer

    @_checkpoint_action("Record the outcome of a checkpoint",
                        "Manager side. Agenda points not discussed and open action items carry over to the "
                        "next checkpoint.", RecordOutcomeInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, checkpoint, data):
        services.checkpoint_record_outcome(
            checkpoint=checkpoint, by=request.member, progress=data["progress"],
            manager_notes=data["manager_notes"], course_corrections=data["course_corrections"],
            discussed_item_ids=data["discussed_agenda_items"], new_action_items=data["action_items"],
        )


class CheckpointAgendaAddApi(CheckpointActionApi):
    input_serializer = AgendaItemInputSerializer

    @extend_schema(summary="Add a talking point to the agenda", request=AgendaItemInputSerializer,
                   responses={201: CheckpointOutputSerializer})
    def post(self, request, pk: int):
        checkpoint = selectors.get_checkpoint_for_member(request.member, pk)
        data = _input(AgendaItemInputSerializer, request)
        services.agenda_item_add(checkpoint=checkpoint, by=request.member, text=data["text"])
        return _checkpoint_response(request, pk, status_code=201)


class AgendaItemUpdateInputSerializer(InputSerializer):
    discussed = StrictBooleanField(required=False, help_text="Either participant, any time.")
    text = StrictCharField(required=False, max_length=limits.ITEM_TEXT_MAX,
                                 help_text="Its author only, until the conversation starts.")

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Give `discussed` or `text`.")
        return attrs


class ActionItemUpdateInputSerializer(InputSerializer):
    done = StrictBooleanField()


class AgendaItemDetailApi(VersionedResourceMixin, APIView):
    def current_representation(self, request, pk: int) -> Response:
        return Response(AgendaItemOutputSerializer(selectors.get_agenda_item_for_member(request.member, pk)).data)

    @extend_schema(summary="Tick an agenda point as discussed, or reword it", request=AgendaItemUpdateInputSerializer,
                   responses=AgendaItemOutputSerializer)
    def patch(self, request, pk: int):
        item = selectors.get_agenda_item_for_member(request.member, pk)
        data = _input(AgendaItemUpdateInputSerializer, request)
        with transaction.atomic():
            if "text" in data:
                item = services.agenda_item_edit(item=item, by=request.member, text=data["text"])
            if "discussed" in data:
                item = services.agenda_item_set_discussed(item=item, by=request.member, discussed=data["discussed"])
        return Response(AgendaItemOutputSerializer(item).data)


class ActionItemDetailApi(VersionedResourceMixin, APIView):
    def current_representation(self, request, pk: int) -> Response:
        return Response(ActionItemOutputSerializer(selectors.get_action_item_for_member(request.member, pk)).data)

    @extend_schema(summary="Tick an action item as done", request=ActionItemUpdateInputSerializer,
                   responses=ActionItemOutputSerializer)
    def patch(self, request, pk: int):
        item = selectors.get_action_item_for_member(request.member, pk)
        data = _input(ActionItemUpdateInputSerializer, request)
        item = services.action_item_set_done(item=item, by=request.member, done=data["done"])
        return Response(ActionItemOutputSerializer(item).data)
