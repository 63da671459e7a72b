"""One Zalo update: translate it into a flow event, take the turn, show the outcome as text.

Nothing here decides anything a flow could decide. No failure to send a reply makes the handler
raise: the turn is already saved, and the lost reply is logged.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.zalo.client import ZaloError, ZaloForbidden, ZaloRetryAfter
from bot.zalo.events import from_update
from bot.zalo.outgoing import ZaloOutgoing
from bot.zalo.show import ZaloCall, answered_calls, calls
from scheduler.budget import Lane
from service.turns import Turn, Turns
from store.recent_updates import RecentUpdates

log = logging.getLogger("hocvuso.zalo")
REPLY_429_TRIES = 3  # a reply refused for speed is tried again after the pause, this many times


class ZaloRoutes:
    def __init__(
        self, turns: Turns, out: ZaloOutgoing, recent: RecentUpdates, media_base_url: str | None
    ) -> None:
        self.turns = turns
        self.out = out
        self.recent = recent
        self.media_base_url = media_base_url

    async def handle(self, update: Any) -> None:
        incoming = from_update(update)
        if incoming is None:
            return
        key = str(self.turns.bot)
        if incoming.message_id is not None and not await self.recent.first_time(key, incoming.message_id):
            return
        try:
            async with self.turns.send_line(incoming.chat_id):
                turn = await self.turns.take(
                    incoming.chat_id, incoming.event, incoming.message_id, display_name=incoming.display_name
                )
                if turn is not None:
                    await self._show(incoming.chat_id, turn)
        except BaseException:
            if incoming.message_id is not None:
                await self.recent.forget(key, incoming.message_id)
            raise

    async def _show(self, chat_id: str, turn: Turn) -> None:
        outcome = turn.outcome
        parts: list[ZaloCall] = answered_calls(outcome.answered) if outcome.answered is not None else []
        for reply in outcome.replies:
            parts += calls(reply, self.media_base_url, turn.personal_data)
        try:
            for number, part in enumerate(parts):
                await self._send(chat_id, part, Lane.FIRST if number == 0 else Lane.REPLY)
        except ZaloForbidden:
            log.info("learner unreachable", extra={"chat": chat_id})
            await self.turns.unreachable(chat_id)
        except (ZaloError, OSError, TimeoutError) as error:
            log.warning("reply not delivered", extra={"chat": chat_id, "error": type(error).__name__})

    async def _send(self, chat_id: str, part: ZaloCall, lane: Lane) -> None:
        """The budget has paused the chat or the bot on a 429; the next acquire waits it out."""
        for attempt in range(REPLY_429_TRIES):
            try:
                await self.out.send(chat_id, part, lane)
                return
            except ZaloRetryAfter:
                if attempt == REPLY_429_TRIES - 1:
                    raise
