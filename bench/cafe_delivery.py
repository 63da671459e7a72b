"""Delivering the morning cafés' posts: --cafes (10,000) groups each get the 7:00 post (a tip, a
quiz poll and the join link: three Bot API calls) through the real delivery worker, the one
`hocvuso run --role delivery` runs (bot.app.build_app and delivery_workers: aiogram, the send
budget at SEND_RATE=30 less SEND_MARGIN, the poll book), against the sandbox Bot API in this
process with Telegram's flood limits on: 30 messages a second for the bot, 20 a minute to a group,
in the shape of each --model (token bucket, sliding window, fixed windows).

The cafés are seeded as bench/cafe_tick.py seeds them and the real scheduler tick queues their
posts (for a past Monday at 7:02, so every row is due at once); each café's group exists in the
sandbox and the sandbox refuses chats it does not know, so a post to a wrong chat would fail.

For each model: the send rate achieved (messages between the first and the last, over the time
between them) against 30/s and over the last minute of sending, the 429s the sandbox answered, the
most messages one group got in any minute (Telegram allows 20) and the shortest time between two
messages to one group, the total time from the worker's start to the last row recorded, and the
rows sent and failed. The database is a SQLite file unless --database postgres (helper_bench, or
BENCH_DATABASE_URL, wiped first).

At 30/s the 30,000 messages of 10,000 cafés take 17 minutes at best. A run that is not done after
--timeout seconds stops and reports what went out and how long everything would take at the last
minute's rate.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

from cafe_tick import ZONE, chat_of, fresh_database, local_moment, seed_cafes

from bot.app import App, build_app, delivery_workers
from bot.settings import load_settings
from content.library import Library
from sandbox.telegram import FakeBotAPI, FakeGroup, FloodLimits
from sandbox.telegram.limits import MODELS
from scheduler.delivery import DeliveryWorker
from scheduler.quiet_hours import QuietHours
from scheduler.ticks import run_tick
from service.cafe_posts import campaign
from store.database import open_database
from store.outbox import FINAL_STATES, campaign_counts

TOKEN = "4245:CAFE-DELIVERY-BENCH"  # the bot of bench/cafe_tick.py's cafés
RATE = 30.0
PER_GROUP_PER_MINUTE = 20
CREATOR = 501
PROGRESS_EVERY = 30.0  # seconds between progress lines


@dataclass(frozen=True)
class Outcome:
    model: str
    cafes: int
    complete: bool
    seconds: float  # the worker's start to the last row recorded (or to the timeout)
    messages: int
    rate: float  # between the first and the last message
    too_many: int
    last_minute: float  # messages a second over the last 60 s of sending: the steady rate
    group_minute: int  # the most messages one group got in any minute
    group_gap: float  # the shortest time between two messages to one group
    states: dict[str, int]


def past_monday() -> date:
    """The latest Monday whose 7:02 has passed in the cafés' time zone: rows queued by a tick then
    are all due now, and every café posts on a Monday whatever its days."""
    now = datetime.now(ZoneInfo(ZONE))
    day = now.date() - timedelta(days=now.weekday())
    return day if local_moment(2, day) < now else day - timedelta(days=7)


def make_groups(api: FakeBotAPI, count: int) -> list[FakeGroup]:
    """The cafés' supergroups, the bot a member of each (numbers 1..count, as cafe_tick seeds)."""
    return [api.group(int(chat_of(n)), f"Tổ dân phố {n}", creator=CREATOR) for n in range(1, count + 1)]


async def queue_posts(url: str, library: Library, cafes: int, day: date) -> int:
    """Seed the cafés and run the scheduler tick at 7:02 on `day`; returns the posts queued."""
    database = open_database(url)
    try:
        await seed_cafes(database, library, cafes, 0, day)
        report = await run_tick(
            database, library, ZONE, QuietHours(0, 0), local_moment(2, day).astimezone(UTC)
        )
        return report.cafe_posts
    finally:
        await database.dispose()


async def start_app(api: FakeBotAPI, url: str, library: Library) -> App:
    """The app as `hocvuso run` builds it from BOT_TOKEN, pointed at the sandbox."""
    settings = load_settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url=api.base_url,
        database_url=url,
        send_rate=RATE,
        quiet_hours="0-0",  # no quiet hours: the benchmark runs at any time of day
    )
    return await build_app(settings, library)


async def states(app: App, day: date) -> dict[str, int]:
    return await app.database.run(lambda c: campaign_counts(c, campaign(day)))


def finished(found: dict[str, int], total: int) -> bool:
    return sum(found.get(state, 0) for state in FINAL_STATES) >= total


async def drain(
    app: App, api: FakeBotAPI, worker: DeliveryWorker, day: date, total: int, timeout: float
) -> bool:
    """Run the worker until every row is in a final state or `timeout` passes; a line of progress
    every PROGRESS_EVERY seconds, as a long run would otherwise say nothing for minutes."""
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    started = last_line = time.monotonic()
    done = False
    try:
        while not done and time.monotonic() - started < timeout:
            await asyncio.sleep(1.0)
            done = finished(await states(app, day), total)
            if time.monotonic() - last_line >= PROGRESS_EVERY:
                last_line = time.monotonic()
                elapsed = last_line - started
                sent = api.stats.messages_sent
                print(f"    {elapsed:6.0f} s: {sent:,} messages, {sent / elapsed:.2f}/s", flush=True)
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(running, 30)
    return done


def outcome(
    model: str, cafes: int, complete: bool, seconds: float, api: FakeBotAPI, groups: list[FakeGroup],
    found: dict[str, int],
) -> Outcome:  # fmt: skip
    stamps = sorted(message.sent_at for group in groups for message in group.messages)
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    recent = [stamp for stamp in stamps if stamp > stamps[-1] - 60.0] if stamps else []
    return Outcome(
        model=model,
        cafes=cafes,
        complete=complete,
        seconds=seconds,
        messages=len(stamps),
        rate=(len(stamps) - 1) / span if span else 0.0,
        too_many=api.stats.too_many_requests,
        last_minute=len(recent) / 60.0 if span >= 60.0 else 0.0,
        group_minute=max((group.max_messages_in_any_minute() for group in groups), default=0),
        group_gap=min((shortest_gap(group) for group in groups), default=0.0),
        states=found,
    )


def shortest_gap(group: FakeGroup) -> float:
    stamps = sorted(message.sent_at for message in group.messages)
    return min((b - a for a, b in pairwise(stamps)), default=float("inf"))


def projected(found: Outcome) -> str:
    """How long all the posts would take at the last minute's rate, for a run that stopped."""
    if found.complete or not found.last_minute:
        return ""
    hours = 3 * found.cafes / found.last_minute / 3600
    return f"; at the last minute's rate all {3 * found.cafes:,} messages would take {hours:.1f} h"


async def run_model(model: str, args: argparse.Namespace, library: Library, workdir: Path) -> Outcome:
    day = past_monday()
    url = await fresh_database(args.database, workdir)
    queued = await queue_posts(url, library, args.cafes, day)
    flood = FloodLimits(global_per_second=RATE, per_group_per_minute=PER_GROUP_PER_MINUTE, model=model)
    api = FakeBotAPI(TOKEN, flood=flood, record_calls=False, use_spec=not args.no_spec)
    await api.start()
    groups = make_groups(api, args.cafes)
    app = await start_app(api, url, library)
    print(
        f"\n{model}: {args.cafes:,} cafés ({args.database}), {queued:,} posts queued for {day}; "
        f"sandbox {RATE:g}/s for the bot, {PER_GROUP_PER_MINUTE}/min a group",
        flush=True,
    )
    try:
        [worker] = delivery_workers(app)
        settle_heap()
        started = time.monotonic()
        complete = await drain(app, api, worker, day, queued, args.timeout)
        seconds = time.monotonic() - started
        return outcome(model, args.cafes, complete, seconds, api, groups, await states(app, day))
    finally:
        await app.close()
        await api.stop()


def settle_heap() -> None:
    """Collect, then set aside what survives (the seeded app, the sandbox's 10,000 groups). The
    sandbox shares this process and its garbage collector with the bot: a full collection of a
    large heap stops both for a few hundred milliseconds, so requests the bot sent before the
    pause reach the sandbox's flood counter together with those sent after it, a bunching that
    no network between a bot and Telegram produces. The delivery tests settle the heap the same
    way (tests/delivery/conftest.py)."""
    gc.collect()
    gc.freeze()


def print_outcome(found: Outcome) -> None:
    rows = ", ".join(f"{state} {count:,}" for state, count in sorted(found.states.items()))
    print(
        f"  {'complete' if found.complete else 'STOPPED at the timeout'} after {found.seconds:.1f} s: "
        f"{found.messages:,} messages, {found.rate:.2f}/s = {found.rate / RATE:.3f} of {RATE:g}/s "
        f"(last minute {found.last_minute:.2f}/s); 429s {found.too_many}; most to one group in a minute "
        f"{found.group_minute} (limit {PER_GROUP_PER_MINUTE}), shortest gap in a group "
        f"{found.group_gap:.2f} s; rows: {rows}{projected(found)}",
        flush=True,
    )


COLUMNS = (
    ("model", "<8"), ("cafés", ">7"), ("messages", ">8"), ("seconds", ">8"), ("msg/s", ">6"),
    ("of 30/s", ">7"), ("last min", ">8"), ("429s", ">5"), ("group/min", ">9"), ("gap s", ">6"),
    ("sent", ">7"), ("failed", ">6"),
)  # fmt: skip


def print_table(outcomes: list[Outcome]) -> None:
    """One line a run; seconds end in + for a run stopped at the timeout."""
    print("\n" + " ".join(f"{head:{align}}" for head, align in COLUMNS))
    for o in outcomes:
        cells = (
            o.model, f"{o.cafes:,}", f"{o.messages:,}", f"{o.seconds:.0f}{'' if o.complete else '+'}",
            f"{o.rate:.2f}", f"{o.rate / RATE:.3f}", f"{o.last_minute:.2f}", o.too_many, o.group_minute,
            f"{o.group_gap:.2f}", f"{o.states.get('sent', 0):,}", f"{o.states.get('failed', 0):,}",
        )  # fmt: skip
        print(" ".join(f"{cell:{align}}" for cell, (_, align) in zip(cells, COLUMNS, strict=True)))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--cafes", type=int, default=10_000)
    parser.add_argument(
        "--model", choices=(*MODELS, "all"), default="bucket", help="the sandbox's flood model"
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--timeout", type=float, default=3600.0, help="longest wait for one model's run")
    parser.add_argument("--no-spec", action="store_true", help="sandbox without Bot API spec validation")
    args = parser.parse_args()
    library = Library.load()
    models = MODELS if args.model == "all" else (args.model,)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="hocvuso-cafe-delivery-") as folder:
        for model in models:
            found = await run_model(model, args, library, Path(folder))
            print_outcome(found)
            outcomes.append(found)
    print_table(outcomes)


if __name__ == "__main__":
    asyncio.run(main())
