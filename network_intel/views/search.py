"""The search page and the CSV export of the notes it finds."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from alliance import exports
from alliance.background_exports import Export, export_response
from alliance.models import Membership
from network_intel import selectors
from network_intel.forms import SearchForm
from network_intel.models.companies import Company
from network_intel.views._common import decorate_notes


def _filters(member: Membership, form: SearchForm) -> selectors.SearchFilters:
    data = form.cleaned_data if form.is_valid() else {}
    org = member.organization_id
    company = Company.objects.for_org(org).filter(pk=data["company"]).first() if data.get("company") else None
    tag = selectors.tags_visible_to(member).filter(pk=data["tag"]).first() if data.get("tag") else None
    author = (Membership.objects.for_org(org).select_related("user").filter(pk=data["author"]).first()
              if data.get("author") else None)
    return selectors.SearchFilters(
        q=data.get("q") or "", company=company, tag=tag, author=author, team=data.get("team") or "",
        source=data.get("source") or "", learned_from=data.get("learned_from"), learned_to=data.get("learned_to"),
        sort=data.get("sort") or ("relevance" if data.get("q") else "newest"),
    )


@require_GET
def search(request: HttpRequest, org_slug: str) -> HttpResponse:
    """One box for every note the viewer may see: ranked, highlighted, with facets."""
    form = SearchForm(request.GET or None)
    filters = _filters(request.member, form)
    page = form.cleaned_data.get("page") or 1 if form.is_valid() else 1
    results = selectors.search_notes(request.member, filters, page=page)
    decorate_notes(results.notes, request.member)
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
def notes_csv(request: HttpRequest, org_slug: str) -> HttpResponse:
    return export_response(request, key=NOTES_CSV)


NOTES_CSV = "intel-notes-csv"
NOTES_CSV_HEADER = ["id", "title", "author", "companies", "tags", "source", "learned_on", "visibility",
                    "useful_until", "body", "created_at"]


def notes_csv_export(*, viewer: Membership, params) -> Export:
    """Every note the viewer may see (with the page's filters), in id order in constant memory: streamed, or
    past EXPORT_BACKGROUND_ROWS written by a worker (alliance.background_exports)."""
    notes, _, _ = selectors.filtered_notes(viewer, _filters(viewer, SearchForm(params or None)))
    total = notes.count()
    notes = notes.select_related("author__user").prefetch_related("companies", "tags")

    def to_rows(batch):
        for note in batch:
            yield [note.pk, note.title, note.author.user.full_name, ", ".join(c.name for c in note.companies.all()),
                   ", ".join(t.name for t in note.tags.all()), note.source_kind, note.learned_on.isoformat(),
                   note.visibility, note.useful_until.isoformat() if note.useful_until else "", note.body,
                   timezone.localtime(note.created_at).isoformat()]

    rows = exports.keyset_rows(notes, organization_id=viewer.organization_id, to_rows=to_rows)
    return Export(filename=f"intel-{viewer.organization.slug}-{timezone.localdate()}", header=NOTES_CSV_HEADER,
                  rows=rows, total=total, title="Intel notes")
