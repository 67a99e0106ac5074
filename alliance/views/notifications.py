"""The one-click unsubscribe of an e-mail kind (the weekly digests carry it): the signed link names the
person and the kind, so it works without signing in; the page asks once, the POST changes the choice."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from alliance.notifications import email_unsubscribe as email_unsubscribe_set
from alliance.notifications import kind_labels, unsubscribe_lookup


@require_http_methods(["GET", "POST"])
def email_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = unsubscribe_lookup(token)
    if found is None:
        return render(request, "alliance/unsubscribe.html", {"invalid": True}, status=404)
    member, kind = found
    context = {"organization": member.organization, "label": kind_labels().get(kind, kind), "done": False}
    if request.method == "POST":
        context.update(done=True, channel=email_unsubscribe_set(member=member, kind=kind))
    return render(request, "alliance/unsubscribe.html", context)
