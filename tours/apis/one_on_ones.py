"""Recurring 1:1s over the API: list and start series, read and change one, end it; its meetings
(occurrences) with talking points, action items and your own private note; move, skip, record a meeting;
add and tick talking points. The same services as the pages; refusals are 403, invisible objects 404.
"""

from __future__ import annotations

from django.db import transaction
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import UpdatedSinceFilterSet
from alliance.etags import VersionedResourceMixin
from alliance.serializers import BoundedListField, InputSerializer, StrictBooleanField, StrictCharField, no_input
from tours import limits, selectors, services
from tours.models import (
    DEFAULT_ONE_ON_ONE_MINUTES,
    MAX_CHECKPOINT_MINUTES,
    MIN_CHECKPOINT_MINUTES,
    OneOnOne,
    OneOnOneActionItem,
    OneOnOneSeries,
    TalkingPoint,
)

REFUSED = OpenApiResponse(description="Refused: the message says why (403 when it is not yours to do).")


class TalkingPointOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = TalkingPoint
        fields = ["id", "meeting", "text", "added_by", "discussed", "carried_from", "created_at", "updated_at"]


class OneOnOneActionItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = OneOnOneActionItem
        fields = ["id", "text", "owner", "done", "created_at"]


class OccurrenceOutputSerializer(serializers.ModelSerializer):
    ends_at = serializers.DateTimeField()
    talking_points = TalkingPointOutputSerializer(many=True)
    action_items = OneOnOneActionItemOutputSerializer(many=True)
    private_note = serializers.SerializerMethodField(help_text="Your own private note; nobody else's is shown.")

    class Meta:
        model = OneOnOne
        fields = ["id", "series", "original_at", "scheduled_at", "duration_minutes", "ends_at", "moved", "status",
                  "shared_notes", "held_at", "held_by", "talking_points", "action_items", "private_note",
                  "created_at", "updated_at"]

    def get_private_note(self, meeting: OneOnOne) -> str:
        return selectors.my_meeting_note(meeting)


class SeriesOutputSerializer(serializers.ModelSerializer):
    next_meeting_at = serializers.SerializerMethodField()

    class Meta:
        model = OneOnOneSeries
        fields = ["id", "manager", "report", "cadence", "first_date", "local_time", "time_zone", "duration_minutes",
                  "location", "ends_on", "status", "uid", "sequence", "next_meeting_at", "ended_at", "created_at",
                  "updated_at"]

    def get_next_meeting_at(self, series: OneOnOneSeries) -> str | None:
        upcoming = getattr(series, "upcoming_meetings", None)
        if upcoming is None:
            upcoming = selectors.series_meetings(member=self.context["request"].member, series=series,
                                                 upcoming_only=True)
            upcoming = [m for m in upcoming if m.is_scheduled]
        first = upcoming[0].scheduled_at if upcoming else None
        return serializers.DateTimeField().to_representation(first) if first else None


class SeriesScheduleInputSerializer(InputSerializer):
    cadence = serializers.ChoiceField(choices=OneOnOneSeries.Cadence.choices)
    first_date = serializers.DateField(help_text="The first meeting's day (monthly: day 1–28); for a change, the "
                                                 "day the new schedule starts.")
    local_time = serializers.TimeField(help_text="In the manager's time zone; the same local time all year.")
    duration_minutes = serializers.IntegerField(min_value=MIN_CHECKPOINT_MINUTES, max_value=MAX_CHECKPOINT_MINUTES,
                                                required=False, default=DEFAULT_ONE_ON_ONE_MINUTES)
    location = StrictCharField(max_length=limits.LOCATION_MAX, required=False, allow_blank=True, default="")
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class SeriesCreateInputSerializer(SeriesScheduleInputSerializer):
    report = serializers.IntegerField(help_text="The direct report's membership id.")


def _series_response(request, pk: int, *, status_code: int = 200) -> Response:
    series = selectors.get_series_for_member(request.member, pk)
    return Response(SeriesOutputSerializer(series, context={"request": request}).data, status=status_code)


def _input(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class SeriesFilterSet(UpdatedSinceFilterSet):
    status = filters.ChoiceFilter(choices=OneOnOneSeries.Status.choices)

    class Meta:
        model = OneOnOneSeries
        fields = ["status", "updated_since"]


@extend_schema_view(
    get=extend_schema(summary="List the 1:1 series you can see", responses=SeriesOutputSerializer(many=True)),
    post=extend_schema(summary="Start a recurring 1:1 with a direct report", request=SeriesCreateInputSerializer,
                       responses={201: SeriesOutputSerializer, 400: REFUSED, 403: REFUSED}),
)
class OneOnOneSeriesListApi(generics.ListAPIView):
    serializer_class = SeriesOutputSerializer
    filterset_class = SeriesFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OneOnOneSeries.objects.none()
        return selectors.series_list(member=self.request.member).order_by("-created_at", "-id")

    def post(self, request):
        data = _input(SeriesCreateInputSerializer, request)
        report = selectors.active_members(request.member).select_related("user", "manager__user").filter(
            pk=data.pop("report")).first()
        if report is None:
            raise ValidationError({"report": ["Choose one of your direct reports."]})
        series = services.one_on_one_series_start(by=request.member, report=report, **data)
        return _series_response(request, series.pk, status_code=201)


@extend_schema_view(
    get=extend_schema(summary="Retrieve a 1:1 series", responses=SeriesOutputSerializer),
    put=extend_schema(summary="Change the series from a day on (manager or HR)", request=SeriesScheduleInputSerializer,
                      description="Every meeting not yet held follows the new schedule; calendars get the same UID "
                                  "with a higher SEQUENCE.",
                      responses={200: SeriesOutputSerializer, 400: REFUSED, 403: REFUSED, 412: REFUSED}),
)
class OneOnOneSeriesDetailApi(VersionedResourceMixin, APIView):
    def get(self, request, pk: int):
        return _series_response(request, pk)

    def put(self, request, pk: int):
        series = selectors.get_series_for_member(request.member, pk)
        data = _input(SeriesScheduleInputSerializer, request)
        services.one_on_one_series_update(series=series, by=request.member, **data)
        return _series_response(request, pk)


class OneOnOneSeriesEndApi(APIView):
    @extend_schema(summary="End a 1:1 series (manager or HR)", request=None,
                   description="The meetings to come are skipped; calendars get METHOD:CANCEL.",
                   responses={200: SeriesOutputSerializer, 400: REFUSED, 403: REFUSED})
    def post(self, request, pk: int):
        series = selectors.get_series_for_member(request.member, pk)
        no_input(request)
        services.one_on_one_series_end(series=series, by=request.member)
        return _series_response(request, pk)


class OccurrenceListApi(generics.ListAPIView):
    serializer_class = OccurrenceOutputSerializer
    pagination_class = None  # bounded: the last meetings held and the few to come

    @extend_schema(summary="The meetings of a 1:1 series", responses=OccurrenceOutputSerializer(many=True))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OneOnOne.objects.none()
        series = selectors.get_series_for_member(self.request.member, self.kwargs["pk"])
        return selectors.series_meetings(member=self.request.member, series=series)


def _occurrence_response(request, pk: int, *, status_code: int = 200) -> Response:
    meeting = selectors.get_meeting_for_member(request.member, pk)
    return Response(OccurrenceOutputSerializer(meeting).data, status=status_code)


class OccurrenceDetailApi(VersionedResourceMixin, APIView):
    @extend_schema(summary="Retrieve one meeting of a 1:1 series", responses=OccurrenceOutputSerializer)
    def get(self, request, pk: int):
        return _occurrence_response(request, pk)


class MoveInputSerializer(InputSerializer):
    scheduled_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=MIN_CHECKPOINT_MINUTES, max_value=MAX_CHECKPOINT_MINUTES,
                                                required=False)


class OccurrenceMoveApi(APIView):
    @extend_schema(summary="Move one meeting (manager or HR)", request=MoveInputSerializer,
                   description="Only this meeting moves; calendars get a RECURRENCE-ID override.",
                   responses={200: OccurrenceOutputSerializer, 400: REFUSED, 403: REFUSED})
    def post(self, request, pk: int):
        meeting = selectors.get_meeting_for_member(request.member, pk)
        data = _input(MoveInputSerializer, request)
        services.one_on_one_move(meeting=meeting, by=request.member, **data)
        return _occurrence_response(request, pk)


class OccurrenceSkipApi(APIView):
    @extend_schema(summary="Skip one meeting (manager or HR)", request=None,
                   description="Open talking points move to the next meeting; calendars cancel that instance.",
                   responses={200: OccurrenceOutputSerializer, 400: REFUSED, 403: REFUSED})
    def post(self, request, pk: int):
        meeting = selectors.get_meeting_for_member(request.member, pk)
        no_input(request)
        services.one_on_one_skip(meeting=meeting, by=request.member)
        return _occurrence_response(request, pk)


class NewActionInputSerializer(InputSerializer):
    text = StrictCharField(max_length=limits.ITEM_TEXT_MAX)
    owner = serializers.IntegerField(required=False, allow_null=True, default=None,
                                     help_text="The manager's or the report's membership id.")


class RecordInputSerializer(InputSerializer):
    shared_notes = StrictCharField(max_length=limits.NOTES_MAX, required=False, allow_blank=True, default="")
    discussed_talking_points = BoundedListField(child=serializers.IntegerField(), required=False, default=list,
                                                max_length=limits.DISCUSSED_ITEMS_MAX)
    action_items = NewActionInputSerializer(many=True, required=False, default=list,
                                            max_length=limits.ACTION_ITEMS_MAX)


class OccurrenceRecordApi(APIView):
    @extend_schema(summary="Record a meeting as held (manager or HR)", request=RecordInputSerializer,
                   description="Talking points not discussed carry over to the next meeting.",
                   responses={200: OccurrenceOutputSerializer, 400: REFUSED, 403: REFUSED})
    def post(self, request, pk: int):
        meeting = selectors.get_meeting_for_member(request.member, pk)
        data = _input(RecordInputSerializer, request)
        series = meeting.series
        people = {series.manager_id: series.manager, series.report_id: series.report}
        items = []
        for item in data["action_items"]:
            if item["owner"] is not None and item["owner"] not in people:
                raise ValidationError({"action_items": ["An owner is the manager or the report."]})
            items.append((item["text"], people.get(item["owner"])))
        services.one_on_one_record(meeting=meeting, by=request.member, shared_notes=data["shared_notes"],
                                   discussed_ids=data["discussed_talking_points"], action_items=items)
        return _occurrence_response(request, pk)


class TalkingPointInputSerializer(InputSerializer):
    text = StrictCharField(max_length=limits.ITEM_TEXT_MAX)


class PrivateNoteInputSerializer(InputSerializer):
    body = StrictCharField(max_length=limits.NOTES_MAX, allow_blank=True)


class TalkingPointAddApi(APIView):
    @extend_schema(summary="Add a talking point to a meeting (either participant)",
                   request=TalkingPointInputSerializer,
                   responses={201: TalkingPointOutputSerializer, 400: REFUSED, 403: REFUSED})
    def post(self, request, pk: int):
        meeting = selectors.get_meeting_for_member(request.member, pk)
        data = _input(TalkingPointInputSerializer, request)
        point = services.talking_point_add(meeting=meeting, by=request.member, text=data["text"])
        return Response(TalkingPointOutputSerializer(point).data, status=201)


class OccurrencePrivateNoteApi(APIView):
    @extend_schema(summary="Write your own private note on a meeting (either participant)",
                   request=PrivateNoteInputSerializer, responses={200: OccurrenceOutputSerializer, 403: REFUSED})
    def post(self, request, pk: int):
        meeting = selectors.get_meeting_for_member(request.member, pk)
        data = _input(PrivateNoteInputSerializer, request)
        services.one_on_one_private_note_save(meeting=meeting, by=request.member, body=data["body"])
        return _occurrence_response(request, pk)


class TalkingPointUpdateInputSerializer(InputSerializer):
    discussed = StrictBooleanField()


class TalkingPointDetailApi(VersionedResourceMixin, APIView):
    def current_representation(self, request, pk: int) -> Response:
        return Response(TalkingPointOutputSerializer(selectors.get_talking_point_for_member(request.member, pk)).data)

    @extend_schema(summary="Retrieve a talking point", responses=TalkingPointOutputSerializer)
    def get(self, request, pk: int):
        return self.current_representation(request, pk)

    @extend_schema(summary="Tick a talking point as discussed (either participant)",
                   request=TalkingPointUpdateInputSerializer,
                   responses={200: TalkingPointOutputSerializer, 403: REFUSED})
    def patch(self, request, pk: int):
        point = selectors.get_talking_point_for_member(request.member, pk)
        data = _input(TalkingPointUpdateInputSerializer, request)
        with transaction.atomic():
            point = services.talking_point_set_discussed(point=point, by=request.member, discussed=data["discussed"])
        return Response(TalkingPointOutputSerializer(point).data)
