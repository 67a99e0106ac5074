"""HR's alumni dashboard (``invest``)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from alliance.decorators import hr_required
from alliance.http import OrgRequest
from alumni import rights
from alumni.selectors import dashboard
from alumni.views._common import network_gate


@network_gate(rights.can_see_dashboard)
@require_GET
@hr_required
def network_dashboard(request: OrgRequest, org_slug: str) -> HttpResponse:
    return render(request, "alumni/dashboard.html", {"sections": dashboard.sections_for(request.member)})
