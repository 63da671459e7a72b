"""A simulated Zalo user: writes to the bot, blocks it, and reads what it sends.

Each action becomes an update in the bot's queue (taken by getUpdates, or
pushed to the webhook when one is set). Waiting is event-driven: the chat
signals every message the bot sends.

Reading rule: the user has a read cursor over the bot's messages. Sending does
not move it; ``wait_for(n)`` returns the next ``n`` messages after it and moves
it past them, so successive waits read the conversation in order and a reply
that arrives before the wait starts is never missed. ``mark_read()`` skips
what is unread (e.g. a greeting a test does not care about).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from sandbox.zalo import events
from sandbox.zalo.chats import ChatState
from sandbox.zalo.ids import now_ms
from sandbox.zalo.records import ReceivedMessage
from sandbox.zalo.state import BotState

if TYPE_CHECKING:
    from sandbox.zalo.server import ZaloSandbox

DEFAULT_STICKER = "d063f44dc80821567819"
TRANSCRIPT_LINES = 40


class ZaloUser:
    """One person in a private chat with one bot; create with ``sandbox.user(...)``."""

    def __init__(self, sandbox: ZaloSandbox, bot: BotState, display_name: str) -> None:
        self._sandbox = sandbox
        self._bot = bot
        ids = sandbox.ids
        chat_id = ids.user_id()
        while bot.chats.get(chat_id) is not None:
            chat_id = ids.user_id()
        self._chat = ChatState(chat_id=chat_id, user_id=ids.user_id(), display_name=display_name)
        bot.chats.add(self._chat)
        self._cursor = 0

    # -- identity ---------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The user's hex id (``message.from.id``)."""
        return self._chat.user_id

    @property
    def chat_id(self) -> str:
        """The private chat's hex id (``message.chat.id``): the bot must reply here."""
        return self._chat.chat_id

    @property
    def display_name(self) -> str:
        return self._chat.display_name

    @property
    def blocked(self) -> bool:
        return self._chat.blocked

    # -- acting -----------------------------------------------------------------------
    async def send_text(self, text: str) -> str:
        """Write a text message; returns its message id."""
        return self._send(events.TEXT_RECEIVED, text, {"text": text})

    async def send_image(
        self, photo_url: str = "https://example.com/photo.jpg", caption: str | None = None
    ) -> str:
        content: dict[str, Any] = {events.PHOTO_URL_FIELD: photo_url}
        if caption is not None:
            content[events.CAPTION_FIELD] = caption
        return self._send(events.IMAGE_RECEIVED, f"[image {photo_url}] {caption or ''}".rstrip(), content)

    async def send_sticker(self, sticker: str = DEFAULT_STICKER, url: str | None = None) -> str:
        image = url or f"https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid={sticker}"
        content = {events.STICKER_FIELD: sticker, events.STICKER_URL_FIELD: image}
        return self._send(events.STICKER_RECEIVED, f"[sticker {sticker}]", content)

    async def send_unsupported(self) -> str:
        """Something the platform does not pass on (voice, file, location...)."""
        return self._send(events.UNSUPPORTED_RECEIVED, "[unsupported message]", {})

    def block(self) -> None:
        """Block the bot: its sends to this chat are refused from now on."""
        self._chat.blocked = True
        self._chat.log.append(f"{self.display_name} blocked the bot")

    def unblock(self) -> None:
        self._chat.blocked = False
        self._chat.log.append(f"{self.display_name} unblocked the bot")

    async def say(self, text: str, expect: int = 1, timeout: float | None = 5.0) -> list[ReceivedMessage]:
        """Send ``text`` and return the next ``expect`` messages from the bot."""
        await self.send_text(text)
        return await self.wait_for(expect, timeout)

    def _send(self, event_name: str, line: str, content: dict[str, Any]) -> str:
        self._check_loop()
        chat = self._chat
        message_id = self._sandbox.ids.message_id()
        update = events.message_update(
            event_name,
            message_id=message_id,
            date=now_ms(),
            chat=chat.chat_info,
            sender=chat.sender_info,
            content=content,
        )
        chat.note_user(line)
        self._bot.delivery.queue.put(chat.chat_id, update)
        return message_id

    def _check_loop(self) -> None:
        """State belongs to the sandbox's loop; other threads use run_coroutine_threadsafe."""
        if self._sandbox.running and asyncio.get_running_loop() is not self._sandbox.loop:
            raise RuntimeError("act on a ZaloUser from the sandbox's event loop")

    # -- reading ----------------------------------------------------------------------
    @property
    def messages(self) -> list[ReceivedMessage]:
        """Everything the bot sent to this user, in order (a copy)."""
        return list(self._chat.messages)

    @property
    def unread(self) -> list[ReceivedMessage]:
        """Messages after the read cursor (does not move it)."""
        return self._chat.messages[self._cursor :]

    @property
    def chat_actions(self) -> list[str]:
        """The chat actions (``typing``, ``upload_photo``) the bot showed here."""
        return list(self._chat.actions)

    def mark_read(self) -> None:
        self._cursor = len(self._chat.messages)

    async def wait_for(self, n: int = 1, timeout: float | None = 5.0) -> list[ReceivedMessage]:
        """The next ``n`` unread messages; ``TimeoutError`` with the transcript if they don't come.

        ``timeout=None`` waits forever (the terminal demo).
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while len(self._chat.messages) - self._cursor < n:
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                got = len(self._chat.messages) - self._cursor
                raise TimeoutError(
                    f"{self.display_name}: waited {timeout}s for {n} message(s), got {got}\n"
                    f"--- transcript ---\n{self.transcript()}"
                )
            await self._chat.changed.wait(remaining)
        batch = self._chat.messages[self._cursor : self._cursor + n]
        self._cursor += n
        return batch

    async def expect_silence(self, duration: float = 0.2) -> None:
        """Assert the bot sends nothing new here for ``duration`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + duration
        while not self.unread and (remaining := deadline - loop.time()) > 0:
            await self._chat.changed.wait(remaining)
        if self.unread:
            extra = "\n".join(message.describe() for message in self.unread)
            raise AssertionError(f"{self.display_name}: unexpected message(s):\n{extra}")

    def transcript(self, lines: int = TRANSCRIPT_LINES) -> str:
        """The last ``lines`` entries of the conversation, both sides."""
        log = self._chat.log[-lines:]
        return "\n".join(log) if log else "(empty)"

    def __repr__(self) -> str:
        return f"ZaloUser({self.display_name!r}, id={self.id}, chat_id={self.chat_id})"
