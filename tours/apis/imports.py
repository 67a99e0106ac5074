"""Tours from a spreadsheet over the API (HR): preview a file, read an import, apply it; the active tours
exported in the same columns (CSV or XLSX)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.import_apis import ImportOutputSerializer, import_apply_response
from alliance.models import PeopleImport
from alliance.parsers import DepthLimitedJSONParser
from alliance.permissions import IsOrganizationHR
from alliance.serializers import InputSerializer, StrictCharField
from alliance.services.imports import import_apply_start
from alliance.spreadsheets import CONTENT_TYPES, CSV, XLSX, table_bytes
from tours.selectors import get_tours_import_for_member, tours_export_rows
from tours.services.imports import HEADERS, tours_import_preview


class ToursImportInputSerializer(InputSerializer):
    file = serializers.FileField(help_text="A CSV (UTF-8) or XLSX with the columns: Employee e-mail, Manager "
                                           "e-mail (else the employee's manager), Tour kind, Mission, Tour start, "
                                           "Tour end.")


class ToursImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row in the spreadsheet (the header is row 1).")
    email = StrictCharField()
    full_name = StrictCharField()
    kind = serializers.ChoiceField(choices=["new", "error"])
    errors = serializers.ListField(child=StrictCharField(), required=False)


class ToursImportOutputSerializer(ImportOutputSerializer):
    new = serializers.IntegerField(source="new_count")
    errors = serializers.IntegerField(source="error_count")
    rows = serializers.SerializerMethodField(help_text="Every row, the refused ones with their reasons.")

    @extend_schema_field(ToursImportRowSerializer(many=True))
    def get_rows(self, tours_import: PeopleImport) -> list[dict]:
        return [{key: entry[key] for key in ("row", "email", "full_name", "kind", "errors") if key in entry}
                for entry in tours_import.preview]


class ToursImportCreateApi(APIView):
    permission_classes = [IsOrganizationHR]
    parser_classes = [DepthLimitedJSONParser, MultiPartParser]

    @extend_schema(summary="Preview a tours import (HR; multipart/form-data, the file in `file`)",
                   request={"multipart/form-data": ToursImportInputSerializer},
                   responses={201: ToursImportOutputSerializer})
    def post(self, request):
        if "file" not in request.FILES:
            raise exceptions.ValidationError({"file": ["Attach the spreadsheet in the field `file` "
                                                       "(multipart/form-data)."]})
        data = ToursImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tours_import = tours_import_preview(by=request.member, uploaded=data.validated_data["file"])
        return Response(ToursImportOutputSerializer(tours_import).data, status=201)


class ToursImportDetailApi(APIView):
    @extend_schema(summary="A tours import's status and rows (HR)", responses=ToursImportOutputSerializer)
    def get(self, request, pk: int):
        return Response(ToursImportOutputSerializer(get_tours_import_for_member(request.member, pk)).data)


class ToursImportApplyApi(APIView):
    @extend_schema(summary="Apply a tours import, all or nothing (HR)",
                   description="Every tour starts active with both sides named; its history says it was "
                               "imported. One refused row refuses the whole import (400). A large file goes "
                               "to a worker: 202 with the status `applying`.",
                   request=None, responses={200: ToursImportOutputSerializer, 202: ToursImportOutputSerializer})
    def post(self, request, pk: int):
        tours_import = get_tours_import_for_member(request.member, pk)
        return import_apply_response(import_apply_start(people_import=tours_import, by=request.member),
                                     ToursImportOutputSerializer)


class ToursExportApi(APIView):
    permission_classes = [IsOrganizationHR]

    @extend_schema(summary="The active tours in the tours import's columns (HR; `csv` or `xlsx`)",
                   responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request, fmt: str):
        if fmt not in (CSV, XLSX):
            raise Http404("No such format.")
        content = table_bytes(HEADERS, tours_export_rows(organization_id=request.member.organization_id), fmt,
                              title="Tours")
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="tours.{fmt}"'
        return response
