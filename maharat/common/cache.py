"""Django's Redis cache, with one Redis client per connection pool instead of one per call, and incr in one
round trip.

Django builds a new redis.Redis for every cache operation, and redis-py's constructor fills its table of
response callbacks each time: measured at about 0.07 ms per operation, a third of a cached verification
request (docs/performance.md). A client over a connection pool is thread-safe, so one per pool will do.
Django's incr asks EXISTS, then INCR: two round trips on every rate-limit check; a short Lua script does
both atomically in one.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis


class _Client(redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


    _INCR_EXISTING = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end"

    def incr(self, key: Any, delta: int) -> int:
        value = self.get_client(key, write=True).eval(self._INCR_EXISTING, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)


class RedisCache(redis.RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _Client
