"""Browser pages for network intelligence (HTMX partials with plain-link fallbacks).

Objects come through ``network_intel.rights`` (404 for what the viewer may not see);
changes go through ``network_intel.services``, which refuse on their own.
"""

from __future__ import annotations

import csv
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.models import Membership
from network_intel import rights, selectors, services
from network_intel.forms import (
    AnswerForm,
    CompanyForm,
    ContactForm,
    IntroductionForm,
    MergeForm,
    NoteForm,
    SearchForm,
    SettingsForm,
    TagForm,
    split_names,
)
from network_intel.models import Company, IntelNote, IntelNoteRevision, Tag
from network_intel.text import highlighted

CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _url(request: HttpRequest, name: str, *args) -> str:
    return reverse(f"network_intel:{name}", args=[request.org.slug, *args])


def _quarter_start(now):
    local = timezone.localtime(now)
    month = 3 * ((local.month - 1) // 3) + 1
    return local.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def dashboard_panel_context(request: HttpRequest) -> dict:
    member = request.member
    notes = list(selectors.note_list(member).order_by("-created_at", "-id")[:5])
    return {"intel_recent": notes}


# --- Search and lists ------------------------------------------------------------------


def _filters(request: HttpRequest, form: SearchForm) -> selectors.SearchFilters:
    data = form.cleaned_data if form.is_valid() else {}
    org = request.org.pk
    company = Company.objects.for_org(org).filter(pk=data["company"]).first() if data.get("company") else None
    tag = Tag.objects.for_org(org).filter(pk=data["tag"]).first() if data.get("tag") else None
    author = (Membership.objects.for_org(org).select_related("user").filter(pk=data["author"]).first()
              if data.get("author") else None)
    return selectors.SearchFilters(
        q=data.get("q") or "", company=company, tag=tag, author=author, team=data.get("team") or "",
        source=data.get("source") or "", learned_from=data.get("learned_from"), learned_to=data.get("learned_to"),
        sort=data.get("sort") or ("relevance" if data.get("q") else "newest"),
    )


def _decorate(notes: list[IntelNote], member: Membership) -> None:
    counts, mine = selectors.useful_counts(notes, member)
    for note in notes:
        note.useful_count = counts.get(note.pk, 0)
        note.marked_useful = note.pk in mine
        if getattr(note, "body_snippet", None) is not None:
            note.snippet_html = highlighted(note.body_snippet)
            note.title_html = highlighted(note.title_snippet)


@require_GET
def search(request: HttpRequest, org_slug: str) -> HttpResponse:
    """One box for every note the viewer may see: ranked, highlighted, with facets."""
    form = SearchForm(request.GET or None)
    filters = _filters(request, form)
    page = form.cleaned_data.get("page") or 1 if form.is_valid() else 1
    results = selectors.search_notes(request.member, filters, page=page)
    _decorate(results.notes, request.member)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "filters": filters, "results": results, "query": query.urlencode(),
               "sorts": selectors.SORTS, "base_query": _without(request, ("page",))}
    for facet in ("company", "tag", "author", "source"):
        context[f"{facet}_query"] = _without(request, ("page", facet))
    template = "network_intel/search.html#results" if request.htmx else "network_intel/search.html"
    return render(request, template, context)


def _without(request: HttpRequest, keys) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


@require_GET
def my_notes(request: HttpRequest, org_slug: str) -> HttpResponse:
    notes = list(selectors.note_list(request.member).filter(author=request.member).order_by("-created_at", "-id")[:200])
    _decorate(notes, request.member)
    return render(request, "network_intel/my_notes.html", {"notes": notes})


@require_GET
def notes_csv(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Every note the viewer may see (with the page's filters), as CSV."""
    notes, _, _ = selectors.filtered_notes(request.member, _filters(request, SearchForm(request.GET or None)))
    notes = notes.select_related("author__user").prefetch_related("companies", "tags").order_by("-created_at", "-id")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="intel-{org_slug}-{timezone.localdate()}.csv"'
    writer = csv.writer(response)
    writer.writerow(["id", "title", "author", "companies", "tags", "source", "learned_on", "visibility",
                     "useful_until", "body", "created_at"])
    for note in notes[:10000]:
        row = [note.pk, note.title, note.author.user.full_name, ", ".join(c.name for c in note.companies.all()),
               ", ".join(t.name for t in note.tags.all()), note.source_kind, note.learned_on.isoformat(),
               note.visibility, note.useful_until.isoformat() if note.useful_until else "", note.body,
               timezone.localtime(note.created_at).isoformat()]
        writer.writerow([("'" + c if isinstance(c, str) and c.startswith(CSV_FORMULA_PREFIXES) else c) for c in row])
    return response


# --- Notes -------------------------------------------------------------------------------


@require_GET
def note_detail(request: HttpRequest, org_slug: str, intelnote_id: int) -> HttpResponse:
    note = rights.access_note(request.member, intelnote_id)
    note = selectors.note_list(request.member).get(pk=note.pk)
    _decorate([note], request.member)
    revisions = []
    if rights.can_edit_note(request.member, note):
        revisions = list(IntelNoteRevision.objects.for_org(request.org.pk).filter(note=note)
                         .select_related("by__user")[:50])
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
            from django.db import transaction

            with transaction.atomic():
                companies, contacts, tags = _note_form_objects(request, form)
                data = {k: form.cleaned_data[k] for k in IntelNote.EDITABLE}
                note = services.intel_note_create(by=member, companies=companies, contacts=contacts, tags=tags,
                                                  **data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Your note is shared.")
            return redirect(_url(request, "note_detail", note.pk))
    status = 400 if request.method == "POST" else 200
    return render(request, "network_intel/note_form.html", {"form": form, "note": None}, status=status)


@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, org_slug: str, intelnote_id: int) -> HttpResponse:
    member = request.member
    note = rights.access_note(member, intelnote_id)
    if not rights.can_edit_note(member, note):
        raise PermissionDenied("Only the author can edit a note.")
    initial = {name: getattr(note, name) for name in IntelNote.EDITABLE}
    initial.update(companies=", ".join(c.name for c in note.companies.all()),
                   tags=", ".join(t.name for t in note.tags.all()), contacts=list(note.contacts.all()))
    form = NoteForm(request.POST or None, initial=initial, contacts=selectors.contacts_of(member))
    _suggest(form, request)
    if request.method == "POST" and form.is_valid():
        try:
            from django.db import transaction

            with transaction.atomic():
                companies, contacts, tags = _note_form_objects(request, form)
                data = {k: form.cleaned_data[k] for k in IntelNote.EDITABLE}
                services.intel_note_update(by=member, note=note, data=data, companies=companies, contacts=contacts,
                                           tags=tags)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Saved; the change is in the note's history.")
            return redirect(_url(request, "note_detail", note.pk))
    status = 400 if request.method == "POST" else 200
    return render(request, "network_intel/note_form.html", {"form": form, "note": note}, status=status)


@require_POST
def note_delete(request: HttpRequest, org_slug: str, intelnote_id: int) -> HttpResponse:
    note = rights.access_note(request.member, intelnote_id)
    try:
        services.intel_note_delete(by=request.member, note=note)
    except ApplicationError as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, "The note is deleted.")
    return redirect(_url(request, "my_notes"))


@require_POST
def note_useful(request: HttpRequest, org_slug: str, intelnote_id: int) -> HttpResponse:
    note = rights.access_note(request.member, intelnote_id)
    try:
        services.note_mark_useful(by=request.member, note=note, useful=request.POST.get("useful") != "0")
    except ApplicationError as error:
        raise PermissionDenied(error.message) from error
    if request.htmx:
        _decorate([note], request.member)
        return render(request, "network_intel/_useful.html", {"note": note, "can_mark": True})
    return redirect(_url(request, "note_detail", note.pk))


# --- Companies and tags -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def companies(request: HttpRequest, org_slug: str) -> HttpResponse:
    member = request.member
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_create(by=member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"{company.name} is added.")
            return redirect(_url(request, "company_detail", company.pk))
    search_text = request.GET.get("q", "")[:200]
    rows = list(selectors.company_list(member=member, search=search_text).order_by("name", "id")[:300])
    similar = (selectors.company_matches(organization_id=member.organization_id, text=form.data.get("name", ""),
                                         by_word=False) if form.is_bound else [])
    return render(request, "network_intel/companies.html", {
        "form": form, "companies": rows, "q": search_text, "similar": similar, "can_curate": rights.can_curate(member),
    }, status=400 if request.method == "POST" else 200)


@require_GET
def company_detail(request: HttpRequest, org_slug: str, company_id: int) -> HttpResponse:
    member = request.member
    company = rights.access_company(member, company_id)
    notes = list(selectors.note_list(member).filter(company_links__company=company).order_by("-created_at", "-id")[:50])
    _decorate(notes, member)
    others = (list(Company.objects.for_org(member.organization_id).exclude(pk=company.pk).order_by("name")[:500])
              if rights.can_curate(member) else [])
    return render(request, "network_intel/company_detail.html", {
        "company": company, "notes": notes, "acquaintances": selectors.who_knows(member=member, company=company),
        "following": selectors.is_following(member, company=company), "can_curate": rights.can_curate(member),
        "others": others, "merge_form": MergeForm(),
    })


def _follow(request: HttpRequest, *, company=None, tag=None) -> HttpResponse:
    following = request.POST.get("follow") != "0"
    services.follow_set(by=request.member, following=following, company=company, tag=tag)
    if request.htmx:
        return render(request, "network_intel/_follow.html", {"company": company, "tag": tag, "following": following})
    return redirect(_url(request, "company_detail", company.pk) if company else _url(request, "tag_detail", tag.pk))


@require_POST
def company_follow(request: HttpRequest, org_slug: str, company_id: int) -> HttpResponse:
    return _follow(request, company=rights.access_company(request.member, company_id))


@require_POST
def tag_follow(request: HttpRequest, org_slug: str, tag_id: int) -> HttpResponse:
    return _follow(request, tag=rights.access_tag(request.member, tag_id))


@require_POST
def company_merge(request: HttpRequest, org_slug: str, company_id: int) -> HttpResponse:
    source = rights.access_company(request.member, company_id)
    form = MergeForm(request.POST)
    target = None
    if form.is_valid():
        target = Company.objects.for_org(request.org.pk).filter(pk=form.cleaned_data["into"]).first()
    if target is None:
        messages.error(request, "Choose the company to merge into.")
        return redirect(_url(request, "company_detail", source.pk))
    try:
        services.company_merge(by=request.member, source=source, target=target)
    except ApplicationError as error:
        if error.status_code == 403:
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
        return redirect(_url(request, "company_detail", source.pk))
    messages.success(request, f"Merged into {target.name}: its notes, contacts and follows moved with it.")
    return redirect(_url(request, "company_detail", target.pk))


@require_GET
def tag_detail(request: HttpRequest, org_slug: str, tag_id: int) -> HttpResponse:
    member = request.member
    tag = rights.access_tag(member, tag_id)
    notes = list(selectors.note_list(member).filter(tag_links__tag=tag).order_by("-created_at", "-id")[:50])
    _decorate(notes, member)
    return render(request, "network_intel/tag_detail.html", {
        "tag": tag, "notes": notes, "following": selectors.is_following(member, tag=tag)})


@require_POST
@hr_required
def tag_official(request: HttpRequest, org_slug: str, tag_id: int) -> HttpResponse:
    tag = rights.access_tag(request.member, tag_id)
    services.tag_set_official(by=request.member, tag=tag, official=request.POST.get("official") != "0")
    return redirect(_url(request, "vocabulary"))


@require_GET
def who_knows_page(request: HttpRequest, org_slug: str) -> HttpResponse:
    """"Who here knows someone at X?" — by id or by name (typos forgiven)."""
    text = request.GET.get("company", "")[:200]
    company = selectors.company_from_param(request.member, text)
    context = {"text": text, "company": company,
               "acquaintances": selectors.who_knows(member=request.member, company=company) if company else [],
               "suggestions": selectors.company_matches(organization_id=request.org.pk, text=text) if text else []}
    template = "network_intel/who_knows.html#answer" if request.htmx else "network_intel/who_knows.html"
    return render(request, template, context)


@require_GET
def suggest_companies(request: HttpRequest, org_slug: str) -> HttpResponse:
    """<option>s for the company field's datalist (HTMX); without JavaScript the field takes any name."""
    text = request.GET.get("companies", request.GET.get("company_name", request.GET.get("q", "")))
    last = text.split(",")[-1].strip()[:200]
    options = selectors.company_matches(organization_id=request.org.pk, text=last) if last else []
    prefix = ", ".join(split_names(",".join(text.split(",")[:-1])))
    return render(request, "network_intel/_options.html",
                  {"options": [(f"{prefix}, {c.name}" if prefix else c.name) for c in options]})


@require_GET
def suggest_tags(request: HttpRequest, org_slug: str) -> HttpResponse:
    text = request.GET.get("tags", request.GET.get("q", ""))
    last = text.split(",")[-1].strip()[:100]
    tags = selectors.tag_suggestions(organization_id=request.org.pk, text=last)
    prefix = ", ".join(split_names(",".join(text.split(",")[:-1])))
    return render(request, "network_intel/_options.html",
                  {"options": [(f"{prefix}, {t.name}" if prefix else t.name) for t in tags]})


# --- Contacts and introductions ---------------------------------------------------------------


def _colleagues(request: HttpRequest):
    return (Membership.objects.for_org(request.org.pk).filter(status=Membership.Status.ACTIVE)
            .exclude(pk=request.member.pk).select_related("user").order_by("user__full_name"))


def _save_contact(request: HttpRequest, form: ContactForm, contact=None):
    data = {k: v for k, v in form.cleaned_data.items() if k != "company_name"}
    company = services.company_resolve(by=request.member, name=form.cleaned_data["company_name"])
    if contact is None:
        return services.contact_create(by=request.member, company=company, **data)
    return services.contact_update(by=request.member, contact=contact, data={**data, "company": company})


@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest, org_slug: str) -> HttpResponse:
    member = request.member
    form = ContactForm(request.POST or None, colleagues=_colleagues(request))
    if request.method == "POST" and form.is_valid():
        try:
            contact = _save_contact(request, form)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"{contact.name} is in your contacts.")
            return redirect(_url(request, "contacts"))
    rows = list(selectors.contacts_of(member).order_by("name", "id"))
    return render(request, "network_intel/contacts.html", {"form": form, "contacts": rows},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, org_slug: str, contact_id: int) -> HttpResponse:
    contact = rights.access_own_contact(request.member, contact_id)
    if request.method == "POST" and request.POST.get("delete"):
        services.contact_delete(by=request.member, contact=contact)
        messages.success(request, "The contact is deleted.")
        return redirect(_url(request, "contacts"))
    form = ContactForm(request.POST or None, instance=contact, colleagues=_colleagues(request),
                       initial={"company_name": contact.company.name})
    if request.method == "POST" and form.is_valid():
        try:
            _save_contact(request, form, contact)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(_url(request, "contacts"))
    return render(request, "network_intel/contact_edit.html", {"form": form, "contact": contact},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def introduction_new(request: HttpRequest, org_slug: str, contact_id: int) -> HttpResponse:
    contact = rights.access_contact_to_meet(request.member, contact_id)
    form = IntroductionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.introduction_request(by=request.member, contact=contact, message=form.cleaned_data["message"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"{contact.owner.user.full_name} is asked; you will hear back.")
            return redirect(_url(request, "introductions"))
    return render(request, "network_intel/introduction_new.html", {"form": form, "contact": contact},
                  status=400 if request.method == "POST" else 200)


@require_GET
def introductions(request: HttpRequest, org_slug: str) -> HttpResponse:
    rows = list(selectors.introductions_for(request.member)[:200])
    return render(request, "network_intel/introductions.html", {
        "asked_of_me": [r for r in rows if r.introducer_id == request.member.pk],
        "mine": [r for r in rows if r.requester_id == request.member.pk], "answer_form": AnswerForm()})


@require_POST
def introduction_answer(request: HttpRequest, org_slug: str, introduction_id: int, answer: str) -> HttpResponse:
    introduction = rights.access_introduction(request.member, introduction_id)
    if answer not in ("accept", "decline"):
        from django.http import Http404

        raise Http404("No such answer.")
    form = AnswerForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.introduction_respond(by=request.member, introduction=introduction, accept=answer == "accept",
                                      note=note)
    except ApplicationError as error:
        if error.status_code == 403:
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, "Your answer is sent.")
    return redirect(_url(request, "introductions"))


# --- Follows, curation, reports -----------------------------------------------------------------


@require_GET
def follows(request: HttpRequest, org_slug: str) -> HttpResponse:
    rows = list(selectors.follows_of(request.member))
    return render(request, "network_intel/follows.html", {
        "companies": [f.company for f in rows if f.company_id], "tags": [f.tag for f in rows if f.tag_id]})


@require_http_methods(["GET", "POST"])
@hr_required
def vocabulary(request: HttpRequest, org_slug: str) -> HttpResponse:
    member = request.member
    form = TagForm(request.POST or None) if request.POST.get("form") != "settings" else TagForm()
    current = selectors.search_language(request.org.pk)
    settings_form = SettingsForm(request.POST if request.POST.get("form") == "settings" else None,
                                 initial={"search_language": current})
    if request.method == "POST":
        target = settings_form if request.POST.get("form") == "settings" else form
        if target.is_valid():
            try:
                if target is settings_form:
                    services.intel_settings_update(by=member, **settings_form.cleaned_data)
                else:
                    services.tag_save_official(by=member, **form.cleaned_data)
            except ApplicationError as error:
                apply_application_error(target, error)
            else:
                messages.success(request, "Saved.")
                return redirect(_url(request, "vocabulary"))
    tags = list(Tag.objects.for_org(request.org.pk).order_by("-is_official", "name")[:500])
    return render(request, "network_intel/vocabulary.html", {
        "form": form, "settings_form": settings_form, "official": [t for t in tags if t.is_official],
        "free": [t for t in tags if not t.is_official]}, status=400 if request.method == "POST" else 200)


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
