"""The cache: Redis, and this process's memory while Redis is unreachable.

What the cache holds is counters that protect something (the password-reset limits) and
nothing that must survive: a Redis outage must not turn sign-in pages into 500s. Each call
that finds Redis unreachable is answered from a per-process ``LocMemCache`` instead (the
limits then hold per process, not across them, until Redis answers again), and the outage is
logged at most once a minute. Any other Redis error is still an error.
"""

from __future__ import annotations

import functools

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from alliance.redis import UNREACHABLE, warn_unreachable

# The methods of Django's RedisCache that reach the server; BaseCache's others are built on them.
_REACHING_REDIS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many",
                   "delete_many", "clear")
_FALLBACK_ENTRIES = 10_000


def _falling_back(name: str):
    redis_method = getattr(RedisCache, name)

    @functools.wraps(redis_method)
    def method(self, *args, **kwargs):
        try:
            return redis_method(self, *args, **kwargs)
        except UNREACHABLE as error:
            warn_unreachable("the cache", error)
            return getattr(self.fallback, name)(*args, **kwargs)

    return method


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # One name: every thread's cache object (Django keeps one per thread) shares the same memory.
        self.fallback = LocMemCache(f"redis-fallback-{server}", {
            "KEY_PREFIX": params.get("KEY_PREFIX", ""), "VERSION": params.get("VERSION", 1),
            "TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": _FALLBACK_ENTRIES},
        })


for _name in _REACHING_REDIS:
    setattr(FallbackRedisCache, _name, _falling_back(_name))
