"""REST API for network intelligence (``/api/v1/``).

Reads come from ``network_intel.selectors`` (``notes_visible_to`` for every note);
writes call ``network_intel.services``. Lists are cursor-paginated on
(updated_at, id) and accept ``updated_since``.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import IdFilter, UpdatedSinceFilterSet
from alliance.errors import NotAllowed
from alliance.models import Membership
from alliance.serializers import StrictCharField
from network_intel import rights, selectors, services
from network_intel.models import (
    TAG_MAX_LENGTH,
    Company,
    Contact,
    IntelNote,
    IntroductionRequest,
    SourceKind,
    Tag,
    Visibility,
)
from network_intel.text import highlighted


def _input(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _companies(request, ids: list[int]) -> list[Company]:
    found = list(Company.objects.for_org(request.member.organization_id).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"companies": ["No company of this organization has one of these ids."]})
    return found


def _contacts(request, ids: list[int]) -> list[Contact]:
    found = list(Contact.objects.for_org(request.member.organization_id).filter(pk__in=ids, owner=request.member))
    if len(found) != len(set(ids)):
        raise ValidationError({"contacts": ["Only your own contacts can be named."]})
    return found


# --- Companies --------------------------------------------------------------------------------

class CompanyOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "name", "domain", "industry", "created_at", "updated_at"]


class CompanyFilterSet(UpdatedSinceFilterSet):
    q = filters.CharFilter(method="filter_q", help_text="Name, domain or a misspelling of either.")

    class Meta:
        model = Company
        fields = ["q", "updated_since"]

    def filter_q(self, queryset, name, value):
        ids = [c.pk for c in selectors.company_matches(organization_id=self.request.member.organization_id,
                                                       text=value, limit=50)]
        return queryset.filter(pk__in=ids)


class CompanyCreateInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)
    domain = StrictCharField(max_length=253, required=False, allow_blank=True, default="")
    industry = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    allow_similar = serializers.BooleanField(required=False, default=False,
                                             help_text="Add it although similar companies exist.")


@extend_schema_view(
    get=extend_schema(summary="List the organization's companies", responses=CompanyOutputSerializer(many=True)),
    post=extend_schema(summary="Add a company (refused when it is already there or similar to one)",
                       request=CompanyCreateInputSerializer, responses={201: CompanyOutputSerializer}),
)
class CompanyListApi(generics.ListAPIView):
    serializer_class = CompanyOutputSerializer
    filterset_class = CompanyFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Company.objects.none()
        return Company.objects.for_org(self.request.member.organization_id)

    def post(self, request):
        company = services.company_create(by=request.member, **_input(CompanyCreateInputSerializer, request))
        return Response(CompanyOutputSerializer(company).data, status=201)


class CompanyDetailApi(APIView):
    serializer_class = CompanyOutputSerializer

    @extend_schema(summary="Retrieve a company", responses=CompanyOutputSerializer)
    def get(self, request, pk: int):
        return Response(CompanyOutputSerializer(rights.access_company(request.member, pk)).data)


class MergeInputSerializer(serializers.Serializer):
    into = serializers.IntegerField(help_text="The company that stays.")


class CompanyMergeApi(APIView):
    serializer_class = CompanyOutputSerializer

    @extend_schema(summary="Merge this company into another (HR); notes, contacts and follows move",
                   request=MergeInputSerializer, responses=CompanyOutputSerializer)
    def post(self, request, pk: int):
        source = rights.access_company(request.member, pk)
        data = _input(MergeInputSerializer, request)
        target = Company.objects.for_org(request.member.organization_id).filter(pk=data["into"]).first()
        if target is None:
            raise ValidationError({"into": ["No company of this organization has this id."]})
        return Response(CompanyOutputSerializer(services.company_merge(by=request.member, source=source,
                                                                       target=target)).data)


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


class ContactInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)
    company = serializers.IntegerField()
    title = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    met_where = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    introduced_by = serializers.IntegerField(required=False, allow_null=True, default=None)
    strength = serializers.ChoiceField(choices=list(STRENGTHS), required=False, default="acquaintance")
    last_talked_on = serializers.DateField(required=False, allow_null=True, default=None)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = StrictCharField(max_length=40, required=False, allow_blank=True, default="")
    personal_notes = StrictCharField(required=False, allow_blank=True, default="")


def _contact_data(request, data: dict) -> dict:
    data = dict(data)
    if "company" in data:
        data["company"] = _companies(request, [data["company"]])[0]
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
        data = _contact_data(request, _input(ContactInputSerializer, request))
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
class ContactDetailApi(APIView):
    serializer_class = ContactOutputSerializer

    def get(self, request, pk: int):
        return Response(ContactOutputSerializer(rights.access_own_contact(request.member, pk)).data)

    def patch(self, request, pk: int):
        contact = rights.access_own_contact(request.member, pk)
        data = _contact_data(request, _input(ContactUpdateInputSerializer, request))
        services.contact_update(by=request.member, contact=contact, data=data)
        return Response(ContactOutputSerializer(rights.access_own_contact(request.member, pk)).data)


# --- Notes ---------------------------------------------------------------------------------------------

class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()


class IntelNoteOutputSerializer(serializers.ModelSerializer):
    author_name = StrictCharField(source="author.user.full_name")
    author_email = serializers.SerializerMethodField(help_text="Null for a note from an alumnus.")
    companies = NamedSerializer(many=True, read_only=True)
    tags = NamedSerializer(many=True, read_only=True)
    snippet = serializers.SerializerMethodField(help_text="With ?q=: the best passage, matches in <mark>.")

    class Meta:
        model = IntelNote
        fields = ["id", "author", "author_name", "author_email", "title", "body", "body_html", "companies", "tags",
                  "source_kind", "learned_on", "visibility", "useful_until", "author_is_alumnus", "snippet",
                  "created_at", "updated_at"]

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_author_email(self, note: IntelNote) -> str | None:
        # An alumnus signs in with their personal address: it is not the organization's to show.
        return None if note.author_is_alumnus else note.author.user.email

    def get_snippet(self, note: IntelNote) -> str | None:
        value = getattr(note, "body_snippet", None)
        return str(highlighted(value)) if value is not None else None


class IntelNoteFilterSet(UpdatedSinceFilterSet):
    company = IdFilter(field_name="company_links__company_id", distinct=True)
    tag = filters.CharFilter(method="filter_tag", help_text="A tag's id or name.")
    author = IdFilter(field_name="author_id")
    visibility = filters.ChoiceFilter(choices=Visibility.choices)
    source_kind = filters.ChoiceFilter(choices=SourceKind.choices)

    class Meta:
        model = IntelNote
        fields = ["company", "tag", "author", "visibility", "source_kind", "updated_since"]

    def filter_tag(self, queryset, name, value):
        from network_intel.text import tag_key

        if value.isascii() and value.isdigit() and len(value) <= 19:
            return queryset.filter(tag_links__tag_id=int(value)).distinct()
        return queryset.filter(tag_links__tag__key=tag_key(value)).distinct()


class FlatListField(serializers.ListField):
    """A list whose errors read as one message (no per-index error keys)."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except ValidationError as error:
            detail = error.detail
            messages = ([m for value in detail.values() for m in value] if isinstance(detail, dict) else detail)
            raise ValidationError([str(m) for m in messages]) from error


class IntelNoteInputSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200)
    body = StrictCharField(help_text="Markdown.")
    author = serializers.IntegerField(required=False, help_text="Only yourself: a note is its writer's own.")
    companies = FlatListField(child=serializers.IntegerField(), required=False, default=list)
    contacts = FlatListField(child=serializers.IntegerField(), required=False, default=list)
    tags = FlatListField(child=StrictCharField(max_length=TAG_MAX_LENGTH), required=False,
                                 default=list, help_text=f"Names; new ones become free tags (≤ {TAG_MAX_LENGTH}).")
    source_kind = serializers.ChoiceField(choices=SourceKind.choices, required=False, default=SourceKind.COFFEE)
    learned_on = serializers.DateField(required=False, allow_null=True, default=None)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False, default=Visibility.ORGANIZATION)
    useful_until = serializers.DateField(required=False, allow_null=True, default=None)


class IntelNoteUpdateSerializer(IntelNoteInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            if hasattr(field, "default"):
                field.default = serializers.empty


def _check_author(request, data: dict) -> None:
    author = data.pop("author", None)
    if author is not None and author != request.member.pk:
        raise NotAllowed("You can write notes only as yourself.")


def _links(request, data: dict) -> dict:
    links = {}
    if "companies" in data:
        links["companies"] = _companies(request, data.pop("companies"))
    if "contacts" in data:
        links["contacts"] = _contacts(request, data.pop("contacts"))
    if "tags" in data:
        links["tags"] = [services.tag_resolve(by=request.member, name=name) for name in data.pop("tags")]
    return links


def _note_out(request, note_id: int) -> dict:
    note = selectors.note_list(request.member).get(pk=note_id)
    return IntelNoteOutputSerializer(note).data


@extend_schema_view(
    get=extend_schema(
        summary="List the notes you may see",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Full-text search (title > tags and "
                                     "companies > body); company names also match with typos.")],
        responses=IntelNoteOutputSerializer(many=True)),
    post=extend_schema(summary="Write a note", request=IntelNoteInputSerializer,
                       responses={201: IntelNoteOutputSerializer}),
)
class IntelNoteListApi(generics.ListAPIView):
    serializer_class = IntelNoteOutputSerializer
    filterset_class = IntelNoteFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IntelNote.objects.none()
        member = self.request.member
        q = self.request.query_params.get("q", "").strip()[:300]
        notes, _, config = selectors.filtered_notes(member, selectors.SearchFilters(q=q))
        notes = notes.select_related("author__user").prefetch_related("companies", "tags")
        if q:
            notes = notes.annotate(body_snippet=selectors.body_headline(q, config))
        return notes

    def post(self, request):
        data = dict(_input(IntelNoteInputSerializer, request))
        _check_author(request, data)
        links = _links(request, data)
        note = services.intel_note_create(by=request.member, **links, **data)
        return Response(_note_out(request, note.pk), status=201)


@extend_schema_view(
    get=extend_schema(summary="Retrieve a note", responses=IntelNoteOutputSerializer),
    patch=extend_schema(summary="Edit your note (kept in its history)", request=IntelNoteUpdateSerializer,
                        responses=IntelNoteOutputSerializer),
    delete=extend_schema(summary="Delete your note", responses={204: None}),
)
class IntelNoteDetailApi(APIView):
    serializer_class = IntelNoteOutputSerializer

    def get(self, request, pk: int):
        return Response(_note_out(request, rights.access_note(request.member, pk).pk))

    def patch(self, request, pk: int):
        note = rights.access_note(request.member, pk)
        data = dict(_input(IntelNoteUpdateSerializer, request))
        if "author" in data and data["author"] != note.author_id:
            raise NotAllowed("A note's author cannot be changed.")
        data.pop("author", None)
        links = _links(request, data)
        services.intel_note_update(by=request.member, note=note, data=data, **links)
        return Response(_note_out(request, pk))

    def delete(self, request, pk: int):
        services.intel_note_delete(by=request.member, note=rights.access_note(request.member, pk))
        return Response(status=204)


class UsefulInputSerializer(serializers.Serializer):
    useful = serializers.BooleanField(required=False, default=True)


class IntelNoteUsefulApi(APIView):
    serializer_class = IntelNoteOutputSerializer

    @extend_schema(summary="Mark (or unmark) a note as useful", request=UsefulInputSerializer,
                   responses=UsefulInputSerializer)
    def post(self, request, pk: int):
        note = rights.access_note(request.member, pk)
        useful = services.note_mark_useful(by=request.member, note=note,
                                           useful=_input(UsefulInputSerializer, request)["useful"])
        return Response({"useful": useful})


class MostUsefulOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()
    author = serializers.IntegerField(source="author_id")
    author_name = StrictCharField(source="author.user.full_name")
    marks_in_period = serializers.IntegerField()


class MostUsefulApi(APIView):
    @extend_schema(summary="The notes marked useful most often in a period (HR)",
                   parameters=[OpenApiParameter("days", OpenApiTypes.INT, description="30, 90 (default) or 365")],
                   responses=MostUsefulOutputSerializer(many=True))
    def get(self, request):
        if not rights.can_curate(request.member):
            raise NotAllowed("Only HR or an administrator can see this.")
        days = request.query_params.get("days", "90")
        if days not in ("30", "90", "365"):
            raise ValidationError({"days": ["Choose 30, 90 or 365."]})
        until = timezone.now()
        notes = selectors.most_useful(member=request.member, since=until - timedelta(days=int(days)), until=until)
        return Response(MostUsefulOutputSerializer(notes, many=True).data)


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
    email = serializers.SerializerMethodField(help_text="Null for an alumnus: their address is their own.")
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
        return None if row.is_alumnus else row.member.user.email


class WhoKnowsOutputSerializer(serializers.Serializer):
    company = CompanyOutputSerializer()
    acquaintances = AcquaintanceSerializer(many=True)


class WhoKnowsApi(APIView):
    @extend_schema(summary="Who here knows someone at a company?",
                   parameters=[OpenApiParameter("company", OpenApiTypes.STR, required=True,
                                                description="A company id or name (typos forgiven).")],
                   responses=WhoKnowsOutputSerializer)
    def get(self, request):
        value = request.query_params.get("company", "")
        if not value.strip():
            raise ValidationError({"company": ["Give a company id or name."]})
        company = selectors.company_from_param(request.member, value)
        if company is None:
            raise Http404("No such company.")
        rows = selectors.who_knows(member=request.member, company=company)
        return Response(WhoKnowsOutputSerializer({"company": company, "acquaintances": rows}).data)


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


class IntroductionInputSerializer(serializers.Serializer):
    contact = serializers.IntegerField()
    message = StrictCharField(max_length=2000)


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
        data = _input(IntroductionInputSerializer, request)
        try:
            contact = rights.access_contact_to_meet(request.member, data["contact"])
        except Http404 as error:
            raise ValidationError({"contact": ["No colleague's contact has this id."]}) from error
        introduction = services.introduction_request(by=request.member, contact=contact, message=data["message"])
        introduction = rights.access_introduction(request.member, introduction.pk)
        return Response(IntroductionOutputSerializer(introduction, context={"request": request}).data, status=201)


class AnswerInputSerializer(serializers.Serializer):
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)


class _IntroductionAnswerApi(APIView):
    accept = True
    serializer_class = IntroductionOutputSerializer

    def post(self, request, pk: int):
        introduction = rights.access_introduction(request.member, pk)
        note = _input(AnswerInputSerializer, request)["note"]
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


class TagOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "is_official", "description", "created_at", "updated_at"]


@extend_schema_view(get=extend_schema(summary="The organization's tags (vocabulary and free tags)",
                                      responses=TagOutputSerializer(many=True)))
class TagListApi(generics.ListAPIView):
    serializer_class = TagOutputSerializer
    filterset_class = UpdatedSinceFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Tag.objects.none()
        return Tag.objects.for_org(self.request.member.organization_id)
