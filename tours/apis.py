"""REST API for tours, checkpoints and rotational programs (``/api/v1/``).

Reads come from ``tours.selectors`` (scoped by organization and rights: another
organization's or an invisible object is a 404); writes call ``tours.services``,
one view per operation. State changes are explicit POST actions.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import (
    ColumnListMixin,
    DateTimeFilter,
    IdFilter,
    UpdatedSinceFilterSet,
    api_date,
    api_datetimes,
)
from alliance.models import Membership
from alliance.permissions import IsOrganizationHR
from alliance.selectors import managers_for_org
from alliance.serializers import StrictCharField
from tours import limits, rights, selectors, services
from tours.models import (
    DEFAULT_CADENCE_MONTHS,
    DEFAULT_CHECKPOINT_MINUTES,
    MAX_CADENCE_MONTHS,
    MAX_CHECKPOINT_MINUTES,
    MAX_NEXT_TOUR_LEAD_DAYS,
    MIN_CADENCE_MONTHS,
    MIN_CHECKPOINT_MINUTES,
    MIN_NEXT_TOUR_LEAD_DAYS,
    ActionItem,
    AgendaItem,
    Checkpoint,
    FirstConversation,
    RotationalProgram,
    Tour,
    TourAmendment,
    TourKind,
    tour_duration_warnings,
    tour_next_conversation_due,
)

# --- Helpers -------------------------------------------------------------------


NOT_A_DRAFTABLE_EMPLOYEE = "Choose one of your direct reports (HR: an active member other than yourself)."
NOT_A_POSSIBLE_MANAGER = "Choose an active manager, HR person or admin of this organization."


def _one_of(queryset, pk: int | None, field: str, message: str) -> Membership | None:
    """The member with ``pk`` among those the caller may choose; the same message whether the id
    does not exist or is not the caller's to choose, so no error text tells which ids exist."""
    if pk is None:
        return None
    found = queryset.select_related("user", "manager").filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [message]})
    return found


def _visible_tour(request, pk: int | None, field: str) -> Tour | None:
    if pk is None:
        return None
    try:
        return selectors.get_tour_for_member(request.member, pk)
    except Http404 as error:
        raise ValidationError({field: ["No tour you can see has this id."]}) from error


def _input(serializer_class, request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Tours ---------------------------------------------------------------------


class TourOutputSerializer(serializers.ModelSerializer):
    employee_email = serializers.EmailField(source="employee.user.email")
    employee_name = StrictCharField(source="employee.user.full_name")
    manager_email = serializers.EmailField(source="manager.user.email")
    manager_name = StrictCharField(source="manager.user.full_name")
    warnings = serializers.ListField(source="duration_warnings", child=StrictCharField())
    next_tour_conversation_due = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Tour
        fields = [
            "id", "employee", "employee_email", "employee_name", "manager", "manager_email", "manager_name",
            "kind", "status", "title", "mission", "company_objectives", "employee_benefits", "success_company",
            "success_employee", "alignment_notes", "start_date", "end_date", "cadence_months",
            "next_tour_lead_days", "previous_tour", "program", "cohort", "proposed_at", "accepted_at",
            "closed_at", "closing_note", "changes_requested", "first_conversation_granted_on", "next_tour_plan",
            "next_tour_plan_notes", "next_tour_plan_recorded_at", "next_tour_conversation_due", "warnings",
            "allowed_actions", "created_at", "updated_at",
        ]

    def get_next_tour_conversation_due(self, tour: Tour) -> bool:
        return tour.next_tour_conversation_due()

    def get_allowed_actions(self, tour: Tour) -> list[str]:
        return rights.allowed_transitions(tour, self.context["request"].member)


class TourFilterSet(UpdatedSinceFilterSet):
    kind = filters.ChoiceFilter(choices=TourKind.choices)
    status = filters.ChoiceFilter(choices=Tour.Status.choices)
    employee = IdFilter(field_name="employee_id")
    manager = IdFilter(field_name="manager_id")
    ends_before = filters.DateFilter(field_name="end_date", lookup_expr="lt", help_text="End date before this day.")
    ends_after = filters.DateFilter(field_name="end_date", lookup_expr="gt", help_text="End date after this day.")

    class Meta:
        model = Tour
        fields = ["kind", "status", "employee", "manager", "ends_before", "ends_after", "updated_since"]


class TourTermsInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TourKind.choices)
    title = StrictCharField(max_length=limits.TITLE_MAX)
    mission = StrictCharField(max_length=limits.MISSION_MAX)
    company_objectives = StrictCharField(max_length=limits.TERMS_TEXT_MAX, help_text="What the company gets.")
    employee_benefits = StrictCharField(max_length=limits.TERMS_TEXT_MAX, help_text="What the employee gets.")
    success_company = StrictCharField(max_length=limits.TERMS_TEXT_MAX,
                                            required=False, allow_blank=True, default="")
    success_employee = StrictCharField(max_length=limits.TERMS_TEXT_MAX,
                                             required=False, allow_blank=True, default="")
    alignment_notes = StrictCharField(max_length=limits.TERMS_TEXT_MAX,
                                            required=False, allow_blank=True, default="")
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    cadence_months = serializers.IntegerField(
        min_value=MIN_CADENCE_MONTHS, max_value=MAX_CADENCE_MONTHS, required=False, default=DEFAULT_CADENCE_MONTHS
    )
    next_tour_lead_days = serializers.IntegerField(
        min_value=MIN_NEXT_TOUR_LEAD_DAYS, max_value=MAX_NEXT_TOUR_LEAD_DAYS, required=False, default=None,
        allow_null=True,
        help_text="Days before the end when the next-tour conversation is due; the organization's earliest "
        "tour-ending prompt when omitted.",
    )


class TourCreateInputSerializer(TourTermsInputSerializer):
    employee = serializers.IntegerField()
    manager = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="Defaults to the employee's manager.")
    previous_tour = serializers.IntegerField(required=False, allow_null=True, default=None)


class TourUpdateInputSerializer(TourTermsInputSerializer):
    comment = StrictCharField(max_length=limits.COMMENT_MAX, required=False, allow_blank=True, default="",
                                    help_text="Why the terms change; kept in the history.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.allow_null = False
            if hasattr(field, "default"):
                field.default = serializers.empty


@extend_schema_view(
    get=extend_schema(summary="List tours you can see", responses=TourOutputSerializer(many=True)),
    post=extend_schema(summary="Draft a tour", request=TourCreateInputSerializer,
                       responses={201: TourOutputSerializer}),
)
class TourListApi(ColumnListMixin, generics.ListAPIView):
    """Tours of the caller's organization within their rights, oldest change first (cursor-paginated)."""

    serializer_class = TourOutputSerializer
    filterset_class = TourFilterSet
    # The columns TourOutputSerializer writes, read without building Tour instances.
    TOUR_COLUMNS = (
        "kind", "status", "title", "mission", "company_objectives", "employee_benefits", "success_company",
        "success_employee", "alignment_notes", "cadence_months", "next_tour_lead_days", "closing_note",
        "changes_requested", "next_tour_plan", "next_tour_plan_notes",
    )
    DATE_COLUMNS = ("start_date", "end_date", "first_conversation_granted_on")
    TIME_COLUMNS = ("proposed_at", "accepted_at", "closed_at", "next_tour_plan_recorded_at")
    # The tour's own columns are read first (the page is one index range scan of
    # (organization_id, updated_at, id) whatever the planner estimates), and the people's
    # names and e-mails are joined to those 50 rows in the same statement (ColumnRows).
    list_columns = (
        "id", "organization_id", "employee_id", "manager_id", "previous_tour_id", "program_id", "cohort_id",
        "created_at", "updated_at", *TOUR_COLUMNS, *DATE_COLUMNS, *TIME_COLUMNS,
    )
    list_people = ("employee_id", "manager_id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no member
            return Tour.objects.none()
        # The tours the caller may see; TourFilterSet narrows them, and the list reads columns (no
        # select_related to build and drop).
        return selectors.visible_tours(self.request.member)

    def list_rows(self, rows):
        when = api_datetimes(timezone.get_current_timezone())  # once per page, not per value
        today = timezone.localdate()
        people = self.page_people
        allowed = rights.PageTransitions(self.request.member)
        items = []
        for row in rows:
            employee, manager = people[row["employee_id"]], people[row["manager_id"]]
            status, kind, start, end = row["status"], row["kind"], row["start_date"], row["end_date"]
            items.append({
                "id": row["id"], "employee": row["employee_id"], "employee_email": employee["email"],
                "employee_name": employee["full_name"], "manager": row["manager_id"],
                "manager_email": manager["email"], "manager_name": manager["full_name"],
                "kind": kind, "status": status, "title": row["title"], "mission": row["mission"],
                "company_objectives": row["company_objectives"], "employee_benefits": row["employee_benefits"],
                "success_company": row["success_company"], "success_employee": row["success_employee"],
                "alignment_notes": row["alignment_notes"], "start_date": api_date(start),
                "end_date": api_date(end), "cadence_months": row["cadence_months"],
                "next_tour_lead_days": row["next_tour_lead_days"], "previous_tour": row["previous_tour_id"],
                "program": row["program_id"], "cohort": row["cohort_id"],
                "proposed_at": when(row["proposed_at"]),
                "accepted_at": when(row["accepted_at"]),
                "closed_at": when(row["closed_at"]),
                "closing_note": row["closing_note"], "changes_requested": row["changes_requested"],
                "first_conversation_granted_on": api_date(row["first_conversation_granted_on"]),
                "next_tour_plan": row["next_tour_plan"], "next_tour_plan_notes": row["next_tour_plan_notes"],
                "next_tour_plan_recorded_at": when(row["next_tour_plan_recorded_at"]),
                "next_tour_conversation_due": tour_next_conversation_due(
                    status=status, end_date=end, lead_days=row["next_tour_lead_days"], plan=row["next_tour_plan"],
                    today=today,
                ),
                "warnings": tour_duration_warnings(kind, start, end),
                # The same rights function as everywhere, given the few columns it reads.
                "allowed_actions": allowed(organization_id=row["organization_id"], status=status,
                                           employee_id=row["employee_id"], manager_id=row["manager_id"],
                                           employee_manager_id=employee["manager_id"]),
                "created_at": when(row["created_at"]),
                "updated_at": when(row["updated_at"]),
            })
        return items

    def post(self, request):
        rights.require_can_draft_tours(request.member)
        data = _input(TourCreateInputSerializer, request)
        employee = _one_of(selectors.draftable_employees(request.member), data.pop("employee"), "employee",
                           NOT_A_DRAFTABLE_EMPLOYEE)
        manager = _one_of(managers_for_org(organization_id=request.member.organization_id), data.pop("manager"),
                          "manager", NOT_A_POSSIBLE_MANAGER)
        previous_tour = _visible_tour(request, data.pop("previous_tour"), "previous_tour")
        tour = services.tour_create(by=request.member, employee=employee, manager=manager,
                                    previous_tour=previous_tour, **data)
        tour = selectors.get_tour_for_member(request.member, tour.pk)
        return Response(TourOutputSerializer(tour, context={"request": request}).data, status=201)


class AmendmentChangeSerializer(serializers.Serializer):
    label = StrictCharField()
    current = StrictCharField(source="from", help_text="The term in force, as shown to people.")
    proposed = StrictCharField(source="to")


class AmendmentOutputSerializer(serializers.ModelSerializer):
    proposed_by_name = StrictCharField(source="proposed_by.user.full_name", default="", read_only=True)
    answered_by_name = StrictCharField(source="answered_by.user.full_name", default="", read_only=True)
    diff = serializers.DictField(child=AmendmentChangeSerializer(), read_only=True,
                                 help_text="For each changed term: its label, the term in force and the proposal.")

    class Meta:
        model = TourAmendment
        fields = ["id", "tour", "status", "proposed_by", "proposed_by_name", "reason", "changes", "diff",
                  "answered_by", "answered_by_name", "answered_at", "answer_note", "created_at", "updated_at"]
        read_only_fields = fields


@extend_schema_view(
    get=extend_schema(summary="Retrieve a tour", responses=TourOutputSerializer),
    patch=extend_schema(
        summary="Change a tour's terms (kept in its history)",
        description="On a draft or proposed tour the terms change at once (200, the tour). On an active tour "
                    "this proposes an amendment instead (202, the amendment): the terms in force stay until the "
                    "employee accepts it.",
        request=TourUpdateInputSerializer,
        responses={200: TourOutputSerializer, 202: AmendmentOutputSerializer},
    ),
)
class TourDetailApi(APIView):
    def get(self, request, pk: int):
        tour = selectors.get_tour_for_member(request.member, pk)
        return Response(TourOutputSerializer(tour, context={"request": request}).data)

    def patch(self, request, pk: int):
        tour = selectors.get_tour_for_member(request.member, pk)
        data = _input(TourUpdateInputSerializer, request)
        comment = data.pop("comment", "")
        was_active = tour.status == Tour.Status.ACTIVE
        services.tour_update(tour=tour, by=request.member, data=data, comment=comment)
        if was_active:
            amendment = selectors.pending_amendment(tour)
            if amendment is not None:
                amendment = selectors.get_amendment_for_member(request.member, amendment.pk)
                return Response(AmendmentOutputSerializer(amendment).data, status=202)
        tour = selectors.get_tour_for_member(request.member, pk)
        return Response(TourOutputSerializer(tour, context={"request": request}).data)


class CommentInputSerializer(serializers.Serializer):
    comment = StrictCharField(max_length=limits.COMMENT_MAX, allow_blank=True,
                                    help_text="What you would like changed.")


class ReasonInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=limits.COMMENT_MAX, required=False, allow_blank=True, default="")


class NoteInputSerializer(serializers.Serializer):
    note = StrictCharField(max_length=limits.COMMENT_MAX, required=False, allow_blank=True, default="")


class NextPlanInputSerializer(serializers.Serializer):
    next_tour_plan = serializers.ChoiceField(choices=Tour.NextPlan.choices)
    notes = StrictCharField(max_length=limits.COMMENT_MAX, required=False, allow_blank=True, default="")


class OutcomeInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=FirstConversation.Outcome.choices)
    note = StrictCharField(max_length=limits.COMMENT_MAX, required=False, allow_blank=True, default="")


class TourActionApi(APIView):
    """Base of the explicit state-change endpoints: input → one service → the tour."""

    input_serializer: type[serializers.Serializer] | None = None

    def perform(self, request, tour: Tour, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        tour = selectors.get_tour_for_member(request.member, pk)
        data = _input(self.input_serializer, request) if self.input_serializer else {}
        self.perform(request, tour, data)
        try:
            tour = selectors.get_tour_for_member(request.member, pk)
        except Http404:
            # Sent back for changes, the tour is a draft again: the manager side's until it is
            # proposed anew. The employee who just did it sees this one answer.
            tour.refresh_from_db()
        return Response(TourOutputSerializer(tour, context={"request": request}).data)


def _tour_action(summary: str, description: str, input_serializer=None):
    return extend_schema(summary=summary, description=description, request=input_serializer,
                         responses={200: TourOutputSerializer,
                                    400: OpenApiResponse(description="Refused: the message says why.")})


class TourProposeApi(TourActionApi):
    @_tour_action("Propose a draft tour to the employee", "Manager side. draft → proposed.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.tour_propose(tour=tour, by=request.member)


class TourAcceptApi(TourActionApi):
    @_tour_action("Accept a proposed tour", "The employee only. proposed → active; one active tour each.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.tour_accept(tour=tour, by=request.member)


class TourRequestChangesApi(TourActionApi):
    input_serializer = CommentInputSerializer

    @_tour_action("Ask for changes", "The employee only. proposed → draft, with a comment.", CommentInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.tour_request_changes(tour=tour, by=request.member, comment=data["comment"])


class TourCancelApi(TourActionApi):
    input_serializer = ReasonInputSerializer

    @_tour_action("Cancel a draft or proposed tour", "Manager side.", ReasonInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.tour_cancel(tour=tour, by=request.member, reason=data["reason"])


class TourCompleteApi(TourActionApi):
    input_serializer = NoteInputSerializer

    @_tour_action("Complete an active tour", "Manager side, once the end date is reached.", NoteInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.tour_complete(tour=tour, by=request.member, note=data["note"])


class TourEndEarlyApi(TourActionApi):
    input_serializer = ReasonInputSerializer

    @_tour_action("End an active tour early", "Manager side; a reason is required.", ReasonInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.tour_end_early(tour=tour, by=request.member, reason=data["reason"])


class FirstConversationGrantApi(TourActionApi):
    @_tour_action("Grant the right of first conversation", "The employee only; the date is recorded.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.first_conversation_grant(tour=tour, by=request.member)


class FirstConversationWithdrawApi(TourActionApi):
    @_tour_action("Withdraw the right of first conversation", "The employee only.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.first_conversation_withdraw(tour=tour, by=request.member)


class FirstConversationExerciseApi(TourActionApi):
    input_serializer = NoteInputSerializer

    @_tour_action("Exercise the right of first conversation",
                  "The employee only: “I'm starting to think about what's next.”", NoteInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.first_conversation_exercise(tour=tour, by=request.member, note=data["note"])


class FirstConversationOutcomeApi(TourActionApi):
    input_serializer = OutcomeInputSerializer

    @_tour_action("Record the outcome of the open first conversation", "Manager side.", OutcomeInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        conversation = selectors.open_first_conversation(tour)
        if conversation is None:
            raise ValidationError({"outcome": ["No first conversation is waiting for an outcome."]})
        services.first_conversation_record_outcome(conversation=conversation, by=request.member,
                                                   outcome=data["outcome"], note=data["note"])


class TourNextPlanApi(TourActionApi):
    input_serializer = NextPlanInputSerializer

    @_tour_action("Record the next-tour plan", "Manager side, on an active tour.", NextPlanInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.tour_record_next_plan(tour=tour, by=request.member, plan=data["next_tour_plan"],
                                       notes=data["notes"])


# --- Checkpoints -----------------------------------------------------------------


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


class CheckpointCreateInputSerializer(serializers.Serializer):
    tour = serializers.IntegerField()
    scheduled_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(
        min_value=MIN_CHECKPOINT_MINUTES, max_value=MAX_CHECKPOINT_MINUTES, required=False,
        default=DEFAULT_CHECKPOINT_MINUTES,
    )
    location = StrictCharField(max_length=limits.LOCATION_MAX, required=False, allow_blank=True, default="")


class CheckpointUpdateInputSerializer(serializers.Serializer):
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
class CheckpointDetailApi(APIView):
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


class RescheduleInputSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(
        min_value=MIN_CHECKPOINT_MINUTES, max_value=MAX_CHECKPOINT_MINUTES, required=False
    )
    location = StrictCharField(max_length=limits.LOCATION_MAX, required=False, allow_blank=True)


class NewActionItemSerializer(serializers.Serializer):
    text = StrictCharField(max_length=limits.ITEM_TEXT_MAX)
    owner = serializers.IntegerField(required=False, allow_null=True, default=None,
                                     help_text="The employee's or the manager's membership id.")
    due_on = serializers.DateField(required=False, allow_null=True, default=None,
                                   help_text="When it is due; its owner is reminded the day after if it is open.")


class RecordOutcomeInputSerializer(serializers.Serializer):
    progress = serializers.ChoiceField(choices=Checkpoint.Progress.choices)
    manager_notes = StrictCharField(max_length=limits.NOTES_MAX, required=False, allow_blank=True, default="")
    course_corrections = StrictCharField(max_length=limits.NOTES_MAX,
                                               required=False, allow_blank=True, default="")
    discussed_agenda_items = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    action_items = NewActionItemSerializer(many=True, required=False, default=list)


class AgendaItemInputSerializer(serializers.Serializer):
    text = StrictCharField(max_length=limits.ITEM_TEXT_MAX)


class CheckpointActionApi(APIView):
    input_serializer: type[serializers.Serializer] | None = None

    def perform(self, request, checkpoint: Checkpoint, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        checkpoint = selectors.get_checkpoint_for_member(request.member, pk)
        data = _input(self.input_serializer, request) if self.input_serializer else {}
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


class AgendaItemUpdateInputSerializer(serializers.Serializer):
    discussed = serializers.BooleanField(required=False, help_text="Either participant, any time.")
    text = StrictCharField(required=False, max_length=500,
                                 help_text="Its author only, until the conversation starts.")

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Give `discussed` or `text`.")
        return attrs


class ActionItemUpdateInputSerializer(serializers.Serializer):
    done = serializers.BooleanField()


class AgendaItemDetailApi(APIView):
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


class ActionItemDetailApi(APIView):
    @extend_schema(summary="Tick an action item as done", request=ActionItemUpdateInputSerializer,
                   responses=ActionItemOutputSerializer)
    def patch(self, request, pk: int):
        item = selectors.get_action_item_for_member(request.member, pk)
        data = _input(ActionItemUpdateInputSerializer, request)
        item = services.action_item_set_done(item=item, by=request.member, done=data["done"])
        return Response(ActionItemOutputSerializer(item).data)


# --- Rotational programs -----------------------------------------------------------


class ProgramOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = RotationalProgram
        fields = ["id", "name", "description", "duration_months", "mission_template", "company_objectives",
                  "employee_benefits", "success_criteria", "cadence_months", "is_active", "created_at",
                  "updated_at"]


class ProgramInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=limits.TITLE_MAX)
    description = StrictCharField(max_length=limits.DESCRIPTION_MAX, required=False, allow_blank=True, default="")
    duration_months = serializers.IntegerField(min_value=1, max_value=24)
    mission_template = StrictCharField(max_length=limits.MISSION_MAX,
                                             required=False, allow_blank=True, default="")
    company_objectives = StrictCharField(max_length=limits.TERMS_TEXT_MAX,
                                               required=False, allow_blank=True, default="")
    employee_benefits = StrictCharField(max_length=limits.TERMS_TEXT_MAX,
                                              required=False, allow_blank=True, default="")
    success_criteria = StrictCharField(max_length=limits.TERMS_TEXT_MAX,
                                             required=False, allow_blank=True, default="")
    cadence_months = serializers.IntegerField(min_value=1, max_value=12, required=False, default=3)
    is_active = serializers.BooleanField(required=False, default=True)


class ProgramUpdateInputSerializer(ProgramInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class CohortInputSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    members = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=500)
    name = StrictCharField(max_length=limits.TITLE_MAX, required=False, allow_blank=True, default="")


class ProgramFilterSet(UpdatedSinceFilterSet):
    is_active = filters.BooleanFilter()

    class Meta:
        model = RotationalProgram
        fields = ["is_active", "updated_since"]


@extend_schema_view(
    get=extend_schema(summary="List rotational programs", responses=ProgramOutputSerializer(many=True)),
    post=extend_schema(summary="Create a rotational program (HR)", request=ProgramInputSerializer,
                       responses={201: ProgramOutputSerializer}),
)
class ProgramListApi(ColumnListMixin, generics.ListAPIView):
    serializer_class = ProgramOutputSerializer
    filterset_class = ProgramFilterSet
    list_columns = (
        "id", "name", "description", "duration_months", "mission_template", "company_objectives",
        "employee_benefits", "success_criteria", "cadence_months", "is_active", "created_at", "updated_at",
    )

    def list_rows(self, rows):
        when = api_datetimes(timezone.get_current_timezone())  # once per page, not per value
        # New dicts: the paginator builds its cursor from the page's own rows afterwards.
        return [
            {**row, "created_at": when(row["created_at"]),
                "updated_at": when(row["updated_at"])}
            for row in rows
        ]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RotationalProgram.objects.none()
        return selectors.program_list(member=self.request.member)

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsOrganizationHR()]
        return super().get_permissions()

    def post(self, request):
        data = _input(ProgramInputSerializer, request)
        program = services.program_create(by=request.member, **data)
        return Response(ProgramOutputSerializer(program).data, status=201)


@extend_schema_view(
    get=extend_schema(summary="Retrieve a rotational program", responses=ProgramOutputSerializer),
    patch=extend_schema(summary="Change a rotational program (HR)", request=ProgramUpdateInputSerializer,
                        responses=ProgramOutputSerializer),
)
class ProgramDetailApi(APIView):
    def get_permissions(self):
        if self.request.method == "PATCH":
            return [IsOrganizationHR()]
        return super().get_permissions()

    def get(self, request, pk: int):
        return Response(ProgramOutputSerializer(selectors.get_program_for_member(request.member, pk)).data)

    def patch(self, request, pk: int):
        program = selectors.get_program_for_member(request.member, pk)
        data = _input(ProgramUpdateInputSerializer, request)
        program = services.program_update(program=program, by=request.member, data=data)
        return Response(ProgramOutputSerializer(program).data)


class ProgramStartCohortApi(APIView):
    permission_classes = [IsOrganizationHR]

    @extend_schema(
        summary="Start a cohort (HR)", request=CohortInputSerializer,
        description="One proposed rotational tour per member, all or nothing.",
        responses={201: inline_serializer("CohortOutput", {
            "id": serializers.IntegerField(), "name": StrictCharField(),
            "start_date": serializers.DateField(), "tours": serializers.ListField(child=serializers.IntegerField()),
        })},
    )
    def post(self, request, pk: int):
        program = selectors.get_program_for_member(request.member, pk)
        data = _input(CohortInputSerializer, request)
        ids = list(dict.fromkeys(data["members"]))
        rights.require_program_manager(request.member)
        members = list(selectors.cohort_candidates(request.member).filter(pk__in=ids).select_related("manager"))
        missing = sorted(set(ids) - {m.pk for m in members})
        if missing:
            raise ValidationError({"members": [f"{missing[0]} is not an active member you can put in a cohort."]})
        cohort = services.cohort_start(program=program, by=request.member, start_date=data["start_date"],
                                       members=members, name=data["name"])
        return Response({"id": cohort.pk, "name": cohort.name, "start_date": cohort.start_date,
                         "tours": list(cohort.tours.order_by("id").values_list("id", flat=True))},
                        status=status.HTTP_201_CREATED)


# --- Amendments of active tours ----------------------------------------------------


@extend_schema(summary="A tour's amendments, newest first", responses=AmendmentOutputSerializer(many=True))
class TourAmendmentListApi(APIView):
    def get(self, request, pk: int):
        tour = selectors.get_tour_for_member(request.member, pk)
        return Response(AmendmentOutputSerializer(selectors.tour_amendments(tour), many=True).data)


class AmendmentAnswerInputSerializer(serializers.Serializer):
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)


def _amendment_action(summary: str, description: str):
    return extend_schema(summary=summary, description=description, request=AmendmentAnswerInputSerializer,
                         responses={200: AmendmentOutputSerializer,
                                    400: OpenApiResponse(description="Refused in this state: the message says why."),
                                    403: OpenApiResponse(description="Not yours to answer.")})


class AmendmentActionApi(APIView):
    def act(self, request, amendment: TourAmendment, note: str) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        amendment = selectors.get_amendment_for_member(request.member, pk)
        data = _input(AmendmentAnswerInputSerializer, request)
        self.act(request, amendment, data["note"])
        amendment = selectors.get_amendment_for_member(request.member, pk)
        return Response(AmendmentOutputSerializer(amendment).data)


class AmendmentAcceptApi(AmendmentActionApi):
    @_amendment_action("Accept a proposed amendment", "The employee only: the new terms take effect now.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, amendment, note):
        services.amendment_accept(amendment=amendment, by=request.member, note=note)


class AmendmentDeclineApi(AmendmentActionApi):
    @_amendment_action("Decline a proposed amendment", "The employee only, with a note saying why.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, amendment, note):
        services.amendment_decline(amendment=amendment, by=request.member, note=note)


class AmendmentWithdrawApi(AmendmentActionApi):
    @_amendment_action("Withdraw a proposed amendment", "The manager side.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, amendment, note):
        services.amendment_withdraw(amendment=amendment, by=request.member)
