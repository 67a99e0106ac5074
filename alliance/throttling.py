"""Per-token API throttling on the shared (Redis) cache: 429 with ``Retry-After`` past the rate."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """``API_TOKEN_THROTTLE_RATE`` requests per token (e.g. "600/min"); a request without a token is
    counted per client address, as DRF's anonymous throttle does."""

    scope = "token"

    def get_rate(self) -> str | None:
        # Read on each request (not at import), so a changed setting takes effect.
        return settings.API_TOKEN_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str:
        token = getattr(request, "auth", None)
        ident = f"t{token.pk}" if token is not None and getattr(token, "pk", None) else f"a{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
