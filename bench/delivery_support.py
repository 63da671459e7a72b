"""Shared by the delivery benchmarks (broadcast_rate.py, kill_restart.py, scheduler_tick.py).

A fresh database (SQLite file or the PostgreSQL benchmark database), learners, an alert in the
outbox, the sandbox Bot API in this process, and the delivery role as its own process
(`hocvuso run --role delivery`), whose memory and CPU are read from /proc.
Not a benchmark itself: running it does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bot.settings import Settings
from content.library import Library
from flows.state import LearnerState, Step
from sandbox.telegram import FakeBotAPI, FloodLimits
from service import alerts
from store import learners
from store.address import TELEGRAM, BotRef
from store.database import Database, migrate
from store.outbox import campaign_counts

BOT_ID = 4242
TOKEN = f"{BOT_ID}:BENCH-DELIVERY"
BOT = BotRef(TELEGRAM, str(BOT_ID))  # learners and outbox rows are addressed by strings
FIRST_CHAT = 1_000_001
SEED_CHUNK = 5_000
POSTGRES_SERVER = "postgres@127.0.0.1:5432"
DELIVERY_DATABASE = "hocvuso_bench_delivery"  # wiped by each delivery run; never the test database
REDIS_URL = "redis://127.0.0.1:6379/14"
HOCVUSO = Path(sys.executable).parent / "hocvuso"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
DRAFT = alerts.Draft(
    text={
        "vi": "Có kẻ giả danh ngân hàng gọi điện xin mã OTP. Không bao giờ đọc mã OTP cho ai.",
        "en": "Someone posing as a bank calls to ask for an OTP code. Never read an OTP to anyone.",
    },
    title={"vi": "Lừa đảo mã OTP", "en": "OTP scam"},
)


def postgres_url(name: str) -> str:
    return f"postgresql+asyncpg://{POSTGRES_SERVER}/{name}"


async def ensure_postgres_database(name: str) -> None:
    """CREATE DATABASE `name` unless it exists (the server trusts local connections)."""
    connection = await asyncpg.connect(f"postgresql://{POSTGRES_SERVER}/postgres")
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def wipe_postgres(name: str) -> None:
    connection = await asyncpg.connect(f"postgresql://{POSTGRES_SERVER}/{name}")
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()


async def fresh_database(backend: str, workdir: Path) -> str:
    """An empty, migrated database: a new SQLite file, or the wiped PostgreSQL delivery database."""
    if backend == "sqlite":
        path = workdir / "delivery.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        await ensure_postgres_database(DELIVERY_DATABASE)
        await wipe_postgres(DELIVERY_DATABASE)
        url = postgres_url(DELIVERY_DATABASE)
    await migrate(url)
    return url


def backend_name(url: str) -> str:
    return "SQLite" if url.startswith("sqlite") else "PostgreSQL"


async def seed_learners(database: Database, count: int) -> range:
    """`count` onboarded Vietnamese learners of BOT_ID, inserted SEED_CHUNK at a time; returns
    their chat ids as the sandbox knows them (learners' ids are the decimal strings of these)."""
    chats = range(FIRST_CHAT, FIRST_CHAT + count)
    for start in range(0, count, SEED_CHUNK):
        states = [
            LearnerState(str(chat_id), step=Step.READY, onboarded=True, language="vi", lesson_hour=8)
            for chat_id in chats[start : start + SEED_CHUNK]
        ]
        await database.run(lambda c, states=states: learners.insert_many(c, BOT, states))
    return chats


async def enqueue_alert(database: Database, library: Library) -> tuple[str, int]:
    """A short scam alert to every learner; returns (campaign, rows enqueued)."""
    now = datetime.now(UTC)
    alert_id, total = await database.run(lambda c: alerts.create(c, DRAFT, alerts.Audience(), library, now))
    return alerts.campaign_of(alert_id), total


async def outbox_states(database: Database, campaign: str) -> dict[str, int]:
    return await database.run(lambda c: campaign_counts(c, campaign))


async def start_sandbox(per_second: float, use_spec: bool = True) -> FakeBotAPI:
    """Telegram's limits for a bot at `per_second` overall, 1 a second per chat (bursts of 3)."""
    api = FakeBotAPI(
        TOKEN,
        flood=FloodLimits(global_per_second=per_second, per_chat_per_second=1, per_chat_burst=3),
        allow_unknown_chats=True,
        record_calls=False,
        use_spec=use_spec,
    )
    await api.start()
    return api


def delivery_env(
    api: FakeBotAPI,
    database_url: str,
    rate: float,
    paid: bool,
    redis: bool = False,
    lease: float | None = None,
) -> dict[str, str]:
    """The delivery process's environment: nothing inherited that is a hocvuso setting, nor CI."""
    settings = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in settings and k != "CI"}
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api.base_url,
        DATABASE_URL=database_url,
        SEND_RATE=f"{rate:g}",
        PAID_BROADCAST="true" if paid else "false",
        QUIET_HOURS="0-0",  # no quiet hours: the benchmark runs at any time of day
    )
    if redis:
        env["REDIS_URL"] = REDIS_URL
    if lease is not None:
        env["DELIVERY_LEASE"] = f"{lease:g}"
    return env


def _status_kib(pid: int | str, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def rss_mib(pid: int | str = "self") -> float | None:
    kib = _status_kib(pid, "VmRSS")
    return None if kib is None else kib / 1024


def peak_rss_mib(pid: int | str = "self") -> float | None:
    """VmHWM: the highest RSS since start, or since `reset_peak_rss`."""
    kib = _status_kib(pid, "VmHWM")
    return None if kib is None else kib / 1024


def reset_peak_rss() -> bool:
    """Start VmHWM over from the current RSS (Linux: write 5 to clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process (all its threads)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass
class DeliveryProcess:
    """`hocvuso run --role delivery` in its own process, its RSS sampled every second."""

    process: asyncio.subprocess.Process
    log_path: Path
    started: float
    samples: list[tuple[float, float]] = field(default_factory=list)  # (monotonic, RSS MiB)
    _sampler: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, env: dict[str, str], workdir: Path, name: str = "delivery") -> DeliveryProcess:
        log_path = workdir / f"{name}.log"
        with log_path.open("ab") as log:
            process = await asyncio.create_subprocess_exec(
                str(HOCVUSO), "run", "--role", "delivery", env=env, cwd=workdir, stdout=log, stderr=log
            )
        self = cls(process, log_path, time.monotonic())
        self._sampler = asyncio.create_task(self._sample())
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    async def _sample(self) -> None:
        while self.alive:
            value = rss_mib(self.pid)
            if value is not None:
                self.samples.append((time.monotonic(), value))
            await asyncio.sleep(1.0)

    def rss_at(self, moment: float) -> float | None:
        """The first sample taken at or after `moment` (else the last one)."""
        for at, value in self.samples:
            if at >= moment:
                return value
        return self.samples[-1][1] if self.samples else None

    def rss_summary(self, since: float) -> str:
        values = [value for at, value in self.samples if at >= since] or [v for _, v in self.samples]
        if not values:
            return "RSS not sampled"
        return (
            f"RSS MiB start {values[0]:.1f}, peak {max(values):.1f}, end {values[-1]:.1f} "
            f"({len(values)} samples, 1 s apart)"
        )

    def cpu(self) -> float | None:
        return cpu_seconds(self.pid)

    async def stop(self) -> int | None:
        """Ctrl-C: the workers finish their batch and the process exits; SIGKILL after 20 s."""
        if self.alive:
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        await self._stop_sampler()
        return self.process.returncode

    async def kill(self) -> None:
        """kill -9: no cleanup at all, rows it claimed stay `sending` until the lease runs out."""
        if self.alive:
            self.process.kill()
            await self.process.wait()
        await self._stop_sampler()

    async def _stop_sampler(self) -> None:
        if self._sampler is not None:
            self._sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sampler

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


async def wait_until(
    condition: Callable[[], bool],
    timeout: float,
    every: float = 0.05,
    alive: DeliveryProcess | None = None,
) -> bool:
    """Poll until `condition()` holds; False on timeout or when `alive` has exited."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline or (alive is not None and not alive.alive):
            return condition()
        await asyncio.sleep(every)
    return True


async def wait_for_progress(
    api: FakeBotAPI, target: int, stall: float, timeout: float, process: DeliveryProcess | None = None
) -> bool:
    """Wait until the sandbox has accepted `target` messages; False when sending stops for `stall`
    seconds, the process exits or `timeout` passes."""
    deadline = time.monotonic() + timeout
    last, last_change = api.stats.messages_sent, time.monotonic()
    while api.stats.messages_sent < target:
        now = time.monotonic()
        if api.stats.messages_sent != last:
            last, last_change = api.stats.messages_sent, now
        if now - last_change > stall or now > deadline or (process is not None and not process.alive):
            return False
        await asyncio.sleep(0.1)
    return True


@dataclass(frozen=True)
class Reach:
    received: int  # learners with at least one message
    duplicates: int  # learners with more than one
    missing: int  # learners with none
    most: int  # the most messages one learner got


def reach(api: FakeBotAPI, chats: Sequence[int]) -> Reach:
    counts = api.stats.sent_per_chat
    per_chat = [counts.get(chat, 0) for chat in chats]
    return Reach(
        received=sum(1 for n in per_chat if n > 0),
        duplicates=sum(1 for n in per_chat if n > 1),
        missing=sum(1 for n in per_chat if n == 0),
        most=max(per_chat, default=0),
    )


def states_text(states: dict[str, Any]) -> str:
    return ", ".join(f"{state} {count:,}" for state, count in sorted(states.items())) or "empty"


if __name__ == "__main__":
    print("delivery_support.py is a helper module for the delivery benchmarks; nothing to run.")
