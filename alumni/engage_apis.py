"""REST API of the alumni network's engagement: ``/api/v1/events/`` (with ``rsvp`` and ``cancel-rsvp``),
read-only ``/api/v1/alumni-news/`` and ``/api/v1/benefits/``.

The level gate comes first (a feature the level does not offer is a 404 for everyone, like an object of
another organization); lists are one query over an ``(organization, updated_at, id)`` index."""

from __future__ import annotations

from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import DateTimeFilter, UpdatedSinceFilterSet
from alliance.models import Organization
from alliance.serializers import StrictCharField
from alumni import engage_rights as rights
from alumni import engage_selectors as selectors
from alumni import engage_services as services
from alumni.models import AlumniEvent, Benefit, BenefitKind, BenefitTier, EventRsvp, NewsPost
from alumni.selectors import network_settings


def _gate(request, check):
    settings = network_settings(Organization.objects.get(pk=request.member.organization_id))
    if not check(request.member, settings):
        raise Http404("No such page.")
    return settings


class GatedListMixin:
    """A list of a feature the level may not offer. Bad parameters (filters, cursor, page size) are a 400
    like on every list, whatever the level; then the level's gate (404); then the list itself."""

    level_check = staticmethod(lambda member, settings: False)

    def list(self, request, *args, **kwargs):
        self.filter_queryset(self.serializer_class.Meta.model.objects.none())
        if self.paginator is not None:
            self.paginator.decode_cursor(request)
            self.paginator.get_page_size(request)
        _gate(request, self.level_check)
        return super().list(request, *args, **kwargs)


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


class EventOutputSerializer(serializers.ModelSerializer):
    going = serializers.IntegerField(help_text="Seats taken.")
    waiting = serializers.IntegerField(help_text="People on the waiting list.")
    my_state = StrictCharField(help_text="The caller's answer: `going`, `waiting`, `cancelled`, or empty (none).")
    cancelled = serializers.SerializerMethodField()

    class Meta:
        model = AlumniEvent
        fields = ["id", "title", "description", "starts_at", "ends_at", "place", "link", "capacity", "going",
                  "waiting", "my_state", "cancelled", "cancelled_at", "created_at", "updated_at"]
        read_only_fields = fields

    def get_cancelled(self, event: AlumniEvent) -> bool:
        return event.cancelled_at is not None


class EventFilterSet(UpdatedSinceFilterSet):
    starts_after = DateTimeFilter(field_name="starts_at", lookup_expr="gte",
                                             help_text="Only events starting at or after this time.")

    class Meta:
        model = AlumniEvent
        fields = ["starts_after", "updated_since"]


@extend_schema_view(get=extend_schema(summary="Alumni events (invest), with seats taken and the caller's answer",
                                      responses=EventOutputSerializer))
class EventListApi(GatedListMixin, generics.ListAPIView):
    level_check = staticmethod(rights.can_see_events)
    serializer_class = EventOutputSerializer
    filterset_class = EventFilterSet
    queryset = AlumniEvent.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AlumniEvent.objects.none()
        return selectors.event_list(member=self.request.member)


def _event_out(request, pk: int) -> dict:
    return EventOutputSerializer(selectors.event_with_counts(member=request.member, event_id=pk)).data


@extend_schema_view(get=extend_schema(summary="Retrieve an alumni event", responses=EventOutputSerializer))
class EventDetailApi(APIView):
    queryset = AlumniEvent.objects.none()

    def get(self, request, pk: int):
        settings = network_settings(Organization.objects.get(pk=request.member.organization_id))
        rights.access_event(request.member, settings, pk)
        return Response(_event_out(request, pk))


class RsvpOutputSerializer(serializers.Serializer):
    state = StrictCharField(help_text="`going`: a seat is yours; `waiting`: the event is full, you are on the "
                                      "waiting list (see waiting_position); `cancelled`.")
    waiting_position = serializers.IntegerField(allow_null=True, help_text="1 is next in line; null unless waiting.")
    event = EventOutputSerializer()


def _rsvp_out(request, rsvp: EventRsvp) -> dict:
    return {"state": rsvp.state, "waiting_position": selectors.waiting_position(rsvp),
            "event": _event_out(request, rsvp.event_id)}


@extend_schema_view(post=extend_schema(
    summary="Answer an event: a seat while there is one, else the waiting list (state `waiting`)",
    request=None, responses={201: RsvpOutputSerializer, 200: RsvpOutputSerializer}))
class EventRsvpApi(APIView):
    queryset = AlumniEvent.objects.none()

    def post(self, request, pk: int):
        settings = network_settings(Organization.objects.get(pk=request.member.organization_id))
        event = rights.access_event(request.member, settings, pk)
        before = selectors.rsvp_of(event, request.member)
        created = before is None or before.state == EventRsvp.State.CANCELLED
        rsvp = services.event_rsvp(event=event, by=request.member)
        return Response(_rsvp_out(request, rsvp), status=201 if created else 200)


@extend_schema_view(post=extend_schema(
    summary="Withdraw an answer; a freed seat goes to the first person waiting (who is told)",
    request=None, responses=RsvpOutputSerializer))
class EventCancelRsvpApi(APIView):
    queryset = AlumniEvent.objects.none()

    def post(self, request, pk: int):
        settings = network_settings(Organization.objects.get(pk=request.member.organization_id))
        event = rights.access_event(request.member, settings, pk)
        rsvp = services.event_rsvp_cancel(event=event, by=request.member)
        return Response(_rsvp_out(request, rsvp))


