"""A member's private calendar feed: the settings page that creates or revokes its address, and the
feed itself (outside ``/o/<slug>/``: the token names the organization).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from alliance.http import OrgRequest
from tours import calendar, selectors, services


@require_http_methods(["GET", "POST"])
def calendar_settings(request: OrgRequest, org_slug: str) -> HttpResponse:
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(member=request.member)
            messages.success(request, "Your calendar feed address no longer works.")
            return redirect("tours:calendar", org_slug=org_slug)
        _feed, token = services.calendar_feed_create(member=request.member)
        feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    webcal_url = "webcal://" + feed_url.split("://", 1)[1] if feed_url else ""
    context = {"feed": selectors.active_calendar_feed(request.member), "feed_url": feed_url,
               "webcal_url": webcal_url}
    return render(request, "tours/calendar.html", context)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribable feed: no session, the secret URL is the credential."""
    feed = services.calendar_feed_authenticate(token)
    if feed is None:
        raise Http404("No such calendar.")
    member = feed.membership
    name = f"Checkpoints — {feed.organization.name}"
    body = calendar.member_feed(name=name, checkpoints=selectors.calendar_checkpoints_for(member),
                                meetings=selectors.calendar_one_on_ones_for(member))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
