"""The newsletter's schedule, and the unsubscribe link (outside ``/o/<slug>/``: the signed token names
the organization and person)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from alliance.decorators import hr_required
from alliance.formviews import form_submit
from alliance.http import OrgRequest
from alumni import services
from alumni.forms import NewsletterForm, NewsPostForm
from alumni.views._common import network_gate
from alumni.views.news import _news_level, _news_manage_page


@network_gate(_news_level)
@hr_required
@require_POST
def newsletter_settings(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = NewsletterForm(request.POST)
    return form_submit(
        request, form,
        save=lambda data: services.newsletter_schedule_save(by=request.member, frequency=data["frequency"]),
        success="The newsletter schedule is saved.",
        then=lambda _: redirect("alumni:news_manage", org_slug=org_slug),
        page=lambda status: _news_manage_page(request, NewsPostForm(), status=status, newsletter=form))


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    member = services.unsubscribe_lookup(token)
    if member is None:
        return render(request, "alumni/link_invalid.html", {
            "message": "This unsubscribe link is not valid. Sign in and change your consents on your alumni page, "
                       "or ask HR."}, status=404)
    if request.method == "POST":
        services.newsletter_unsubscribe(token=token)
        return render(request, "alumni/unsubscribed.html", {"organization": member.organization})
    return render(request, "alumni/unsubscribe.html", {"organization": member.organization})
