"""The Redis cache backend (common/cache.py): Django's, with one client per pool."""

from __future__ import annotations

import socket

import pytest

from maharat.common.cache import RedisCache


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_one_client_serves_every_call_and_the_cache_still_works() -> None:
    cache = RedisCache("redis://127.0.0.1:6379/14", {"KEY_PREFIX": "maharat-test"})
    cache.clear()
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client  # one pool, one client
    assert cache.add("k", 1, timeout=10) and not cache.add("k", 5, timeout=10)
    assert cache.incr("k") == 2 and cache.get("k") == 2
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set_many({"a": {"x": "۱"}, "b": [1, 2]}, timeout=10)
    assert cache.get_many(["a", "b"]) == {"a": {"x": "۱"}, "b": [1, 2]}
    cache.delete_many(["a", "b", "k"])
    assert cache.get("a") is None and cache.get("k") is None
