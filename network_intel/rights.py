"""Who may do what with network intelligence: one small function per rule.

``access_*`` return the object or raise Http404 "No such …" — for a missing object
*and* for one the caller may not see, so nothing leaks its existence. ``can_*``
answer yes/no; services call them and refuse on their own (NotAllowed → 403),
views and templates call them only to hide what a person may not use.

Who sees a note (``network_intel.selectors.notes_visible_to`` is the one query):

* ``private`` — its author only;
* ``team`` — the author's team (same team name) and the author's management chain;
* ``leadership`` — HR, admins and the author's management chain;
* ``organization`` — every active member.
"""

from __future__ import annotations

from django.http import Http404

from alliance.models import Membership
from network_intel.models import Company, Contact, IntelNote, IntroductionRequest, Tag


def access_note(member: Membership, note_id: int) -> IntelNote:
    from network_intel.selectors import notes_visible_to

    found = notes_visible_to(member).select_related("author__user").filter(pk=note_id).first()
    if found is None:
        raise Http404("No such note.")
    return found


# How far an alumnus's note may reach (never a team they no longer belong to, nor "only me": they no
# longer see notes); the alumni app narrows it further to what the organization allows.
ALUMNI_NOTE_VISIBILITIES = (IntelNote.Visibility.LEADERSHIP, IntelNote.Visibility.ORGANIZATION)


def can_write_as_alumnus(member: Membership) -> bool:
    """An alumnus's membership may share notes and be listed in who-knows (the alumni app checks consent)."""
    return member.status == Membership.Status.ALUMNUS


def can_edit_note(member: Membership, note: IntelNote) -> bool:
    """Only the author edits or deletes a note (nobody writes in someone else's name)."""
    return member.is_active and note.organization_id == member.organization_id and note.author_id == member.pk


def can_mark_useful(member: Membership, note: IntelNote) -> bool:
    """Anyone who sees a note may mark it useful, except its author."""
    return member.is_active and note.author_id != member.pk


def access_company(member: Membership, company_id: int) -> Company:
    """Companies are the organization's shared list: every active member sees them."""
    found = Company.objects.for_org(member.organization_id).filter(pk=company_id).first() if member.is_active else None
    if found is None:
        raise Http404("No such company.")
    return found


def can_curate(member: Membership) -> bool:
    """HR and admins keep the tag vocabulary, merge companies and see the most useful notes."""
    return member.is_hr


def access_tag(member: Membership, tag_id: int) -> Tag:
    found = Tag.objects.for_org(member.organization_id).filter(pk=tag_id).first() if member.is_active else None
    if found is None:
        raise Http404("No such tag.")
    return found


def access_own_contact(member: Membership, contact_id: int) -> Contact:
    """A contact with its personal details: its owner's only."""
    found = (Contact.objects.for_org(member.organization_id).select_related("company", "introduced_by__user")
             .filter(pk=contact_id, owner=member).first())
    if found is None:
        raise Http404("No such contact.")
    return found


def access_contact_to_meet(member: Membership, contact_id: int) -> Contact:
    """A colleague's contact one may ask an introduction to (seen through "who knows")."""
    found = (Contact.objects.for_org(member.organization_id).select_related("owner__user", "company")
             .filter(pk=contact_id, owner__status=Membership.Status.ACTIVE).exclude(owner=member).first()
             if member.is_active else None)
    if found is None:
        raise Http404("No such contact.")
    return found


def can_see_contact_details(member: Membership, contact: Contact) -> bool:
    return contact.owner_id == member.pk


def access_introduction(member: Membership, introduction_id: int) -> IntroductionRequest:
    """The requester and the introducer see an introduction request; nobody else."""
    from django.db.models import Q

    found = (
        IntroductionRequest.objects.for_org(member.organization_id)
        .select_related("requester__user", "introducer__user", "contact__company")
        .filter(Q(requester=member) | Q(introducer=member), pk=introduction_id)
        .first()
    )
    if found is None:
        raise Http404("No such introduction request.")
    return found


def can_respond_to_introduction(member: Membership, introduction: IntroductionRequest) -> bool:
    return introduction.introducer_id == member.pk and introduction.status == IntroductionRequest.Status.PENDING


def can_see_team_sharing(member: Membership) -> bool:
    return member.is_manager
