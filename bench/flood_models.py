"""The bot under every plausible shape of Telegram's flood limits (token bucket, sliding window,
fixed one-second windows), against the sandbox Bot API on loopback. Prints figures; asserts nothing.

(a) broadcast: an alert to N learners drained by one delivery worker at SEND_RATE=30; the rate
    achieved over the nominal 30/s (sends between the first and the last), 429s answered, and
    learners who got it twice.
(b) flash crowd: N people press /start within W seconds (as when a café host shares the link),
    the real bot polling; time from each /start to its first reply: p50, p95 and max, against
    the floor of N/30 s (one message each at 30/s), and 429s.
(c) faults: two delivery processes (`hocvuso run --role delivery`) sharing one budget in Redis,
    PostgreSQL, 3% of sends answered 502, one process killed with SIGKILL and started again:
    learners missing, learners who got it twice, 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from delivery_support import ensure_postgres_database, postgres_url
from redis import Redis

from bot.app import build_app, serve_bots
from bot.settings import load_settings
from bot.telegram.channel import make_bot
from bot.telegram.sender import AiogramSender
from content.library import Library
from flows.state import LearnerState, Step
from sandbox.telegram import FakeBotAPI, FloodLimits
from sandbox.telegram.faults import Faults
from sandbox.telegram.limits import MODELS
from scheduler.budget import Lane, Limits, LocalSendBudget
from scheduler.delivery import DeliveryWorker
from scheduler.quiet_hours import QuietHours
from store import learners, outbox
from store.address import TELEGRAM, BotRef
from store.database import ServerDatabase, migrate, open_database, upgrade

TOKEN = "4244:FLOOD-BENCH"
BOT_ID = 4244
BOT = BotRef(TELEGRAM, str(BOT_ID))
NOW = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
BENCH_DATABASE = "hocvuso_bench_flood"  # never the test database
REDIS = os.environ.get("HOCVUSO_BENCH_REDIS", "redis://127.0.0.1:6379/11")


async def _alert(database, count: int) -> list[int]:
    ids = list(range(10_000, 10_000 + count))
    states = [LearnerState(str(c), step=Step.READY, onboarded=True, language="vi") for c in ids]
    await database.run(lambda c: learners.insert_many(c, BOT, states))
    text: list[dict[str, object]] = [{"type": "message", "text": "Cảnh báo"}]
    rows = [outbox.Outgoing(BOT, str(c), "alert:1", outbox.URGENT, text, NOW) for c in ids]
    await database.run(lambda c: outbox.enqueue(c, rows, NOW))
    return ids


def _summary(api: FakeBotAPI, ids: list[int]) -> tuple[int, int]:
    missing = sum(1 for c in ids if not api.stats.sent_per_chat[c])
    twice = sum(1 for c in ids if api.stats.sent_per_chat[c] > 1)
    return missing, twice


async def broadcast(model: str, count: int, library: Library, workdir: Path) -> None:
    url = f"sqlite+aiosqlite:///{workdir / f'broadcast-{model}.db'}"
    await migrate(url)
    database = open_database(url)
    api = FakeBotAPI(TOKEN, flood=FloodLimits(model=model), allow_unknown_chats=True, record_calls=False)
    await api.start()
    budget = LocalSendBudget(Limits())
    bot = make_bot(load_settings(_env_file=None, telegram_api_url=api.base_url), TOKEN, budget, Lane.BULK)
    stamps: list[float] = []
    original = api.execute

    async def stamped(call):  # type: ignore[no-untyped-def]
        result = await original(call)
        if call.method == "sendMessage":
            stamps.append(time.perf_counter())
        return result

    api.execute = stamped  # type: ignore[method-assign]
    try:
        ids = await _alert(database, count)
        started = datetime.now(UTC)
        worker = DeliveryWorker(
            database, AiogramSender(BOT, bot, library.media_root), ZONE, QuietHours(0, 0), library=library,
            rate_hint=budget.limits.ceiling / 2, clock=lambda: NOW + (datetime.now(UTC) - started),
        )  # fmt: skip
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        while sum(1 for c in ids if api.stats.sent_per_chat[c]) < count:
            await asyncio.sleep(0.2)
        stop.set()
        await running
        rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
        missing, twice = _summary(api, ids)
        print(
            f"  broadcast  {model:<8} {count} learners: {rate:5.2f}/s = {rate / 30:.3f} of 30/s, "
            f"429s {api.stats.too_many_requests}, missing {missing}, twice {twice}"
        )
    finally:
        await bot.session.close()
        await api.stop()
        await database.dispose()


async def flash_crowd(model: str, people: int, window: float, library: Library, workdir: Path) -> None:
    api = FakeBotAPI(TOKEN, flood=FloodLimits(model=model), record_calls=False)
    await api.start()
    settings = load_settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url=api.base_url,
        database_url=f"sqlite+aiosqlite:///{workdir / f'crowd-{model}.db'}",
    )
    app = await build_app(settings, library)
    polling = asyncio.create_task(serve_bots(app))
    await asyncio.sleep(0.5)
    rng = random.Random(11)
    waits: list[float] = []

    async def person(n: int) -> None:
        await asyncio.sleep(rng.uniform(0, window))
        learner = api.learner(50_000 + n, f"P{n}", language_code="vi")
        started = time.perf_counter()
        await learner.send_text("/start")
        await learner.wait_for_messages(1, timeout=120)
        waits.append(time.perf_counter() - started)
        await learner.wait_for_messages(1, timeout=120)  # the language question follows

    try:
        started = time.perf_counter()
        await asyncio.gather(*(person(n) for n in range(people)))
        everyone = time.perf_counter() - started
        floor = people / 30
        q = statistics.quantiles(waits, n=100)
        print(
            f"  crowd      {model:<8} {people} /start in {window:.0f} s: first reply p50 {q[49]:.2f} s, "
            f"p95 {q[94]:.2f} s, max {max(waits):.2f} s; floor {floor:.1f} s, target p95 <= "
            f"{1.5 * floor + 2:.1f} s; all answered after {everyone:.1f} s; "
            f"429s {api.stats.too_many_requests}"
        )
    finally:
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(polling, 10)
        await app.close()
        await api.stop()


def _delivery(api: FakeBotAPI) -> subprocess.Popen[bytes]:
    env = {
        **os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.base_url,
        "DATABASE_URL": postgres_url(BENCH_DATABASE),
        "REDIS_URL": REDIS, "QUIET_HOURS": "0-0", "DELIVERY_LEASE": "4", "SEND_RATE": "30",
        "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    env.pop("BOT_TOKENS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--role", "delivery"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )


async def faults(model: str, count: int) -> None:
    await ensure_postgres_database(BENCH_DATABASE)
    await asyncio.to_thread(upgrade, postgres_url(BENCH_DATABASE))
    database = open_database(postgres_url(BENCH_DATABASE))
    assert isinstance(database, ServerDatabase)
    await database.run(lambda c: c.exec_driver_sql("TRUNCATE outbox, learners CASCADE"))
    Redis.from_url(REDIS).flushdb()
    injected = Faults(server_error_rate=0.03)
    api = FakeBotAPI(
        TOKEN, flood=FloodLimits(model=model), allow_unknown_chats=True, record_calls=False, faults=injected
    )
    await api.start()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        ids = await _alert(database, count)
        processes = [_delivery(api), _delivery(api)]
        while api.stats.messages_sent < count // 3:
            await asyncio.sleep(0.1)
        processes[1].send_signal(signal.SIGKILL)
        processes[1].wait()
        processes.append(_delivery(api))
        deadline = time.monotonic() + 300
        while sum(1 for c in ids if api.stats.sent_per_chat[c]) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(2.0)
        missing, twice = _summary(api, ids)
        print(
            f"  faults     {model:<8} {count} learners, 2 processes, 3% 502 ({injected.injected_errors} "
            f"injected), one SIGKILL: missing {missing}, twice {twice}, 429s {api.stats.too_many_requests}"
        )
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(10)
        await api.stop()
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--learners", type=int, default=600, help="for the broadcast and the faults")
    parser.add_argument("--crowd", type=int, default=150)
    parser.add_argument("--window", type=float, default=5.0)
    parser.add_argument("--only", choices=("broadcast", "crowd", "faults"))
    parser.add_argument("--models", nargs="*", default=list(MODELS), choices=MODELS)
    args = parser.parse_args()
    library = Library.load()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        for model in args.models:
            print(f"flood model: {model}")
            if args.only in (None, "broadcast"):
                await broadcast(model, args.learners, library, workdir)
            if args.only in (None, "crowd"):
                await flash_crowd(model, args.crowd, args.window, library, workdir)
            if args.only in (None, "faults"):
                await faults(model, args.learners)


if __name__ == "__main__":
    asyncio.run(main())
