"""Writes for contacts, introductions between colleagues, and alumni listed in who-knows."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from alliance.errors import ApplicationError, NotAllowed
from alliance.handoffs import tell
from alliance.models import Membership
from alliance.services import check_text_bounds, full_clean_or_raise, model_update
from network_intel import rights
from network_intel.models.companies import Company
from network_intel.models.contacts import AlumnusListing, Contact, IntroductionRequest
from network_intel.models.notes import IntelSettings

# --- Contacts --------------------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "company", "title", "met_where", "introduced_by", "strength", "last_talked_on", "email",
                  "phone", "personal_notes")


def _check_contact_refs(by: Membership, data: dict) -> None:
    company = data.get("company")
    if company is not None and company.organization_id != by.organization_id:
        raise ApplicationError("Choose a company of this organization.", field_errors={"company": ["Unknown."]})
    introducer = data.get("introduced_by")
    if introducer is not None and introducer.organization_id != by.organization_id:
        raise ApplicationError("Choose a colleague of this organization.",
                               field_errors={"introduced_by": ["Unknown."]})
    when = data.get("last_talked_on")
    if when is not None and when > timezone.localdate():
        raise ApplicationError("That day is still to come.", field_errors={"last_talked_on": ["In the future."]})


@transaction.atomic
def contact_create(*, by: Membership, name: str, company: Company, title: str = "", met_where: str = "",
                   introduced_by: Membership | None = None, strength: int = Contact.Strength.ACQUAINTANCE,
                   last_talked_on: date | None = None, email: str = "", phone: str = "",
                   personal_notes: str = "") -> Contact:
    data = {"company": company, "introduced_by": introduced_by, "last_talked_on": last_talked_on}
    _check_contact_refs(by, data)
    contact = Contact(organization_id=by.organization_id, owner=by, name=(name or "").strip(), company=company,
                      title=title.strip(), met_where=met_where.strip(), introduced_by=introduced_by,
                      strength=strength, last_talked_on=last_talked_on, email=email.strip(), phone=phone.strip(),
                      personal_notes=personal_notes)
    full_clean_or_raise(contact)
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, by: Membership, contact: Contact, data: dict) -> Contact:
    if contact.owner_id != by.pk:
        raise NotAllowed("Only the colleague who recorded this contact can change it.")
    _check_contact_refs(by, data)
    model_update(contact, data=data, fields=CONTACT_FIELDS)
    return contact


@transaction.atomic
def contact_delete(*, by: Membership, contact: Contact) -> None:
    if contact.owner_id != by.pk:
        raise NotAllowed("Only the colleague who recorded this contact can delete it.")
    contact.delete()


@transaction.atomic
def alumni_who_knows_enable(*, organization_id: int, enabled: bool) -> None:
    """Whether consenting alumni appear in who-knows at all (the alumni network's level decides; its
    service calls this). Their consents stay either way."""
    current, _ = IntelSettings.objects.get_or_create(organization_id=organization_id)
    if current.alumni_in_who_knows != enabled:
        current.alumni_in_who_knows = enabled
        current.save(update_fields=["alumni_in_who_knows", "updated_at"])


@transaction.atomic
def alumnus_listing_set(*, member: Membership, listed: bool) -> bool:
    """An alumnus joins or leaves "who here knows someone at X?". Leaving takes effect at once: the
    row is the consent, and who-knows reads it in the same query. Callers check the consent's
    conditions (the alumni app); here only that the member is an alumnus (leaving is always allowed)."""
    listings = AlumnusListing.objects.for_org(member.organization_id).filter(member=member)
    if not listed:
        listings.delete()
        return False
    if not rights.can_write_as_alumnus(member):
        raise NotAllowed("Only alumni can be listed this way.")
    if not listings.exists():
        try:
            with transaction.atomic():
                AlumnusListing.objects.create(organization_id=member.organization_id, member=member)
        except IntegrityError:
            pass
    return True


INTRODUCTION_KIND = "intel_introduction"


# --- Introductions ----------------------------------------------------------------------------------------

def _notify(*, recipient: Membership, title: str, body: str, url: str) -> None:
    tell(recipient=recipient, kind=INTRODUCTION_KIND, title=title, body=body, url=url)


def _introductions_url(member: Membership) -> str:
    return reverse("network_intel:introductions", args=[member.organization.slug])


@transaction.atomic
def introduction_request(*, by: Membership, contact: Contact, message: str) -> IntroductionRequest:
    """Ask the colleague who knows ``contact`` for an introduction; they are notified."""
    if contact.organization_id != by.organization_id:
        raise ApplicationError("Choose a contact of this organization.", field_errors={"contact": ["Unknown."]})
    if contact.owner_id == by.pk:
        raise ApplicationError("This is your own contact.", field_errors={"contact": ["Your own contact."]})
    if not by.is_active or contact.owner.status != Membership.Status.ACTIVE:
        raise NotAllowed("Introductions are between active colleagues.")
    message = (message or "").strip()
    if not message:
        raise ApplicationError("Say why you would like to meet them.", field_errors={"message": ["Required."]})
    pending = IntroductionRequest.objects.for_org(by.organization_id).filter(
        requester=by, contact=contact, status=IntroductionRequest.Status.PENDING)
    if pending.exists():
        raise ApplicationError("You have asked for this introduction already; it is waiting for an answer.")
    introduction = IntroductionRequest(organization_id=by.organization_id, requester=by, introducer=contact.owner,
                                       contact=contact, message=message)
    full_clean_or_raise(introduction)
    introduction.save()
    who = contact.title or "someone"
    _notify(recipient=contact.owner, title=f"{by.user.full_name} asks for an introduction",
            body=f"To your contact at {contact.company.name} ({who}): {message}", url=_introductions_url(by))
    return introduction


@transaction.atomic
def introduction_respond(*, by: Membership, introduction: IntroductionRequest, accept: bool,
                         note: str = "") -> IntroductionRequest:
    """The introducer accepts (with a note) or declines; the requester is told either way."""
    if introduction.introducer_id != by.pk:
        raise NotAllowed("Only the colleague who was asked can answer.")
    if introduction.status != IntroductionRequest.Status.PENDING:
        raise ApplicationError(f"This request was {introduction.get_status_display().lower()} already.")
    introduction.status = (IntroductionRequest.Status.ACCEPTED if accept else IntroductionRequest.Status.DECLINED)
    introduction.response_note = (note or "").strip()
    check_text_bounds(IntroductionRequest, response_note=introduction.response_note)
    introduction.responded_at = timezone.now()
    introduction.save(update_fields=["status", "response_note", "responded_at", "updated_at"])
    verb = "accepted" if accept else "declined"
    company = introduction.contact.company.name
    _notify(recipient=introduction.requester, title=f"{by.user.full_name} {verb} your introduction request",
            body=f"Your contact request at {company}. {introduction.response_note}".strip(),
            url=_introductions_url(introduction.requester))
    return introduction
