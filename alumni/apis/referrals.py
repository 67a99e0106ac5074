"""REST API of referrals and customer leads (``/api/v1/referrals/``, ``/api/v1/leads/``), CVs included."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance import money, uploads
from alliance.apis import IdFilter, UpdatedSinceFilterSet
from alliance.limits import EMAIL_MAX
from alliance.parsers import DepthLimitedJSONParser
from alliance.serializers import InputSerializer, StrictCharField, no_input
from alumni import rights, selectors, services
from alumni.models import MAX_ESTIMATED_VALUE, MAX_REFERRAL_TEXT, BonusState, CustomerLead, Opening, Referral

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


class ReferralCreateInputSerializer(InputSerializer):
    candidate_name = StrictCharField(max_length=200)
    candidate_email = serializers.EmailField(max_length=EMAIL_MAX)
    role = StrictCharField(max_length=200, required=False, allow_blank=True, default="",
                           help_text="The job; with an opening, its title.")
    why = StrictCharField(max_length=MAX_REFERRAL_TEXT)
    opening = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                       max_value=2**62, help_text="A job opening's id (`invest`); it must be open.")
    cv = serializers.FileField(required=False, allow_null=True, default=None,
                               help_text="Their CV (multipart/form-data): PDF, DOCX or ODT, checked by its content.")


class StatusInputSerializer(InputSerializer):
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
            if opening is None or not rights.can_refer_from_opening(request.member,
                                                                          selectors.network_settings(request.org)):
                raise ValidationError({"opening": ["No such opening."]})
        referral = services.referral_submit(by=request.member, opening=opening, **data)
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
        referral = rights.access_referral(request.member, pk)
        no_input(request)
        services.referral_bonus_paid(referral=referral, by=request.member)
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


class LeadCreateInputSerializer(InputSerializer):
    company = StrictCharField(max_length=200)
    contact_name = StrictCharField(max_length=200)
    contact_email = serializers.EmailField(max_length=EMAIL_MAX, required=False, allow_blank=True, default="")
    need = StrictCharField(max_length=MAX_REFERRAL_TEXT)
    estimated_value = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True,
                                               min_value=Decimal("0"), max_value=Decimal(MAX_ESTIMATED_VALUE))
    currency = StrictCharField(required=False, allow_blank=True, default="", max_length=3,
                               help_text="The ISO 4217 code of a currency of money (not XXX, XTS, metals or "
                                         "fund codes); the organization's currency when left out.")

    def validate_currency(self, value: str) -> str:
        try:
            return money.clean_currency(value) if value else ""
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages[0]) from None


class OwnerInputSerializer(InputSerializer):
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
        lead = rights.access_lead(request.member, pk)
        no_input(request)
        services.lead_bonus_paid(lead=lead, by=request.member)
        return Response(LeadOutputSerializer(rights.access_lead(request.member, pk)).data)


class ReferralCvApi(APIView):
    @extend_schema(summary="Download a referral's CV (its referrer and HR)",
                   responses={(200, content_type): OpenApiTypes.BINARY for content_type in sorted(uploads.CV_TYPES)})
    def get(self, request, pk: int):
        referral = rights.access_referral_cv(request.member, pk)
        return uploads.file_response(referral.cv, filename=referral.cv_name or "cv",
                                     content_type=referral.cv_content_type)
