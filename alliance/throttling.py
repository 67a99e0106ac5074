"""Per-token API throttling on the shared (Redis) cache: 429 with ``Retry-After`` past the rate."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.throttling import SimpleRateThrottle

from alliance.redis import UNREACHABLE, redis_client, warn_unreachable

# While Redis is unreachable each process counts on its own, at the same rate, with DRF's own
# sliding log in its memory: the API keeps answering (a client may then get up to the rate per
# process) instead of failing every request.
IN_PROCESS = LocMemCache("api-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})

# DRF's sliding log (every request's time within the window; refused once the window holds the rate)
# as one atomic script: drop the times that left the window, count, and either record this request or
# answer the oldest time still in it (for Retry-After). One round trip instead of DRF's get and set,
# nothing to unpickle, and no lost update between two workers' get and set.
# ARGV: now, the window's start (times at or before it have left), the rate, this request's id, the period.
SLIDING_LOG = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then
  return {0, count, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {1, count + 1, false}
"""


class TokenRateThrottle(SimpleRateThrottle):
    """``API_TOKEN_THROTTLE_RATE`` requests per token (e.g. "600/min"); a request without a token is
    counted per client address, as DRF's anonymous throttle does.

    The same rule as DRF's ``SimpleRateThrottle`` (at most that many requests in any window of the
    period, and the same ``wait()``), kept in a Redis sorted set by one script call per request.
    """

    scope = "token"
    # A sorted set, not DRF's pickled list: its own key name.
    cache_format = "throttle_log_%(scope)s_%(ident)s"
    _script = None

    def get_rate(self) -> str | None:
        # Read on each request (not at import), so a changed setting takes effect.
        return settings.API_TOKEN_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str:
        token = getattr(request, "auth", None)
        ident = f"t{token.pk}" if token is not None and getattr(token, "pk", None) else f"a{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = cache.make_and_validate_key(self.get_cache_key(request, view))
        client = redis_client()
        if TokenRateThrottle._script is None:
            TokenRateThrottle._script = client.register_script(SLIDING_LOG)
        self.now = self.timer()
        try:
            allowed, self.count, oldest = self._script(
                keys=[key], args=[repr(self.now), repr(self.now - self.duration), self.num_requests,
                                  uuid.uuid4().hex, self.duration], client=client,
            )
        except UNREACHABLE as error:
            warn_unreachable("API throttling", error)
            return self._allow_in_process(request, view)
        self.oldest = float(oldest) if oldest is not None else None
        return bool(allowed)

    def _allow_in_process(self, request, view) -> bool:
        self.cache = IN_PROCESS
        allowed = SimpleRateThrottle.allow_request(self, request, view)
        self.count = len(self.history)
        self.oldest = self.history[-1] if self.history else None
        return allowed

    def wait(self) -> float | None:
        """DRF's: the time until the oldest request leaves the window, shared by the requests still to come."""
        remaining = self.duration - (self.now - self.oldest) if self.oldest is not None else self.duration
        available = self.num_requests - self.count + 1
        if available <= 0:
            return None
        return remaining / float(available)
