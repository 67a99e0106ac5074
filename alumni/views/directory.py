"""The alumni directory, its CSV export, and the alumnus's own card."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from alliance import exports
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alliance.pagination import query_without_page
from alumni import rights, selectors, services
from alumni.forms import AlumniCardForm, DirectoryFilterForm
from alumni.views._common import _alumnus_portal, network_gate

DIRECTORY_PER_PAGE = 25


def _directory_filters(request: OrgRequest) -> tuple[DirectoryFilterForm, selectors.DirectoryFilters]:
    form = DirectoryFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, selectors.DirectoryFilters(**{k: v or ("" if k != "year" else None)
                                                   for k, v in form.cleaned_data.items()})
    return form, selectors.DirectoryFilters()


@network_gate(rights.can_use_directory)
@require_GET
def alumni_directory(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The opt-in directory, as this viewer may see it (alumni: what is for alumni; employees: what
    alumni opened to employees). Counts, results and the CSV come from the same guarded query."""
    form, filters = _directory_filters(request)
    cards = selectors.directory_search(viewer=request.member, filters=filters)
    page = Paginator(cards.values(*selectors.DIRECTORY_COLUMNS), DIRECTORY_PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.directory_rows(list(page.object_list), viewer=request.member, settings=request.network)
    return render(request, "alumni/directory.html", {
        "form": form, "page": page, "cards": rows, "filtered": filters.any,
        "query": query_without_page(request), "is_alumnus": rights.is_alumnus(request.member),
    }, status=400 if form.errors else 200)


CSV_COLUMNS = ("name", "current_company", "current_role", "city", "years", "teams", "tour_titles")


@network_gate(rights.can_use_directory)
@require_GET
def alumni_directory_csv(request: OrgRequest, org_slug: str) -> StreamingHttpResponse:
    _, filters = _directory_filters(request)
    cards = selectors.directory_search(viewer=request.member, filters=filters).values(*selectors.DIRECTORY_COLUMNS)
    rows = (["; ".join(v) if isinstance(v, list) else ("" if v is None else v) for v in (card[n] for n in CSV_COLUMNS)]
            for card in selectors.directory_rows(list(cards[:5000]), viewer=request.member, settings=request.network))
    return exports.streaming_csv(f"alumni-{org_slug}-{timezone.localdate()}.csv", CSV_COLUMNS, rows)


@network_gate(_alumnus_portal)
@require_http_methods(["GET", "POST"])
def alumni_card(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The alumnus's own directory card: listing (their consent), fields and who sees each."""
    profile = services.alumni_profile_ensure(member=request.member)
    initial = {name: getattr(profile, name) for name in services.CARD_FIELDS}
    form = AlumniCardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.alumni_profile_update(profile=profile, by=request.member, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Your directory card is saved." if profile.listed else
                             "Saved. You are not listed in the directory.")
            return redirect("alumni:alumni_card", org_slug=org_slug)
    return render(request, "alumni/card.html", {"form": form, "profile": profile},
                  status=400 if form.errors else 200)
