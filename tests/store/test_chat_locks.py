"""Per-chat locks serialise turns of one chat and let other chats run, in-process and in Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis

from store.chat_locks import ChatLocks, LocalChatLocks, RedisChatLocks
from tests.conftest import REDIS_URL, require_server


@pytest.fixture(params=["local", "redis"])
async def locks(request):
    if request.param == "local":
        yield LocalChatLocks()
        return
    require_server("Redis", "127.0.0.1", 6379)
    redis = Redis.from_url(REDIS_URL)
    yield RedisChatLocks(redis, timeout=5, wait=5)
    await redis.aclose()


async def _overlaps(locks: ChatLocks, keys: list[str]) -> tuple[int, int]:
    """Most turns inside at once for one chat, and across all chats."""
    inside: dict[str, int] = {}
    worst_per_chat = worst_overall = 0

    async def turn(key: str) -> None:
        nonlocal worst_per_chat, worst_overall
        async with locks.hold(key):
            inside[key] = inside.get(key, 0) + 1
            worst_per_chat = max(worst_per_chat, inside[key])
            worst_overall = max(worst_overall, sum(inside.values()))
            await asyncio.sleep(0.01)
            inside[key] -= 1

    await asyncio.gather(*(turn(k) for k in keys))
    return worst_per_chat, worst_overall


async def test_one_turn_at_a_time_per_chat(locks):
    key = uuid.uuid4().hex
    assert await _overlaps(locks, [key] * 6) == (1, 1)


async def test_different_chats_do_not_wait_for_each_other(locks):
    keys = [uuid.uuid4().hex for _ in range(20)]
    per_chat, overall = await _overlaps(locks, keys)
    assert per_chat == 1 and overall > 1


async def test_local_locks_are_dropped_when_free():
    locks = LocalChatLocks()
    await _overlaps(locks, ["a", "a", "b"])
    assert not locks._locks


async def test_a_redis_lock_held_past_its_timeout_is_extended_not_lost(caplog):
    """A slow turn outlives the lock's timeout: the lock is extended while held, a second turn of
    the same chat waits (it does not give up, it keeps waiting), and release raises nothing."""
    require_server("Redis", "127.0.0.1", 6379)
    redis = Redis.from_url(REDIS_URL)
    locks = RedisChatLocks(redis, timeout=0.6, wait=0.3)
    key = uuid.uuid4().hex
    order: list[str] = []

    async def slow() -> None:
        async with locks.hold(key):
            order.append("slow in")
            await asyncio.sleep(1.5)  # more than twice the timeout
            order.append("slow out")

    async def second() -> None:
        await asyncio.sleep(0.1)
        async with locks.hold(key):
            order.append("second in")

    try:
        await asyncio.gather(slow(), second())
    finally:
        await redis.aclose()
    assert order == ["slow in", "slow out", "second in"]
    assert "lost" not in caplog.text
