from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from alliance import health
from alliance.datetimes import OFFSET_OUT_OF_RANGE, offset_in_range
from alliance.errors import ApplicationError
from alliance.etags import PreconditionFailed, VersionedResourceMixin
from alliance.import_apis import ImportOutputSerializer, import_apply_response
from alliance.listing import ColumnRows
from alliance.models import Membership, PeopleImport
from alliance.parsers import DepthLimitedJSONParser, RequestTooLarge, too_large_message
from alliance.permissions import IsOrganizationHR
from alliance.selectors import get_people_import_for_member, member_list
from alliance.serializers import (
    InputSerializer,
    PeopleListSerializer,
    StrictBooleanField,
    StrictCharField,
    VisibleEmailField,
)
from alliance.services import membership_employment_start_set
from alliance.services.imports import import_apply_start, people_import_preview


def exception_handler(exc, context):
    """One error shape, ``{"detail": ..., "errors": {...}}`` (alliance/schema.py documents it):
    ApplicationError and DRF's ValidationError → 400 with field errors (NotAllowed → 403); a body
    over the limit → 413; everything else as DRF does it."""
    if isinstance(exc, PreconditionFailed):
        return Response({"detail": exc.detail, "current": exc.current}, status=412, headers={"ETag": exc.etag})
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message}
        if exc.field_errors:
            body["errors"] = _with_string_keys(exc.field_errors)
        return Response(body, status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(too_large_message(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, exceptions.ValidationError):
        return Response(validation_error_body(exc.detail), status=exc.status_code)
    return drf_exception_handler(exc, context)


def validation_error_body(detail) -> dict:
    """DRF's field errors in the API's one error shape: ``{"detail": <first message>, "errors": {...}}``."""
    errors = detail if isinstance(detail, dict) else {"non_field_errors": detail if isinstance(detail, list)
                                                      else [detail]}
    field, messages = next(iter(errors.items()), ("", ["Invalid input."]))
    first = _first_message(messages)
    return {"detail": f"{field}: {first}" if field and field != "non_field_errors" else first,
            "errors": _with_string_keys(errors)}


def _with_string_keys(errors):
    """JSON object keys are strings: a list field's errors come from DRF keyed by the item's index
    (``{"discussed": {0: [...]}}``), which becomes ``{"discussed": {"0": [...]}}``."""
    if isinstance(errors, dict):
        return {str(key): _with_string_keys(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_with_string_keys(value) for value in errors]
    return errors


def _first_message(messages) -> str:
    while isinstance(messages, (list, dict)) and messages:
        messages = messages[0] if isinstance(messages, list) else next(iter(messages.values()))
    return str(messages) if messages else "Invalid input."


WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class WholeNumberField(forms.IntegerField):
    """Digits only, as the schema's ``integer`` says: Django's ``IntegerField`` also takes ``1.0`` and
    ``1.000`` (it drops a decimal point followed by zeros)."""

    def to_python(self, value):
        if value not in self.empty_values and not WHOLE_NUMBER.fullmatch(str(value).strip()):
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A whole-number id. ``NumberFilter`` parses a Decimal, so ``?manager=1e9999999`` would reach
    ``int()`` in the lookup and spin on a ten-million-digit number, and ``?manager=0.0`` would be taken
    for 0; this one answers 400 to both."""

    field_class = WholeNumberField


class StrictIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time PostgreSQL can take. A parameter given empty (``?updated_since=``) is an
    error, not ignored: the client meant to filter and would otherwise get everything."""

    default_error_messages = {"empty": "Give an ISO 8601 date-time, or leave the parameter out."}

    def to_python(self, value):
        if value == "":
            raise DjangoValidationError(self.error_messages["empty"], code="empty")
        result = super().to_python(value)
        if result is not None and not offset_in_range(result):
            raise DjangoValidationError(OFFSET_OUT_OF_RANGE, code="offset")
        return result


class DateTimeFilter(filters.IsoDateTimeFilter):
    """The API's date-time filter: ISO 8601, offset within PostgreSQL's range, never silently empty."""

    field_class = StrictIsoDateTimeField


EMPTY_PARAMETER = "Give a value, or leave the parameter out."
NOT_A_BOOLEAN = "Give true or false."
BOOLEAN_VALUES = {"true", "false", "True", "False", "1", "0"}


class UpdatedSinceFilterSet(filters.FilterSet):
    """The base of every API list's filters: ``updated_since``, and a parameter given empty
    (``?status=``) is a 400, never silently no filter."""

    updated_since = DateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Only objects changed at or after this time."
    )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
            if name not in self.data or name in self.form.errors:
                continue
            if any(value == "" for value in values):
                self.form.add_error(name, EMPTY_PARAMETER)
                valid = False
            elif isinstance(self.filters[name], filters.BooleanFilter) and not set(values) <= BOOLEAN_VALUES:
                self.form.add_error(name, NOT_A_BOOLEAN)
                valid = False
        return valid


def api_datetime(value: datetime | None, zone=None) -> str | None:
    """A datetime exactly as DRF's ``DateTimeField`` writes it: ISO 8601 in the current time
    zone (or ``zone``, resolved once per list by the caller), ``Z`` for UTC."""
    if value is None:
        return None
    zone = zone or timezone.get_current_timezone()
    # Rows come from the database in UTC: converting them to UTC would change nothing.
    if value.utcoffset() or getattr(zone, "key", "") != "UTC":
        value = value.astimezone(zone)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _utc_value(value: datetime | None) -> datetime | str | None:
    """A database value (UTC) as it is, for the renderer to write (``ORJSON_RENDERER_OPTIONS``);
    any other offset through ``api_datetime``."""
    if value is None or not value.utcoffset():
        return value
    return api_datetime(value, UTC)


def api_datetimes(zone) -> Callable[[datetime | None], datetime | str | None]:
    """How a list page writes its datetimes, worked out once per page for the current time zone.

    In UTC (every API request: the API writes UTC), the database's values go to the renderer as
    they are and orjson writes them, with ``OPT_UTC_Z``, exactly as DRF's ``DateTimeField`` does
    (``2026-01-01T09:30:00Z``, microseconds only when there are some), in C instead of a Python call
    per value; in any other zone, ``api_datetime``. ``tests/tours/test_api_lists.py`` compares
    the lists' bodies with the serializers' byte for byte."""
    if getattr(zone, "key", None) == "UTC" or zone is UTC:
        return _utc_value
    return functools.partial(api_datetime, zone=zone)


def api_date(value) -> str | None:
    return None if value is None else value.isoformat()


class ColumnListMixin:
    """A list endpoint that reads columns, not model instances (fast serialization).

    ``list_columns`` are read with ``.values()`` from the filtered queryset, the cursor
    paginator orders and slices them in SQL as before, and ``list_rows`` turns a page of
    row dicts into the response items with plain dict work: no model instances, no
    per-field serializer calls, no per-row query. The view keeps its ``serializer_class``
    (the OpenAPI schema and the detail endpoints use it), and a test checks that each
    list answers byte for byte what that serializer writes for the same rows.
    """

    list_columns: Sequence[str] = ()
    # Membership columns of ``list_columns`` whose person (e-mail, name, time zone, manager) each
    # row shows: read in the page's own statement, then in ``self.page_people`` for ``list_rows``.
    list_people: Sequence[str] = ()
    page_people: dict[int, dict[str, object]]

    def list_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        rows = ColumnRows(queryset.select_related(None).prefetch_related(None), self.list_columns,
                          viewer=request.member, people=self.list_people)
        page = self.paginate_queryset(rows)
        self.page_people = rows.people
        return self.get_paginated_response(self.list_rows(page))


class MemberOutputSerializer(serializers.ModelSerializer):
    email = VisibleEmailField(source="*", help_text="The work address while employed; after they left, "
                              "theirs to see, and HR's only with their consent (null otherwise).")
    full_name = StrictCharField(source="user.full_name")
    time_zone = StrictCharField(source="user.time_zone")
    manager = serializers.IntegerField(source="manager_id", allow_null=True)
    manager_email = VisibleEmailField(source="manager")

    class Meta:
        model = Membership
        fields = [
            "id", "email", "full_name", "role", "status", "title", "team", "manager", "manager_email",
            "time_zone", "aspirations", "values", "employment_started_on", "created_at", "updated_at",
        ]
        list_serializer_class = PeopleListSerializer


class OrganizationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()
    slug = StrictCharField()
    mission = StrictCharField()
    values = StrictCharField()
    time_zone = StrictCharField()
    currency = StrictCharField()


class MeOutputSerializer(serializers.Serializer):
    organization = OrganizationOutputSerializer()
    membership = MemberOutputSerializer()


class MeApi(APIView):
    @extend_schema(responses=MeOutputSerializer, summary="The token's organization and membership")
    def get(self, request):
        data = MeOutputSerializer({"organization": request.org, "membership": request.member},
                                  context={"request": request}).data
        return Response(data)


class MemberFilterSet(UpdatedSinceFilterSet):
    role = filters.ChoiceFilter(choices=Membership.Role.choices)
    status = filters.ChoiceFilter(choices=Membership.Status.choices)
    team = filters.CharFilter()
    manager = IdFilter(field_name="manager_id")
    email = filters.CharFilter(method="filter_email", help_text="A work address: matches active members only.")

    class Meta:
        model = Membership
        fields = ["role", "status", "team", "manager", "email", "updated_since"]

    def filter_email(self, queryset, name, value):
        # A leaver's address is theirs (alliance.people): it finds nobody, so it confirms nothing.
        return queryset.filter(user__email__iexact=value, status=Membership.Status.ACTIVE)


class MemberListApi(ColumnListMixin, generics.ListAPIView):
    """Members of the token's organization, oldest change first (cursor-paginated).

    HR and admin tokens see everyone; any other token its owner and their direct reports.
    """

    serializer_class = MemberOutputSerializer
    filterset_class = MemberFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no member
            return Membership.objects.none()
        return member_list(member=self.request.member, status="")

    # The membership's own columns (one range scan of the tenant's sync index), then the
    # page's people and their managers' users in one more query.
    list_columns = (
        "id", "role", "status", "title", "team", "manager_id", "aspirations", "values", "employment_started_on",
        "created_at", "updated_at",
    )
    list_people = ("id", "manager_id")

    def list_rows(self, rows):
        when = api_datetimes(timezone.get_current_timezone())  # once per page, not per value
        people = self.page_people
        return [
            {
                "id": row["id"], "email": people[row["id"]]["email"],
                "full_name": people[row["id"]]["full_name"], "role": row["role"], "status": row["status"],
                "title": row["title"], "team": row["team"], "manager": row["manager_id"],
                "manager_email": people[row["manager_id"]]["email"] if row["manager_id"] else None,
                "time_zone": people[row["id"]]["time_zone"], "aspirations": row["aspirations"],
                "values": row["values"], "employment_started_on": api_date(row["employment_started_on"]),
                "created_at": when(row["created_at"]),
                "updated_at": when(row["updated_at"]),
            }
            for row in rows
        ]


class MemberUpdateInputSerializer(InputSerializer):
    employment_started_on = serializers.DateField(
        help_text="The first day of their employment (this stay). HR and administrators only (403 otherwise).")


class MemberDetailApi(VersionedResourceMixin, generics.RetrieveAPIView):
    serializer_class = MemberOutputSerializer

    def get_object(self):
        from alliance.selectors import get_membership_for_member

        return get_membership_for_member(self.request.member, self.kwargs["pk"])

    @extend_schema(summary="Correct a member's employment start date (HR)", request=MemberUpdateInputSerializer,
                   responses=MemberOutputSerializer)
    def patch(self, request, pk: int):
        membership = self.get_object()
        serializer = MemberUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_employment_start_set(
            membership=membership, by=request.member,
            started_on=serializer.validated_data["employment_started_on"])
        return Response(MemberOutputSerializer(membership, context={"request": request}).data)


# --- People imports ---------------------------------------------------------------------------------

class PeopleImportInputSerializer(InputSerializer):
    file = serializers.FileField(help_text="A CSV (UTF-8) or XLSX with the columns of the template: E-mail, Full "
                                           "name, Title, Team, Role, Manager e-mail, Start date, Time zone.")


class PeopleImportApplyInputSerializer(InputSerializer):
    send_invitations = StrictBooleanField(
        required=False, default=False, help_text="Invite the people the import adds now (default: later).")


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row in the spreadsheet (the header is row 1).")
    email = StrictCharField()
    full_name = StrictCharField()
    kind = serializers.ChoiceField(choices=["new", "changed", "unchanged", "error"])
    errors = serializers.ListField(child=StrictCharField(), required=False)
    changes = serializers.ListField(child=serializers.DictField(child=StrictCharField()), required=False)
    extras = serializers.ListField(
        child=serializers.DictField(), required=False,
        help_text="The parts the optional columns add (`label` \"Tour\": `kind` new, unchanged or error, `errors`).")


class PeopleImportOutputSerializer(ImportOutputSerializer):
    new = serializers.IntegerField(source="new_count")
    changed = serializers.IntegerField(source="changed_count")
    unchanged = serializers.IntegerField(source="unchanged_count")
    errors = serializers.IntegerField(source="error_count")
    invitations_sent = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.DictField(), help_text="Active members the file does not "
                                    "name (nobody is removed; start their exits separately).")
    rows = serializers.SerializerMethodField(help_text="Every row that is new, changed or refused.")

    @extend_schema_field(ImportRowSerializer(many=True))
    def get_rows(self, people_import: PeopleImport) -> list[dict]:
        return [entry for entry in people_import.preview if entry["kind"] != "unchanged"
                or any(extra["kind"] != "unchanged" for extra in entry.get("extras", []))]


class PeopleImportCreateApi(APIView):
    permission_classes = [IsOrganizationHR]
    parser_classes = [DepthLimitedJSONParser, MultiPartParser]

    @extend_schema(summary="Preview a people import (HR; multipart/form-data, the file in `file`)",
                   description="Nothing changes: the answer counts new, changed, unchanged and refused rows, "
                               "each refused row with its number and reasons. Apply it with `…/apply/`.",
                   request={"multipart/form-data": PeopleImportInputSerializer},
                   responses={201: PeopleImportOutputSerializer})
    def post(self, request):
        if "file" not in request.FILES:
            raise exceptions.ValidationError({"file": ["Attach the spreadsheet in the field `file` "
                                                       "(multipart/form-data)."]})
        data = PeopleImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        people_import = people_import_preview(by=request.member, uploaded=data.validated_data["file"])
        return Response(PeopleImportOutputSerializer(people_import).data, status=201)


class PeopleImportDetailApi(APIView):
    @extend_schema(summary="An import's status and counts (HR)", responses=PeopleImportOutputSerializer)
    def get(self, request, pk: int):
        people_import = get_people_import_for_member(request.member, pk)
        return Response(PeopleImportOutputSerializer(people_import).data)


class PeopleImportApplyApi(APIView):
    @extend_schema(summary="Apply an import, all or nothing (HR)",
                   description="Checks every row again; one refused row refuses the whole import (400) and "
                               "nothing changes. A large file goes to a worker: the answer is 202 with the "
                               "status `applying`; follow it with `GET /api/v1/imports/{id}/` (progress, then "
                               "`applied`, or back to `previewed` with `apply_error`). Applying an applied or "
                               "applying import changes nothing.",
                   request=PeopleImportApplyInputSerializer,
                   responses={200: PeopleImportOutputSerializer, 202: PeopleImportOutputSerializer})
    def post(self, request, pk: int):
        people_import = get_people_import_for_member(request.member, pk)
        data = PeopleImportApplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        applied = import_apply_start(people_import=people_import, by=request.member,
                                     options={"send_invitations": data.validated_data["send_invitations"]})
        return import_apply_response(applied, PeopleImportOutputSerializer)


class HealthFigureSerializer(serializers.Serializer):
    """One figure of the health page (an answer only: the API takes no figure in)."""

    key = serializers.CharField(read_only=True)
    section = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    headline = serializers.FloatField(allow_null=True, read_only=True)
    headline_label = serializers.CharField(read_only=True)
    chart = serializers.DictField(read_only=True, help_text="Chart.js: type, labels, datasets ({label, data}).")
    columns = serializers.ListField(child=serializers.CharField(read_only=True), read_only=True)
    rows = serializers.ListField(child=serializers.ListField(), read_only=True,
                                 help_text="The table: one list of cells per row.")
    links = serializers.ListField(child=serializers.CharField(read_only=True), read_only=True,
                                  help_text="Per row, the page where to act.")


class HealthScopeSerializer(serializers.Serializer):
    team = serializers.CharField(read_only=True)
    manager = serializers.IntegerField(allow_null=True, read_only=True)
    period = serializers.CharField(read_only=True)
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True, help_text="The period's last day.")
    people = serializers.IntegerField(allow_null=True, read_only=True,
                                      help_text="People in scope; null for the whole organization.")


class AllianceHealthSerializer(serializers.Serializer):
    scope = HealthScopeSerializer(read_only=True)
    figures = HealthFigureSerializer(many=True, read_only=True)


class AllianceHealthApi(APIView):
    """The alliance's health: the figures of the health page, computed the same way.

    HR, administrators and leadership read the organization (narrowed by ``team`` and/or ``manager``,
    everyone below that manager); a manager reads only the people below them. Anyone else: 403."""

    @extend_schema(
        parameters=[
            OpenApiParameter("team", str, description="Only this team."),
            OpenApiParameter("manager", int, description="Only the people below this manager (a membership id)."),
            OpenApiParameter("period", str, enum=["30", "90", "180", "365"],
                             description="The last N days, for the figures that count events (default 90)."),
        ],
        responses={200: AllianceHealthSerializer},
    )
    def get(self, request):
        scope = health.health_scope(viewer=request.member, team=request.query_params.get("team", ""),
                                    manager=request.query_params.get("manager", ""),
                                    period=request.query_params.get("period", ""))
        figures = health.health_figures_for(scope)
        return Response({
            "scope": {"team": scope.team, "manager": scope.manager_id, "period": scope.period,
                      "start": scope.start, "end": scope.today,
                      "people": None if scope.member_ids is None else len(scope.member_ids)},
            "figures": [figure.as_json() for figure in figures],
        })
