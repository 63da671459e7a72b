"""kill -9 in the middle of a broadcast: 20,000 learners, paid broadcast at 1000/s, the delivery
process (`hocvuso run --role delivery`) killed with SIGKILL once ~40% of the alert has reached the
sandbox, then started again with DELIVERY_LEASE=2, so the rows the dead process had claimed go back
to the queue after 2 s. Waits until the sandbox has received something for every learner (or a
timeout) and reports duplicates (at most the batch in flight is expected), missing learners
(none expected) and the times. Runs on SQLite and on PostgreSQL. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from delivery_support import (
    DeliveryProcess,
    backend_name,
    delivery_env,
    enqueue_alert,
    fresh_database,
    outbox_states,
    reach,
    seed_learners,
    start_sandbox,
    states_text,
    wait_until,
)

from bot.app import delivery_batch
from content.library import Library
from scheduler.delivery import DeliveryWorker
from store.database import open_database

RATE = 1000
LEASE = 2.0


def in_flight_batch(rate: float) -> int:
    """Rows the worker can have in flight: every lane's claim."""
    return delivery_batch(rate) * DeliveryWorker.lanes


def released(process: DeliveryProcess, since: datetime) -> str:
    """What the worker logged about rows it took back from a dead worker, and when."""
    found = []
    for line in process.log_tail(10_000).splitlines():
        with contextlib.suppress(ValueError, KeyError, TypeError):
            entry = json.loads(line)
            if entry["event"] == "rows released from a dead worker":
                after = (datetime.fromisoformat(entry["at"]) - since).total_seconds()
                found.append(f"{entry['rows']} rows {after:.1f} s after the restart")
    return ", ".join(found) or "none logged"


async def run(backend: str, args: argparse.Namespace, library: Library, workdir: Path) -> None:
    url = await fresh_database(backend, workdir)
    database = open_database(url)
    chats = await seed_learners(database, args.learners)
    campaign, total = await enqueue_alert(database, library)
    api = await start_sandbox(RATE, use_spec=not args.no_spec)
    env = delivery_env(api, url, RATE, paid=True, redis=args.redis, lease=LEASE)
    stats = api.stats
    kill_at = int(total * args.kill_at)
    print(
        f"\n{backend_name(url)}{', budget in Redis' if args.redis else ''}: {total:,} learners, "
        f"SEND_RATE={RATE} paid, DELIVERY_LEASE={LEASE:g}, in-flight batch {in_flight_batch(RATE)}; "
        f"SIGKILL after {kill_at:,} sent"
    )
    first = await DeliveryProcess.start(env, workdir, name=f"first-{backend}")
    second: DeliveryProcess | None = None
    try:
        if not await wait_until(lambda: stats.messages_sent >= kill_at, args.timeout, 0.002, alive=first):
            print(f"  never reached {kill_at:,} sent ({stats.messages_sent:,}); log:\n{first.log_tail()}")
            return
        await first.kill()
        killed = time.monotonic()
        sent_by_first = stats.messages_sent
        at_kill = await outbox_states(database, campaign)
        print(
            f"  killed {killed - first.started:.1f} s after start with {sent_by_first:,} messages received; "
            f"outbox then: {states_text(at_kill)}"
        )
        second = await DeliveryProcess.start(env, workdir, name=f"second-{backend}")
        restarted, restarted_wall = time.monotonic(), datetime.now(UTC)
        resumed = await wait_until(lambda: stats.messages_sent > sent_by_first, 60, 0.01, alive=second)
        resumed_at = time.monotonic()
        if resumed:
            print(f"  restarted process sent its first message {resumed_at - restarted:.1f} s after start")
        everyone = await wait_until(lambda: len(stats.sent_per_chat) >= total, args.timeout, alive=second)
        done = time.monotonic()
        await asyncio.sleep(1.5)  # let the worker record its last batch
        outcome = reach(api, chats)
        print(
            f"  {'every learner reached' if everyone else 'TIMED OUT'}: {done - first.started:.1f} s in all "
            f"({done - restarted:.1f} s after the restart); {stats.messages_sent:,} messages for "
            f"{total:,} learners"
        )
        print(
            f"  duplicates {outcome.duplicates:,} (learners who got it twice; most to one learner: "
            f"{outcome.most}), missing {outcome.missing:,}, 429s {stats.too_many_requests:,}"
        )
        print(f"  rows released by the restarted process's lease sweeps: {released(second, restarted_wall)}")
        print(f"  restarted process {second.rss_summary(since=resumed_at)}")
    finally:
        for process in (first, second):
            if process is not None:
                code = await process.stop()
                if code not in (0, None, -9):
                    print(f"  delivery process exited with {code}; log:\n{process.log_tail()}")
        print(f"  outbox at the end: {states_text(await outbox_states(database, campaign))}")
        await api.stop()
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--kill-at", type=float, default=0.4, help="fraction sent before the SIGKILL")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="smoke run: 5,000 learners")
    parser.add_argument("--redis", action="store_true", help="REDIS_URL set: the send budget in Redis")
    parser.add_argument("--no-spec", action="store_true", help="sandbox without Bot API spec validation")
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()
    if args.quick:
        args.learners = 5_000
    library = Library.load()
    workdir = Path(tempfile.mkdtemp(prefix="hocvuso-kill-"))
    try:
        for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
            await run(backend, args, library, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
