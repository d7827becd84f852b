"""The cache as production runs it: Redis, but a Redis outage is a cache miss, not a failed page.

Django's RedisCache raises when Redis is unreachable, and everything that touches the cache — the public
pages' whole-page cache, the store's pages, cached sessions, rate-limit counters — would answer 500 until
Redis returns. TolerantRedisCache turns a connection error or time-out into what an empty cache answers
(get → default, set/add → False, incr → ValueError as for a missing key), logs it (once a minute), and lets
the page be built from the database. Readiness still reports the outage: its cache check writes and reads a
key, which fails (core/health.py). Rate limits fail open meanwhile (django-ratelimit counts from 1 again).
Tested with a real Redis stopped and started again (tests/core/test_faults_redis.py, docs/faults.md).
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError)
_LOG_EVERY = 60  # seconds: one line a minute per process is enough to see the outage


class TolerantRedisCache(RedisCache):
    _last_logged = 0.0

    def _outage(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - TolerantRedisCache._last_logged >= _LOG_EVERY:
            TolerantRedisCache._last_logged = now
            logger.warning("cache unreachable, serving without it", extra={"operation": operation,
                                                                           "error": type(error).__name__})

    def _tolerant(self, operation: str, call, fallback):
        try:
            return call()
        except OUTAGE as error:
            self._outage(operation, error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._tolerant("get", lambda: super(TolerantRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._tolerant("get_many", lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._tolerant("has_key", lambda: super(TolerantRedisCache, self).has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant("set", lambda: super(TolerantRedisCache, self).set(key, value, timeout, version), None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant("add", lambda: super(TolerantRedisCache, self).add(key, value, timeout, version), False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant("set_many", lambda: super(TolerantRedisCache, self).set_many(data, timeout, version),
                              list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant("touch", lambda: super(TolerantRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._tolerant("delete", lambda: super(TolerantRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        return self._tolerant("delete_many", lambda: super(TolerantRedisCache, self).delete_many(keys, version), None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except OUTAGE as error:
            self._outage("incr", error)
            raise ValueError(f"Key '{key}' not found (cache unreachable)") from error
