"""Contacts, who knows whom at a company, and introductions."""

from __future__ import annotations

from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import UpdatedSinceFilterSet
from alliance.etags import VersionedResourceMixin
from alliance.limits import EMAIL_MAX
from alliance.models import Membership
from alliance.serializers import InputSerializer, StrictCharField
from network_intel import rights, selectors, services
from network_intel.apis._common import org_companies, validated_input
from network_intel.apis.companies import CompanyOutputSerializer
from network_intel.limits import MESSAGE_MAX, PERSONAL_NOTES_MAX
from network_intel.models.contacts import Contact, IntroductionRequest

# --- Contacts -------------------------------------------------------------------------------------

class ContactOutputSerializer(serializers.ModelSerializer):
    company_name = StrictCharField(source="company.name")
    strength = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "name", "company", "company_name", "title", "met_where", "introduced_by", "strength",
                  "last_talked_on", "email", "phone", "personal_notes", "created_at", "updated_at"]

    def get_strength(self, contact: Contact) -> str:
        return Contact.Strength(contact.strength).name.lower()


STRENGTHS = {s.name.lower(): s.value for s in Contact.Strength}


class ContactInputSerializer(InputSerializer):
    name = StrictCharField(max_length=200)
    company = serializers.IntegerField()
    title = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    met_where = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    introduced_by = serializers.IntegerField(required=False, allow_null=True, default=None)
    strength = serializers.ChoiceField(choices=list(STRENGTHS), required=False, default="acquaintance")
    last_talked_on = serializers.DateField(required=False, allow_null=True, default=None)
    email = serializers.EmailField(max_length=EMAIL_MAX, required=False, allow_blank=True, default="")
    phone = StrictCharField(max_length=40, required=False, allow_blank=True, default="")
    personal_notes = StrictCharField(max_length=PERSONAL_NOTES_MAX, required=False, allow_blank=True, default="")


def _contact_data(request, data: dict) -> dict:
    data = dict(data)
    if "company" in data:
        data["company"] = org_companies(request, [data["company"]])[0]
    if data.get("introduced_by") is not None:
        found = Membership.objects.for_org(request.member.organization_id).filter(pk=data["introduced_by"]).first()
        if found is None:
            raise ValidationError({"introduced_by": ["No member of this organization has this id."]})
        data["introduced_by"] = found
    if "strength" in data:
        data["strength"] = STRENGTHS[data["strength"]]
    return data


@extend_schema_view(
    get=extend_schema(summary="List your own contacts (with their details)",
                      responses=ContactOutputSerializer(many=True)),
    post=extend_schema(summary="Record a contact", request=ContactInputSerializer,
                       responses={201: ContactOutputSerializer}),
)
class ContactListApi(generics.ListAPIView):
    serializer_class = ContactOutputSerializer
    filterset_class = UpdatedSinceFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contact.objects.none()
        return selectors.contacts_of(self.request.member)

    def post(self, request):
        data = _contact_data(request, validated_input(ContactInputSerializer, request))
        contact = services.contact_create(by=request.member, **data)
        return Response(ContactOutputSerializer(contact).data, status=201)


class ContactUpdateInputSerializer(ContactInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            if hasattr(field, "default"):
                field.default = serializers.empty


@extend_schema_view(
    get=extend_schema(summary="Retrieve one of your contacts", responses=ContactOutputSerializer),
    patch=extend_schema(summary="Change one of your contacts", request=ContactUpdateInputSerializer,
                        responses=ContactOutputSerializer),
)
class ContactDetailApi(VersionedResourceMixin, APIView):
    serializer_class = ContactOutputSerializer

    def get(self, request, pk: int):
        return Response(ContactOutputSerializer(rights.access_own_contact(request.member, pk)).data)

    def patch(self, request, pk: int):
        contact = rights.access_own_contact(request.member, pk)
        data = _contact_data(request, validated_input(ContactUpdateInputSerializer, request))
        services.contact_update(by=request.member, contact=contact, data=data)
        return Response(ContactOutputSerializer(rights.access_own_contact(request.member, pk)).data)


# --- Who knows whom ---------------------------------------------------------------------------------------

class AcquaintanceContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()
    strength = serializers.SerializerMethodField()
    last_talked_on = serializers.DateField()

    def get_strength(self, contact) -> str:
        return Contact.Strength(contact.strength).name.lower()


class AcquaintanceSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk")
    name = StrictCharField(source="member.user.full_name")
    email = serializers.SerializerMethodField(help_text="The work address of a colleague; null for an alumnus "
                                              "(theirs, shown to HR only with their consent).")
    team = StrictCharField(source="member.team")
    is_alumnus = serializers.BooleanField(help_text="An alumnus who agreed to be listed here.")
    contact_count = serializers.IntegerField()
    strongest = serializers.SerializerMethodField()
    last_talked_on = serializers.DateField()
    contacts = AcquaintanceContactSerializer(many=True, help_text="Role and strength only; names stay private.")

    def get_strongest(self, row) -> str:
        return Contact.Strength(row.strongest).name.lower()

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_email(self, row) -> str | None:
        return row.member.user.email  # as alliance.people's rule let the viewer see it (selectors.who_knows)


class WhoKnowsOutputSerializer(serializers.Serializer):
    company = CompanyOutputSerializer()
    total = serializers.IntegerField(help_text="How many colleagues know someone there, in all.")
    next_offset = serializers.IntegerField(allow_null=True, help_text="The `offset` of the next page; null on the "
                                           "last.")
    acquaintances = AcquaintanceSerializer(many=True, help_text="One page, the strongest connections first.")


WHO_KNOWS_MAX_LIMIT = 100
WHO_KNOWS_MAX_OFFSET = 1_000_000


class WhoKnowsQuerySerializer(serializers.Serializer):
    company = StrictCharField(max_length=200)
    offset = serializers.IntegerField(required=False, default=0, min_value=0, max_value=WHO_KNOWS_MAX_OFFSET)
    limit = serializers.IntegerField(required=False, default=selectors.WHO_KNOWS_PER_PAGE, min_value=1,
                                     max_value=WHO_KNOWS_MAX_LIMIT)


class WhoKnowsApi(APIView):
    @extend_schema(
        summary="Who here knows someone at a company?",
        description="A page of the colleagues who know someone there, the strongest connections first (as the "
                    "who-knows page), with how many there are in all; the next page starts at `next_offset`.",
        parameters=[
            OpenApiParameter("company", OpenApiTypes.STR, required=True,
                             description="A company id or name (typos forgiven)."),
            OpenApiParameter("offset", {"type": "integer", "minimum": 0, "maximum": WHO_KNOWS_MAX_OFFSET},
                             description="Where the page starts: the previous page's `next_offset` (default 0)."),
            OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": WHO_KNOWS_MAX_LIMIT},
                             description=f"Colleagues per page (default {selectors.WHO_KNOWS_PER_PAGE})."),
        ],
        responses=WhoKnowsOutputSerializer,
    )
    def get(self, request):
        if not request.query_params.get("company", "").strip():
            raise ValidationError({"company": ["Give a company id or name."]})
        query = WhoKnowsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        company = selectors.company_from_param(request.member, data["company"])
        if company is None:
            raise Http404("No such company.")
        page = selectors.who_knows_page(member=request.member, company=company, offset=data["offset"],
                                        limit=data["limit"])
        return Response(WhoKnowsOutputSerializer({"company": company, "total": page.total,
                                                  "next_offset": page.next_offset,
                                                  "acquaintances": page.acquaintances}).data)


# --- Introductions ---------------------------------------------------------------------------------------------

class IntroductionOutputSerializer(serializers.ModelSerializer):
    contact_title = StrictCharField(source="contact.title")
    company = serializers.IntegerField(source="contact.company_id")
    company_name = StrictCharField(source="contact.company.name")
    contact_name = serializers.SerializerMethodField(help_text="Shown to the requester once accepted.")

    class Meta:
        model = IntroductionRequest
        fields = ["id", "requester", "introducer", "contact", "contact_title", "contact_name", "company",
                  "company_name", "message", "status", "response_note", "responded_at", "created_at", "updated_at"]

    def get_contact_name(self, introduction) -> str | None:
        member = self.context["request"].member
        if member.pk == introduction.introducer_id or introduction.status == IntroductionRequest.Status.ACCEPTED:
            return introduction.contact.name
        return None


class IntroductionInputSerializer(InputSerializer):
    contact = serializers.IntegerField()
    message = StrictCharField(max_length=MESSAGE_MAX)


class IntroductionFilterSet(UpdatedSinceFilterSet):
    status = filters.ChoiceFilter(choices=IntroductionRequest.Status.choices)

    class Meta:
        model = IntroductionRequest
        fields = ["status", "updated_since"]


@extend_schema_view(
    get=extend_schema(summary="Introduction requests you made or were asked",
                      responses=IntroductionOutputSerializer(many=True)),
    post=extend_schema(summary="Ask a colleague for an introduction to their contact",
                       request=IntroductionInputSerializer, responses={201: IntroductionOutputSerializer}),
)
class IntroductionListApi(generics.ListAPIView):
    serializer_class = IntroductionOutputSerializer
    filterset_class = IntroductionFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IntroductionRequest.objects.none()
        return selectors.introductions_for(self.request.member)

    def post(self, request):
        data = validated_input(IntroductionInputSerializer, request)
        try:
            contact = rights.access_contact_to_meet(request.member, data["contact"])
        except Http404 as error:
            raise ValidationError({"contact": ["No colleague's contact has this id."]}) from error
        introduction = services.introduction_request(by=request.member, contact=contact, message=data["message"])
        introduction = rights.access_introduction(request.member, introduction.pk)
        return Response(IntroductionOutputSerializer(introduction, context={"request": request}).data, status=201)


class AnswerInputSerializer(InputSerializer):
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=MESSAGE_MAX)


class _IntroductionAnswerApi(APIView):
    accept = True
    serializer_class = IntroductionOutputSerializer

    def post(self, request, pk: int):
        introduction = rights.access_introduction(request.member, pk)
        note = validated_input(AnswerInputSerializer, request)["note"]
        services.introduction_respond(by=request.member, introduction=introduction, accept=self.accept, note=note)
        introduction = rights.access_introduction(request.member, pk)
        return Response(IntroductionOutputSerializer(introduction, context={"request": request}).data)


class IntroductionAcceptApi(_IntroductionAnswerApi):
    accept = True

    @extend_schema(summary="Accept an introduction request (the colleague asked)", request=AnswerInputSerializer,
                   responses=IntroductionOutputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)


class IntroductionDeclineApi(_IntroductionAnswerApi):
    accept = False

    @extend_schema(summary="Decline an introduction request (the colleague asked)", request=AnswerInputSerializer,
                   responses=IntroductionOutputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)
