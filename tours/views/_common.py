"""Shared by the tours pages: the answer to a refused form, the redirect after a POST (HTMX or not),
a safe ``next``, ids from a query string, and the URLs of a tour and a checkpoint.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from alliance.http import OrgRequest
from tours.models import Checkpoint, Tour


def _invalid_status(request: OrgRequest) -> int:
    """400 for a refused form post; 200 for HTMX, which swaps only successful responses."""
    return 200 if request.htmx or request.method != "POST" else 400


def _back_to(request: OrgRequest, url: str) -> HttpResponse:
    """After a POST: a full redirect, also for HTMX (which then swaps the whole page)."""
    if request.htmx:
        # Without the fragment: a redirect to the same page plus "#..." would only scroll.
        return HttpResponseClientRedirect(url.split("#", 1)[0])
    return redirect(url)


def _safe_next(request: OrgRequest) -> str:
    """A same-site ``next`` path from the form, or nothing (no open redirects)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


MAX_ID_DIGITS = 19  # a bigint; int() refuses strings of more than 4,300 digits outright


def _id_param(value: object) -> int | None:
    """An id from a query string or a posted field, or None.

    ASCII digits only: ``"²".isdigit()`` is true, but ``int("²")`` raises.
    """
    text = "" if value is None else str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS else None


def _tour_url(tour: Tour) -> str:
    return reverse("tours:detail", args=[tour.organization.slug, tour.pk])


def _checkpoint_url(request: OrgRequest, checkpoint: Checkpoint) -> str:
    return reverse("tours:checkpoint_detail", args=[request.org.slug, checkpoint.pk])
