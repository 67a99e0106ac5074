"""REST API of boomerangs (``/api/v1/boomerangs/``) and the boomerang rate."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import UpdatedSinceFilterSet
from alliance.models import Membership
from alliance.permissions import IsOrganizationHR
from alliance.serializers import InputSerializer, StrictCharField
from alumni import rights, selectors, services
from alumni.models import MAX_REFERRAL_TEXT, Boomerang
from tours import services as tour_services


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


class RehireInputSerializer(InputSerializer):
    member = serializers.IntegerField(help_text="The alumnus's membership id.")
    role = serializers.ChoiceField(choices=[(r, Membership.Role(r).label) for r in services.REHIRE_ROLES])
    manager = serializers.IntegerField(help_text="An active manager, HR person or administrator.")
    start_date = serializers.DateField()
    title = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    team = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    tour_kind = serializers.ChoiceField(choices=["rotational", "transformational", "foundational"])
    tour_title = StrictCharField(max_length=tour_services.TITLE_MAX)
    mission = StrictCharField(max_length=tour_services.MISSION_MAX)
    company_objectives = StrictCharField(max_length=tour_services.TERMS_TEXT_MAX)
    employee_benefits = StrictCharField(max_length=tour_services.TERMS_TEXT_MAX)
    end_date = serializers.DateField(required=False, allow_null=True, default=None)


class DeclineInputSerializer(InputSerializer):
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
