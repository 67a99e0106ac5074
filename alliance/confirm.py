"""Asking before a destructive or bulk action, the same way everywhere, with or without JavaScript.

A form that does something irreversible carries ``data-confirm="…question…"``: with JavaScript
(static/alliance/app.js) the browser asks and, on "OK", adds ``confirmed=1`` to the form. Without
it — or when a form forgot to ask — the view answers the unconfirmed POST with a confirmation page
(``confirm_page``) that repeats the question, lists what will be acted on, and posts the same
fields again with ``confirmed=1``. Nothing changes until that second, confirmed POST.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def confirm_page(request: HttpRequest, *, question: str, action_label: str, back_url: str,
                 items: Iterable[str] = (), detail: str = "", danger: bool = True,
                 fields: Iterable[tuple[str, str]] | None = None) -> HttpResponse:
    """The page that asks before acting: the same POST again, with ``confirmed=1``.

    ``fields`` are the (name, value) pairs to post again; by default every field of this POST
    but the CSRF token."""
    if fields is None:
        fields = [(name, value) for name in request.POST for value in request.POST.getlist(name)
                  if name not in ("csrfmiddlewaretoken", CONFIRMED)]
    return render(request, "alliance/confirm.html", {
        "question": question, "action_label": action_label, "back_url": back_url, "items": list(items),
        "detail": detail, "danger": danger, "fields": list(fields), "action": request.get_full_path(),
    })
