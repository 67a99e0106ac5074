"""Reads for the tours spreadsheet import and export."""

from __future__ import annotations

from django.http import Http404

from alliance.models import Membership, PeopleImport
from tours.models import (
    Tour,
)

# --- Tours from a spreadsheet ---------------------------------------------------------------------------

def get_tours_import_for_member(member: Membership, import_id: int) -> PeopleImport:
    """A tours import of the caller's organization, for HR and admins; 404 otherwise."""
    found = (PeopleImport.objects.for_org(member.organization_id).filter(pk=import_id, kind="tours").first()
             if member.is_active and member.is_hr else None)
    if found is None:
        raise Http404("No such import.")
    return found


def tours_export_rows(*, organization_id: int) -> list[list[str]]:
    """Every active tour in the tours import's columns, by employee: one query."""
    tours = (Tour.objects.for_org(organization_id).filter(status=Tour.Status.ACTIVE)
             .select_related("employee__user", "manager__user").order_by("employee__user__email", "id"))
    return [[tour.employee.user.email, tour.manager.user.email, tour.kind, tour.mission, tour.start_date.isoformat(),
             tour.end_date.isoformat() if tour.end_date else ""] for tour in tours]
