"""Note pages: the dashboard panel, one's own notes, a note, writing and editing, useful marks, the reports."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import versions
from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.rowpeople import with_people
from alliance.undo import offer_undo
from network_intel import rights, selectors, services
from network_intel.forms import NoteForm, split_names
from network_intel.models.companies import Company
from network_intel.models.notes import IntelNote, IntelNoteRevision
from network_intel.models.undo import UNDO_SECONDS
from network_intel.views._common import decorate_notes, org_url


def _quarter_start(now):
    local = timezone.localtime(now)
    month = 3 * ((local.month - 1) // 3) + 1
    return local.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def dashboard_panel_context(request: HttpRequest) -> dict:
    member = request.member
    notes = list(selectors.note_list(member).order_by("-created_at", "-id")[:5])
    return {"intel_recent": notes}


@require_GET
def my_notes(request: HttpRequest, org_slug: str) -> HttpResponse:
    notes = list(selectors.note_list(request.member).filter(author=request.member).order_by("-created_at", "-id")[:200])
    decorate_notes(notes, request.member)
    return render(request, "network_intel/my_notes.html", {"notes": notes})


# --- Notes -------------------------------------------------------------------------------


@require_GET
def note_detail(request: HttpRequest, org_slug: str, intelnote_id: int) -> HttpResponse:
    note = rights.access_note(request.member, intelnote_id)
    services.note_read_record(by=request.member, note=note)
    note = selectors.note_list(request.member).get(pk=note.pk)
    decorate_notes([note], request.member)
    revisions = []
    if rights.can_edit_note(request.member, note):
        revisions = list(with_people(IntelNoteRevision.objects.for_org(request.org.pk).filter(note=note), "by")[:50])
    contacts = list(note.contacts.all()) if rights.can_edit_note(request.member, note) else []
    return render(request, "network_intel/note_detail.html", {
        "note": note, "revisions": revisions, "contacts": contacts,
        "can_edit": rights.can_edit_note(request.member, note),
        "can_mark": rights.can_mark_useful(request.member, note),
    })


def _note_form_objects(request: HttpRequest, form: NoteForm):
    member = request.member
    companies = [services.company_resolve(by=member, name=name) for name in split_names(form.cleaned_data["companies"])]
    tags = [services.tag_resolve(by=member, name=name) for name in split_names(form.cleaned_data["tags"])]
    return companies, list(form.cleaned_data["contacts"]), tags


@require_http_methods(["GET", "POST"])
def note_new(request: HttpRequest, org_slug: str) -> HttpResponse:
    member = request.member
    initial = {"learned_on": timezone.localdate()}
    wanted = request.GET.get("company", "")
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 19:
        company = Company.objects.for_org(member.organization_id).filter(pk=int(wanted)).first()
        if company is not None:
            initial["companies"] = company.name
    form = NoteForm(request.POST or None, initial=initial, contacts=selectors.contacts_of(member))
    _suggest(form, request)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                companies, contacts, tags = _note_form_objects(request, form)
                data = {k: form.cleaned_data[k] for k in IntelNote.EDITABLE}
                note = services.intel_note_create(by=member, companies=companies, contacts=contacts, tags=tags,
                                                  **data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Your note is shared.")
            return redirect(org_url(request, "note_detail", note.pk))
    status = 400 if request.method == "POST" else 200
    return render(request, "network_intel/note_form.html", {"form": form, "note": None}, status=status)


@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, org_slug: str, intelnote_id: int) -> HttpResponse:
    member = request.member
    note = rights.access_note(member, intelnote_id)
    if not rights.can_edit_note(member, note):
        raise PermissionDenied("Only the author can edit a note.")
    form = NoteForm(request.POST or None, initial=_note_values(note), contacts=selectors.contacts_of(member))
    versions.track(form, note, read=_note_values, changed_by=_note_last_change)
    _suggest(form, request)
    if request.method == "POST" and form.is_valid():
        try:
            versions.save_tracked(form, lambda: _save_note(request, form, note))
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Saved; the change is in the note's history.")
            return redirect(org_url(request, "note_detail", note.pk))
    status = versions.status_of(form, posted=request.method == "POST")
    return render(request, "network_intel/note_form.html", {"form": form, "note": note}, status=status)


def _note_values(note: IntelNote) -> dict:
    """What the edit form shows of a note (and what a stale save is compared on)."""
    values = {name: getattr(note, name) for name in IntelNote.EDITABLE}
    values.update(companies=", ".join(c.name for c in note.companies.all()),
                  tags=", ".join(t.name for t in note.tags.all()), contacts=list(note.contacts.all()))
    return values


def _note_last_change(note: IntelNote) -> tuple[str | None, datetime | None]:
    revision = IntelNoteRevision.objects.for_org(note.organization_id).filter(note=note).select_related(
        "by__user").first()
    if revision is None or revision.by is None:  # only its author edits a note
        return note.author.user.full_name, note.updated_at
    return revision.by.user.full_name or revision.by.user.email, revision.created_at


def _save_note(request: HttpRequest, form: NoteForm, note: IntelNote) -> IntelNote:
    with transaction.atomic():
        companies, contacts, tags = _note_form_objects(request, form)
        data = {k: form.cleaned_data[k] for k in IntelNote.EDITABLE}
        return services.intel_note_update(by=request.member, note=note, data=data, companies=companies,
                                          contacts=contacts, tags=tags)


@require_POST
def note_delete(request: HttpRequest, org_slug: str, intelnote_id: int) -> HttpResponse:
    """Delete at once, with a minute to undo (the success message's button) instead of asking first."""
    note = rights.access_note(request.member, intelnote_id)
    try:
        services.intel_note_delete(by=request.member, note=note)
    except ApplicationError as error:
        raise PermissionDenied(error.message) from error
    offer_undo(request, f"The note “{note.title}” is deleted.", undo_url=org_url(request, "note_restore", note.pk),
               seconds=UNDO_SECONDS)
    return redirect(org_url(request, "my_notes"))


@require_POST
def note_restore(request: HttpRequest, org_slug: str, intelnote_id: int) -> HttpResponse:
    try:
        note = services.intel_note_restore(by=request.member, note_id=intelnote_id)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(org_url(request, "my_notes"))
    messages.success(request, f"The note “{note.title}” is back.")
    return redirect(org_url(request, "note_detail", note.pk))


@require_POST
def note_useful(request: HttpRequest, org_slug: str, intelnote_id: int) -> HttpResponse:
    note = rights.access_note(request.member, intelnote_id)
    try:
        services.note_mark_useful(by=request.member, note=note, useful=request.POST.get("useful") != "0")
    except ApplicationError as error:
        raise PermissionDenied(error.message) from error
    if request.htmx:
        decorate_notes([note], request.member)
        return render(request, "network_intel/_useful.html", {"note": note, "can_mark": True})
    return redirect(org_url(request, "note_detail", note.pk))


@require_GET
@hr_required
def most_useful(request: HttpRequest, org_slug: str) -> HttpResponse:
    days = request.GET.get("days", "90")
    days = int(days) if days in ("30", "90", "365") else 90
    until = timezone.now()
    notes = selectors.most_useful(member=request.member, since=until - timedelta(days=days), until=until)
    return render(request, "network_intel/most_useful.html", {"notes": notes, "days": days})


@require_GET
def team_sharing(request: HttpRequest, org_slug: str) -> HttpResponse:
    if not rights.can_see_team_sharing(request.member):
        raise PermissionDenied("Only managers see their team's sharing.")
    since = _quarter_start(timezone.now())
    return render(request, "network_intel/team_sharing.html", {
        "rows": selectors.team_sharing(manager=request.member, since=since), "since": since})


def _suggest(form, request) -> None:
    """Company and tag fields ask for suggestions as one types (HTMX; a datalist shows them)."""
    for field, target, view in (("companies", "company-options", "network_intel:suggest_companies"),
                                ("tags", "tag-options", "network_intel:suggest_tags")):
        if field in form.fields:
            form.fields[field].widget.attrs.update({
                "hx-get": reverse(view, args=[request.org.slug]), "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{target}", "list": target,
            })
