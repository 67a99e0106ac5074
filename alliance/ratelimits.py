"""Rate limits of the browser's sign-in side, counted in the shared (Redis) cache by DRF's
throttle machinery (failed sign-ins are django-axes' job; see settings AXES_*)."""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle

from alliance.http import client_ip


class _KeyedThrottle(SimpleRateThrottle):
    """``rate`` requests per ``ident`` (an address, or a hash of an e-mail address)."""

    def __init__(self, *, scope: str, rate: str, ident: str) -> None:
        self.scope, self.rate, self.ident = scope, rate, ident
        super().__init__()

    def get_rate(self) -> str:
        return self.rate

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def password_reset_wait(request: HttpRequest, email: str) -> timedelta | None:
    """Counts one password-reset request from this address for this e-mail address; how long to
    wait when either has asked too often (None: go ahead)."""
    address = client_ip(request)
    mailbox = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    throttles = [
        _KeyedThrottle(scope="reset_addr", rate=settings.PASSWORD_RESET_RATE_PER_ADDRESS, ident=address),
        _KeyedThrottle(scope="reset_mail", rate=settings.PASSWORD_RESET_RATE_PER_EMAIL, ident=mailbox),
    ]
    waits = [throttle.wait() or 1 for throttle in throttles if not throttle.allow_request(request, None)]
    return timedelta(seconds=max(waits)) if waits else None


def wait_in_words(wait: timedelta) -> str:
    minutes = math.ceil(wait.total_seconds() / 60)
    if minutes <= 1:
        return "a minute"
    if minutes < 90:
        return f"{minutes} minutes"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"
