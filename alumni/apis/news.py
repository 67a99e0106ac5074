"""REST API of alumni news (``/api/v1/alumni-news/``)."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import UpdatedSinceFilterSet
from alliance.models import Organization
from alliance.serializers import StrictCharField
from alumni import rights
from alumni.apis._common import GatedListMixin
from alumni.models import NewsPost
from alumni.selectors import network_settings


class NewsPostOutputSerializer(serializers.ModelSerializer):
    body_html = StrictCharField(help_text="The body rendered from Markdown and sanitized.")

    class Meta:
        model = NewsPost
        fields = ["id", "title", "body", "body_html", "pinned", "published_at", "created_at", "updated_at"]
        read_only_fields = fields


class NewsFilterSet(UpdatedSinceFilterSet):
    pinned = filters.BooleanFilter()

    class Meta:
        model = NewsPost
        fields = ["pinned", "updated_since"]


def _can_read_news(member, settings) -> bool:
    return rights.can_read_news(member, settings) or rights.can_manage_news(member, settings)


@extend_schema_view(get=extend_schema(summary="Alumni news posts (from the support level)",
                                      responses=NewsPostOutputSerializer))
class NewsListApi(GatedListMixin, generics.ListAPIView):
    level_check = staticmethod(_can_read_news)
    serializer_class = NewsPostOutputSerializer
    filterset_class = NewsFilterSet
    queryset = NewsPost.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return NewsPost.objects.none()
        return NewsPost.objects.for_org(self.request.member.organization_id)


@extend_schema_view(get=extend_schema(summary="Retrieve an alumni news post", responses=NewsPostOutputSerializer))
class NewsDetailApi(APIView):
    queryset = NewsPost.objects.none()

    def get(self, request, pk: int):
        settings = network_settings(Organization.objects.get(pk=request.member.organization_id))
        return Response(NewsPostOutputSerializer(rights.access_news_post(request.member, settings, pk)).data)
