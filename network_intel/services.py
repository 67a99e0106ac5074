"""Writes for network intelligence. Keyword-only, typed, atomic; each enforces its own rights.

Other apps use this module as network intelligence's public interface (the
networking fund calls ``intel_note_create``).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership
from alliance.notifications import Channel, channel_for, notification_create
from alliance.services import full_clean_or_raise, model_update
from network_intel import rights
from network_intel.models import (
    TAG_MAX_LENGTH,
    AlumnusListing,
    Company,
    Contact,
    Follow,
    IntelNote,
    IntelNoteCompany,
    IntelNoteContact,
    IntelNoteRevision,
    IntelNoteTag,
    IntelSettings,
    IntroductionRequest,
    Tag,
    UsefulMark,
)
from network_intel.selectors import company_matches, search_language
from network_intel.text import clean_tag_name, company_key, domain_of, render_markdown, tag_key

INTRODUCTION_KIND = "intel_introduction"

# --- Search index ---------------------------------------------------------------------------------

# Title weighs most (A), then the note's tags and companies (B), then the body (C), plus
# the marks of the note's organization and companies that searches use (migration 0005):
# ``intel_note_vector``, the one definition of a note's stored vector.
REINDEX_SQL = """
    UPDATE network_intel_intelnote n SET search_vector = intel_note_vector(
        %(config)s::regconfig, n.organization_id,
        ARRAY(SELECT l.company_id FROM network_intel_intelnotecompany l
              WHERE l.organization_id = n.organization_id AND l.note_id = n.id),
        n.title,
        (SELECT string_agg(t.name, ' ') FROM network_intel_intelnotetag l
         JOIN network_intel_tag t ON t.id = l.tag_id AND t.organization_id = l.organization_id
         WHERE l.organization_id = n.organization_id AND l.note_id = n.id),
        (SELECT string_agg(c.name, ' ') FROM network_intel_intelnotecompany l
         JOIN network_intel_company c ON c.id = l.company_id AND c.organization_id = l.organization_id
         WHERE l.organization_id = n.organization_id AND l.note_id = n.id),
        n.body)
    WHERE n.organization_id = %(org)s AND (%(all)s OR n.id = ANY(%(ids)s))
"""


def notes_reindex(*, organization_id: int, note_ids: list[int] | None = None) -> None:
    """Recompute the stored search vectors of some (or all) notes of an organization: one statement."""
    with connection.cursor() as cursor:
        cursor.execute(REINDEX_SQL, {"config": search_language(organization_id), "org": organization_id,
                                     "all": note_ids is None, "ids": list(note_ids or [])})


# --- Companies ------------------------------------------------------------------------------------

def _company_error(message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={"name": [message]})


@transaction.atomic
def company_create(*, by: Membership, name: str, domain: str = "", industry: str = "",
                   allow_similar: bool = False) -> Company:
    """A new company, unless it is one the organization has already (same key or domain, or similar)."""
    name = " ".join((name or "").split())
    if not name:
        raise _company_error("Give the company's name.")
    key = company_key(name)
    if not key:
        raise _company_error("A company's name needs at least one letter or digit.")
    domain = domain_of(domain) if domain else domain_of(name)
    matches = company_matches(organization_id=by.organization_id, text=name, by_word=False)
    if domain:
        matches += [c for c in Company.objects.for_org(by.organization_id).filter(domain__iexact=domain)
                    if c not in matches]
    same = [c for c in matches if c.name_key == key or (domain and c.domain.lower() == domain)]
    if same:
        raise _company_error(f"“{same[0].name}” is already here: pick it instead of adding it again.")
    if matches and not allow_similar:
        names = ", ".join(f"“{c.name}”" for c in matches[:3])
        raise _company_error(f"Did you mean {names}? Pick it, or confirm that this is another company.")
    company = Company(organization_id=by.organization_id, name=name, name_key=key, domain=domain,
                      industry=(industry or "").strip(), created_by=by)
    full_clean_or_raise(company, exclude=["name_trigrams"])
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as error:  # a colleague added it a moment ago
        raise _company_error(f"“{name}” is already here: pick it instead of adding it again.") from error
    return Company.objects.for_org(by.organization_id).get(pk=company.pk)


def company_resolve(*, by: Membership, name: str) -> Company:
    """The company a typed name means (case, accents, legal form and web suffix aside), made if new.

    A name only similar to an existing one is refused with a suggestion, so a typo never
    creates a second "Globex".
    """
    name = " ".join((name or "").split())
    key = company_key(name)
    existing = Company.objects.for_org(by.organization_id).filter(name_key=key).first() if key else None
    if existing is not None:
        return existing
    return company_create(by=by, name=name)


@transaction.atomic
def company_update(*, by: Membership, company: Company, data: dict) -> Company:
    if not rights.can_curate(by):
        raise NotAllowed("Only HR or an administrator can edit companies.")
    if "name" in data:
        data = {**data, "name": " ".join((data["name"] or "").split())}
        key = company_key(data["name"])
        if not key:
            raise _company_error("A company's name needs at least one letter or digit.")
        clash = Company.objects.for_org(by.organization_id).filter(name_key=key).exclude(pk=company.pk).first()
        if clash is not None:
            raise _company_error(f"“{clash.name}” is already here: merge the two instead.")
        company.name_key = key
    if "domain" in data and data["domain"]:
        data = {**data, "domain": domain_of(data["domain"]) or data["domain"].strip().lower()}
    changed = model_update(company, data={**data}, fields=["name", "domain", "industry"])
    if "name" in changed:
        Company.objects.for_org(by.organization_id).filter(pk=company.pk).update(name_key=company.name_key)
        ids = list(IntelNoteCompany.objects.for_org(by.organization_id).filter(company=company)
                   .values_list("note_id", flat=True))
        notes_reindex(organization_id=by.organization_id, note_ids=ids)
    return company


@transaction.atomic
def company_merge(*, by: Membership, source: Company, target: Company) -> Company:
    """HR folds a duplicate into the company it duplicates: its notes, contacts and follows follow."""
    if not rights.can_curate(by):
        raise NotAllowed("Only HR or an administrator can merge companies.")
    if source.organization_id != by.organization_id or target.organization_id != by.organization_id:
        raise ApplicationError("Both companies must belong to this organization.")
    if source.pk == target.pk:
        raise ApplicationError("Choose two different companies.", field_errors={"into": ["Choose another company."]})
    org = by.organization_id
    links = IntelNoteCompany.objects.for_org(org)
    note_ids = list(links.filter(company=source).values_list("note_id", flat=True))
    links.filter(company=source, note_id__in=links.filter(company=target).values("note_id")).delete()
    links.filter(company=source).update(company=target, updated_at=timezone.now())
    Contact.objects.for_org(org).filter(company=source).update(company=target, updated_at=timezone.now())
    follows = Follow.objects.for_org(org)
    follows.filter(company=source, member_id__in=follows.filter(company=target).values("member_id")).delete()
    follows.filter(company=source).update(company=target, updated_at=timezone.now())
    fill = {field: getattr(source, field) for field in ("domain", "industry")
            if not getattr(target, field) and getattr(source, field)}
    source.delete()
    if fill:
        model_update(target, data=fill, fields=list(fill))
    IntelNote.objects.for_org(org).filter(pk__in=note_ids).update(updated_at=timezone.now())
    notes_reindex(organization_id=org, note_ids=note_ids)
    return target


# --- Tags -------------------------------------------------------------------------------------------

def _tag_error(message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={"tags": [message]})


def tag_resolve(*, by: Membership, name: str) -> Tag:
    """The organization's tag of that name (case and accents aside), or a new free tag."""
    name = clean_tag_name(name)
    if not name:
        raise _tag_error("A tag needs at least one letter.")
    if len(name) > TAG_MAX_LENGTH:
        raise _tag_error(f"“{name[:20]}…” is too long: a tag has at most {TAG_MAX_LENGTH} characters.")
    key = tag_key(name)
    found = Tag.objects.for_org(by.organization_id).filter(key=key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Tag.objects.create(organization_id=by.organization_id, name=name, key=key)
    except IntegrityError:
        return Tag.objects.for_org(by.organization_id).get(key=key)


@transaction.atomic
def tag_save_official(*, by: Membership, name: str, description: str = "") -> Tag:
    """HR adds a tag to the vocabulary (or promotes a free tag of that name)."""
    if not rights.can_curate(by):
        raise NotAllowed("Only HR or an administrator can change the tag vocabulary.")
    tag = tag_resolve(by=by, name=name)
    model_update(tag, data={"is_official": True, "description": (description or "").strip()[:200]},
                 fields=["is_official", "description"])
    return tag


@transaction.atomic
def tag_set_official(*, by: Membership, tag: Tag, official: bool) -> Tag:
    if not rights.can_curate(by):
        raise NotAllowed("Only HR or an administrator can change the tag vocabulary.")
    model_update(tag, data={"is_official": official}, fields=["is_official"])
    return tag


@transaction.atomic
def intel_settings_update(*, by: Membership, search_language: str) -> IntelSettings:
    if not rights.can_curate(by):
        raise NotAllowed("Only HR or an administrator can change how search works.")
    current, _ = IntelSettings.objects.get_or_create(organization_id=by.organization_id)
    if model_update(current, data={"search_language": search_language}, fields=["search_language"]):
        notes_reindex(organization_id=by.organization_id)
    return current


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


# --- Notes -------------------------------------------------------------------------------------------

def _check_note_refs(by: Membership, companies, contacts, tags) -> None:
    for company in companies or []:
        if company.organization_id != by.organization_id:
            raise ApplicationError("Choose companies of this organization.", field_errors={"companies": ["Unknown."]})
    for contact in contacts or []:
        if contact.organization_id != by.organization_id or contact.owner_id != by.pk:
            raise ApplicationError("A note can name only your own contacts.",
                                   field_errors={"contacts": ["Only your own contacts."]})
    for tag in tags or []:
        if tag.organization_id != by.organization_id:
            raise _tag_error("Choose tags of this organization.")


def _set_links(note: IntelNote, model, field: str, objects) -> None:
    org = note.organization_id
    wanted = {obj.pk for obj in objects}
    existing = set(model.objects.for_org(org).filter(note=note).values_list(f"{field}_id", flat=True))
    model.objects.for_org(org).filter(note=note).exclude(**{f"{field}_id__in": wanted}).delete()
    model.objects.bulk_create([model(organization_id=org, note=note, **{f"{field}_id": pk})
                               for pk in sorted(wanted - existing)])


def _check_dates(learned_on: date | None, useful_until: date | None) -> None:
    if learned_on and learned_on > timezone.localdate():
        raise ApplicationError("You cannot have learned it on a day still to come.",
                               field_errors={"learned_on": ["In the future."]})
    if learned_on and useful_until and useful_until < learned_on:
        raise ApplicationError("“Useful until” comes before the day you learned it.",
                               field_errors={"useful_until": ["Before the day learned."]})


@transaction.atomic
def intel_note_create(*, by: Membership, title: str, body: str, author: Membership | None = None,
                      companies: list[Company] | None = None, contacts: list[Contact] | None = None,
                      tags: list[Tag] | None = None, source_kind: str = IntelNote.SourceKind.COFFEE,
                      learned_on: date | None = None, visibility: str = IntelNote.Visibility.ORGANIZATION,
                      useful_until: date | None = None) -> IntelNote:
    """Write down what one learned from outside. A note is always its writer's own."""
    if author is not None and author.pk != by.pk:
        raise NotAllowed("You can write notes only as yourself.")
    if not by.is_active:
        raise NotAllowed("Only active members can share intelligence.")
    return _note_write(by=by, title=title, body=body, companies=companies, contacts=contacts, tags=tags,
                       source_kind=source_kind, learned_on=learned_on, visibility=visibility,
                       useful_until=useful_until)


@transaction.atomic
def alumni_note_create(*, by: Membership, title: str, body: str, visibility: str,
                       companies: list[Company] | None = None, tags: list[Tag] | None = None,
                       source_kind: str = IntelNote.SourceKind.OTHER, learned_on: date | None = None) -> IntelNote:
    """A note shared by an alumnus, marked as from an alumnus. The alumni app, which holds their consent
    and the organization's investment level, calls this only when both allow it (``alumni.reach_services``);
    here: the writer is an alumnus, and the note reaches leadership or the organization, never a team
    they no longer belong to."""
    if not rights.can_write_as_alumnus(by):
        raise NotAllowed("Only alumni share notes this way.")
    if visibility not in rights.ALUMNI_NOTE_VISIBILITIES:
        raise ApplicationError("Choose who sees it: leadership or the whole organization.",
                               field_errors={"visibility": ["Choose leadership or the whole organization."]})
    return _note_write(by=by, title=title, body=body, companies=companies, contacts=None, tags=tags,
                       source_kind=source_kind, learned_on=learned_on, visibility=visibility, useful_until=None,
                       alumnus=True)


def _note_write(*, by: Membership, title: str, body: str, companies, contacts, tags, source_kind: str,
                learned_on: date | None, visibility: str, useful_until: date | None,
                alumnus: bool = False) -> IntelNote:
    _check_note_refs(by, companies, contacts, tags)
    learned_on = learned_on or timezone.localdate()
    _check_dates(learned_on, useful_until)
    note = IntelNote(organization_id=by.organization_id, author=by, title=(title or "").strip(),
                     body=(body or "").strip(), source_kind=source_kind, learned_on=learned_on,
                     visibility=visibility, useful_until=useful_until, author_is_alumnus=alumnus)
    note.body_html = render_markdown(note.body)
    full_clean_or_raise(note, exclude=["search_vector", "body_html"])
    note.save()
    _set_links(note, IntelNoteCompany, "company", companies or [])
    _set_links(note, IntelNoteContact, "contact", contacts or [])
    _set_links(note, IntelNoteTag, "tag", tags or [])
    notes_reindex(organization_id=by.organization_id, note_ids=[note.pk])
    return note


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


def _names(objects) -> list[str]:
    return sorted(str(obj) for obj in objects)


@transaction.atomic
def intel_note_update(*, by: Membership, note: IntelNote, data: dict, companies: list[Company] | None = None,
                      contacts: list[Contact] | None = None, tags: list[Tag] | None = None) -> IntelNote:
    """The author edits a note; each change is kept (who, when, old and new value)."""
    if not rights.can_edit_note(by, note):
        raise NotAllowed("Only the author can edit a note.")
    if "author" in data and getattr(data["author"], "pk", data["author"]) != note.author_id:
        raise NotAllowed("A note's author cannot be changed.")
    unknown = set(data) - set(IntelNote.EDITABLE) - {"author"}
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    _check_note_refs(by, companies, contacts, tags)
    data = {k: (v.strip() if isinstance(v, str) and k in ("title", "body") else v) for k, v in data.items()
            if k != "author"}
    _check_dates(data.get("learned_on", note.learned_on), data.get("useful_until", note.useful_until))
    before = {name: getattr(note, name) for name in IntelNote.EDITABLE}
    links_before = {"companies": _names(note.companies.all()), "tags": _names(note.tags.all()),
                    "contacts": _names(note.contacts.all())}
    changed = model_update(note, data=data, fields=IntelNote.EDITABLE)
    changes = {name: [_plain(before[name]), _plain(getattr(note, name))] for name in changed}
    for name, objects, model, field in (("companies", companies, IntelNoteCompany, "company"),
                                        ("contacts", contacts, IntelNoteContact, "contact"),
                                        ("tags", tags, IntelNoteTag, "tag")):
        if objects is not None and _names(objects) != links_before[name]:
            _set_links(note, model, field, objects)
            changes[name] = [links_before[name], _names(objects)]
    if "body" in changed:
        note.body_html = render_markdown(note.body)
        note.save(update_fields=["body_html", "updated_at"])
    if changes:
        if not changed:
            note.save(update_fields=["updated_at"])
        IntelNoteRevision.objects.create(organization_id=note.organization_id, note=note, by=by, changes=changes)
        notes_reindex(organization_id=note.organization_id, note_ids=[note.pk])
    return note


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def intel_note_delete(*, by: Membership, note: IntelNote) -> None:
    if not rights.can_edit_note(by, note):
        raise NotAllowed("Only the author can delete a note.")
    note.delete()


@transaction.atomic
def note_mark_useful(*, by: Membership, note: IntelNote, useful: bool = True) -> bool:
    """Mark (or unmark) a note one may see as useful; returns whether it is now marked."""
    if not rights.can_mark_useful(by, note):
        raise NotAllowed("You cannot mark your own note as useful.")
    marks = UsefulMark.objects.for_org(by.organization_id)
    if not useful:
        marks.filter(note=note, member=by).delete()
        return False
    if not marks.filter(note=note, member=by).exists():
        try:
            with transaction.atomic():
                UsefulMark.objects.create(organization_id=by.organization_id, note=note, member=by)
        except IntegrityError:
            pass
    return True


# --- Follows --------------------------------------------------------------------------------------------

@transaction.atomic
def follow_set(*, by: Membership, following: bool, company: Company | None = None, tag: Tag | None = None) -> bool:
    if (company is None) == (tag is None):
        raise ApplicationError("Follow either a company or a tag.")
    subject = company or tag
    if subject.organization_id != by.organization_id:
        raise ApplicationError("Follow a company or tag of this organization.")
    follows = Follow.objects.for_org(by.organization_id).filter(member=by)
    current = follows.filter(company=company) if company else follows.filter(tag=tag)
    if not following:
        current.delete()
        return False
    if not current.exists():
        try:
            with transaction.atomic():
                Follow.objects.create(organization_id=by.organization_id, member=by, company=company, tag=tag)
        except IntegrityError:
            pass
    return True


# --- Introductions ----------------------------------------------------------------------------------------

def _notify(*, recipient: Membership, title: str, body: str, url: str) -> None:
    notification_create(recipient=recipient, kind=INTRODUCTION_KIND, title=title, body=body, url=url)
    if channel_for(member=recipient, kind=INTRODUCTION_KIND) in (Channel.BOTH, Channel.EMAIL):
        address = recipient.user.email
        link = settings.SITE_URL.rstrip("/") + url
        transaction.on_commit(lambda: send_mail(subject=title, message=f"{body}\n\n{link}\n", from_email=None,
                                                recipient_list=[address]))


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
    introduction.responded_at = timezone.now()
    introduction.save(update_fields=["status", "response_note", "responded_at", "updated_at"])
    verb = "accepted" if accept else "declined"
    company = introduction.contact.company.name
    _notify(recipient=introduction.requester, title=f"{by.user.full_name} {verb} your introduction request",
            body=f"Your contact request at {company}. {introduction.response_note}".strip(),
            url=_introductions_url(introduction.requester))
    return introduction
