"""REST API of alumni events (``/api/v1/events/``) and answering them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import DateTimeFilter, UpdatedSinceFilterSet
from alliance.models import Organization
from alliance.serializers import OptionalChoiceOutputField, OptionalURLOutputField, StrictCharField, no_input
from alumni import rights, selectors, services
from alumni.apis._common import GatedListMixin
from alumni.models import AlumniEvent, EventRsvp
from alumni.selectors import network_settings


class EventOutputSerializer(serializers.ModelSerializer):
    going = serializers.IntegerField(help_text="Seats taken.")
    waiting = serializers.IntegerField(help_text="People on the waiting list.")
    link = OptionalURLOutputField(help_text="For an online event; null when it has none.")
    my_state = OptionalChoiceOutputField(EventRsvp.State.choices, help_text="The caller's answer; null when none.")
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
        no_input(request)
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
        no_input(request)
        rsvp = services.event_rsvp_cancel(event=event, by=request.member)
        return Response(_rsvp_out(request, rsvp))
