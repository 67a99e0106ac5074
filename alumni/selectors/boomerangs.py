"""Boomerangs: requests, rehire candidates and the boomerang rate."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from alliance.models import Membership
from alliance.rowpeople import with_people
from alumni.models import Boomerang, ExitProcess


def boomerang_list(*, member: Membership, state: str = "") -> QuerySet[Boomerang]:
    # People per row, not joined: the list is sorted and limited (alliance.rowpeople).
    boomerangs = with_people(Boomerang.objects.for_org(member.organization_id), "member", "manager")
    if state:
        boomerangs = boomerangs.filter(state=state)
    return boomerangs.order_by("-created_at", "-id")


def open_request_of(member: Membership) -> Boomerang | None:
    return (Boomerang.objects.for_org(member.organization_id)
            .filter(member=member, state=Boomerang.State.REQUESTED).first())


REHIRE_CANDIDATES_PER_PAGE = 50


def rehire_candidates(member: Membership, *, page: str | int | None = 1) -> Page:
    """A page of alumni with their last exit's rehire eligibility (HR's rehire page): the page's
    ``object_list`` is their rows; three queries (count, page, exits) whatever the alumni count."""
    pages = Paginator(Membership.objects.for_org(member.organization_id).filter(status=Membership.Status.ALUMNUS)
                      .select_related("user").order_by("user__full_name", "id"), REHIRE_CANDIDATES_PER_PAGE)
    found = pages.get_page(page)
    alumni = list(found.object_list)
    exits = {}
    for process in (ExitProcess.objects.for_org(member.organization_id)
                    .filter(member__in=alumni, state=ExitProcess.State.COMPLETED).order_by("completed_at", "id")):
        exits[process.member_id] = process  # the latest wins
    found.object_list = [{"member": alumnus, "exit": exits.get(alumnus.pk)} for alumnus in alumni]
    return found


def rehire_managers(member: Membership) -> QuerySet[Membership]:
    """Who can manage someone coming back: active managers, HR people and administrators."""
    return (Membership.objects.for_org(member.organization_id)
            .filter(status=Membership.Status.ACTIVE,
                    role__in=(Membership.Role.MANAGER, Membership.Role.HR, Membership.Role.ADMIN))
            .select_related("user").order_by("user__full_name"))


def boomerang_rate_by_year(member: Membership) -> list[dict]:
    """Per year: rehires, alumni who had left by the end of it, and the rate (rehires ÷ those alumni)."""
    organization_id = member.organization_id
    rehires = dict(Boomerang.objects.for_org(organization_id).filter(state=Boomerang.State.REHIRED)
                   .annotate(year=ExtractYear("rehired_at")).values_list("year").annotate(n=Count("id")))
    left = dict(ExitProcess.objects.for_org(organization_id).filter(outcome=ExitProcess.Outcome.ALUMNUS)
                .annotate(year=ExtractYear("last_working_day")).values_list("year").annotate(n=Count("id")))
    years = sorted(set(rehires) | set(left))
    rows, pool = [], 0
    for year in range(years[0], years[-1] + 1) if years else []:
        pool += left.get(year, 0)
        count = rehires.get(year, 0)
        rows.append({"year": year, "rehires": count, "alumni": pool,
                     "rate": round(100 * count / pool, 1) if pool else None})
    return rows
