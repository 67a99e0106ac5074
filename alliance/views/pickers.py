"""Search endpoints of the search-as-you-type choices (alliance/pickers.py): people of the organization."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from alliance.pickers import SEARCH_LIMIT, people_matching, people_picker, person_option_label


@require_GET
def people_search(request: HttpRequest, org_slug: str, picker: str) -> HttpResponse:
    """At most ``SEARCH_LIMIT`` people the viewer may choose in ``picker``'s fields whose name or e-mail
    starts with ``q``: the picker's own rows (its app's rule), so the form accepts exactly what is offered.
    An unknown picker, or one the viewer may not use, is a 404."""
    found = people_picker(picker)
    rows = found.scope(request.member) if found is not None else None
    if rows is None:
        raise Http404("No such choice.")
    people = list(people_matching(rows, request.GET.get("q", "")).select_related("user")[:SEARCH_LIMIT])
    options = [{"id": person.pk, "label": person_option_label(person),
                "detail": " · ".join(part for part in (person.title, person.team) if part)} for person in people]
    return render(request, "alliance/widgets/search_options.html", {
        "options": options, "prefix": f"pick-{picker.replace('.', '-')}", "empty": "Nobody you can choose matches."})
