"""``GET /api/v1/history/``: the audit trail for API clients, the same selector as the log page."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.history.selectors import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    Cursor,
    HistoryFilter,
    InvalidCursor,
    access_record,
    history_page,
    visible_records,
)
from alliance.permissions import IsOrganizationMember

ID_MAX = 2**63 - 1


# Times as every API time is written: ISO 8601 in UTC with a Z (DRF's DateTimeField; the API's zone is UTC).
AT = serializers.DateTimeField()


class HistoryQuerySerializer(serializers.Serializer):
    record_type = serializers.CharField(required=False, max_length=40)
    record_id = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    actor = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX,
                                     help_text="The id of the membership that made the change.")
    since = serializers.DateTimeField(required=False, help_text="Changes at or after this time.")
    cursor = serializers.CharField(required=False, max_length=200)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)

    def validate(self, attrs):
        if "record_id" in attrs and "record_type" not in attrs:
            raise ValidationError({"record_type": ["Give the kind of record with its id."]})
        return attrs


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field's label.")
    # "from" and "to" are Python keywords: declared below.


HistoryChangeSerializer._declared_fields["from"] = serializers.CharField(allow_null=True, help_text="Before.")
HistoryChangeSerializer._declared_fields["to"] = serializers.CharField(allow_null=True, help_text="After.")


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField(help_text="Created, Changed, Deleted, or what a tour's revision says.")
    record_type = serializers.CharField()
    record_id = serializers.IntegerField(allow_null=True)
    record = serializers.CharField(help_text="The record's name.")
    actor = serializers.IntegerField(allow_null=True, help_text="The membership that made the change.")
    actor_name = serializers.CharField()
    source = serializers.CharField(help_text="Web, API (token), background task, import…")
    changes = HistoryChangeSerializer(many=True)


class HistoryPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = HistoryEntrySerializer(many=True)


class HistoryListApi(APIView):
    """Who changed what and when, newest first. HR and admin tokens read every record's history; any other
    token the history of its owner's own records (their membership, tours and expenses). Another
    organization's record, or one the token may not read, is a 404."""

    permission_classes = [IsOrganizationMember]

    @extend_schema(
        operation_id="history_list",
        parameters=[
            OpenApiParameter("record_type", OpenApiTypes.STR, enum=["membership", "invitation", "tour", "exit",
                                                                     "alumni-settings", "fund-policy", "expense"],
                             description="The kind of record (a token that is not HR's or an admin's reads "
                                         "membership, tour and expense)."),
            OpenApiParameter("record_id", {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                             description="One record's history (with record_type)."),
            OpenApiParameter("actor", {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                             description="Changes made by this membership."),
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Changes at or after this time."),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="The `next` link's cursor, as it is."),
            OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                             description=f"Entries per page (default {PAGE_SIZE})."),
        ],
        responses=HistoryPageSerializer,
    )
    def get(self, request):
        query = HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        member = request.member
        record_type = data.get("record_type", "")
        if record_type and record_type not in visible_records(member):
            raise ValidationError({"record_type": [
                f"Choose one of: {', '.join(visible_records(member))}."]})
        if "record_id" in data:
            try:
                access_record(member, record_type, data["record_id"])
            except Http404 as error:
                raise NotFound("No such record.") from error
        after = None
        if data.get("cursor"):
            try:
                after = Cursor.decode(data["cursor"])
            except InvalidCursor as error:
                raise ValidationError({"cursor": [str(error)]}) from error
        filters = HistoryFilter(record_type=record_type, record_id=data.get("record_id"), actor=data.get("actor"),
                                since=data.get("since"))
        page = history_page(viewer=member, filters=filters, after=after, limit=data.get("page_size", PAGE_SIZE))
        next_url = None
        if page.next_cursor is not None:
            params = request.query_params.copy()
            params["cursor"] = page.next_cursor.encode()
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response({"next": next_url, "results": [{
            "at": AT.to_representation(entry.at), "action": entry.action,
            "record_type": entry.record_type, "record_id": entry.record_id, "record": entry.record_label,
            "actor": entry.actor_id, "actor_name": entry.actor, "source": entry.source,
            "changes": [{"field": change.label, "from": change.old.text or None, "to": change.new.text or None}
                        for change in entry.changes],
        } for entry in page.entries]})
