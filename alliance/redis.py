"""Redis beyond the cache's get and set (a script, a sorted set), on the cache's own server.

``redis_client(alias)`` answers a redis-py client of the server of ``CACHES[alias]``, on one bounded
connection pool per process, shared by its threads. Django keeps a cache object per thread, each with
its own connection pool, and builds a new client object on every ``get_client`` call; a caller that
reached Redis through the cache's private client kept a pool per request thread and paid for a client
object per request. Here the client is built once per process and cache server, and redis-py's pool
notices a fork (gunicorn's workers, Celery's) and starts afresh in the child.
"""

from __future__ import annotations

import logging
import re
import threading
import time

import redis
from django.conf import settings
from django.utils.module_loading import import_string

# Connections one process may open to the cache's server: a web worker's threads and a Celery
# worker's each hold one for a single round trip. Past it, a caller waits POOL_TIMEOUT seconds
# for a connection to come back rather than opening more. A cache's OPTIONS may set
# ``max_connections`` (and ``pool_class``, ``parser_class``), as for Django's own client.
MAX_CONNECTIONS = 32
POOL_TIMEOUT = 5

_clients: dict[tuple[str, str], redis.Redis] = {}
_lock = threading.Lock()

# Redis can be down while PostgreSQL is up: what lives there (rate limits, the password-reset
# limits) falls back to this process's memory, and says so in the log at most once a minute per
# use, not once per request.
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)
WARNING_INTERVAL = 60.0
_warned_at: dict[str, float] = {}
logger = logging.getLogger(__name__)


def warn_unreachable(use: str, error: Exception) -> None:
    """Log (at most once a minute per ``use``) that Redis failed and ``use`` runs on this process alone."""
    now = time.monotonic()
    last = _warned_at.get(use)
    if last is not None and now - last < WARNING_INTERVAL:
        return
    _warned_at[use] = now
    logger.warning("Redis unreachable (%s): %s falls back to this process's memory until it is back.", error, use)


def redis_client(alias: str = "default") -> redis.Redis:
    """The process's Redis client of the cache ``alias`` (a ``RedisCache``), on its write server.

    Keys are the caller's to build: ``caches[alias].make_and_validate_key(...)`` gives them the
    cache's prefix and version, as the cache's own reads and writes have.
    """
    config = settings.CACHES[alias]
    server = re.split("[;,]", config["LOCATION"])[0]  # Django's RedisCache writes to the first server
    key = (alias, server)
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = redis.Redis(connection_pool=_pool(server, config.get("OPTIONS", {})))
    return client


def _pool(server: str, options: dict) -> redis.ConnectionPool:
    """A pool built from the cache's OPTIONS the way Django's ``RedisCacheClient`` reads them, bounded."""
    options = {name: value for name, value in options.items() if name != "serializer"}
    pool_class = options.pop("pool_class", None) or redis.BlockingConnectionPool
    if isinstance(pool_class, str):
        pool_class = import_string(pool_class)
    parser_class = options.pop("parser_class", None) or redis.connection.DefaultParser  # hiredis when installed
    if isinstance(parser_class, str):
        parser_class = import_string(parser_class)
    options.setdefault("max_connections", MAX_CONNECTIONS)
    if issubclass(pool_class, redis.BlockingConnectionPool):
        options.setdefault("timeout", POOL_TIMEOUT)
    return pool_class.from_url(server, parser_class=parser_class, **options)
