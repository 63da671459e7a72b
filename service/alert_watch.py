"""Keeping an eye on an alert while it goes out: one task per alert edits the admin's progress
message; the tasks are held here so they are not collected half-way, and a failure is logged,
never raised into the turn that started it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from flows.replies import Message
from service.alert_composer import AlertComposer, Watch

log = logging.getLogger("hocvuso.alerts")
_running: set[asyncio.Task[None]] = set()


def watch_alert(
    composer: AlertComposer, watch: Watch, edit: Callable[[Message], Awaitable[None]], shown: Message
) -> None:
    async def run() -> None:
        try:
            await composer.watch(watch, edit, shown.text)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("alert progress no longer shown", extra={"alert": watch.alert_id})

    task = asyncio.create_task(run())
    _running.add(task)
    task.add_done_callback(_running.discard)
