"""The alumni import over the API: preview a file, read an import, apply it (HR)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import PeopleImportApplyInputSerializer
from alliance.import_apis import ImportOutputSerializer, import_apply_response
from alliance.models import PeopleImport
from alliance.parsers import DepthLimitedJSONParser
from alliance.permissions import IsOrganizationHR
from alliance.serializers import InputSerializer, StrictCharField
from alliance.services.imports import import_apply_start
from alumni.selectors.imports import get_alumni_import_for_member
from alumni.services.imports import alumni_import_preview, alumni_import_undelivered


class AlumniImportInputSerializer(InputSerializer):
    file = serializers.FileField(help_text="A CSV (UTF-8) or XLSX with the columns of the template: Personal "
                                           "e-mail, Full name, Last working day, Exit kind, Rehire eligibility, "
                                           "Rehire reason.")


class AlumniImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row in the spreadsheet (the header is row 1).")
    email = StrictCharField()
    full_name = StrictCharField()
    kind = serializers.ChoiceField(choices=["new", "error"])
    errors = serializers.ListField(child=StrictCharField(), required=False)


class AlumniImportOutputSerializer(ImportOutputSerializer):
    new = serializers.IntegerField(source="new_count")
    errors = serializers.IntegerField(source="error_count")
    invitations_sent = serializers.IntegerField()
    rows = serializers.SerializerMethodField(help_text="Every row, the refused ones with their reasons.")
    undelivered = serializers.SerializerMethodField(help_text="Invitations the mail server refused (bounced or "
                                                              "unknown addresses).")

    @extend_schema_field(AlumniImportRowSerializer(many=True))
    def get_rows(self, alumni_import: PeopleImport) -> list[dict]:
        return [{key: entry[key] for key in ("row", "email", "full_name", "kind", "errors") if key in entry}
                for entry in alumni_import.preview]

    @extend_schema_field(serializers.ListField(child=serializers.DictField(child=StrictCharField())))
    def get_undelivered(self, alumni_import: PeopleImport) -> list[dict]:
        return alumni_import_undelivered(alumni_import=alumni_import)


class AlumniImportCreateApi(APIView):
    permission_classes = [IsOrganizationHR]
    parser_classes = [DepthLimitedJSONParser, MultiPartParser]

    @extend_schema(summary="Preview an alumni import (HR; multipart/form-data, the file in `file`)",
                   description="Nobody is added: the answer counts new and refused rows, each refused row with "
                               "its number and reasons. Apply it with `…/apply/`.",
                   request={"multipart/form-data": AlumniImportInputSerializer},
                   responses={201: AlumniImportOutputSerializer})
    def post(self, request):
        if "file" not in request.FILES:
            raise exceptions.ValidationError({"file": ["Attach the spreadsheet in the field `file` "
                                                       "(multipart/form-data)."]})
        data = AlumniImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alumni_import = alumni_import_preview(by=request.member, uploaded=data.validated_data["file"])
        return Response(AlumniImportOutputSerializer(alumni_import).data, status=201)


class AlumniImportDetailApi(APIView):
    @extend_schema(summary="An alumni import's status, counts and undelivered invitations (HR)",
                   responses=AlumniImportOutputSerializer)
    def get(self, request, pk: int):
        return Response(AlumniImportOutputSerializer(get_alumni_import_for_member(request.member, pk)).data)


class AlumniImportApplyApi(APIView):
    @extend_schema(summary="Apply an alumni import, all or nothing (HR)",
                   description="Checks every row again; one refused row refuses the whole import (400) and "
                               "nobody is added. Applying an applied import changes nothing. With "
                               "`send_invitations`, each former employee gets one invitation to the network. A "
                               "large file goes to a worker: 202 with the status `applying`.",
                   request=PeopleImportApplyInputSerializer,
                   responses={200: AlumniImportOutputSerializer, 202: AlumniImportOutputSerializer})
    def post(self, request, pk: int):
        alumni_import = get_alumni_import_for_member(request.member, pk)
        data = PeopleImportApplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        applied = import_apply_start(people_import=alumni_import, by=request.member,
                                     options={"send_invitations": data.validated_data["send_invitations"]})
        return import_apply_response(applied, AlumniImportOutputSerializer)
