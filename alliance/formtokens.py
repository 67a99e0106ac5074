"""Forms that create things are safe against the back button.

A create form carries a one-time token (``form_token``, made by ``new_token``). When the POST
succeeds, the view records where the new thing lives (``remember``); the same form sent again —
the back button, a double click, a reload — finds the token used (``already_made``) and is sent
to what the first POST made instead of making a second one. Tokens live in the cache for a day,
keyed by the person who sent them.
"""

from __future__ import annotations

import re
import secrets

from django.core.cache import cache
from django.http import HttpRequest

FIELD = "form_token"
TTL_SECONDS = 24 * 3600
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_of(request: HttpRequest) -> str:
    """The token of this POST when it has a well-formed one, else a fresh one (for the form's next showing)."""
    sent = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return sent if _SHAPE.match(sent) else new_token()


def _key(request: HttpRequest, token: str) -> str:
    return f"formtoken:{request.user.pk}:{token}"


def already_made(request: HttpRequest) -> str | None:
    """Where the first POST of this form went, when this POST sends its token again."""
    token = request.POST.get(FIELD, "")
    if request.method != "POST" or not _SHAPE.match(token):
        return None
    return cache.get(_key(request, token))


def remember(request: HttpRequest, url: str) -> None:
    token = request.POST.get(FIELD, "")
    if _SHAPE.match(token):
        cache.set(_key(request, token), url, TTL_SECONDS)
