"""REST API of the benefits catalog (``/api/v1/benefits/``)."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import UpdatedSinceFilterSet
from alliance.models import Organization
from alumni import rights, selectors
from alumni.apis._common import GatedListMixin
from alumni.models import Benefit, BenefitKind, BenefitTier
from alumni.selectors import network_settings


class BenefitOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Benefit
        fields = ["id", "title", "description", "kind", "tier", "how_to_claim", "created_at", "updated_at"]
        read_only_fields = fields


class BenefitFilterSet(UpdatedSinceFilterSet):
    kind = filters.ChoiceFilter(choices=BenefitKind.choices)
    tier = filters.ChoiceFilter(choices=BenefitTier.choices)

    class Meta:
        model = Benefit
        fields = ["kind", "tier", "updated_since"]


@extend_schema_view(get=extend_schema(
    summary="The alumni benefits catalog (invest): the tiers the caller belongs to; all of it for HR",
    responses=BenefitOutputSerializer))
class BenefitListApi(GatedListMixin, generics.ListAPIView):
    level_check = staticmethod(rights.can_see_benefits)
    serializer_class = BenefitOutputSerializer
    filterset_class = BenefitFilterSet
    queryset = Benefit.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Benefit.objects.none()
        return selectors.benefit_list(member=self.request.member)


@extend_schema_view(get=extend_schema(summary="Retrieve a benefit", responses=BenefitOutputSerializer))
class BenefitDetailApi(APIView):
    queryset = Benefit.objects.none()

    def get(self, request, pk: int):
        settings = network_settings(Organization.objects.get(pk=request.member.organization_id))
        return Response(BenefitOutputSerializer(rights.access_benefit(request.member, settings, pk)).data)
