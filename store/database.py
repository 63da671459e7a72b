"""Where a unit of work runs: the embedded SQLite file or a PostgreSQL server.

Store functions are written once against a plain SQLAlchemy `Connection` and handed to
`Database.run`, which runs them in one transaction:
- PostgreSQL: on the async engine (asyncpg), through `AsyncConnection.run_sync`, so many turns
  run concurrently without threads.
- SQLite: in one dedicated thread with the standard sqlite3 driver. SQLite has a single writer, so
  one thread loses nothing, and a whole turn costs one hop off the event loop instead of one per
  statement (which made aiosqlite four times slower here).
The schema is owned by Alembic; `migrate` runs it in a worker thread because Alembic's async
environment starts its own event loop.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Table, event, func
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
T = TypeVar("T")
SWITCH_INTERVAL = 0.0002  # seconds


def at_epoch(connection: Connection, seconds: Any) -> Any:
    """A timestamp from seconds since 1970 computed in SQL, for INSERT ... SELECT of many rows."""
    if connection.dialect.name == "postgresql":
        return func.to_timestamp(seconds)
    return func.datetime(seconds, "unixepoch")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


class Database(Protocol):
    url: str

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one transaction: committed if it returns, rolled back if it raises."""
        ...

    async def dispose(self) -> None: ...


class ServerDatabase:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: AsyncEngine = create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)

    async def run(self, work: Callable[[Connection], T]) -> T:
        async with self.engine.begin() as connection:
            return await connection.run_sync(work)

    async def dispose(self) -> None:
        await self.engine.dispose()


class EmbeddedDatabase:
    def __init__(self, url: str) -> None:
        self.url = url
        _make_folder(url)
        self.engine: Engine = create_sync_engine(
            make_url(url).set(drivername="sqlite"), connect_args={"timeout": 30}
        )
        event.listen(self.engine, "connect", _sqlite_pragmas)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._connection: Connection | None = None
        self._batch_lock = threading.Lock()
        self._waiting: list[tuple[Callable[[Connection], Any], asyncio.Future[Any]]] = []
        self._draining = False
        # The SQLite thread needs the GIL back for a fraction of a millisecond per turn; with
        # Python's default 5 ms switch interval it waits behind a busy event loop for most of that.
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))

    def _in_transaction(self, work: Callable[[Connection], T]) -> T:
        """One connection, kept by the SQLite thread for its life: checking one out of the pool
        and wrapping it anew for every turn was a quarter of a turn's cost."""
        if self._connection is None or self._connection.closed:
            self._connection = self.engine.connect()
        connection = self._connection
        with connection.begin():
            return work(connection)

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self.engine.dispose()

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Each `work` in its own transaction, in the order asked. Jobs that arrive while the
        SQLite thread is busy go to it together and come back together: one handoff between the
        threads per batch rather than per turn, which under a crowd cost more than the SQL."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        with self._batch_lock:
            self._waiting.append((work, future))
            start = not self._draining
            self._draining = True
        if start:
            self._thread.submit(self._drain, loop)
        return cast(T, await future)

    def _drain(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            with self._batch_lock:
                batch, self._waiting = self._waiting, []
                if not batch:
                    self._draining = False
                    return
            done: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
            for work, future in batch:
                try:
                    done.append((future, self._in_transaction(work), None))
                except BaseException as error:  # whatever it is, it is that caller's answer
                    done.append((future, None, error))
            loop.call_soon_threadsafe(_settle, done)

    async def dispose(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._close)
        self._thread.shutdown(wait=True)


def _settle(done: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
    for future, result, error in done:
        if future.done():  # its caller gave up (cancelled): the transaction stands all the same
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)


def _make_folder(url: str) -> None:
    """An SQLite file's folder (./data by default) may not exist yet on a fresh checkout."""
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL lets readers work while a write is in progress; foreign keys make deletes cascade."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def insert_or_update(connection: Connection, table: Table) -> Any:
    """INSERT that can take ON CONFLICT (upserts and no-op inserts) in this connection's dialect."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def open_database(url: str) -> Database:
    return EmbeddedDatabase(url) if is_sqlite(url) else ServerDatabase(url)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


async def migrate(url: str) -> None:
    if is_sqlite(url):
        _make_folder(url)
    await asyncio.to_thread(upgrade, url)
