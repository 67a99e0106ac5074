"""Company and tag pages, following them, merging duplicates, suggestions as one types, HR's vocabulary."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.confirm import confirm_page, is_confirmed
from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from network_intel import rights, selectors, services
from network_intel.forms import CompanyForm, MergeForm, SettingsForm, TagForm, split_names
from network_intel.models.companies import Company
from network_intel.views._common import decorate_notes, org_url

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
            return redirect(org_url(request, "company_detail", company.pk))
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
    decorate_notes(notes, member)
    moves = selectors.company_merge_preview(member=member, source=company) if rights.can_curate(member) else None
    who_knows = selectors.who_knows_page(member=member, company=company)
    return render(request, "network_intel/company_detail.html", {
        "company": company, "notes": notes, "who_knows": who_knows, "acquaintances": who_knows.acquaintances,
        "following": selectors.is_following(member, company=company), "can_curate": rights.can_curate(member),
        "moves": moves, "merge_form": MergeForm(auto_id="merge_%s"), "aliases": selectors.company_aliases(company),
    })


def _follow(request: HttpRequest, *, company=None, tag=None) -> HttpResponse:
    following = request.POST.get("follow") != "0"
    services.follow_set(by=request.member, following=following, company=company, tag=tag)
    if request.htmx:
        return render(request, "network_intel/_follow.html", {"company": company, "tag": tag, "following": following})
    return redirect(org_url(request, "company_detail", company.pk) if company
                    else org_url(request, "tag_detail", tag.pk))


@require_POST
def company_follow(request: HttpRequest, org_slug: str, company_id: int) -> HttpResponse:
    return _follow(request, company=rights.access_company(request.member, company_id))


@require_POST
def tag_follow(request: HttpRequest, org_slug: str, tag_id: int) -> HttpResponse:
    return _follow(request, tag=rights.access_tag(request.member, tag_id))


@require_POST
def company_merge(request: HttpRequest, org_slug: str, company_id: int) -> HttpResponse:
    """Merge a duplicate: first a page showing all that moves (with or without JavaScript), then the merge."""
    member = request.member
    source = rights.access_company(member, company_id)
    if not rights.can_curate(member):
        raise PermissionDenied("Only HR or an administrator can merge companies.")
    form = MergeForm(request.POST, companies=Company.objects.for_org(request.org.pk).exclude(pk=source.pk))
    target = form.cleaned_data["into"] if form.is_valid() else None
    if target is None:
        messages.error(request, "Choose the company to merge into: " + " ".join(form.errors.get("into", [])))
        return redirect(org_url(request, "company_detail", source.pk))
    if not is_confirmed(request):
        return confirm_page(
            request, question=f"Merge “{source.name}” into “{target.name}”?", action_label="Merge them",
            back_url=org_url(request, "company_detail", source.pk), items=_merge_lines(member, source, target),
            detail=f"“{source.name}” goes; its name stays as another name of {target.name}, so typing it finds "
                   f"{target.name}. The people whose contacts move are told. This cannot be undone.",
            fields=[("into", str(target.pk)), ("into__text", target.name)])
    try:
        services.company_merge(by=member, source=source, target=target)
    except ApplicationError as error:
        if error.status_code == 403:
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
        return redirect(org_url(request, "company_detail", source.pk))
    messages.success(request, f"Merged into {target.name}: its notes, contacts and follows moved with it.")
    return redirect(org_url(request, "company_detail", target.pk))


def _merge_lines(member, source: Company, target: Company) -> list[str]:
    """The preview of a merge, one line per kind of thing that moves."""
    moves = selectors.company_merge_preview(member=member, source=source)

    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    return [
        f"{count(moves['contacts'], 'contact', 'contacts')} of {count(moves['people'], 'person', 'people')} "
        f"move to {target.name} (each person is told)",
        f"{count(moves['notes'], 'note', 'notes')} you can see now name {target.name} (private notes follow too)",
        f"{count(moves['expenses'], 'expense', 'expenses')} met people there: they now show {target.name}",
        f"{count(moves['introductions'], 'introduction request', 'introduction requests')} follow their contacts",
        f"{count(moves['follows'], 'follow', 'follows')} move (followers keep their digest)",
        f"{count(moves['aliases'] + 1, 'name', 'names')} become other names of {target.name}",
    ]


@require_GET
def tag_detail(request: HttpRequest, org_slug: str, tag_id: int) -> HttpResponse:
    member = request.member
    tag = rights.access_tag(member, tag_id)
    notes = list(selectors.note_list(member).filter(tag_links__tag=tag).order_by("-created_at", "-id")[:50])
    decorate_notes(notes, member)
    return render(request, "network_intel/tag_detail.html", {
        "tag": tag, "notes": notes, "following": selectors.is_following(member, tag=tag)})


@require_POST
@hr_required
def tag_official(request: HttpRequest, org_slug: str, tag_id: int) -> HttpResponse:
    tag = rights.access_tag(request.member, tag_id)
    services.tag_set_official(by=request.member, tag=tag, official=request.POST.get("official") != "0")
    return redirect(org_url(request, "vocabulary"))


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
def company_search(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The options of a company combobox (alliance.pickers): at most 20 companies the text may mean."""
    found = selectors.company_search(organization_id=request.org.pk, text=request.GET.get("q", ""))
    options = [{"id": c.pk, "label": c.name, "detail": c.domain} for c in found]
    return render(request, "alliance/widgets/search_options.html", {
        "options": options, "prefix": "pick-company",
        "empty": "No company of that name yet: it is added when you save."})


@require_GET
def contact_search(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The options of a contacts combobox (alliance.pickers): at most 20 of the viewer's own contacts."""
    found = selectors.contact_search(request.member, request.GET.get("q", ""))
    options = [{"id": c.pk, "label": selectors.contact_label(c), "detail": c.title} for c in found]
    return render(request, "alliance/widgets/search_options.html", {
        "options": options, "prefix": "pick-contact",
        "empty": "None of your contacts matches: add them on your contacts page, or type them in below."})


@require_GET
def suggest_tags(request: HttpRequest, org_slug: str) -> HttpResponse:
    text = request.GET.get("tags", request.GET.get("q", ""))
    last = text.split(",")[-1].strip()[:100]
    tags = selectors.tag_suggestions(member=request.member, text=last)
    prefix = ", ".join(split_names(",".join(text.split(",")[:-1])))
    return render(request, "network_intel/_options.html",
                  {"options": [(f"{prefix}, {t.name}" if prefix else t.name) for t in tags]})


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
                return redirect(org_url(request, "vocabulary"))
    tags = list(selectors.tags_visible_to(member).order_by("-is_official", "name")[:500])
    return render(request, "network_intel/vocabulary.html", {
        "form": form, "settings_form": settings_form, "official": [t for t in tags if t.is_official],
        "free": [t for t in tags if not t.is_official]}, status=400 if request.method == "POST" else 200)
