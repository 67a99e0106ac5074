"""Reads for the alumni import: an import of the caller's organization, and the alumni export in the
import's columns."""

from __future__ import annotations

from django.http import Http404

from alliance.models import Membership, PeopleImport
from alumni import rights
from alumni.models import ExitProcess, LeaverStep

KIND = "alumni"


def get_alumni_import_for_member(member: Membership, import_id: int) -> PeopleImport:
    """An alumni import of the caller's organization, for HR and admins; 404 otherwise."""
    found = (PeopleImport.objects.for_org(member.organization_id).filter(pk=import_id, kind=KIND).first()
             if rights.can_run_exits(member) else None)
    if found is None:
        raise Http404("No such import.")
    return found


def alumni_import_list(*, organization_id: int, limit: int = 20) -> list[dict]:
    """The latest alumni imports (newest first), without their rows."""
    return list(PeopleImport.objects.for_org(organization_id).filter(kind=KIND).order_by("-created_at", "-id")
                .values("id", "file_name", "status", "created_at", "applied_at", "new_count", "error_count",
                        "invitations_sent")[:limit])


def alumni_export_rows(*, organization_id: int) -> list[list[str]]:
    """Every alumnus in the alumni import's columns (its template's order), by name: two queries. The
    address is the personal one they left (or their login), the exit their last completed one."""
    exits = (ExitProcess.objects.for_org(organization_id)
             .filter(state=ExitProcess.State.COMPLETED, member__status=Membership.Status.ALUMNUS)
             .select_related("member__user").order_by("member__user__full_name", "member_id", "-last_working_day"))
    latest: dict[int, ExitProcess] = {}
    for process in exits:
        latest.setdefault(process.member_id, process)
    addresses = dict(LeaverStep.objects.for_org(organization_id).exclude(personal_email="")
                     .filter(process_id__in=[process.pk for process in latest.values()])
                     .values_list("process_id", "personal_email"))
    return [[addresses.get(process.pk) or process.member.user.email, process.member.user.full_name,
             process.last_working_day.isoformat(), process.kind, process.rehire, process.rehire_reason]
            for process in latest.values()]
