"""Tours over the API: list, draft, read, change the terms, and the lifecycle's explicit actions
(propose, accept, ask for changes, cancel, complete, end early).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import ColumnListMixin, IdFilter, UpdatedSinceFilterSet, api_date, api_datetimes
from alliance.etags import VersionedResourceMixin
from alliance.pagination import SortableCursorPagination
from alliance.selectors import managers_for_org
from alliance.serializers import InputSerializer, PeopleListSerializer, StrictCharField, VisibleEmailField, no_input
from tours import limits, rights, selectors, services
from tours.apis._common import NOT_A_DRAFTABLE_EMPLOYEE, NOT_A_POSSIBLE_MANAGER, _input, _one_of, _visible_tour
from tours.apis.amendments import AmendmentOutputSerializer
from tours.models import (
    DEFAULT_CADENCE_MONTHS,
    MAX_CADENCE_MONTHS,
    MAX_NEXT_TOUR_LEAD_DAYS,
    MIN_CADENCE_MONTHS,
    MIN_NEXT_TOUR_LEAD_DAYS,
    Tour,
    TourKind,
    tour_duration_warnings,
    tour_next_conversation_due,
)


class TourOutputSerializer(serializers.ModelSerializer):
    employee_email = VisibleEmailField(source="employee", help_text="Null once they left, unless theirs or "
                                       "HR's with their consent to be contacted (alliance.people).")
    employee_name = StrictCharField(source="employee.user.full_name")
    manager_email = VisibleEmailField(source="manager", help_text="Null once they left (as employee_email).")
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
        list_serializer_class = PeopleListSerializer

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


class TourTermsInputSerializer(InputSerializer):
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


class TourCursorPagination(SortableCursorPagination):
    # By person: the stored copy of the employee's sort key, which (organization_id, employee_sort_name, id)
    # serves; never a join to every membership and user.
    orderings = {
        "updated_at": ("updated_at", "id"),
        "employee_name": ("employee_sort_name", "id"),
        "-employee_name": ("-employee_sort_name", "-id"),
    }
    ordering_descriptions = {
        "updated_at": "oldest change first (the sync order)",
        "employee_name": "by the employee's name, A to Z",
        "-employee_name": "by the employee's name, Z to A",
    }


@extend_schema_view(
    get=extend_schema(summary="List tours you can see", responses=TourOutputSerializer(many=True)),
    post=extend_schema(summary="Draft a tour", request=TourCreateInputSerializer,
                       responses={201: TourOutputSerializer}),
)
class TourListApi(ColumnListMixin, generics.ListAPIView):
    """Tours of the caller's organization within their rights, oldest change first (cursor-paginated), or by
    the employee's name (``ordering``)."""

    serializer_class = TourOutputSerializer
    filterset_class = TourFilterSet
    pagination_class = TourCursorPagination
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
        "created_at", "updated_at", "employee_sort_name", *TOUR_COLUMNS, *DATE_COLUMNS, *TIME_COLUMNS,
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
class TourDetailApi(VersionedResourceMixin, APIView):
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


class CommentInputSerializer(InputSerializer):
    comment = StrictCharField(max_length=limits.COMMENT_MAX, allow_blank=True,
                                    help_text="What you would like changed.")


class ReasonInputSerializer(InputSerializer):
    reason = StrictCharField(max_length=limits.COMMENT_MAX, required=False, allow_blank=True, default="")


class NoteInputSerializer(InputSerializer):
    note = StrictCharField(max_length=limits.COMMENT_MAX, required=False, allow_blank=True, default="")


class TourActionApi(APIView):
    """Base of the explicit state-change endpoints: input → one service → the tour."""

    input_serializer: type[serializers.Serializer] | None = None

    def perform(self, request, tour: Tour, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        tour = selectors.get_tour_for_member(request.member, pk)
        data = _input(self.input_serializer, request) if self.input_serializer else no_input(request)
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
