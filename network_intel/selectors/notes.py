"""Reads of notes: ``notes_visible_to`` (the one definition of who sees which note), lists,
useful marks, sharing counts, digests, and the counts the alumni app shows.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear

from alliance.models import Membership
from alliance.rowpeople import with_people
from network_intel.models.companies import Follow, Tag
from network_intel.models.notes import IntelNote, IntelNoteTag, IntelSettings, UsefulMark, Visibility
from network_intel.text import tag_key

# The members below ``manager`` in the reporting tree (their management chain includes ``manager``).
_SUBTREE_SQL = """
    WITH RECURSIVE chain(id) AS (
        SELECT m.id FROM alliance_membership m WHERE m.organization_id = %s AND m.manager_id = %s
        UNION
        SELECT m.id FROM alliance_membership m JOIN chain c ON m.manager_id = c.id WHERE m.organization_id = %s
    ) SELECT id FROM chain
"""


def notes_visible_to(member: Membership) -> QuerySet[IntelNote]:
    """Every note ``member`` may see, in its organization (see network_intel.rights for the rules)."""
    return _visible(member, IntelNote.objects.for_org(member.organization_id))


def _visible(member: Membership, notes: QuerySet[IntelNote]) -> QuerySet[IntelNote]:
    """``notes`` (of ``member``'s organization only) narrowed to those ``member`` may see."""
    if not member.is_active:
        return notes.none()
    rule = Q(author_id=member.pk) | Q(visibility=Visibility.ORGANIZATION)
    if member.team:
        # A subquery, not a join to the author: the planner then keeps starting from the
        # notes' own indexes (the search's GIN index among them).
        teammates = Membership.objects.for_org(member.organization_id).filter(team=member.team).values("pk")
        rule |= Q(visibility=Visibility.TEAM, author_id__in=teammates)
    # The author's management chain: the author is somewhere below ``member``.
    below = RawSQL(_SUBTREE_SQL, [member.organization_id, member.pk, member.organization_id])  # noqa: S611
    rule |= Q(visibility__in=[Visibility.TEAM, Visibility.LEADERSHIP], author_id__in=below)
    if member.is_hr:
        rule |= Q(visibility=Visibility.LEADERSHIP)
    return notes.filter(rule)


def tags_visible_to(member: Membership) -> QuerySet[Tag]:
    """The tags ``member`` may see: the organization's vocabulary (HR's official tags, published to
    everyone), and a free tag only through a note ``member`` may see — the name of a tag on a private,
    team or leadership note says something of the note, so it is hidden with it."""
    if not member.is_active:
        return Tag.objects.none()
    on_a_visible_note = Exists(IntelNoteTag.objects.for_org(member.organization_id).filter(
        tag_id=OuterRef("pk"), note_id__in=notes_visible_to(member).values("pk")))
    return Tag.objects.for_org(member.organization_id).filter(Q(is_official=True) | on_a_visible_note)


def note_list(member: Membership) -> QuerySet[IntelNote]:
    """Visible notes with what a list shows, in a constant number of queries."""
    # People per row, not joined: the lists are sorted and limited (alliance.rowpeople).
    return with_people(notes_visible_to(member).prefetch_related("companies", "tags"), "author")


def search_language(organization_id: int) -> str:
    found = IntelSettings.objects.for_org(organization_id).values_list("search_language", flat=True).first()
    return found or "english"


# --- Useful marks, sharing counts, digests ------------------------------------------------------

def most_useful(*, member: Membership, since: datetime, until: datetime, limit: int = 20) -> list[IntelNote]:
    """The notes marked useful most often in the period (among those ``member`` may see), with their authors."""
    marks = UsefulMark.objects.for_org(member.organization_id).filter(created_at__gte=since, created_at__lt=until)
    return list(with_people(
        notes_visible_to(member)
        .filter(useful_marks__in=marks)
        .annotate(marks_in_period=Count("useful_marks"))
        .order_by("-marks_in_period", "-created_at", "-id"), "author")[:limit]
    )


def useful_counts(notes: list[IntelNote], member: Membership) -> tuple[dict[int, int], set[int]]:
    """For a page of notes: how often each was marked useful, and which ``member`` marked. One query."""
    rows = (UsefulMark.objects.for_org(member.organization_id).filter(note__in=[n.pk for n in notes])
            .values_list("note_id", "member_id"))
    counts: dict[int, int] = {}
    mine: set[int] = set()
    for note_id, member_id in rows:
        counts[note_id] = counts.get(note_id, 0) + 1
        if member_id == member.pk:
            mine.add(note_id)
    return counts, mine


def team_sharing(*, manager: Membership, since: datetime) -> list[dict]:
    """For each direct report: how many notes they shared since ``since``, by audience (no contents).

    Private notes are not counted: their existence is their author's business.
    """
    reports = list(Membership.objects.for_org(manager.organization_id)
                   .filter(manager=manager, status=Membership.Status.ACTIVE)
                   .select_related("user").order_by("user__full_name", "id"))
    counts = (IntelNote.objects.for_org(manager.organization_id)
              .filter(author__in=reports, created_at__gte=since).exclude(visibility=Visibility.PRIVATE)
              .values("author_id", "visibility").annotate(count=Count("id")))
    by_author: dict[int, dict[str, int]] = {}
    for row in counts:
        by_author.setdefault(row["author_id"], {})[row["visibility"]] = row["count"]
    rows = []
    for person in reports:
        shared = by_author.get(person.pk, {})
        rows.append({"member": person, "total": sum(shared.values()), "team": shared.get(Visibility.TEAM, 0),
                     "organization": shared.get(Visibility.ORGANIZATION, 0),
                     "leadership": shared.get(Visibility.LEADERSHIP, 0)})
    return rows


def digest_notes(*, member: Membership, since: datetime, until: datetime) -> list[IntelNote]:
    """New notes on what ``member`` follows that ``member`` may see, written by others in [since, until)."""
    followed = Follow.objects.for_org(member.organization_id).filter(member=member)
    about = (Q(company_links__company__in=followed.exclude(company=None).values("company_id"))
             | Q(tag_links__tag__in=followed.exclude(tag=None).values("tag_id")))
    ids = (notes_visible_to(member).filter(about, created_at__gte=since, created_at__lt=until)
           .exclude(author=member).values("pk"))
    return list(IntelNote.objects.for_org(member.organization_id).filter(pk__in=ids)
                .select_related("author__user").prefetch_related("companies", "tags").order_by("-created_at", "-id"))


def last_activity(member: Membership) -> datetime | None:
    return notes_visible_to(member).aggregate(last=Max("created_at"))["last"]


def alumni_notes_by(member: Membership) -> QuerySet[IntelNote]:
    """The notes a person shared as an alumnus, newest first (their own list; they see no one else's)."""
    return (IntelNote.objects.for_org(member.organization_id).filter(author=member, author_is_alumnus=True)
            .prefetch_related("companies", "tags").order_by("-created_at", "-id"))


def alumni_note_counts(organization_id: int, *, feedback_tag: str) -> list[dict]:
    """Notes written by alumni per year: how many, and how many carry the ``feedback_tag`` tag. One query."""
    feedback = Q(tag_links__tag__key=tag_key(feedback_tag))
    return list(IntelNote.objects.for_org(organization_id).filter(author_is_alumnus=True)
                .annotate(year=ExtractYear("created_at")).values("year")
                .annotate(notes=Count("id", distinct=True), feedback=Count("id", filter=feedback, distinct=True))
                .order_by("year"))
