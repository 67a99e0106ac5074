"""REST API of job openings (``/api/v1/openings/``) and of CVs on referrals.

Openings exist only when the organization invests in its alumni (``invest``); at a lower
level every route here is a 404. Everyone on the board lists open openings; HR also closed
ones, and posts, changes and closes them. An alumnus applies to come back from one.
Reads come from ``alumni.reach_selectors`` / ``alumni.reach_rights``; writes call
``alumni.reach_services``, one view per operation.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance import uploads
from alliance.apis import UpdatedSinceFilterSet
from alliance.serializers import StrictCharField
from alumni import reach_rights, reach_selectors, reach_services, selectors
from alumni.models import Opening
from alumni.reach_models import MAX_OPENING_TEXT


def _network(request):
    return selectors.network_settings(request.org)


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


class OpeningInputSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200)
    team = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    location = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    description = StrictCharField(max_length=MAX_OPENING_TEXT)


class OpeningUpdateInputSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200, required=False)
    team = StrictCharField(max_length=100, required=False, allow_blank=True)
    location = StrictCharField(max_length=200, required=False, allow_blank=True)
    description = StrictCharField(max_length=MAX_OPENING_TEXT, required=False)


def _opening(request, pk: int) -> Opening:
    return reach_rights.access_opening(request.member, _network(request), pk)


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
        reach_rights.require_openings(self.request.member, network)
        return reach_selectors.opening_api_list(member=self.request.member, settings=network)

    def post(self, request):
        reach_rights.require_openings(request.member, _network(request))  # before reading the body
        serializer = OpeningInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        opening = reach_services.opening_create(by=request.member, **serializer.validated_data)
        return Response(OpeningOutputSerializer(opening).data, status=201)


@extend_schema_view(
    get=extend_schema(summary="Retrieve a job opening", responses=OpeningOutputSerializer),
    patch=extend_schema(summary="Change a job opening (HR)", request=OpeningUpdateInputSerializer,
                        responses=OpeningOutputSerializer),
)
class OpeningDetailApi(APIView):
    queryset = Opening.objects.none()

    def get(self, request, pk: int):
        return Response(OpeningOutputSerializer(_opening(request, pk)).data)

    def patch(self, request, pk: int):
        opening = _opening(request, pk)
        serializer = OpeningUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reach_services.opening_update(by=request.member, opening=opening, data=dict(serializer.validated_data))
        return Response(OpeningOutputSerializer(opening).data)


@extend_schema_view(post=extend_schema(summary="Close a job opening (HR): it takes no more referrals",
                                       request=None, responses=OpeningOutputSerializer))
class OpeningCloseApi(APIView):
    queryset = Opening.objects.none()

    def post(self, request, pk: int):
        opening = reach_services.opening_close(by=request.member, opening=_opening(request, pk))
        return Response(OpeningOutputSerializer(opening).data)


class ReferralCvApi(APIView):
    @extend_schema(summary="Download a referral's CV (its referrer and HR)",
                   responses={(200, content_type): OpenApiTypes.BINARY for content_type in sorted(uploads.CV_TYPES)})
    def get(self, request, pk: int):
        referral = reach_rights.access_referral_cv(request.member, pk)
        return uploads.file_response(referral.cv, filename=referral.cv_name or "cv",
                                     content_type=referral.cv_content_type)
