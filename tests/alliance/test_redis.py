"""The public Redis helper: one bounded pool per process, on the cache's own server."""

from __future__ import annotations

import threading

import redis
from django.core.cache import cache

from alliance.redis import MAX_CONNECTIONS, redis_client


def test_every_thread_shares_one_client_and_one_bounded_pool():
    seen: list[redis.Redis] = []
    threads = [threading.Thread(target=lambda: seen.append(redis_client())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in seen + [redis_client()]}) == 1
    pool = redis_client().connection_pool
    assert isinstance(pool, redis.BlockingConnectionPool) and pool.max_connections == MAX_CONNECTIONS


def test_it_reaches_the_caches_server():
    cache.set("probe", 1, 5)
    assert redis_client().exists(cache.make_and_validate_key("probe"))
