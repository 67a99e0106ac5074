"""The directory: every filter is joined with the field's visibility for the viewer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Lower

from alliance.models import Membership
from alumni.models import DIRECTORY_FIELDS, AlumniProfile, AlumniSettings, InvestmentLevel
from alumni.rights import audience_of


def profile_of(member: Membership) -> AlumniProfile | None:
    return AlumniProfile.objects.for_org(member.organization_id).filter(member=member).first()


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    company: str = ""
    city: str = ""
    team: str = ""
    year: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.q or self.company or self.city or self.team or self.year)


def _seen(field: str, allowed: tuple[str, ...]) -> Q:
    return Q(**{f"{field}_visibility__in": allowed})


def directory_cards(viewer: Membership) -> QuerySet[AlumniProfile]:
    """The listed cards of alumni that show this viewer at least one field."""
    # The alumni and each card's name by subquery, not a join to the memberships: the directory is
    # sorted and limited (alliance.rowpeople).
    alumni = Membership.objects.for_org(viewer.organization_id).filter(status=Membership.Status.ALUMNUS)
    name = (Membership.objects.filter(organization_id=OuterRef("organization_id"), pk=OuterRef("member_id"))
            .order_by().values("user__full_name")[:1])
    return (AlumniProfile.objects.for_org(viewer.organization_id)
            .filter(listed=True, member_id__in=alumni.values("pk"))
            .filter(_any_seen(audience_of(viewer)))
            .annotate(member_name=Subquery(name, output_field=CharField())))


def directory_narrow(cards: QuerySet[AlumniProfile], *, viewer: Membership,
                     filters: DirectoryFilters) -> QuerySet[AlumniProfile]:
    """Search and filters, each condition on a field joined with that field's visibility for this
    viewer: a hidden field never matches, so it shows in no result and no count."""
    allowed = audience_of(viewer)
    if filters.q:
        text = filters.q
        cards = cards.filter(
            (_seen("name", allowed) & Q(member_name__icontains=text))
            | (_seen("company", allowed) & (Q(current_company__icontains=text) | Q(current_role__icontains=text)))
            | (_seen("city", allowed) & Q(city__icontains=text))
            | (_seen("teams", allowed) & Q(teams__icontains=text))
            | (_seen("tours", allowed) & Q(tour_titles__icontains=text))
        )
    if filters.company:
        cards = cards.filter(_seen("company", allowed), current_company__icontains=filters.company)
    if filters.city:
        cards = cards.filter(_seen("city", allowed), city__icontains=filters.city)
    if filters.team:
        cards = cards.filter(_seen("teams", allowed), teams__icontains=filters.team)
    if filters.year:
        cards = cards.filter(_seen("years", allowed), joined_on__year__lte=filters.year,
                             left_on__year__gte=filters.year)
    return cards


def directory_search(*, viewer: Membership, filters: DirectoryFilters = DirectoryFilters()) -> QuerySet[AlumniProfile]:
    """The directory page: ordered by the name as this viewer sees it (hidden names last, by id),
    so not even the order tells a hidden name."""
    allowed = audience_of(viewer)
    return directory_narrow(directory_cards(viewer), viewer=viewer, filters=filters).annotate(
        seen_name=Case(When(_seen("name", allowed), then=Lower("member_name")), default=Value(None),
                       output_field=CharField()),
    ).order_by(F("seen_name").asc(nulls_last=True), "id")


def spotlight(*, viewer: Membership, settings: AlumniSettings, limit: int = 6) -> list[dict]:
    """Distinguished alumni (``invest``), as this viewer may see them."""
    if not settings.reaches(InvestmentLevel.INVEST):
        return []
    rows = list(directory_search(viewer=viewer).filter(distinguished=True).values(*DIRECTORY_COLUMNS)[:limit])
    return directory_rows(rows, viewer=viewer, settings=settings)


def _any_seen(allowed: tuple[str, ...]) -> Q:
    condition = Q()
    for field in DIRECTORY_FIELDS:
        condition |= _seen(field, allowed)
    return condition


DIRECTORY_COLUMNS = (
    "id", "member_id", "member_name", "current_company", "current_role", "city", "joined_on", "left_on",
    "teams", "tour_titles", "distinguished", "updated_at", "photo", "photo_visibility",
    *(f"{field}_visibility" for field in DIRECTORY_FIELDS),
)


def directory_rows(rows: list[dict], *, viewer: Membership, settings: AlumniSettings) -> list[dict]:
    """Cards as this viewer may see them: a hidden field is None, never its value. Plain dict work on
    the columns read (``DIRECTORY_COLUMNS``): no query per card."""
    allowed = audience_of(viewer)
    spotlight = settings.reaches(InvestmentLevel.INVEST)
    cards = []
    for row in rows:
        def shown(field: str, row=row) -> bool:
            return row[f"{field}_visibility"] in allowed

        years = None
        if shown("years") and row["joined_on"] and row["left_on"]:
            years = f"{row['joined_on'].year}–{row['left_on'].year}"
        cards.append({
            "id": row["id"],
            "name": row["member_name"] if shown("name") else None,
            "current_company": row["current_company"] if shown("company") else None,
            "current_role": row["current_role"] if shown("company") else None,
            "city": row["city"] if shown("city") else None,
            "joined_year": row["joined_on"].year if years else None,
            "left_year": row["left_on"].year if years else None,
            "years": years,
            "teams": row["teams"] if shown("teams") else None,
            "tour_titles": [t for t in row["tour_titles"].splitlines() if t.strip()] if shown("tours") else None,
            "distinguished": bool(spotlight and row["distinguished"]),
            # Whether the card shows a photo (served by ``alumni_photo``, which applies the same rule).
            "photo": bool(row["photo"]) and row["photo_visibility"] in allowed,
            "updated_at": row["updated_at"],
        })
    return cards
