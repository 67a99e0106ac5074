from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from alliance.datetimes import OFFSET_OUT_OF_RANGE, offset_in_range
from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.parsers import RequestTooLarge, too_large_message
from alliance.selectors import member_list


def exception_handler(exc, context):
    """One error shape, ``{"detail": ..., "errors": {...}}`` (alliance/schema.py documents it):
    ApplicationError and DRF's ValidationError → 400 with field errors (NotAllowed → 403); a body
    over the limit → 413; everything else as DRF does it."""
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message}
        if exc.field_errors:
            body["errors"] = exc.field_errors
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
    return {"detail": f"{field}: {first}" if field and field != "non_field_errors" else first, "errors": errors}


def _first_message(messages) -> str:
    while isinstance(messages, (list, dict)) and messages:
        messages = messages[0] if isinstance(messages, list) else next(iter(messages.values()))
    return str(messages) if messages else "Invalid input."


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A whole-number id. ``NumberFilter`` parses a Decimal, so ``?manager=1e9999999`` would reach
    ``int()`` in the lookup and spin on a ten-million-digit number; this one answers 400 instead."""

    field_class = forms.IntegerField


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
            if name in self.data and any(value == "" for value in values) and name not in self.form.errors:
                self.form.add_error(name, EMPTY_PARAMETER)
                valid = False
        return valid


class MemberOutputSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    time_zone = serializers.CharField(source="user.time_zone")
    manager = serializers.IntegerField(source="manager_id", allow_null=True)
    manager_email = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = [
            "id", "email", "full_name", "role", "status", "title", "team", "manager", "manager_email",
            "time_zone", "aspirations", "values", "joined_on", "created_at", "updated_at",
        ]

    def get_manager_email(self, obj: Membership) -> str | None:
        return obj.manager.user.email if obj.manager_id else None


class OrganizationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    mission = serializers.CharField()
    values = serializers.CharField()
    time_zone = serializers.CharField()
    currency = serializers.CharField()


class MeOutputSerializer(serializers.Serializer):
    organization = OrganizationOutputSerializer()
    membership = MemberOutputSerializer()


class MeApi(APIView):
    @extend_schema(responses=MeOutputSerializer, summary="The token's organization and membership")
    def get(self, request):
        data = MeOutputSerializer({"organization": request.org, "membership": request.member}).data
        return Response(data)


class MemberFilterSet(UpdatedSinceFilterSet):
    role = filters.ChoiceFilter(choices=Membership.Role.choices)
    status = filters.ChoiceFilter(choices=Membership.Status.choices)
    team = filters.CharFilter()
    manager = IdFilter(field_name="manager_id")
    email = filters.CharFilter(field_name="user__email", lookup_expr="iexact")

    class Meta:
        model = Membership
        fields = ["role", "status", "team", "manager", "email", "updated_since"]


class MemberListApi(generics.ListAPIView):
    """Members of the token's organization, oldest change first (cursor-paginated).

    HR and admin tokens see everyone; any other token its owner and their direct reports.
    """

    serializer_class = MemberOutputSerializer
    filterset_class = MemberFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no member
            return Membership.objects.none()
        return member_list(member=self.request.member, status="")


class MemberDetailApi(generics.RetrieveAPIView):
    serializer_class = MemberOutputSerializer

    def get_object(self):
        from alliance.selectors import get_membership_for_member

        return get_membership_for_member(self.request.member, self.kwargs["pk"])
