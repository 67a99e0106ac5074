"""Reads of contacts: who knows someone at a company, a member's own contacts, introductions,
and alumni listed in who-knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Q, QuerySet

from alliance.models import Membership
from alliance.people import visible_email_sql
from alliance.rowpeople import with_people
from network_intel.models.companies import Company
from network_intel.models.contacts import AlumnusListing, Contact, IntroductionRequest

# --- Who knows whom ------------------------------------------------------------------------

@dataclass(frozen=True)
class ContactAtCompany:
    """What anyone may see of a colleague's contact: the role, how well, since when. No name."""

    id: int
    owner_id: int
    title: str
    strength: int
    last_talked_on: date | None

    @property
    def pk(self) -> int:
        return self.id

    def get_strength_display(self) -> str:
        return Contact.Strength(self.strength).label


@dataclass(frozen=True)
class ColleagueName:
    full_name: str
    email: str | None  # the address the viewer may see (alliance.people), None when it is not theirs to see


@dataclass(frozen=True)
class Colleague:
    """A colleague as "who knows" shows them (``member.user.full_name`` reads as on a membership)."""

    id: int
    team: str
    status: str
    user: ColleagueName

    @property
    def pk(self) -> int:
        return self.id


@dataclass
class Acquaintance:
    member: Colleague
    contact_count: int
    strongest: int
    last_talked_on: date | None
    contacts: list[ContactAtCompany] = field(default_factory=list)

    @property
    def is_alumnus(self) -> bool:
        return self.member.status == Membership.Status.ALUMNUS

    @property
    def strongest_label(self) -> str:
        return Contact.Strength(self.strongest).label


WHO_KNOWS_CONTACTS_SHOWN = 5

# Per colleague: how many contacts, the strongest relationship, the latest conversation and
# the first few contacts (strongest, then most recent), aggregated by PostgreSQL. The
# order: strongest, most recent (never talked last), most contacts, name (by code point),
# then the colleague's id.
_WHO_KNOWS_SQL = """
    SELECT m.id, m.team, m.status, u.full_name, {email}, k.contact_count, k.strongest, k.last_talked_on, k.contacts,
           count(*) OVER () AS total
    FROM (
        SELECT c.owner_id, count(*) AS contact_count, max(c.strength) AS strongest,
               max(c.last_talked_on) AS last_talked_on,
               to_json((array_agg(json_build_array(c.id, c.title, c.strength, c.last_talked_on)
                                  ORDER BY c.strength DESC, c.last_talked_on DESC, c.id))[1:%(shown)s]) AS contacts
        FROM network_intel_contact c
        WHERE c.organization_id = %(org)s AND c.company_id = %(company)s
        GROUP BY c.owner_id
    ) AS k
    JOIN alliance_membership m ON m.organization_id = %(org)s AND m.id = k.owner_id
         AND (m.status = %(active)s
              OR (m.status = %(alumnus)s
                  AND EXISTS (SELECT 1 FROM network_intel_intelsettings s
                              WHERE s.organization_id = %(org)s AND s.alumni_in_who_knows)
                  AND EXISTS (SELECT 1 FROM network_intel_alumnuslisting l
                              WHERE l.organization_id = %(org)s AND l.member_id = m.id)))
    JOIN alliance_user u ON u.id = m.user_id
    ORDER BY k.strongest DESC, k.last_talked_on DESC NULLS LAST, k.contact_count DESC, u.full_name COLLATE "C", m.id
    LIMIT %(limit)s OFFSET %(offset)s
"""

# A page of "who knows" (the page and the company page); "show more" brings the next.
WHO_KNOWS_PER_PAGE = 25


@dataclass
class WhoKnowsPage:
    """One page of ``who_knows``: the strongest connections first, how many there are in all, and
    where the next page starts (None on the last)."""

    acquaintances: list[Acquaintance]
    total: int
    next_offset: int | None


def who_knows_page(*, member: Membership, company: Company, offset: int = 0,
                   limit: int = WHO_KNOWS_PER_PAGE) -> WhoKnowsPage:
    """A page of ``who_knows`` with the total, in the same one query."""
    offset = max(offset, 0)
    acquaintances, total = _who_knows(member=member, company=company, limit=limit, offset=offset)
    total = total or 0  # no row (past the end): nothing more to show
    end = offset + len(acquaintances)
    return WhoKnowsPage(acquaintances=acquaintances, total=total, next_offset=end if end < total else None)


def who_knows(*, member: Membership, company: Company) -> list[Acquaintance]:
    """Active members, and alumni while they agree to it and the organization offers it (its alumni
    network's ``invest`` level mirrored in ``IntelSettings.alumni_in_who_knows``; the consent is an
    ``AlumnusListing`` row), who know people at ``company``: how many, how well, how recently. One query.

    The contacts come with what anyone may see (role, strength, last talked); their
    names and personal details stay with their owner.
    """
    return _who_knows(member=member, company=company, limit=None, offset=0)[0]


def _who_knows(*, member: Membership, company: Company, limit: int | None,
               offset: int) -> tuple[list[Acquaintance], int | None]:
    org = member.organization_id
    email, email_params = visible_email_sql(member, membership="m", user="u")
    named = {f"email{index}": value for index, value in enumerate(email_params)}
    sql = _WHO_KNOWS_SQL.replace("{email}", email % tuple(f"%({name})s" for name in named))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"org": org, "company": company.pk, "active": Membership.Status.ACTIVE,
                             "alumnus": Membership.Status.ALUMNUS, "shown": WHO_KNOWS_CONTACTS_SHOWN,
                             "limit": limit, "offset": offset, **named})
        rows = cursor.fetchall()
    found = []
    total = rows[0][-1] if rows else None
    for member_id, team, status, full_name, email, count, strongest, last_talked_on, contacts, _total in rows:
        shown = [ContactAtCompany(id=pk, owner_id=member_id, title=title, strength=strength,
                                  last_talked_on=date.fromisoformat(talked) if talked else None)
                 for pk, title, strength, talked in contacts]
        colleague = Colleague(id=member_id, team=team, status=status, user=ColleagueName(full_name, email))
        found.append(Acquaintance(member=colleague,
                                  contact_count=count, strongest=strongest, last_talked_on=last_talked_on,
                                  contacts=shown))
    return found, total


def contacts_of(member: Membership) -> QuerySet[Contact]:
    return Contact.objects.for_org(member.organization_id).filter(owner=member).select_related("company")


def introductions_for(member: Membership) -> QuerySet[IntroductionRequest]:
    return with_people(IntroductionRequest.objects.for_org(member.organization_id)
            .filter(Q(requester=member) | Q(introducer=member))
            .select_related("contact__company"), "requester", "introducer")


def alumnus_is_listed(member: Membership) -> bool:
    return AlumnusListing.objects.for_org(member.organization_id).filter(member=member).exists()


def alumni_listed_count(organization_id: int) -> int:
    return AlumnusListing.objects.for_org(organization_id).filter(member__status=Membership.Status.ALUMNUS).count()
