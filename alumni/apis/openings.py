"""REST API of job openings (``/api/v1/openings/``): ``invest`` only; at a lower level every route is a 404."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import UpdatedSinceFilterSet
from alliance.etags import VersionedResourceMixin
from alliance.serializers import InputSerializer, StrictCharField, no_input
from alumni import rights, selectors, services
from alumni.apis._common import _network
from alumni.models import MAX_OPENING_TEXT, Opening


class OpeningOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Opening
        fields = ["id", "title", "team", "location", "description", "state", "closed_at", "created_at", "updated_at"]
        read_only_fields = fields


class OpeningFilterSet(UpdatedSinceFilterSet):
    state = filters.ChoiceFilter(choices=Opening.State.choices, help_text="HR: open or closed (others: open only).")

    class Meta:
        model = Opening
        fields = ["state", "updated_since"]


class OpeningInputSerializer(InputSerializer):
    title = StrictCharField(max_length=200)
    team = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    location = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    description = StrictCharField(max_length=MAX_OPENING_TEXT)


class OpeningUpdateInputSerializer(InputSerializer):
    title = StrictCharField(max_length=200, required=False)
    team = StrictCharField(max_length=100, required=False, allow_blank=True)
    location = StrictCharField(max_length=200, required=False, allow_blank=True)
    description = StrictCharField(max_length=MAX_OPENING_TEXT, required=False)


def _opening(request, pk: int) -> Opening:
    return rights.access_opening(request.member, _network(request), pk)


@extend_schema_view(
    get=extend_schema(summary="Job openings: open ones (HR: every one)",
                      description="Offered when the organization invests in its alumni (`invest`); "
                                  "otherwise 404.", responses=OpeningOutputSerializer),
    post=extend_schema(summary="Post a job opening (HR)", request=OpeningInputSerializer,
                       responses={201: OpeningOutputSerializer}),
)
class OpeningListApi(generics.ListAPIView):
    serializer_class = OpeningOutputSerializer
    filterset_class = OpeningFilterSet
    queryset = Opening.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Opening.objects.none()
        network = _network(self.request)
        rights.require_openings(self.request.member, network)
        return selectors.opening_api_list(member=self.request.member, settings=network)

    def post(self, request):
        rights.require_openings(request.member, _network(request))  # before reading the body
        serializer = OpeningInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        opening = services.opening_create(by=request.member, **serializer.validated_data)
        return Response(OpeningOutputSerializer(opening).data, status=201)


@extend_schema_view(
    get=extend_schema(summary="Retrieve a job opening", responses=OpeningOutputSerializer),
    patch=extend_schema(summary="Change a job opening (HR)", request=OpeningUpdateInputSerializer,
                        responses=OpeningOutputSerializer),
)
class OpeningDetailApi(VersionedResourceMixin, APIView):
    queryset = Opening.objects.none()

    def get(self, request, pk: int):
        return Response(OpeningOutputSerializer(_opening(request, pk)).data)

    def patch(self, request, pk: int):
        opening = _opening(request, pk)
        serializer = OpeningUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.opening_update(by=request.member, opening=opening, data=dict(serializer.validated_data))
        return Response(OpeningOutputSerializer(opening).data)


@extend_schema_view(post=extend_schema(summary="Close a job opening (HR): it takes no more referrals",
                                       request=None, responses=OpeningOutputSerializer))
class OpeningCloseApi(APIView):
    queryset = Opening.objects.none()

    def post(self, request, pk: int):
        opening = _opening(request, pk)
        no_input(request)
        opening = services.opening_close(by=request.member, opening=opening)
        return Response(OpeningOutputSerializer(opening).data)
