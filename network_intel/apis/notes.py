"""Intel notes: list and search, write, edit, delete, useful marks, the most useful."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import IdFilter, UpdatedSinceFilterSet
from alliance.errors import NotAllowed
from alliance.etags import VersionedResourceMixin
from alliance.serializers import (
    BoundedListField,
    InputSerializer,
    PeopleListSerializer,
    StrictBooleanField,
    StrictCharField,
    VisibleEmailField,
)
from network_intel import rights, selectors, services
from network_intel.apis._common import org_companies, own_contacts, validated_input
from network_intel.limits import (
    CONTACTS_MAX,
    NOTE_BODY_MAX,
    NOTE_COMPANIES_MAX,
    NOTE_TAGS_MAX,
    TAG_MAX_LENGTH,
    TITLE_MAX,
)
from network_intel.models.notes import IntelNote, SourceKind, Visibility
from network_intel.text import highlighted, tag_key

# --- Notes ---------------------------------------------------------------------------------------------

class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()


class IntelNoteOutputSerializer(serializers.ModelSerializer):
    author_name = StrictCharField(source="author.user.full_name")
    author_email = VisibleEmailField(source="author", help_text="The author's work address while they are "
                                     "employed; null once they left (unless HR's with their consent).")
    companies = NamedSerializer(many=True, read_only=True)
    tags = NamedSerializer(many=True, read_only=True)
    snippet = serializers.SerializerMethodField(help_text="With ?q=: the best passage, matches in <mark>.")

    class Meta:
        model = IntelNote
        fields = ["id", "author", "author_name", "author_email", "title", "body", "body_html", "companies", "tags",
                  "source_kind", "learned_on", "visibility", "useful_until", "author_is_alumnus", "snippet",
                  "created_at", "updated_at"]
        list_serializer_class = PeopleListSerializer

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
        if value.isascii() and value.isdigit() and len(value) <= 19:
            return queryset.filter(tag_links__tag_id=int(value)).distinct()
        return queryset.filter(tag_links__tag__key=tag_key(value)).distinct()


class FlatListField(BoundedListField):
    """A list whose errors read as one message (no per-index error keys)."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except ValidationError as error:
            detail = error.detail
            messages = ([m for value in detail.values() for m in value] if isinstance(detail, dict) else detail)
            raise ValidationError([str(m) for m in messages]) from error


class IntelNoteInputSerializer(InputSerializer):
    title = StrictCharField(max_length=TITLE_MAX)
    body = StrictCharField(max_length=NOTE_BODY_MAX, help_text="Markdown.")
    author = serializers.IntegerField(required=False, help_text="Only yourself: a note is its writer's own.")
    companies = FlatListField(child=serializers.IntegerField(), required=False, default=list,
                              max_length=NOTE_COMPANIES_MAX, help_text=f"Ids (≤ {NOTE_COMPANIES_MAX}).")
    contacts = FlatListField(child=serializers.IntegerField(), required=False, default=list, max_length=CONTACTS_MAX,
                             help_text=f"Ids of your own contacts (≤ {CONTACTS_MAX}).")
    tags = FlatListField(child=StrictCharField(max_length=TAG_MAX_LENGTH), required=False, default=list,
                         max_length=NOTE_TAGS_MAX,
                         help_text=f"Names; new ones become free tags (≤ {NOTE_TAGS_MAX}, each ≤ {TAG_MAX_LENGTH}).")
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
        links["companies"] = org_companies(request, data.pop("companies"))
    if "contacts" in data:
        links["contacts"] = own_contacts(request, data.pop("contacts"))
    if "tags" in data:
        links["tags"] = [services.tag_resolve(by=request.member, name=name) for name in data.pop("tags")]
    return links


def _note_out(request, note_id: int) -> dict:
    note = selectors.note_list(request.member).get(pk=note_id)
    return IntelNoteOutputSerializer(note, context={"request": request}).data


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
        data = dict(validated_input(IntelNoteInputSerializer, request))
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
class IntelNoteDetailApi(VersionedResourceMixin, APIView):
    serializer_class = IntelNoteOutputSerializer

    def get(self, request, pk: int):
        return Response(_note_out(request, rights.access_note(request.member, pk).pk))

    def patch(self, request, pk: int):
        note = rights.access_note(request.member, pk)
        data = dict(validated_input(IntelNoteUpdateSerializer, request))
        if "author" in data and data["author"] != note.author_id:
            raise NotAllowed("A note's author cannot be changed.")
        data.pop("author", None)
        links = _links(request, data)
        services.intel_note_update(by=request.member, note=note, data=data, **links)
        return Response(_note_out(request, pk))

    def delete(self, request, pk: int):
        services.intel_note_delete(by=request.member, note=rights.access_note(request.member, pk))
        return Response(status=204)


class UsefulInputSerializer(InputSerializer):
    useful = StrictBooleanField(required=False, default=True)


class IntelNoteUsefulApi(APIView):
    serializer_class = IntelNoteOutputSerializer

    @extend_schema(summary="Mark (or unmark) a note as useful", request=UsefulInputSerializer,
                   responses=UsefulInputSerializer)
    def post(self, request, pk: int):
        note = rights.access_note(request.member, pk)
        useful = services.note_mark_useful(by=request.member, note=note,
                                           useful=validated_input(UsefulInputSerializer, request)["useful"])
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
