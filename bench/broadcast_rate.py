"""Broadcast rate: an alert to 100,000 learners drained by the delivery role in its own process
(`hocvuso run --role delivery`) against the sandbox Bot API, which runs in this process and
enforces Telegram's flood limits (answering 429 beyond them).

(i)  paid broadcast: SEND_RATE=1000, PAID_BROADCAST=true; sandbox 1000/s overall, 1/s per chat
     (bursts of 3); PostgreSQL by default. Runs to completion: total time, missing learners.
(ii) free: SEND_RATE=30; sandbox 30/s overall; SQLite by default. 100,000 cannot finish at 30/s,
     so only the sample is measured.

For each: the rate over a sample (60 s from the first message), 429s the sandbox answered,
learners who got the alert more than once, and the delivery process's RSS (sampled every second:
start, peak, end). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from dataclasses import dataclass
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
    wait_for_progress,
    wait_until,
)

from content.library import Library
from store.database import open_database


@dataclass(frozen=True)
class Case:
    name: str
    rate: float
    paid: bool
    backend: str
    complete: bool  # run until every learner has it, or only for the sample


async def run_case(case: Case, args: argparse.Namespace, library: Library, workdir: Path) -> None:
    url = await fresh_database(case.backend, workdir)
    database = open_database(url)
    started = time.perf_counter()
    chats = await seed_learners(database, args.learners)
    seeded = time.perf_counter()
    campaign, total = await enqueue_alert(database, library)
    enqueued = time.perf_counter()
    api = await start_sandbox(case.rate, use_spec=not args.no_spec)
    env = delivery_env(api, url, case.rate, case.paid, redis=args.redis)
    print(
        f"\n{case.name}: {args.learners:,} learners, {backend_name(url)}"
        f"{', budget in Redis' if args.redis else ''}; SEND_RATE={case.rate:g} "
        f"PAID_BROADCAST={str(case.paid).lower()}; sandbox {case.rate:g}/s overall, 1/s per chat (burst 3)"
    )
    print(
        f"  set-up: {args.learners:,} learners seeded in {seeded - started:.1f} s, "
        f"{total:,} outbox rows enqueued by one alert in {enqueued - seeded:.2f} s"
    )
    process = await DeliveryProcess.start(env, workdir, name=f"delivery-{case.backend}-{case.rate:g}")
    try:
        stats = api.stats
        if not await wait_until(lambda: stats.messages_sent > 0, 60, every=0.01, alive=process):
            print("  no message reached the sandbox in 60 s; delivery log:\n" + process.log_tail())
            return
        first = time.monotonic()
        cpu_bench, cpu_delivery = time.process_time(), process.cpu() or 0.0
        sent_at_first, limited_at_first = stats.messages_sent, stats.too_many_requests
        print(f"  first message {first - process.started:.1f} s after the process started")
        # The sample: `seconds` from the first message, or less when everything went out sooner.
        await wait_until(lambda: stats.messages_sent >= total, args.seconds, every=0.02, alive=process)
        window = time.monotonic() - first
        sent = stats.messages_sent - sent_at_first
        rate = sent / window
        cpu_delivery = ((process.cpu() or 0.0) - cpu_delivery) / window
        cpu_bench = (time.process_time() - cpu_bench) / window
        print(
            f"  sample {window:.1f} s: {sent:,} sent, {rate:,.1f} messages/s = "
            f"{100 * rate / case.rate:.1f}% of {case.rate:g}/s; "
            f"429s {stats.too_many_requests - limited_at_first:,}"
        )
        print(
            f"  CPU over the sample: delivery process {100 * cpu_delivery:.0f}%, "
            f"this process (sandbox) {100 * cpu_bench:.0f}% of one core"
        )
        if case.complete:
            done = await wait_for_progress(api, total, stall=60, timeout=args.timeout, process=process)
            finished = time.monotonic()
            # The last batch is recorded just after its sends: let the worker write it.
            await asyncio.sleep(1.5)
            print(
                f"  {'complete' if done else 'STOPPED'}: {stats.messages_sent:,} messages in "
                f"{finished - first:.1f} s from the first message "
                f"({stats.messages_sent / (finished - first):,.1f}/s), "
                f"{finished - process.started:.1f} s from process start"
            )
        outcome = reach(api, chats)
        if case.complete:
            print(
                f"  learners: {outcome.received:,} reached, duplicates {outcome.duplicates:,}, "
                f"missing {outcome.missing:,}; 429s in all {stats.too_many_requests:,}"
            )
        else:
            print(
                f"  learners: {outcome.received:,} reached in the sample, duplicates {outcome.duplicates:,} "
                f"(missing not counted: {total:,} cannot finish at {case.rate:g}/s)"
            )
        print(f"  delivery process {process.rss_summary(since=first)}")
    finally:
        code = await process.stop()
        if code not in (0, None):
            print(f"  delivery process exited with {code}; log:\n{process.log_tail()}")
        print(f"  outbox: {states_text(await outbox_states(database, campaign))}")
        await api.stop()
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the rate sample")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10,000 learners, 15 s sample")
    parser.add_argument("--only", choices=("paid", "free"), help="run one of the two cases")
    parser.add_argument("--paid-db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--free-db", choices=("postgres", "sqlite"), default="sqlite")
    parser.add_argument("--redis", action="store_true", help="REDIS_URL set: the send budget in Redis")
    parser.add_argument("--no-spec", action="store_true", help="sandbox without Bot API spec validation")
    parser.add_argument("--timeout", type=float, default=900.0, help="longest wait for a complete run")
    args = parser.parse_args()
    if args.quick:
        args.learners, args.seconds = 10_000, 15.0
    library = Library.load()
    cases = [
        Case("(i) paid broadcast, 1000/s", 1000, True, args.paid_db, complete=True),
        Case("(ii) 30/s", 30, False, args.free_db, complete=False),
    ]
    workdir = Path(tempfile.mkdtemp(prefix="hocvuso-broadcast-"))
    try:
        for case in cases:
            if args.only is None or case.paid == (args.only == "paid"):
                await run_case(case, args, library, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
