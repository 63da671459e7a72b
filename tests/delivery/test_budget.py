"""The outgoing budget: smooth global rate, per-chat and per-group limits, pauses, one budget per
bot, shared through Redis by several budgets and several OS processes; and the aiogram middleware.

Rates are scaled up so the tests take seconds, and timing bounds are generous (a loaded 2-core
machine wakes sleepers late, never early)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMediaGroup, SendMessage, SendPhoto
from aiogram.types import InputMediaPhoto
from redis.asyncio import Redis

from bot.telegram.send_budget import SendBudgetMiddleware, budget_chat_id, start_turn
from scheduler.budget import Lane, Limits, LocalSendBudget, RedisSendBudget, SendBudget, open_budget
from tests.conftest import REDIS_URL, require_server

ROOT = Path(__file__).resolve().parents[2]


def global_only(per_second: float) -> Limits:
    """Per-chat limits high enough not to matter when a test is about the global rate."""
    return Limits(
        per_second, margin=1.0, per_chat_per_second=1000.0, chat_burst=1000, per_group_per_minute=60000.0
    )


MakeBudget = Callable[[Limits], SendBudget]


def _require_redis() -> None:
    require_server("Redis", "127.0.0.1", 6379)


async def _drop_keys(prefix: str) -> None:
    redis = Redis.from_url(REDIS_URL)
    keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()


@pytest.fixture(params=["local", "redis"])
async def make_budget(request) -> AsyncIterator[MakeBudget]:
    """Builds budgets of the parametrized kind; Redis ones share one fresh key prefix per test."""
    prefix = f"test-budget-{uuid.uuid4().hex}"
    made: list[SendBudget] = []
    if request.param == "redis":
        _require_redis()

    def make(limits: Limits) -> SendBudget:
        budget: SendBudget
        if request.param == "local":
            budget = LocalSendBudget(limits)
        else:
            budget = RedisSendBudget.from_url(REDIS_URL, limits, prefix=prefix)
        made.append(budget)
        return budget

    yield make
    for budget in made:
        await budget.close()
    if request.param == "redis":
        await _drop_keys(prefix)


# The stamps are when acquire() returned, so a busy event loop or a slow Redis reply bunches a few
# of them together even though the reserved slots are evenly spaced; the margins below (about 15%)
# allow that, and still catch a budget that is not shared (it would show twice the count).
def most_in_window(stamps: list[float], window: float) -> int:
    """The largest number of stamps inside any half-open window [t, t + window)."""
    stamps = sorted(stamps)
    most = start = 0
    for end, stamp in enumerate(stamps):
        while stamps[start] <= stamp - window:
            start += 1
        most = max(most, end - start + 1)
    return most


async def _send_all(budget: SendBudget, targets: list[tuple[int, int]]) -> list[float]:
    """Acquire for every (bot, chat) at once; the moment each one was let through."""
    stamps: list[float] = []

    async def one(bot_id: int, chat_id: int) -> None:
        await budget.acquire(bot_id, chat_id)
        stamps.append(time.monotonic())

    await asyncio.gather(*(one(bot_id, chat_id) for bot_id, chat_id in targets))
    return stamps


def test_window_counter():
    assert most_in_window([0.0, 0.1, 0.2, 1.0, 1.25], 1.0) == 3
    assert most_in_window([0.0, 0.5, 0.99, 1.0, 1.5, 1.9], 1.0) == 4


# --- the global rate ---------------------------------------------------------------------------


async def test_global_rate_is_smooth(make_budget):
    budget = make_budget(global_only(200.0))
    start = time.monotonic()
    stamps = await _send_all(budget, [(1, chat) for chat in range(1, 201)])
    elapsed = time.monotonic() - start
    assert 0.85 < elapsed < 3.0  # 200 at 200/s: 1 s
    # any half second holds about 100, and the first tenth of a second no more than ~20
    assert most_in_window(stamps, 0.5) <= 100 + 15
    assert sum(stamp < start + 0.1 for stamp in stamps) <= 20 + 4


async def test_sequential_sender_keeps_the_rate(make_budget):
    budget = make_budget(global_only(100.0))
    start = time.monotonic()
    stamps = []
    for chat in range(1, 61):
        await budget.acquire(1, chat)
        stamps.append(time.monotonic())
    assert 0.5 < time.monotonic() - start < 3.0  # 60 at 100/s: 0.6 s
    assert most_in_window(stamps, 0.25) <= 25 + 5


async def test_each_bot_has_its_own_budget(make_budget):
    budget = make_budget(global_only(100.0))
    start = time.monotonic()
    await _send_all(budget, [(bot_id, chat) for bot_id in (1, 2) for chat in range(1, 61)])
    assert time.monotonic() - start < 1.1  # 60 each at 100/s: 0.6 s side by side, 1.2 s in one queue


# --- per chat and per group --------------------------------------------------------------------


async def test_one_private_chat_bursts_then_keeps_its_rate(make_budget):
    budget = make_budget(Limits(per_second=1000.0, per_chat_per_second=4.0, chat_burst=3))
    start = time.monotonic()
    stamps = []
    for _ in range(5):
        await budget.acquire(1, 42)
        stamps.append(time.monotonic() - start)
    assert stamps[2] < 0.15  # the burst of three goes at once
    assert stamps[4] >= 0.45  # then one every 0.25 s: the fifth at 0.5 s
    assert stamps[4] < 2.0


async def test_replies_are_paced_per_chat_too(make_budget):
    budget = make_budget(Limits(per_second=200.0, per_chat_per_second=1.0, chat_burst=1))
    await budget.acquire(1, 42, Lane.FIRST)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(budget.acquire(1, 42, Lane.REPLY), timeout=0.5)


# --- lanes: first replies, then the rest, then the outbox --------------------------------------


Stamps = list[tuple[float, Lane]]


async def _timed(budget: SendBudget, chat: int, lane: Lane, start: float, into: Stamps) -> None:
    await budget.acquire(1, chat, lane)
    into.append((time.monotonic() - start, lane))


async def test_first_replies_overtake_queued_bulk(make_budget):
    budget = make_budget(global_only(20.0))
    start = time.monotonic()
    done: list[tuple[float, Lane]] = []
    bulk = [asyncio.create_task(_timed(budget, 1000 + n, Lane.BULK, start, done)) for n in range(20)]
    await asyncio.sleep(0.15)
    firsts = [asyncio.create_task(_timed(budget, n, Lane.FIRST, start, done)) for n in range(5)]
    await asyncio.gather(*firsts, *bulk)
    last_first = max(t for t, lane in done if lane == Lane.FIRST)
    assert last_first < 0.15 + 0.1 + 5 / 20 + 0.25  # behind at most the bulk depth, not 20 bulk sends
    bulk_after = sum(1 for t, lane in done if lane == Lane.BULK and t > last_first)
    assert bulk_after >= 12


async def test_second_replies_wait_while_newcomers_queue(make_budget):
    budget = make_budget(replace(global_only(20.0), reply_depth=0.2))
    start = time.monotonic()
    done: list[tuple[float, Lane]] = []
    firsts = [asyncio.create_task(_timed(budget, n, Lane.FIRST, start, done)) for n in range(20)]
    await asyncio.sleep(0.01)
    seconds = [asyncio.create_task(_timed(budget, 100 + n, Lane.REPLY, start, done)) for n in range(5)]
    await asyncio.gather(*firsts, *seconds)
    order = [lane for _, lane in sorted(done)]
    assert order[:16] == [Lane.FIRST] * 16  # newcomers in order of arrival, the rest after


# --- 429s: one chat or the whole bot, and the adaptive rate ------------------------------------


async def test_a_429_in_one_private_chat_pauses_that_chat_only(make_budget):
    budget = make_budget(global_only(1000.0))
    assert await budget.note_429(1, 42, 1.0, Lane.REPLY) is False
    start = time.monotonic()
    await budget.acquire(1, 43, Lane.FIRST)
    assert time.monotonic() - start < 0.1  # other learners go on
    await budget.acquire(1, 42, Lane.FIRST)
    assert time.monotonic() - start >= 0.9
    assert await budget.rate(1) == pytest.approx(1000.0)  # no cut for one chat's limit


async def test_429s_from_several_chats_within_a_second_pause_the_bot(make_budget):
    budget = make_budget(global_only(1000.0))
    assert await budget.note_429(1, 1, 1.0, Lane.FIRST) is False
    assert await budget.note_429(1, 2, 1.0, Lane.FIRST) is False
    assert await budget.note_429(1, 3, 1.0, Lane.FIRST) is True
    start = time.monotonic()
    await budget.acquire(1, 99, Lane.FIRST)
    assert time.monotonic() - start >= 0.9


async def test_a_429_on_the_bulk_lane_pauses_the_bot(make_budget):
    budget = make_budget(global_only(1000.0))
    assert await budget.note_429(1, 7, 0.5, Lane.BULK) is True
    start = time.monotonic()
    await budget.acquire(1, 8, Lane.FIRST)
    assert time.monotonic() - start >= 0.45


async def test_the_rate_is_cut_then_won_back(make_budget):
    limits = replace(global_only(100.0), decrease=0.5, recover_per_second=100.0)
    budget = make_budget(limits)
    assert await budget.rate(1) == pytest.approx(100.0)
    await budget.pause(1, 0.2)
    assert await budget.rate(1) == pytest.approx(50.0, abs=1.0)
    await budget.pause(1, 0.2)  # one more answer to the same limit: no second cut
    assert await budget.rate(1) == pytest.approx(50.0, abs=1.0)
    await asyncio.sleep(0.45)  # 0.2 s paused, then +100/s each second
    assert 60.0 < await budget.rate(1) < 95.0
    await asyncio.sleep(0.4)
    assert await budget.rate(1) == pytest.approx(100.0)


async def test_after_a_cut_sends_are_spaced_at_the_lower_rate(make_budget):
    budget = make_budget(replace(global_only(100.0), decrease=0.2, recover_per_second=0.01))
    await budget.pause(1, 0.05)
    start = time.monotonic()
    await _send_all(budget, [(1, chat) for chat in range(1, 11)])
    assert time.monotonic() - start >= 0.05 + 9 / 20 - 0.05  # 20/s after the cut, not 100/s


def test_the_default_budget_keeps_a_margin_under_telegrams_limit():
    limits = Limits()
    assert 28.0 <= limits.ceiling < 30.0
    interval, _ = limits.chat_schedule(-1)
    assert interval > 3.0  # under 20 a minute in a group


async def test_default_private_chat_limit_is_one_a_second_after_three(make_budget):
    budget = make_budget(Limits())
    start = time.monotonic()
    for _ in range(3):
        await budget.acquire(1, 7)
    assert time.monotonic() - start < 0.3
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(budget.acquire(1, 7), timeout=0.4)  # the fourth waits a second


async def test_a_busy_chat_does_not_slow_the_others(make_budget):
    budget = make_budget(Limits(per_second=200.0, per_chat_per_second=2.0, chat_burst=1))
    busy = [asyncio.create_task(budget.acquire(1, 10_000)) for _ in range(10)]  # 5 s of one chat
    await asyncio.sleep(0.05)
    start = time.monotonic()
    await _send_all(budget, [(1, chat) for chat in range(1, 101)])
    elapsed = time.monotonic() - start
    assert elapsed < 1.3  # 100 at 200/s: 0.5 s; waiting busy-chat callers hold no global slots
    assert sum(task.done() for task in busy) <= 3
    for task in busy:
        task.cancel()
    await asyncio.gather(*busy, return_exceptions=True)


async def test_groups_get_their_own_limit(make_budget):
    # 1200 a minute: one every 50 ms, no burst; private chats here are nearly unlimited
    budget = make_budget(Limits(per_second=1000.0, per_chat_per_second=1000.0, per_group_per_minute=1200.0))
    start = time.monotonic()
    for _ in range(6):
        await budget.acquire(1, 4242)
    private = time.monotonic() - start
    start = time.monotonic()
    for _ in range(6):
        await budget.acquire(1, -1004242)
    group = time.monotonic() - start
    assert private < 0.2
    assert 0.23 <= group < 1.5  # five gaps of 50 ms


async def test_default_group_limit_is_twenty_a_minute(make_budget):
    budget = make_budget(Limits())
    start = time.monotonic()
    await budget.acquire(1, -1001)
    assert time.monotonic() - start < 0.2
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(budget.acquire(1, -1001), timeout=0.5)  # the next one is 3 s later
    await budget.acquire(1, -1002)  # another group is free


# --- pause -------------------------------------------------------------------------------------


async def test_pause_stops_this_bot_only(make_budget):
    budget = make_budget(global_only(1000.0))
    await budget.acquire(1, 1)
    start = time.monotonic()
    await budget.pause(1, 0.5)
    await budget.acquire(2, 1)
    assert time.monotonic() - start < 0.2
    await budget.acquire(1, 2)
    assert 0.45 <= time.monotonic() - start < 2.0


async def test_pause_holds_back_callers_already_waiting_for_a_slot(make_budget):
    budget = make_budget(global_only(20.0))
    start = time.monotonic()
    sending = asyncio.create_task(_send_all(budget, [(1, chat) for chat in range(1, 11)]))
    await asyncio.sleep(0.06)  # slots were reserved every 50 ms; two have gone
    await budget.pause(1, 0.6)
    paused = time.monotonic() - start
    stamps = [stamp - start for stamp in await sending]
    during = [stamp for stamp in stamps if paused + 0.02 < stamp < paused + 0.58]
    assert during == []
    assert len(stamps) == 10


async def test_a_shorter_pause_does_not_cut_a_longer_one(make_budget):
    budget = make_budget(global_only(1000.0))
    start = time.monotonic()
    await budget.pause(1, 0.4)
    await budget.pause(1, 0.05)
    await budget.acquire(1, 1)
    assert time.monotonic() - start >= 0.35


# --- in-process specifics ----------------------------------------------------------------------


async def test_local_budget_forgets_chats_in_the_past():
    budget = LocalSendBudget(Limits(per_second=1e9, per_chat_per_second=100.0), prune_every=0.05)
    for chat in range(20_000):
        await budget.acquire(1, chat)
    assert budget.tracked_chats > 1000
    await asyncio.sleep(0.1)  # every entry is 10 ms from its last send, now in the past
    await budget.acquire(1, -5)
    assert budget.tracked_chats <= 1


async def test_local_budget_is_fast_when_nothing_waits():
    budget = LocalSendBudget(Limits(per_second=1e9, per_chat_per_second=1e9, chat_burst=1))
    count = 50_000
    start = time.perf_counter()
    for chat in range(count):
        await budget.acquire(chat % 7, chat)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"{count / elapsed:.0f} acquires/s, want > 50,000"


def test_open_budget_picks_by_url():
    assert isinstance(open_budget(Limits(), None), LocalSendBudget)
    budget = open_budget(Limits(), "redis://127.0.0.1:6379/15")
    assert isinstance(budget, RedisSendBudget)
    assert isinstance(budget, SendBudget)
    asyncio.run(budget.close())


def test_limits_are_checked():
    with pytest.raises(ValueError):
        Limits(per_second=0)
    with pytest.raises(ValueError):
        Limits(chat_burst=0)


# --- shared through Redis ----------------------------------------------------------------------


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    _require_redis()
    prefix = f"test-budget-{uuid.uuid4().hex}"
    yield prefix
    await _drop_keys(prefix)


async def test_redis_chat_keys_expire_just_after_their_horizon(redis_prefix):
    budget = RedisSendBudget.from_url(REDIS_URL, Limits(), prefix=redis_prefix)
    await budget.acquire(5, 123)
    await budget.pause(5, 2.0)
    redis = Redis.from_url(REDIS_URL)
    chat_ttl = await redis.pttl(f"{redis_prefix}:{{5}}:chat:123")
    global_ttl = await redis.pttl(f"{redis_prefix}:{{5}}:global")
    pause_ttl = await redis.pttl(f"{redis_prefix}:{{5}}:pause")
    await redis.aclose()
    await budget.close()
    assert 1000 < chat_ttl <= 2000  # TAT one second ahead, plus a second
    assert 0 < global_ttl <= 1034
    assert 2000 < pause_ttl <= 3000


async def test_two_redis_budgets_share_one_rate(redis_prefix):
    limits = global_only(200.0)
    first = RedisSendBudget.from_url(REDIS_URL, limits, prefix=redis_prefix)
    second = RedisSendBudget.from_url(REDIS_URL, limits, prefix=redis_prefix)
    start = time.monotonic()
    stamps = await asyncio.gather(
        _send_all(first, [(1, chat) for chat in range(1, 101)]),
        _send_all(second, [(1, chat) for chat in range(101, 201)]),
    )
    elapsed = time.monotonic() - start
    await first.close()
    await second.close()
    assert elapsed > 0.85  # 200 at 200/s between them: 1 s, not 0.5 s
    assert most_in_window(stamps[0] + stamps[1], 0.5) <= 100 + 15


async def test_a_pause_reaches_another_redis_budget(redis_prefix):
    limits = global_only(1000.0)
    first = RedisSendBudget.from_url(REDIS_URL, limits, prefix=redis_prefix)
    second = RedisSendBudget.from_url(REDIS_URL, limits, prefix=redis_prefix)
    start = time.monotonic()
    await first.pause(1, 0.4)
    await second.acquire(1, 1)
    elapsed = time.monotonic() - start
    await first.close()
    await second.close()
    assert elapsed >= 0.35


CHILD = """
import asyncio, json, sys, time
from scheduler.budget import Limits, RedisSendBudget

async def main(url, prefix, duration, first_chat):
    limits = Limits(per_second=100.0, per_chat_per_second=1000.0, chat_burst=1000)
    budget = RedisSendBudget.from_url(url, limits, prefix=prefix)
    await budget.acquire(2, 1)  # connected, scripts loaded: ready to start at once
    print("ready", flush=True)
    sys.stdin.readline()
    end = time.time() + duration
    stamps = []

    async def worker(chat):
        while time.time() < end:
            await budget.acquire(1, chat)
            stamps.append(time.time())
            chat += 4

    await asyncio.gather(*(worker(first_chat + n) for n in range(4)))
    await budget.close()
    print(json.dumps(stamps), flush=True)

asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])))
"""


async def test_two_processes_never_exceed_the_rate_together(redis_prefix):
    """Two OS processes, four concurrent senders each, one budget of 100/s between them."""
    duration = 1.2
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CHILD,
            REDIS_URL,
            redis_prefix,
            str(duration),
            str(first_chat),
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for first_chat in (1, 1_000_000)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            ready = await asyncio.wait_for(child.stdout.readline(), timeout=30)
            assert ready == b"ready\n", (ready, await child.stderr.read() if child.stderr else b"")
        outputs = await asyncio.wait_for(
            asyncio.gather(*(child.communicate(b"go\n") for child in children)), timeout=30
        )
    finally:
        for child in children:
            if child.returncode is None:
                child.kill()
                await child.wait()
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err.decode()
    stamps = [json.loads(out) for out, _ in outputs]
    together = stamps[0] + stamps[1]
    assert most_in_window(together, 0.5) <= 50 + 8  # 100/s between both processes
    assert len(together) <= 100 * duration + 10
    assert len(together) >= 100 * duration * 0.6
    assert min(len(stamps[0]), len(stamps[1])) >= len(together) * 0.25  # both really sent


# --- the aiogram middleware --------------------------------------------------------------------


class RecordingBudget:
    def __init__(self) -> None:
        self.acquired: list[tuple[int, int]] = []
        self.lanes: list[Lane] = []
        self.noted: list[tuple[int, int, float, Lane]] = []

    async def acquire(self, bot_id: int, chat_id: int, lane: Lane = Lane.BULK) -> None:
        self.acquired.append((bot_id, chat_id))
        self.lanes.append(lane)

    async def note_429(self, bot_id: int, chat_id: int, seconds: float, lane: Lane) -> bool:
        self.noted.append((bot_id, chat_id, seconds, lane))
        return False

    async def close(self) -> None:
        pass


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    bot = Bot(token="123456:TEST-TOKEN")
    yield bot
    await bot.session.close()


async def _answer(bot, method):
    return "sent"


async def test_middleware_acquires_before_sending_messages(bot):
    budget = RecordingBudget()
    middleware = SendBudgetMiddleware(budget, bot_id=77)
    assert await middleware(_answer, bot, SendMessage(chat_id=5, text="hi")) == "sent"
    await middleware(_answer, bot, SendPhoto(chat_id=-1006, photo="file-id"))
    await middleware(_answer, bot, SendMediaGroup(chat_id="8", media=[InputMediaPhoto(media="a")]))
    assert budget.acquired == [(77, 5), (77, -1006), (77, 8)]


async def test_middleware_meters_edits_but_not_callback_answers(bot):
    budget = RecordingBudget()
    middleware = SendBudgetMiddleware(budget, bot_id=77)
    await middleware(_answer, bot, AnswerCallbackQuery(callback_query_id="q"))
    assert budget.acquired == []
    await middleware(_answer, bot, EditMessageText(chat_id=5, message_id=1, text="x"))
    assert budget.acquired == [(77, 5)]


async def test_a_turns_first_message_takes_the_first_lane(bot):
    budget = RecordingBudget()
    replies = SendBudgetMiddleware(budget, bot_id=77)
    outbox = SendBudgetMiddleware(budget, bot_id=77, lane=Lane.BULK)

    async def turn() -> None:
        start_turn()
        for _ in range(3):
            await replies(_answer, bot, SendMessage(chat_id=5, text="hi"))

    await asyncio.create_task(turn())
    await outbox(_answer, bot, SendMessage(chat_id=5, text="lesson"))
    assert budget.lanes == [Lane.FIRST, Lane.REPLY, Lane.REPLY, Lane.BULK]


async def test_middleware_uses_the_token_id_by_default(bot):
    budget = RecordingBudget()
    await SendBudgetMiddleware(budget)(_answer, bot, SendMessage(chat_id=5, text="hi"))
    assert budget.acquired == [(123456, 5)]


async def test_middleware_tells_the_budget_of_a_429_and_reraises(bot):
    budget = RecordingBudget()
    middleware = SendBudgetMiddleware(budget, bot_id=77, lane=Lane.BULK)
    method = SendMessage(chat_id=5, text="hi")

    async def flooded(bot, method):
        raise TelegramRetryAfter(method=method, message="Too Many Requests", retry_after=12)

    with pytest.raises(TelegramRetryAfter):
        await middleware(flooded, bot, method)
    assert budget.noted == [(77, 5, 12, Lane.BULK)]


async def test_middleware_against_a_real_budget_waits_out_the_pause(bot):
    budget = LocalSendBudget(Limits(per_second=1000.0))
    middleware = SendBudgetMiddleware(budget, bot_id=1)
    await budget.pause(1, 0.3)
    start = time.monotonic()
    await middleware(_answer, bot, AnswerCallbackQuery(callback_query_id="q"))
    assert time.monotonic() - start < 0.1  # not a message: no wait
    await middleware(_answer, bot, SendMessage(chat_id=5, text="hi"))
    assert time.monotonic() - start >= 0.25


def test_usernames_count_as_groups_and_never_meet_real_ids():
    assert budget_chat_id(5) == 5
    assert budget_chat_id("-100123") == -100123
    assert budget_chat_id("@Channel") == budget_chat_id("@channel") < -(2**53)
