"""End to end: updates a second and reply latency of one bot process on SQLite, against the sandbox
Bot API over loopback HTTP, beside a bare aiogram echo bot on the same sandbox in the same run.

(a) throughput: every learner sends a burst at once; updates/s until every first reply arrived.
(b) latency: updates at a steady rate (100/s by default); p50/p95/p99 from sending the update to
    the bot's first reply reaching the sandbox.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

from bot.app import build_app, run_polling
from bot.settings import load_settings
from content.library import Library
from sandbox.telegram import FakeBotAPI, FakeLearner, FloodLimits

TEXTS = ("/progress", "/help", "📊 Kết quả của tôi")


async def one_round_trip(learner: FakeLearner, text: str) -> float:
    """Seconds from sending an update to the bot's first reply reaching the sandbox."""
    learner.mark_read()
    started = time.perf_counter()
    await learner.send_text(text)
    await learner.wait_for_messages(1, timeout=30)
    latency = time.perf_counter() - started
    await learner.wait_change(0.02)  # let a second reply (if any) land before the next send
    learner.mark_read()
    return latency


async def burst(learners: list[FakeLearner], per_learner: int) -> float:
    async def one(learner: FakeLearner) -> None:
        for i in range(per_learner):
            await one_round_trip(learner, TEXTS[i % len(TEXTS)])

    started = time.perf_counter()
    await asyncio.gather(*(one(learner) for learner in learners))
    return len(learners) * per_learner / (time.perf_counter() - started)


async def steady(learners: list[FakeLearner], rate: float, seconds: float) -> list[float]:
    latencies: list[float] = []
    tasks = []
    interval = 1 / rate
    started = time.perf_counter()
    busy: set[int] = set()
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, started + i * interval - time.perf_counter()))
        learner = learners[i % len(learners)]
        if learner.chat_id in busy:
            continue

        async def go(person: FakeLearner = learner, n: int = i) -> None:
            busy.add(person.chat_id)
            try:
                latencies.append(await one_round_trip(person, TEXTS[n % len(TEXTS)]))
            finally:
                busy.discard(person.chat_id)

        tasks.append(asyncio.create_task(go()))
    await asyncio.gather(*tasks)
    return latencies


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")


async def prepared(
    api: FakeBotAPI,
    start: Callable[[], Awaitable[Callable[[], Awaitable[None]]]],
    prepare: Callable[[FakeLearner], Awaitable[None]],
    args: argparse.Namespace,
    first_id: int,
) -> tuple[Callable[[], Awaitable[None]], list[FakeLearner]]:
    stop = await start()
    learners = [api.learner(first_id + i, f"L{i}") for i in range(args.learners)]
    await asyncio.gather(*(prepare(learner) for learner in learners))
    return stop, learners


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--per-learner", type=int, default=10)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    library = Library.load()
    api = FakeBotAPI("777:BENCH", flood=FloodLimits(enabled=False), record_calls=False)
    echo_api = FakeBotAPI("778:ECHO", flood=FloodLimits(enabled=False), record_calls=False)
    await api.start()
    await echo_api.start()
    workdir = Path(tempfile.mkdtemp(prefix="hocvuso-bench-"))

    async def start_ours() -> Callable[[], Awaitable[None]]:
        settings = load_settings(
            _env_file=None,
            bot_token="777:BENCH",
            telegram_api_url=api.base_url,
            database_url=f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
            send_rate=1000,  # direct replies share the bot's send budget: give it the paid-broadcast rate
        )
        app = await build_app(settings, library)
        task = asyncio.create_task(run_polling(app))

        async def stop() -> None:
            await app.dispatcher.stop_polling()
            await task
            await app.close()

        return stop

    async def onboard(learner: FakeLearner) -> None:
        await learner.send_text("/start")
        await learner.wait_for_messages(2, timeout=30)
        for label in ("Tiếng Việt", "Bỏ qua ⏭", "Bỏ qua ⏭"):
            await learner.press(label)
            await learner.wait_for_messages(1, timeout=30)
        await learner.press("7 giờ")
        await learner.wait_for_messages(2, timeout=30)

    async def start_echo() -> Callable[[], Awaitable[None]]:
        bot = Bot("778:ECHO", session=AiohttpSession(api=TelegramAPIServer.from_base(echo_api.base_url)))
        dispatcher = Dispatcher()

        @dispatcher.message()
        async def echo(message: Message) -> None:
            await message.answer(message.text or "?")

        task = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))

        async def stop() -> None:
            await dispatcher.stop_polling()
            await task
            await bot.session.close()

        return stop

    async def nothing(_: FakeLearner) -> None:
        return None

    stop_ours, our_learners = await prepared(api, start_ours, onboard, args, 10_000)
    stop_echo, echo_learners = await prepared(echo_api, start_echo, nothing, args, 20_000)
    # Alternate the two bots and keep each one's best burst, so warm-up and noise favour neither.
    rates: dict[str, list[float]] = {"hocvuso": [], "bare echo": []}
    for _ in range(args.rounds):
        rates["hocvuso"].append(await burst(our_learners, args.per_learner))
        rates["bare echo"].append(await burst(echo_learners, args.per_learner))
    latencies = {
        "hocvuso": await steady(our_learners, args.rate, args.seconds),
        "bare echo": await steady(echo_learners, args.rate, args.seconds),
    }
    await stop_ours()
    await stop_echo()
    for name, values in latencies.items():
        print(
            f"{name:>10}: {max(rates[name]):8,.0f} updates/s burst (best of {args.rounds}) | "
            f"at {args.rate:.0f}/s: p50 {p(values, 50):5.1f} ms  p95 {p(values, 95):5.1f} ms  "
            f"p99 {p(values, 99):5.1f} ms ({len(values)} replies)"
        )
    ours, bare = max(rates["hocvuso"]), max(rates["bare echo"])
    print(
        f"     ratio: {ours / bare:.2f} of the bare echo bot's rate; "
        f"p95 {p(latencies['hocvuso'], 95):.1f} ms vs {p(latencies['bare echo'], 95):.1f} ms"
    )
    await api.stop()
    await echo_api.stop()


if __name__ == "__main__":
    asyncio.run(main())
