"""Rotational programs over the API: list, read, create and change (HR), and starting a cohort.
"""

from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import ColumnListMixin, UpdatedSinceFilterSet, api_datetimes
from alliance.etags import VersionedResourceMixin
from alliance.permissions import IsOrganizationHR
from alliance.serializers import BoundedListField, InputSerializer, StrictBooleanField, StrictCharField
from tours import limits, rights, selectors, services
from tours.apis._common import _input
from tours.models import RotationalProgram


class ProgramOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = RotationalProgram
        fields = ["id", "name", "description", "duration_months", "mission_template", "company_objectives",
                  "employee_benefits", "success_criteria", "cadence_months", "is_active", "created_at",
                  "updated_at"]


class ProgramInputSerializer(InputSerializer):
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
    is_active = StrictBooleanField(required=False, default=True)


class ProgramUpdateInputSerializer(ProgramInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class CohortInputSerializer(InputSerializer):
    start_date = serializers.DateField()
    members = BoundedListField(child=serializers.IntegerField(), min_length=1, max_length=limits.COHORT_MEMBERS_MAX)
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
class ProgramDetailApi(VersionedResourceMixin, APIView):
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
