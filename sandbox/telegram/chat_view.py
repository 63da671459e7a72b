"""What one chat shows to the people in it: the bot's messages, keyboards, a read cursor.

Waiting rule (``wait_for_messages``): a view has a read cursor. Every action
in the chat (a message, a button press, a poll answer, block/unblock) moves
the cursor to the end of the transcript, so "new" means *sent by the bot after
my last action*. Each ``wait_for_messages(n)`` returns the next ``n`` messages
after the cursor and moves the cursor past them, so successive waits read the
transcript in order. Edits do not count as new messages (see
``wait_for_edit``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from sandbox.telegram.chats import ChatState
from sandbox.telegram.records import SentMessage

if TYPE_CHECKING:
    from sandbox.telegram.server import FakeBotAPI

_TRANSCRIPT_LINES = 60


class ChatView:
    """What one chat shows: the bot's messages, keyboards and a read cursor."""

    def __init__(self, api: FakeBotAPI, chat: ChatState) -> None:
        self._api = api
        self._chat = chat
        self._cursor = 0
        self._edit_mark = 0

    @property
    def chat_id(self) -> int:
        return self._chat.id

    @property
    def messages(self) -> list[SentMessage]:
        """Everything the bot sent to this chat, in order (a copy)."""
        return list(self._chat.messages)

    @property
    def last_message(self) -> SentMessage | None:
        return self._chat.newest_bot_message()

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """The reply keyboard currently shown (the last one sent, until removed)."""
        return self._chat.reply_keyboard

    @property
    def chat_actions(self) -> list[str]:
        return list(self._chat.actions)

    @property
    def unread(self) -> list[SentMessage]:
        """Messages after the read cursor (does not move it)."""
        return self._chat.messages[self._cursor :]

    def mark_read(self) -> None:
        self._cursor = len(self._chat.messages)
        self._edit_mark = self._chat.edit_count

    def _note_action(self, line: str) -> None:
        self.mark_read()
        self._chat.log.append(line)

    async def wait_change(self, timeout: float) -> None:
        """Wait until anything in this chat changes (or ``timeout``; no error)."""
        await self._chat.wait_change(timeout)

    async def wait_for_messages(self, n: int = 1, timeout: float = 5.0) -> list[SentMessage]:
        """The next ``n`` new messages; ``TimeoutError`` (with transcript) if they don't come."""
        await self.wait_until(
            lambda: len(self._chat.messages) - self._cursor >= n,
            timeout,
            what=f"{n} new message(s) (got {{count}})",
        )
        batch = self._chat.messages[self._cursor : self._cursor + n]
        self._cursor += n
        return batch

    async def wait_for_edit(self, timeout: float = 5.0) -> SentMessage:
        """The message the bot edited most recently, once an edit happened after my last action."""
        await self.wait_until(lambda: self._chat.edit_count > self._edit_mark, timeout, what="an edit")
        self._edit_mark = self._chat.edit_count
        edited = self._chat.last_edited_id
        assert edited is not None
        return self._chat.by_id[edited]

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition"
    ) -> None:
        """Wait until ``predicate()`` holds; ``TimeoutError`` with the transcript otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                count = len(self._chat.messages) - self._cursor
                raise TimeoutError(
                    f"chat {self.chat_id}: waited {timeout}s for {what.format(count=count)}\n"
                    f"--- transcript ---\n{self.transcript()}"
                )
            await self._chat.wait_change(remaining)

    async def expect_silence(self, duration: float = 0.2) -> None:
        """Assert the bot sends nothing new here for ``duration`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + duration
        while (remaining := deadline - loop.time()) > 0:
            if len(self._chat.messages) > self._cursor:
                break
            await self._chat.wait_change(remaining)
        if len(self._chat.messages) > self._cursor:
            extra = "\n".join(m.describe() for m in self.unread)
            raise AssertionError(f"chat {self.chat_id}: unexpected message(s):\n{extra}")

    def transcript(self, lines: int = _TRANSCRIPT_LINES) -> str:
        """The last ``lines`` entries of this chat: what each side did."""
        log = self._chat.log[-lines:]
        return "\n".join(log) if log else "(empty)"
