"""REST API of the exit process (``/api/v1/exits/``, ``/api/v1/exit-tasks/``).

Reads come from ``alumni.selectors`` / ``alumni.rights`` (another organization's or an
invisible object is a 404); writes call ``alumni.services``, one view per operation.
The confidential fields (HR note, rehire reason) are HR's only, like the exits themselves.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import ColumnListMixin, IdFilter, UpdatedSinceFilterSet, api_datetime
from alliance.models import Membership
from alliance.parsers import DepthLimitedJSONParser
from alliance.permissions import IsOrganizationHR
from alliance.serializers import StrictCharField
from alumni import reach_rights, reach_services, rights, selectors, services
from alumni.models import (
    MAX_ESTIMATED_VALUE,
    MAX_REFERRAL_TEXT,
    AlumniProfile,
    BonusState,
    Boomerang,
    CustomerLead,
    ExitKind,
    ExitProcess,
    ExitTask,
    Opening,
    Referral,
)


class ExitOutputSerializer(serializers.ModelSerializer):
    member_email = serializers.EmailField(source="member.user.email")
    member_name = StrictCharField(source="member.user.full_name")
    tasks_total = serializers.IntegerField()
    tasks_done = serializers.IntegerField()
    interview_status = serializers.SerializerMethodField()
    leaver_step_done = serializers.SerializerMethodField()

    class Meta:
        model = ExitProcess
        fields = ["id", "member", "member_email", "member_name", "kind", "last_working_day", "initiated_by",
                  "state", "hr_note", "good_standing", "rehire", "rehire_reason", "alumni_tier", "regretted",
                  "alumni_despite", "alumni_despite_note", "outcome", "tasks_total", "tasks_done",
                  "interview_status", "leaver_step_done", "completed_at", "cancelled_at", "created_at", "updated_at"]
        read_only_fields = fields

    def get_interview_status(self, process: ExitProcess) -> str:
        interviews = list(process.interviews.all())
        return interviews[0].status if interviews else ""

    def get_leaver_step_done(self, process: ExitProcess) -> bool:
        steps = list(process.leaver_steps.all())
        return bool(steps) and steps[0].is_complete


class ExitFilterSet(UpdatedSinceFilterSet):
    state = filters.ChoiceFilter(choices=ExitProcess.State.choices)
    kind = filters.ChoiceFilter(choices=ExitKind.choices)
    member = IdFilter(field_name="member_id")

    class Meta:
        model = ExitProcess
        fields = ["state", "kind", "member", "updated_since"]


class ExitCreateInputSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="The id of the member who leaves.")
    kind = serializers.ChoiceField(choices=ExitKind.choices)
    last_working_day = serializers.DateField()
    initiated_by = serializers.ChoiceField(choices=ExitProcess.InitiatedBy.choices)
    hr_note = StrictCharField(required=False, allow_blank=True, default="")


class ExitUpdateInputSerializer(serializers.Serializer):
    last_working_day = serializers.DateField(required=False)
    initiated_by = serializers.ChoiceField(choices=ExitProcess.InitiatedBy.choices, required=False)
    hr_note = StrictCharField(required=False, allow_blank=True)
    good_standing = serializers.BooleanField(required=False, allow_null=True)
    rehire = serializers.ChoiceField(choices=[("", "Not decided"), *ExitProcess.Rehire.choices], required=False)
    rehire_reason = StrictCharField(required=False, allow_blank=True)
    alumni_tier = serializers.ChoiceField(choices=ExitProcess.Tier.choices, required=False)
    regretted = serializers.BooleanField(required=False, allow_null=True)
    alumni_despite = serializers.BooleanField(required=False)
    alumni_despite_note = StrictCharField(required=False, allow_blank=True)


def _exit_out(request, pk: int) -> dict:
    process = selectors.exit_api_list(member=request.member).filter(pk=pk).first()
    return ExitOutputSerializer(process).data


def _hr_exit(request, pk: int) -> ExitProcess:
    process = rights.access_exit(request.member, pk)
    if not rights.can_see_confidential(request.member, process):
        raise Http404("No such exit.")
    return process


@extend_schema_view(
    get=extend_schema(summary="List exits (HR)", responses=ExitOutputSerializer),
    post=extend_schema(summary="Start an exit (HR)", request=ExitCreateInputSerializer,
                       responses={201: ExitOutputSerializer}),
)
class ExitListApi(generics.ListAPIView):
    """Every exit of the organization, oldest change first (cursor-paginated, ``updated_since``)."""

    serializer_class = ExitOutputSerializer
    filterset_class = ExitFilterSet
    permission_classes = [IsOrganizationHR]
    queryset = ExitProcess.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExitProcess.objects.none()
        return selectors.exit_api_list(member=self.request.member)

    def post(self, request):
        serializer = ExitCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = selectors.exit_candidates(request.member).filter(pk=data.pop("member")).first()
        if member is None:
            raise ValidationError({"member": ["No active member of this organization has this id."]})
        process = services.exit_start(by=request.member, member=member, **data)
        return Response(_exit_out(request, process.pk), status=201)


@extend_schema_view(
    get=extend_schema(summary="Retrieve an exit (HR)", responses=ExitOutputSerializer),
    patch=extend_schema(summary="Change an open exit's last day, notes or classification (HR)",
                        request=ExitUpdateInputSerializer, responses=ExitOutputSerializer),
)
class ExitDetailApi(APIView):
    permission_classes = [IsOrganizationHR]
    queryset = ExitProcess.objects.none()

    def get(self, request, pk: int):
        _hr_exit(request, pk)
        return Response(_exit_out(request, pk))

    def patch(self, request, pk: int):
        process = _hr_exit(request, pk)
        serializer = ExitUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.exit_update(process=process, by=request.member, data=dict(serializer.validated_data))
        return Response(_exit_out(request, pk))


@extend_schema_view(post=extend_schema(summary="Cancel an exit before the last day (HR)", request=None,
                                       responses=ExitOutputSerializer))
class ExitCancelApi(APIView):
    permission_classes = [IsOrganizationHR]
    queryset = ExitProcess.objects.none()

    def post(self, request, pk: int):
        services.exit_cancel(process=_hr_exit(request, pk), by=request.member)
        return Response(_exit_out(request, pk))


class ExitTaskOutputSerializer(serializers.ModelSerializer):
    exit = serializers.IntegerField(source="process_id")
    leaver_name = StrictCharField(source="process.member.user.full_name")
    assignee_email = serializers.EmailField(source="assignee.user.email")
    done = serializers.BooleanField(source="is_done")

    class Meta:
        model = ExitTask
        fields = ["id", "exit", "leaver_name", "title", "assignee_role", "assignee", "assignee_email", "due_on",
                  "done", "done_at", "done_by", "created_at", "updated_at"]
        read_only_fields = fields


class ExitTaskFilterSet(UpdatedSinceFilterSet):
    exit = IdFilter(field_name="process_id")
    done = filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = ExitTask
        fields = ["exit", "done", "updated_since"]


@extend_schema_view(get=extend_schema(summary="Exit checklist tasks: mine, or all of the organization for HR",
                                      responses=ExitTaskOutputSerializer))
class ExitTaskListApi(generics.ListAPIView):
    serializer_class = ExitTaskOutputSerializer
    filterset_class = ExitTaskFilterSet
    queryset = ExitTask.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExitTask.objects.none()
        return selectors.task_api_list(member=self.request.member)


@extend_schema_view(post=extend_schema(summary="Complete a task (its assignee or HR)", request=None,
                                       responses=ExitTaskOutputSerializer))
class ExitTaskCompleteApi(APIView):
    queryset = ExitTask.objects.none()

    def post(self, request, pk: int):
        task = rights.access_task(request.member, pk)
        task = services.exit_task_complete(task=task, by=request.member)
        task = selectors.task_api_list(member=request.member).get(pk=task.pk)
        return Response(ExitTaskOutputSerializer(task).data)


# --- The alumni network -------------------------------------------------------------------------


class AlumniCardOutputSerializer(serializers.ModelSerializer):
    """A directory card as the token's person may see it: a field its alumnus hid from them is null."""

    name = StrictCharField(allow_null=True)
    current_company = StrictCharField(allow_null=True)
    current_role = StrictCharField(allow_null=True)
    city = StrictCharField(allow_null=True)
    joined_year = serializers.IntegerField(allow_null=True)
    left_year = serializers.IntegerField(allow_null=True)
    teams = StrictCharField(allow_null=True)
    tour_titles = serializers.ListField(child=StrictCharField(), allow_null=True)
    distinguished = serializers.BooleanField(help_text="A distinguished alumnus (shown at the invest level).")
    photo = serializers.BooleanField(help_text="Whether the card shows the caller a photo (the page "
                                               "/o/<slug>/alumni/directory/<id>/photo/ serves it).")

    class Meta:
        model = AlumniProfile
        fields = ["id", "name", "current_company", "current_role", "city", "joined_year", "left_year", "teams",
                  "tour_titles", "distinguished", "photo", "updated_at"]
        read_only_fields = fields


class DirectoryFilterSet(UpdatedSinceFilterSet):
    """Every filter is joined with the field's visibility for the caller (``alumni.selectors``)."""

    q = filters.CharFilter(method="narrow", help_text="Text in the fields the caller may see.")
    company = filters.CharFilter(method="narrow")
    city = filters.CharFilter(method="narrow")
    team = filters.CharFilter(method="narrow")
    year = filters.NumberFilter(method="narrow", help_text="Here during this year.")

    class Meta:
        model = AlumniProfile
        fields = ["q", "company", "city", "team", "year", "updated_since"]

    def narrow(self, queryset, name, value):
        if name == "year":
            value = int(value) if value is not None and 1900 <= value <= 2200 else None
            if value is None:
                raise ValidationError({"year": ["Give a year between 1900 and 2200."]})
        return selectors.directory_narrow(queryset, viewer=self.request.member,
                                          filters=selectors.DirectoryFilters(**{name: value}))


@extend_schema_view(get=extend_schema(
    summary="The alumni directory, as the token's person may see it",
    description="Listed alumni only; each field is null when its alumnus did not open it to employees. "
                "Not offered when the organization's investment level is `ignore` (404).",
    responses=AlumniCardOutputSerializer))
class AlumniDirectoryListApi(ColumnListMixin, generics.ListAPIView):
    serializer_class = AlumniCardOutputSerializer
    filterset_class = DirectoryFilterSet
    queryset = AlumniProfile.objects.none()
    list_columns = selectors.DIRECTORY_COLUMNS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AlumniProfile.objects.none()
        self.network = selectors.network_settings(self.request.org)
        if not rights.can_use_directory(self.request.member, self.network):
            raise Http404("No such page.")
        return selectors.directory_cards(self.request.member)

    def list_rows(self, rows):
        zone = timezone.get_current_timezone()
        cards = selectors.directory_rows(rows, viewer=self.request.member, settings=self.network)
        return [{**{name: card[name] for name in AlumniCardOutputSerializer.Meta.fields if name != "updated_at"},
                 "updated_at": api_datetime(card["updated_at"], zone)} for card in cards]


BONUS_FIELDS = ["bonus_amount", "bonus_currency", "bonus_state", "bonus_paid_at"]


class ReferralOutputSerializer(serializers.ModelSerializer):
    referrer_name = StrictCharField(source="referrer.user.full_name")

    class Meta:
        model = Referral
        fields = ["id", "referrer", "referrer_name", "referrer_was_alumnus", "candidate_name", "candidate_email",
                  "role", "opening", "why", "status", "status_note", *BONUS_FIELDS, "cv_name", "cv_content_type",
                  "cv_size", "created_at", "updated_at"]
        read_only_fields = fields


class ReferralFilterSet(UpdatedSinceFilterSet):
    status = filters.ChoiceFilter(choices=Referral.Status.choices)
    bonus_state = filters.ChoiceFilter(choices=BonusState.choices)

    class Meta:
        model = Referral
        fields = ["status", "bonus_state", "updated_since"]


class ReferralCreateInputSerializer(serializers.Serializer):
    candidate_name = StrictCharField(max_length=200)
    candidate_email = serializers.EmailField()
    role = StrictCharField(max_length=200, required=False, allow_blank=True, default="",
                           help_text="The job; with an opening, its title.")
    why = StrictCharField(max_length=MAX_REFERRAL_TEXT)
    opening = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                       max_value=2**62, help_text="A job opening's id (`invest`); it must be open.")
    cv = serializers.FileField(required=False, allow_null=True, default=None,
                               help_text="Their CV (multipart/form-data): PDF, DOCX or ODT, checked by its content.")


class StatusInputSerializer(serializers.Serializer):
    status = StrictCharField(max_length=20)
    note = StrictCharField(max_length=MAX_REFERRAL_TEXT, required=False, allow_blank=True, default="")


@extend_schema_view(
    get=extend_schema(summary="Referrals: mine, or every referral for HR", responses=ReferralOutputSerializer),
    post=extend_schema(summary="Refer someone for a job (JSON, or multipart/form-data with their CV)",
                       request={"multipart/form-data": ReferralCreateInputSerializer,
                                "application/json": ReferralCreateInputSerializer},
                       responses={201: ReferralOutputSerializer}),
)
class ReferralListApi(generics.ListAPIView):
    serializer_class = ReferralOutputSerializer
    filterset_class = ReferralFilterSet
    queryset = Referral.objects.none()
    parser_classes = [DepthLimitedJSONParser, MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        return selectors.referral_list(member=self.request.member)

    def post(self, request):
        serializer = ReferralCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        opening = None
        if data.pop("opening") is not None:
            opening = Opening.objects.for_org(request.member.organization_id).filter(
                pk=serializer.validated_data["opening"]).first()
            if opening is None or not reach_rights.can_refer_from_opening(request.member,
                                                                          selectors.network_settings(request.org)):
                raise ValidationError({"opening": ["No such opening."]})
        referral = reach_services.referral_submit(by=request.member, opening=opening, **data)
        return Response(ReferralOutputSerializer(rights.access_referral(request.member, referral.pk)).data,
                        status=201)


@extend_schema_view(get=extend_schema(summary="Retrieve a referral", responses=ReferralOutputSerializer))
class ReferralDetailApi(APIView):
    queryset = Referral.objects.none()

    def get(self, request, pk: int):
        return Response(ReferralOutputSerializer(rights.access_referral(request.member, pk)).data)


@extend_schema_view(post=extend_schema(
    summary="Move a referral along (HR): submitted → in_process → hired | not_hired",
    request=StatusInputSerializer, responses=ReferralOutputSerializer))
class ReferralStatusApi(APIView):
    queryset = Referral.objects.none()

    def post(self, request, pk: int):
        referral = rights.access_referral(request.member, pk)
        serializer = StatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.referral_set_status(referral=referral, by=request.member, **serializer.validated_data)
        return Response(ReferralOutputSerializer(rights.access_referral(request.member, pk)).data)


@extend_schema_view(post=extend_schema(summary="Mark a pending referral bonus paid (HR)", request=None,
                                       responses=ReferralOutputSerializer))
class ReferralBonusPaidApi(APIView):
    queryset = Referral.objects.none()

    def post(self, request, pk: int):
        services.referral_bonus_paid(referral=rights.access_referral(request.member, pk), by=request.member)
        return Response(ReferralOutputSerializer(rights.access_referral(request.member, pk)).data)


class LeadOutputSerializer(serializers.ModelSerializer):
    submitter_name = StrictCharField(source="submitter.user.full_name")
    contact_email = StrictCharField(help_text="An e-mail address, or empty.")
    owner_name = StrictCharField(source="owner.user.full_name", allow_null=True, default=None)

    class Meta:
        model = CustomerLead
        fields = ["id", "submitter", "submitter_name", "submitter_was_alumnus", "company", "contact_name",
                  "contact_email", "need", "estimated_value", "currency", "status", "status_note", "owner",
                  "owner_name", *BONUS_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields


class LeadFilterSet(UpdatedSinceFilterSet):
    status = filters.ChoiceFilter(choices=CustomerLead.Status.choices)
    owner = IdFilter(field_name="owner_id")

    class Meta:
        model = CustomerLead
        fields = ["status", "owner", "updated_since"]


class LeadCreateInputSerializer(serializers.Serializer):
    company = StrictCharField(max_length=200)
    contact_name = StrictCharField(max_length=200)
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    need = StrictCharField(max_length=MAX_REFERRAL_TEXT)
    estimated_value = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True,
                                               min_value=Decimal("0"), max_value=Decimal(MAX_ESTIMATED_VALUE))
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, allow_blank=True, default="",
                                      help_text="ISO 4217; the organization's currency when left out.")


class OwnerInputSerializer(serializers.Serializer):
    owner = serializers.IntegerField(allow_null=True, help_text="An active member's id, or null for nobody.")


@extend_schema_view(
    get=extend_schema(summary="Customer leads: mine (brought or owned), or every lead for HR",
                      responses=LeadOutputSerializer),
    post=extend_schema(summary="Bring a customer lead", request=LeadCreateInputSerializer,
                       responses={201: LeadOutputSerializer}),
)
class LeadListApi(generics.ListAPIView):
    serializer_class = LeadOutputSerializer
    filterset_class = LeadFilterSet
    queryset = CustomerLead.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CustomerLead.objects.none()
        return selectors.lead_list(member=self.request.member)

    def post(self, request):
        serializer = LeadCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lead = services.lead_create(by=request.member, **serializer.validated_data)
        return Response(LeadOutputSerializer(rights.access_lead(request.member, lead.pk)).data, status=201)


@extend_schema_view(get=extend_schema(summary="Retrieve a customer lead", responses=LeadOutputSerializer))
class LeadDetailApi(APIView):
    queryset = CustomerLead.objects.none()

    def get(self, request, pk: int):
        return Response(LeadOutputSerializer(rights.access_lead(request.member, pk)).data)


@extend_schema_view(post=extend_schema(
    summary="Move a lead along (HR or its owner): new → contacted → qualified → won | lost",
    request=StatusInputSerializer, responses=LeadOutputSerializer))
class LeadStatusApi(APIView):
    queryset = CustomerLead.objects.none()

    def post(self, request, pk: int):
        lead = rights.access_lead(request.member, pk)
        serializer = StatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.lead_set_status(lead=lead, by=request.member, **serializer.validated_data)
        return Response(LeadOutputSerializer(rights.access_lead(request.member, pk)).data)


@extend_schema_view(post=extend_schema(summary="Name the lead's owner (HR)", request=OwnerInputSerializer,
                                       responses=LeadOutputSerializer))
class LeadOwnerApi(APIView):
    queryset = CustomerLead.objects.none()

    def post(self, request, pk: int):
        lead = rights.access_lead(request.member, pk)
        serializer = OwnerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        owner = None
        if serializer.validated_data["owner"] is not None:
            owner = selectors.lead_owner_candidates(request.member).filter(
                pk=serializer.validated_data["owner"]).first()
            if owner is None:
                raise ValidationError({"owner": ["No active member of this organization has this id."]})
        services.lead_assign(lead=lead, by=request.member, owner=owner)
        return Response(LeadOutputSerializer(rights.access_lead(request.member, pk)).data)


@extend_schema_view(post=extend_schema(summary="Mark a pending lead bonus paid (HR)", request=None,
                                       responses=LeadOutputSerializer))
class LeadBonusPaidApi(APIView):
    queryset = CustomerLead.objects.none()

    def post(self, request, pk: int):
        services.lead_bonus_paid(lead=rights.access_lead(request.member, pk), by=request.member)
        return Response(LeadOutputSerializer(rights.access_lead(request.member, pk)).data)


class BoomerangOutputSerializer(serializers.ModelSerializer):
    member_name = StrictCharField(source="member.user.full_name")
    previous_tour = serializers.IntegerField(source="last_tour_ref", allow_null=True,
                                             help_text="Their last tour before they left.")
    new_tour = serializers.IntegerField(source="new_tour_ref", allow_null=True,
                                        help_text="The drafted tour of the new stay.")

    class Meta:
        model = Boomerang
        fields = ["id", "member", "member_name", "state", "message", "requested_at", "rehired_at", "start_date",
                  "role", "manager", "previous_tour", "new_tour", "decline_note", "created_at", "updated_at"]
        read_only_fields = fields


class BoomerangFilterSet(UpdatedSinceFilterSet):
    state = filters.ChoiceFilter(choices=Boomerang.State.choices)

    class Meta:
        model = Boomerang
        fields = ["state", "updated_since"]


class RehireInputSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="The alumnus's membership id.")
    role = serializers.ChoiceField(choices=[(r, Membership.Role(r).label) for r in services.REHIRE_ROLES])
    manager = serializers.IntegerField(help_text="An active manager, HR person or administrator.")
    start_date = serializers.DateField()
    title = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    team = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    tour_kind = serializers.ChoiceField(choices=["rotational", "transformational", "foundational"])
    tour_title = StrictCharField(max_length=200)
    mission = StrictCharField(max_length=5000)
    company_objectives = StrictCharField(max_length=5000)
    employee_benefits = StrictCharField(max_length=5000)
    end_date = serializers.DateField(required=False, allow_null=True, default=None)


class DeclineInputSerializer(serializers.Serializer):
    decline_note = StrictCharField(max_length=MAX_REFERRAL_TEXT)


@extend_schema_view(
    get=extend_schema(summary="Boomerangs: requests to come back and rehires (HR)",
                      responses=BoomerangOutputSerializer),
    post=extend_schema(summary="Rehire an alumnus (HR): active again, with a new draft tour linked to their last",
                       request=RehireInputSerializer, responses={201: BoomerangOutputSerializer}),
)
class BoomerangListApi(generics.ListAPIView):
    serializer_class = BoomerangOutputSerializer
    filterset_class = BoomerangFilterSet
    permission_classes = [IsOrganizationHR]
    queryset = Boomerang.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Boomerang.objects.none()
        return selectors.boomerang_list(member=self.request.member)

    def post(self, request):
        serializer = RehireInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        alumnus = Membership.objects.for_org(request.member.organization_id).select_related("user").filter(
            pk=data.pop("member"), status=Membership.Status.ALUMNUS).first()
        if alumnus is None:
            raise ValidationError({"member": ["No alumnus of this organization has this id."]})
        manager = selectors.rehire_managers(request.member).filter(pk=data.pop("manager")).first()
        if manager is None:
            raise ValidationError({"manager": ["No active manager, HR person or administrator has this id."]})
        boomerang = services.boomerang_rehire(by=request.member, alumnus=alumnus, manager=manager, **data)
        return Response(BoomerangOutputSerializer(rights.access_boomerang(request.member, boomerang.pk)).data,
                        status=201)


@extend_schema_view(get=extend_schema(summary="Retrieve a boomerang (HR)", responses=BoomerangOutputSerializer))
class BoomerangDetailApi(APIView):
    permission_classes = [IsOrganizationHR]
    queryset = Boomerang.objects.none()

    def get(self, request, pk: int):
        return Response(BoomerangOutputSerializer(rights.access_boomerang(request.member, pk)).data)


@extend_schema_view(post=extend_schema(summary="Decline a request to come back (HR)", request=DeclineInputSerializer,
                                       responses=BoomerangOutputSerializer))
class BoomerangDeclineApi(APIView):
    permission_classes = [IsOrganizationHR]
    queryset = Boomerang.objects.none()

    def post(self, request, pk: int):
        boomerang = rights.access_boomerang(request.member, pk)
        serializer = DeclineInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.boomerang_decline(boomerang=boomerang, by=request.member, **{
            "note": serializer.validated_data["decline_note"]})
        return Response(BoomerangOutputSerializer(rights.access_boomerang(request.member, pk)).data)


class BoomerangRateOutputSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    rehires = serializers.IntegerField()
    alumni = serializers.IntegerField(help_text="Alumni who had left by the end of the year.")
    rate = serializers.FloatField(allow_null=True, help_text="Rehires ÷ alumni, in percent.")


@extend_schema_view(get=extend_schema(summary="Boomerang rate per year (HR)",
                                      responses=BoomerangRateOutputSerializer(many=True)))
class BoomerangRateApi(APIView):
    permission_classes = [IsOrganizationHR]

    def get(self, request):
        return Response(BoomerangRateOutputSerializer(selectors.boomerang_rate_by_year(request.member), many=True).data)
