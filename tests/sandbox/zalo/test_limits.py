"""Optional rate limits: 429 with or without ``retry_after``; a refused send delivers nothing."""

from __future__ import annotations

import aiohttp
import pytest

from bot.zalo.client import DEFAULT_RETRY_AFTER, ZaloBadRequest, ZaloClient, ZaloRetryAfter
from sandbox.zalo import RateLimits, ZaloSandbox, ZaloUser


async def written(sandbox: ZaloSandbox, client: ZaloClient, name: str) -> ZaloUser:
    user = sandbox.user(name)
    await user.send_text("hi")
    assert await client.get_updates(timeout=1) is not None
    return user


async def test_limits_are_off_by_default(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = await written(sandbox, client, "Lan")
    for index in range(30):
        await client.send_message(lan.chat_id, str(index))
    assert len(lan.messages) == 30 and sandbox.stats.too_many_requests == 0


async def test_per_chat_limit_answers_429_with_retry_after(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    sandbox.limits = RateLimits(per_chat_per_second=1.0)
    lan = await written(sandbox, client, "Lan")
    minh = await written(sandbox, client, "Minh")
    await client.send_message(lan.chat_id, "1")
    with pytest.raises(ZaloRetryAfter) as caught:
        await client.send_message(lan.chat_id, "2")
    assert caught.value.error_code == 429 and caught.value.retry_after == 1.0
    await client.send_message(minh.chat_id, "other chat is fine")
    assert [m.text for m in lan.messages] == ["1"]
    assert sandbox.stats.too_many_requests == 1
    assert sandbox.stats.invalid_calls == []


async def test_429_without_retry_after_uses_the_default(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    sandbox.limits = RateLimits(per_chat_per_second=1.0, include_retry_after=False)
    lan = await written(sandbox, client, "Lan")
    await client.send_message(lan.chat_id, "1")
    with pytest.raises(ZaloRetryAfter) as caught:
        await client.send_message(lan.chat_id, "2")
    assert caught.value.retry_after == DEFAULT_RETRY_AFTER
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{sandbox.base_url}/bot{sandbox.token}/sendMessage", json={"chat_id": lan.chat_id, "text": "3"}
        ) as raw,
    ):
        answer = await raw.json()
    assert answer["error_code"] == 429 and "parameters" not in answer


async def test_global_limit(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    sandbox.limits = RateLimits(global_per_second=3.0)
    users = [await written(sandbox, client, f"U{index}") for index in range(5)]
    outcomes = []
    for user in users:
        try:
            await client.send_message(user.chat_id, "broadcast")
            outcomes.append("sent")
        except ZaloRetryAfter:
            outcomes.append("429")
    assert outcomes == ["sent", "sent", "sent", "429", "429"]


async def test_an_invalid_send_does_not_spend_the_budget(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    sandbox.limits = RateLimits(per_chat_per_second=1.0)
    lan = await written(sandbox, client, "Lan")
    with pytest.raises(ZaloBadRequest):
        await client.send_message(lan.chat_id, "x" * 2001)
    await client.send_message(lan.chat_id, "fits")
    assert [m.text for m in lan.messages] == ["fits"]
