"""REST API of the exit process (``/api/v1/exits/``, ``/api/v1/exit-tasks/``).

The confidential fields (HR note, rehire reason) are HR's only, like the exits themselves."""

from __future__ import annotations

from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import IdFilter, UpdatedSinceFilterSet
from alliance.etags import VersionedResourceMixin
from alliance.permissions import IsOrganizationHR
from alliance.serializers import (
    InputSerializer,
    OptionalChoiceOutputField,
    PeopleListSerializer,
    StrictBooleanField,
    StrictCharField,
    VisibleEmailField,
    no_input,
)
from alumni import rights, selectors, services
from alumni.limits import MAX_EXIT_NOTE
from alumni.models import ExitKind, ExitProcess, ExitTask


class ExitOutputSerializer(serializers.ModelSerializer):
    member_email = VisibleEmailField(source="member", help_text="The work address while the exit is open; "
                                     "after the last day, shown only with the alumnus's consent to be contacted.")
    member_name = StrictCharField(source="member.user.full_name")
    tasks_total = serializers.IntegerField()
    tasks_done = serializers.IntegerField()
    interview_status = serializers.SerializerMethodField()
    leaver_step_done = serializers.SerializerMethodField()
    rehire = OptionalChoiceOutputField(ExitProcess.Rehire.choices, help_text="Null until decided.")
    outcome = OptionalChoiceOutputField(ExitProcess.Outcome.choices, help_text="Null until the exit completes.")

    class Meta:
        model = ExitProcess
        fields = ["id", "member", "member_email", "member_name", "kind", "last_working_day", "initiated_by",
                  "state", "hr_note", "good_standing", "rehire", "rehire_reason", "alumni_tier", "regretted",
                  "alumni_despite", "alumni_despite_note", "outcome", "tasks_total", "tasks_done",
                  "interview_status", "leaver_step_done", "completed_at", "cancelled_at", "created_at", "updated_at"]
        read_only_fields = fields
        list_serializer_class = PeopleListSerializer

    def get_interview_status(self, process: ExitProcess) -> str:
        interviews = list(process.interviews.all())
        return interviews[0].status if interviews else ""

    def get_leaver_step_done(self, process: ExitProcess) -> bool:
        steps = list(process.leaver_steps.all())
        return bool(steps) and steps[0].is_complete


class ExitFilterSet(UpdatedSinceFilterSet):
    state = filters.ChoiceFilter(choices=ExitProcess.State.choices)
    kind = filters.ChoiceFilter(choices=ExitKind.choices)
    member = IdFilter(field_name="member_id")

    class Meta:
        model = ExitProcess
        fields = ["state", "kind", "member", "updated_since"]


class ExitCreateInputSerializer(InputSerializer):
    member = serializers.IntegerField(help_text="The id of the member who leaves.")
    kind = serializers.ChoiceField(choices=ExitKind.choices)
    last_working_day = serializers.DateField()
    initiated_by = serializers.ChoiceField(choices=ExitProcess.InitiatedBy.choices)
    hr_note = StrictCharField(max_length=MAX_EXIT_NOTE, required=False, allow_blank=True, default="")


class ExitUpdateInputSerializer(InputSerializer):
    last_working_day = serializers.DateField(required=False)
    initiated_by = serializers.ChoiceField(choices=ExitProcess.InitiatedBy.choices, required=False)
    hr_note = StrictCharField(max_length=MAX_EXIT_NOTE, required=False, allow_blank=True)
    good_standing = StrictBooleanField(required=False, allow_null=True)
    rehire = serializers.ChoiceField(choices=[("", "Not decided"), *ExitProcess.Rehire.choices], required=False)
    rehire_reason = StrictCharField(max_length=MAX_EXIT_NOTE, required=False, allow_blank=True)
    alumni_tier = serializers.ChoiceField(choices=ExitProcess.Tier.choices, required=False)
    regretted = StrictBooleanField(required=False, allow_null=True)
    alumni_despite = StrictBooleanField(required=False)
    alumni_despite_note = StrictCharField(max_length=MAX_EXIT_NOTE, required=False, allow_blank=True)


def _exit_out(request, pk: int) -> dict:
    process = selectors.exit_api_list(member=request.member).filter(pk=pk).first()
    return ExitOutputSerializer(process, context={"request": request}).data


def _hr_exit(request, pk: int) -> ExitProcess:
    process = rights.access_exit(request.member, pk)
    if not rights.can_see_confidential(request.member, process):
        raise Http404("No such exit.")
    return process


@extend_schema_view(
    get=extend_schema(summary="List exits (HR)", responses=ExitOutputSerializer),
    post=extend_schema(summary="Start an exit (HR)", request=ExitCreateInputSerializer,
                       responses={201: ExitOutputSerializer}),
)
class ExitListApi(generics.ListAPIView):
    """Every exit of the organization, oldest change first (cursor-paginated, ``updated_since``)."""

    serializer_class = ExitOutputSerializer
    filterset_class = ExitFilterSet
    permission_classes = [IsOrganizationHR]
    queryset = ExitProcess.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExitProcess.objects.none()
        return selectors.exit_api_list(member=self.request.member)

    def post(self, request):
        serializer = ExitCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = selectors.exit_candidates(request.member).filter(pk=data.pop("member")).first()
        if member is None:
            raise ValidationError({"member": ["No active member of this organization has this id."]})
        process = services.exit_start(by=request.member, member=member, **data)
        return Response(_exit_out(request, process.pk), status=201)


@extend_schema_view(
    get=extend_schema(summary="Retrieve an exit (HR)", responses=ExitOutputSerializer),
    patch=extend_schema(summary="Change an open exit's last day, notes or classification (HR)",
                        request=ExitUpdateInputSerializer, responses=ExitOutputSerializer),
)
class ExitDetailApi(VersionedResourceMixin, APIView):
    permission_classes = [IsOrganizationHR]
    queryset = ExitProcess.objects.none()

    def get(self, request, pk: int):
        _hr_exit(request, pk)
        return Response(_exit_out(request, pk))

    def patch(self, request, pk: int):
        process = _hr_exit(request, pk)
        serializer = ExitUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.exit_update(process=process, by=request.member, data=dict(serializer.validated_data))
        return Response(_exit_out(request, pk))


@extend_schema_view(post=extend_schema(summary="Cancel an exit before the last day (HR)", request=None,
                                       responses=ExitOutputSerializer))
class ExitCancelApi(APIView):
    permission_classes = [IsOrganizationHR]
    queryset = ExitProcess.objects.none()

    def post(self, request, pk: int):
        process = _hr_exit(request, pk)
        no_input(request)
        services.exit_cancel(process=process, by=request.member)
        return Response(_exit_out(request, pk))


class ExitTaskOutputSerializer(serializers.ModelSerializer):
    exit = serializers.IntegerField(source="process_id")
    leaver_name = StrictCharField(source="process.member.user.full_name")
    assignee_email = VisibleEmailField(source="assignee", help_text="Null once the assignee left.")
    done = serializers.BooleanField(source="is_done")

    class Meta:
        model = ExitTask
        fields = ["id", "exit", "leaver_name", "title", "assignee_role", "assignee", "assignee_email", "due_on",
                  "done", "done_at", "done_by", "created_at", "updated_at"]
        read_only_fields = fields
        list_serializer_class = PeopleListSerializer


class ExitTaskFilterSet(UpdatedSinceFilterSet):
    exit = IdFilter(field_name="process_id")
    done = filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = ExitTask
        fields = ["exit", "done", "updated_since"]


@extend_schema_view(get=extend_schema(summary="Exit checklist tasks: mine, or all of the organization for HR",
                                      responses=ExitTaskOutputSerializer))
class ExitTaskListApi(generics.ListAPIView):
    serializer_class = ExitTaskOutputSerializer
    filterset_class = ExitTaskFilterSet
    queryset = ExitTask.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExitTask.objects.none()
        return selectors.task_api_list(member=self.request.member)


@extend_schema_view(post=extend_schema(summary="Complete a task (its assignee or HR)", request=None,
                                       responses=ExitTaskOutputSerializer))
class ExitTaskCompleteApi(APIView):
    queryset = ExitTask.objects.none()

    def post(self, request, pk: int):
        task = rights.access_task(request.member, pk)
        no_input(request)
        task = services.exit_task_complete(task=task, by=request.member)
        task = selectors.task_api_list(member=request.member).get(pk=task.pk)
        return Response(ExitTaskOutputSerializer(task, context={"request": request}).data)
