"""End to end: updates a second and reply latency of the bot on each channel, beside a bare echo
bot of the same library on the same kind of sandbox, in the same run and process:
- aiogram: hocvuso with TELEGRAM_LIBRARY=aiogram against a bare aiogram echo bot;
- ptb: hocvuso with TELEGRAM_LIBRARY=ptb against a bare python-telegram-bot echo bot;
- zalo: hocvuso with ZALO_BOT_TOKEN against a bare Zalo echo loop (getUpdates, sendMessage).

(a) throughput: every learner sends a burst at once, each message after the reply to the last;
    updates/s until every first reply arrived. Three messages each, within the per-chat burst the
    bot allows, so the figure is the bot's work, not Telegram's one-a-second pacing of a chat.
(b) latency: updates at a steady rate; p50/p95/p99 from sending to the first reply arriving.
Prints figures; asserts nothing. `--channel all` runs the three pairs one after the other.
The bot keeps its learners in a fresh SQLite file, or in BENCH_DATABASE_URL (an upgraded
PostgreSQL database) when that is set.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import build_app, serve_bots
from bot.settings import load_settings
from content.library import Library
from sandbox.telegram import FakeBotAPI, FloodLimits
from sandbox.zalo import ZaloSandbox

TEXTS = ("/progress", "/help", "📊 Kết quả của tôi")
# Seconds for every chat's allowance of three quick messages to come back (one a second): each
# burst starts from the state a chat is in after a pause, as with people, not right after
# onboarding, when the bot is pacing every chat at one message a second.
CHAT_BURST_REFILL = 3.5
Stop = Callable[[], Awaitable[None]]


@dataclass
class Person:
    """One simulated person on either sandbox: send a text, wait for the first reply, then let
    any further replies land (`settle`) before the next message."""

    send: Callable[[str], Awaitable[Any]]
    first_reply: Callable[[], Awaitable[None]]
    settle: Callable[[], Awaitable[None]]
    key: str
    who: Any = None  # the sandbox's simulated person


async def one_round_trip(person: Person, text: str) -> float:
    """Seconds from sending an update to the bot's first reply reaching the sandbox."""
    started = time.perf_counter()
    await person.send(text)
    await person.first_reply()
    latency = time.perf_counter() - started
    await person.settle()
    return latency


async def burst(people: list[Person], per_person: int) -> float:
    async def one(person: Person) -> None:
        for i in range(per_person):
            await one_round_trip(person, TEXTS[i % len(TEXTS)])

    started = time.perf_counter()
    await asyncio.gather(*(one(person) for person in people))
    return len(people) * per_person / (time.perf_counter() - started)


async def steady(people: list[Person], rate: float, seconds: float) -> list[float]:
    latencies: list[float] = []
    tasks = []
    started = time.perf_counter()
    busy: set[str] = set()
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
        person = people[i % len(people)]
        if person.key in busy:
            continue

        async def go(who: Person = person, n: int = i) -> None:
            busy.add(who.key)
            try:
                latencies.append(await one_round_trip(who, TEXTS[n % len(TEXTS)]))
            finally:
                busy.discard(who.key)

        tasks.append(asyncio.create_task(go()))
    await asyncio.gather(*tasks)
    return latencies


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")


def telegram_people(api: FakeBotAPI, count: int, first_id: int) -> list[Person]:
    people = []
    for i in range(count):
        learner = api.learner(first_id + i, f"L{i}")

        async def first_reply(who: Any = learner) -> None:
            await who.wait_for_messages(1, timeout=30)

        async def settle(who: Any = learner) -> None:
            await who.wait_change(0.02)
            who.mark_read()

        people.append(Person(learner.send_text, first_reply, settle, str(first_id + i)))
    return people


def zalo_people(sandbox: ZaloSandbox, count: int) -> list[Person]:
    people = []
    for i in range(count):
        user = sandbox.user(f"L{i}")

        async def first_reply(who: Any = user) -> None:
            await who.wait_for(1, 30)

        async def settle(who: Any = user) -> None:
            await asyncio.sleep(0.02)
            who.mark_read()

        people.append(Person(user.send_text, first_reply, settle, user.chat_id, user))
    return people


async def start_hocvuso(library: Library, workdir: Path, **settings: Any) -> Stop:
    app = await build_app(
        load_settings(
            _env_file=None,
            database_url=os.environ.get("BENCH_DATABASE_URL", f"sqlite+aiosqlite:///{workdir / 'bench.db'}"),
            send_rate=1000,  # replies share the bot's send budget: give it the paid-broadcast rate
            zalo_send_rate=1000,
            **settings,
        ),
        library,
    )
    task = asyncio.create_task(serve_bots(app))

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await app.close()

    return stop


async def start_aiogram_echo(base_url: str, token: str) -> Stop:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
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


async def start_ptb_echo(base_url: str, token: str) -> Stop:
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None:
            await update.effective_message.reply_text(update.effective_message.text or "?")

    application = (
        Application.builder().token(token).base_url(f"{base_url}/bot").concurrent_updates(64).build()
    )
    application.add_handler(MessageHandler(filters.ALL, echo))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling()

    async def stop() -> None:
        assert application.updater is not None
        await application.updater.stop()
        await application.stop()
        await application.shutdown()

    return stop


async def start_zalo_echo(base_url: str, token: str) -> Stop:
    """The least a Zalo bot can be: take each update, answer it in a task of its own."""
    from bot.zalo.client import ZaloClient

    client = ZaloClient(token, base_url)
    tasks: set[asyncio.Task[Any]] = set()

    async def answer(update: dict[str, Any]) -> None:
        message = update["message"]
        await client.send_message(message["chat"]["id"], message.get("text") or "?")

    async def loop() -> None:
        while True:
            update = await client.get_updates(timeout=30)
            if update is not None:
                task = asyncio.create_task(answer(update))
                tasks.add(task)
                task.add_done_callback(tasks.discard)

    running = asyncio.create_task(loop())

    async def stop() -> None:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await client.close()

    return stop


async def onboard_telegram(api: FakeBotAPI, first_id: int, count: int) -> None:
    """Through onboarding by pressing, as a person would: language, skip, skip, 7 o'clock."""

    async def one(chat_id: int) -> None:
        learner = api.learner(chat_id, f"L{chat_id}")
        await learner.send_text("/start")
        await learner.wait_for_messages(2, timeout=30)
        for label in ("Tiếng Việt", "Bỏ qua ⏭", "Bỏ qua ⏭"):
            await learner.press(label)
            await learner.wait_for_messages(1, timeout=30)
        await learner.press("7 giờ")
        await learner.wait_for_messages(2, timeout=30)
        learner.mark_read()

    await asyncio.gather(*(one(first_id + i) for i in range(count)))


async def onboard_zalo(people: list[Person]) -> None:
    """Typed as on Zalo: the number of Tiếng Việt, of "Bỏ qua" twice, then of 7 o'clock."""

    async def number_of(user: Any, label: str) -> str:
        for _ in range(200):  # the question may come a moment after the first reply
            lines = [line for m in user.messages[-3:] for line in m.body.splitlines()]
            found = [line.split(".", 1)[0] for line in lines if label in line and line[:1].isdigit()]
            if found:
                return str(found[-1])
            await asyncio.sleep(0.05)
        raise TimeoutError(f"no choice {label!r} offered")

    async def one(person: Person) -> None:
        user = person.who
        await person.send("chào")
        for label in ("Tiếng Việt", "Bỏ qua", "Bỏ qua", "7 giờ"):
            number = await number_of(user, label)
            user.mark_read()
            await person.send(number)
            await person.first_reply()
        await asyncio.sleep(0.5)
        user.mark_read()

    await asyncio.gather(*(one(person) for person in people))


async def pair(name: str, args: argparse.Namespace, library: Library) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"hocvuso-bench-{name}-"))
    if name == "zalo":
        ours_api, echo_api = ZaloSandbox(token="777bench:BENCH"), ZaloSandbox(token="778echo:ECHO")
        await ours_api.start()
        await echo_api.start()
        stop_ours = await start_hocvuso(
            library, workdir, zalo_bot_token="777bench:BENCH", zalo_api_url=ours_api.base_url
        )
        stop_echo = await start_zalo_echo(echo_api.base_url, "778echo:ECHO")
        ours, echo = zalo_people(ours_api, args.learners), zalo_people(echo_api, args.learners)
        await onboard_zalo(ours)
    else:
        ours_api = FakeBotAPI("777:BENCH", flood=FloodLimits(enabled=False), record_calls=False)
        echo_api = FakeBotAPI("778:ECHO", flood=FloodLimits(enabled=False), record_calls=False)
        await ours_api.start()
        await echo_api.start()
        stop_ours = await start_hocvuso(
            library, workdir, bot_token="777:BENCH", telegram_api_url=ours_api.base_url, telegram_library=name
        )
        start_echo = start_ptb_echo if name == "ptb" else start_aiogram_echo
        stop_echo = await start_echo(echo_api.base_url, "778:ECHO")
        await onboard_telegram(ours_api, 10_000, args.learners)
        ours = telegram_people(ours_api, args.learners, 10_000)
        echo = telegram_people(echo_api, args.learners, 20_000)
    # Alternate the two bots and keep each one's best burst, so warm-up and noise favour neither.
    rates: dict[str, list[float]] = {"hocvuso": [], "bare echo": []}
    for _ in range(args.rounds):
        await asyncio.sleep(CHAT_BURST_REFILL)
        rates["hocvuso"].append(await burst(ours, args.per_learner))
        rates["bare echo"].append(await burst(echo, args.per_learner))
    latencies = {
        "hocvuso": await steady(ours, args.rate, args.seconds),
        "bare echo": await steady(echo, args.rate, args.seconds),
    }
    await stop_ours()
    await stop_echo()
    await ours_api.stop()
    await echo_api.stop()
    print(f"[{name}] {args.learners} learners x {args.per_learner} round trips, best of {args.rounds}")
    for who, values in latencies.items():
        print(
            f"  {who:>9}: {max(rates[who]):7,.0f} updates/s | at {args.rate:.0f}/s:"
            f" p50 {p(values, 50):5.1f} ms  p95 {p(values, 95):5.1f} ms"
            f"  p99 {p(values, 99):5.1f} ms ({len(values)} replies)"
        )
    print(f"      ratio: {max(rates['hocvuso']) / max(rates['bare echo']):.2f} of the bare echo bot's rate")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channel", choices=("aiogram", "ptb", "zalo", "all"), default="all")
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--per-learner", type=int, default=3)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    library = Library.load()
    for name in ("aiogram", "ptb", "zalo") if args.channel == "all" else (args.channel,):
        await pair(name, args, library)


if __name__ == "__main__":
    asyncio.run(main())
