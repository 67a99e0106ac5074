"""What the API views of every import kind (people, alumni, tours) share: the status fields of an import
(its progress while a worker applies it, the reason an apply failed) and the apply's answer (202 while
it is being applied, 200 once applied)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from alliance.jobs import job_progress
from alliance.models import IMPORT_FILE_NAME_MAX, BackgroundJob, PeopleImport
from alliance.serializers import StrictCharField


class ImportProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()


def import_progress(people_import: PeopleImport) -> dict:
    """Rows done of the total: while applying, what the worker reported; applied, every row."""
    if people_import.status == PeopleImport.Status.APPLIED:
        return {"done": people_import.row_count, "total": people_import.row_count}
    if people_import.status == PeopleImport.Status.APPLYING and people_import.job is not None:
        done, total = job_progress(people_import.job)
        return {"done": done, "total": total}
    return {"done": 0, "total": len(people_import.rows)}


def import_apply_error(people_import: PeopleImport) -> str:
    job = people_import.job
    if people_import.status == PeopleImport.Status.PREVIEWED and job is not None \
            and job.status == BackgroundJob.Status.FAILED:
        return job.message
    return ""


class ImportOutputSerializer(serializers.Serializer):
    """The fields every import kind's answer has; each kind adds its counts and rows."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PeopleImport.Status.choices)
    file_name = StrictCharField(max_length=IMPORT_FILE_NAME_MAX)
    file_format = StrictCharField(max_length=8)
    unknown_columns = serializers.ListField(child=StrictCharField(max_length=200), max_length=200)
    created_at = serializers.DateTimeField()
    applied_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.SerializerMethodField(help_text="Rows applied of the total (a worker applies a large "
                                                           "file: follow `status` until `applied`).")
    apply_error = serializers.SerializerMethodField(help_text="Why the last apply failed (nothing was changed); "
                                                              "empty otherwise.")

    @extend_schema_field(ImportProgressSerializer)
    def get_progress(self, people_import: PeopleImport) -> dict:
        return import_progress(people_import)

    @extend_schema_field(serializers.CharField())
    def get_apply_error(self, people_import: PeopleImport) -> str:
        return import_apply_error(people_import)


def import_apply_response(people_import: PeopleImport, serializer_class: type[serializers.Serializer]) -> Response:
    """202 while a worker applies the import, 200 once it is applied."""
    status = 202 if people_import.status == PeopleImport.Status.APPLYING else 200
    return Response(serializer_class(people_import).data, status=status)
