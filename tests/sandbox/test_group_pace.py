"""A group's 20 messages a minute: every kind of message counts, and the pace can be checked."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.types import InputMediaPhoto

from sandbox.telegram import FakeBotAPI, FloodLimits
from sandbox.telegram.limits import FloodGate, max_in_window
from tests.sandbox.test_sandbox_limits import FakeClock

GROUP_ID = -100800


def test_max_in_window() -> None:
    assert max_in_window([]) == 0
    assert max_in_window([0.0, 1.0, 2.0]) == 3
    assert max_in_window([0.0, 30.0, 60.0, 61.0]) == 3  # [30, 90) holds 30, 60 and 61
    assert max_in_window([0.0, 59.9, 60.0], window=60.0) == 2  # a window is half-open
    assert max_in_window([float(i) * 3 for i in range(40)]) == 20


@pytest.mark.parametrize("model", ["bucket", "sliding", "fixed"])
def test_an_album_takes_one_group_token_per_message(model: str) -> None:
    clock = FakeClock()
    limits = FloodLimits(per_chat_burst=100, per_chat_per_window=100, per_chat_per_second=100, model=model)
    gate = FloodGate(limits, clock)
    assert gate.admit(GROUP_ID, is_group=True, count=10) is None
    assert gate.admit(GROUP_ID, is_group=True, count=10) is None
    assert gate.admit(GROUP_ID, is_group=True, count=1) is not None  # 20 used
    assert gate.admit(-100801, is_group=True, count=21) is not None  # more than a minute's budget


@pytest.mark.asyncio
async def test_messages_polls_and_media_share_the_group_budget(sandbox: FakeBotAPI, bot: Bot) -> None:
    sandbox.flood = FloodLimits(
        per_chat_burst=100, per_chat_per_window=100, per_chat_per_second=100, model="sliding"
    )
    group = sandbox.group(GROUP_ID, "Cà phê sáng")
    for index in range(10):
        await bot.send_message(GROUP_ID, f"tin {index}")
    for index in range(5):
        await bot.send_poll(GROUP_ID, f"câu {index}", ["a", "b"])
    await bot.send_photo(GROUP_ID, "https://example.org/a.jpg")
    album = [InputMediaPhoto(media=f"https://example.org/{i}.jpg") for i in range(4)]
    with pytest.raises(TelegramRetryAfter):
        await bot.send_media_group(GROUP_ID, [*album, InputMediaPhoto(media="https://example.org/x.jpg")])
    await bot.send_media_group(GROUP_ID, album)  # 10 + 5 + 1 + 4 = 20
    for send in (
        bot.send_message(GROUP_ID, "một nữa"),
        bot.send_poll(GROUP_ID, "nữa?", ["a", "b"]),
        bot.send_photo(GROUP_ID, "https://example.org/b.jpg"),
    ):
        with pytest.raises(TelegramRetryAfter):
            await send
    assert len(group.messages) == 20
    assert group.max_messages_in_any_minute() == 20


@pytest.mark.asyncio
async def test_the_pace_is_read_from_send_times(sandbox: FakeBotAPI, bot: Bot) -> None:
    """A token bucket refills within a minute, so "no 429" does not prove "at most 20 a minute"."""
    sandbox.flood = FloodLimits(per_chat_burst=100, per_chat_per_second=100, per_group_per_minute=20)
    group = sandbox.group(GROUP_ID, "Cà phê sáng")
    for index in range(20):
        await bot.send_message(GROUP_ID, f"tin {index}")
    for message in group.messages[:10]:
        message.sent_at -= 30  # as if half of them went out half a minute earlier
    assert group.max_messages_in_any_minute() == 20
    assert group.max_messages_in_any_minute(window=10.0) == 10
