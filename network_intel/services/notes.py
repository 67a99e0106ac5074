"""Writes for intel notes: a member's or an alumnus's note, edits with their history, deletion, useful marks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership
from alliance.services import full_clean_or_raise, model_update
from network_intel import rights
from network_intel.limits import CONTACTS_MAX, NOTE_COMPANIES_MAX, NOTE_HTML_MAX, NOTE_TAGS_MAX
from network_intel.models.companies import Company, Tag
from network_intel.models.contacts import Contact
from network_intel.models.notes import (
    IntelNote,
    IntelNoteCompany,
    IntelNoteContact,
    IntelNoteRevision,
    IntelNoteTag,
    UsefulMark,
)
from network_intel.services._common import field_error
from network_intel.services.search import notes_reindex
from network_intel.text import render_markdown

# --- Notes -------------------------------------------------------------------------------------------

def _check_note_refs(by: Membership, companies, contacts, tags) -> None:
    for name, objects, most in (("companies", companies, NOTE_COMPANIES_MAX), ("contacts", contacts, CONTACTS_MAX),
                                ("tags", tags, NOTE_TAGS_MAX)):
        if objects is not None and len(objects) > most:
            raise field_error(name, f"A note names at most {most} {name}.")
    for company in companies or []:
        if company.organization_id != by.organization_id:
            raise ApplicationError("Choose companies of this organization.", field_errors={"companies": ["Unknown."]})
    for contact in contacts or []:
        if contact.organization_id != by.organization_id or contact.owner_id != by.pk:
            raise ApplicationError("A note can name only your own contacts.",
                                   field_errors={"contacts": ["Only your own contacts."]})
    for tag in tags or []:
        if tag.organization_id != by.organization_id:
            raise field_error("tags", "Choose tags of this organization.")


def _set_links(note: IntelNote, model, field: str, objects) -> None:
    org = note.organization_id
    wanted = {obj.pk for obj in objects}
    existing = set(model.objects.for_org(org).filter(note=note).values_list(f"{field}_id", flat=True))
    model.objects.for_org(org).filter(note=note).exclude(**{f"{field}_id__in": wanted}).delete()
    model.objects.bulk_create([model(organization_id=org, note=note, **{f"{field}_id": pk})
                               for pk in sorted(wanted - existing)])


def _rendered(body: str) -> str:
    """The body's HTML, refused when its markup makes a page far longer than its text."""
    html = render_markdown(body)
    if len(html) > NOTE_HTML_MAX:
        raise field_error("body", "This text makes too long a page: shorten it, or use less markup.")
    return html


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
    and the organization's investment level, calls this only when both allow it (``alumni.services.alumni_intel``);
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
    note.body_html = _rendered(note.body)
    full_clean_or_raise(note, exclude=["search_vector", "body_html"])
    note.save()
    _set_links(note, IntelNoteCompany, "company", companies or [])
    _set_links(note, IntelNoteContact, "contact", contacts or [])
    _set_links(note, IntelNoteTag, "tag", tags or [])
    notes_reindex(organization_id=by.organization_id, note_ids=[note.pk])
    return note


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
        note.body_html = _rendered(note.body)
        note.save(update_fields=["body_html", "updated_at"])
    if changes:
        if not changed:
            note.save(update_fields=["updated_at"])
        IntelNoteRevision.objects.create(organization_id=note.organization_id, note=note, by=by, changes=changes)
        notes_reindex(organization_id=note.organization_id, note_ids=[note.pk])
    return note


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


# A reader's latest opening is written again only when the stored one is older than this: a page opened
# over and over costs one write an hour, and the period figures (days) do not need it finer.
NOTE_READ_REFRESH = timedelta(hours=1)

_NOTE_READ_UPSERT = """
INSERT INTO network_intel_noteread (organization_id, note_id, reader_id, read_at, created_at, updated_at)
VALUES (%(org)s, %(note)s, %(reader)s, %(now)s, %(now)s, %(now)s)
ON CONFLICT (organization_id, note_id, reader_id) DO UPDATE SET read_at = EXCLUDED.read_at,
    updated_at = EXCLUDED.updated_at
WHERE network_intel_noteread.read_at < %(stale)s
"""


def note_read_record(*, by: Membership, note: IntelNote, now: datetime | None = None) -> bool:
    """``by`` opened ``note``'s page: record (or refresh) their one read of it, for the most-read notes. The
    author's own readings and notes ``by`` may not see are not counted. One statement; returns whether a
    row was written."""
    if not rights.can_count_read(by, note):
        return False
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_NOTE_READ_UPSERT, {"org": by.organization_id, "note": note.pk, "reader": by.pk, "now": now,
                                           "stale": now - NOTE_READ_REFRESH})
        return cursor.rowcount == 1


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
