from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.selectors import member_list


def exception_handler(exc, context):
    """ApplicationError → 400 with field errors (NotAllowed → 403); everything else as DRF does it."""
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message}
        if exc.field_errors:
            body["errors"] = exc.field_errors
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


class IdFilter(filters.NumberFilter):
    """A whole-number id. ``NumberFilter`` parses a Decimal, so ``?manager=1e9999999`` would reach
    ``int()`` in the lookup and spin on a ten-million-digit number; this one answers 400 instead."""

    field_class = forms.IntegerField


class UpdatedSinceFilterSet(filters.FilterSet):
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Only objects changed at or after this time."
    )


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
