"""Companies (list, create, detail, merge) and tags."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import UpdatedSinceFilterSet
from alliance.serializers import InputSerializer, StrictBooleanField, StrictCharField
from network_intel import rights, selectors, services
from network_intel.apis._common import validated_input
from network_intel.models.companies import Company, Tag

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


class CompanyCreateInputSerializer(InputSerializer):
    name = StrictCharField(max_length=200)
    domain = StrictCharField(max_length=253, required=False, allow_blank=True, default="")
    industry = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    allow_similar = StrictBooleanField(required=False, default=False,
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
        company = services.company_create(by=request.member, **validated_input(CompanyCreateInputSerializer, request))
        return Response(CompanyOutputSerializer(company).data, status=201)


class CompanyDetailApi(APIView):
    serializer_class = CompanyOutputSerializer

    @extend_schema(summary="Retrieve a company", responses=CompanyOutputSerializer)
    def get(self, request, pk: int):
        return Response(CompanyOutputSerializer(rights.access_company(request.member, pk)).data)


class MergeInputSerializer(InputSerializer):
    into = serializers.IntegerField(help_text="The company that stays.")


class CompanyMergeApi(APIView):
    serializer_class = CompanyOutputSerializer

    @extend_schema(summary="Merge this company into another (HR); notes, contacts and follows move",
                   request=MergeInputSerializer, responses=CompanyOutputSerializer)
    def post(self, request, pk: int):
        source = rights.access_company(request.member, pk)
        data = validated_input(MergeInputSerializer, request)
        target = Company.objects.for_org(request.member.organization_id).filter(pk=data["into"]).first()
        if target is None:
            raise ValidationError({"into": ["No company of this organization has this id."]})
        return Response(CompanyOutputSerializer(services.company_merge(by=request.member, source=source,
                                                                       target=target)).data)


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
        return selectors.tags_visible_to(self.request.member)
