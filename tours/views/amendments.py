"""Answering a proposed amendment of an active tour from its page.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_POST

from alliance.errors import ApplicationError
from alliance.http import OrgRequest
from tours import selectors, services
from tours.views._common import _back_to, _tour_url


@require_POST
def amendment_action(request: OrgRequest, org_slug: str, amendment_id: int, action: str) -> HttpResponse:
    """Accept or decline (the employee) or withdraw (the manager side) a proposed amendment."""
    amendment = selectors.get_amendment_for_member(request.member, amendment_id)
    tour = amendment.tour
    note = request.POST.get("note", "")[:2000]
    try:
        if action == "accept":
            services.amendment_accept(amendment=amendment, by=request.member, note=note)
            messages.success(request, "Amendment accepted: the new terms are in force.")
        elif action == "decline":
            services.amendment_decline(amendment=amendment, by=request.member, note=note)
            messages.success(request, f"Amendment declined; {tour.manager.user.full_name} will hear why.")
        elif action == "withdraw":
            services.amendment_withdraw(amendment=amendment, by=request.member)
            messages.success(request, "Amendment withdrawn.")
        else:
            raise Http404("No such action.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back_to(request, _tour_url(tour))
