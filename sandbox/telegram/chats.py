"""Per-chat state, indexed so every lookup touches only one chat.

The benchmark drives thousands of chats at once; keeping messages, ids and the
"newest message with an inline keyboard" index per chat keeps every request
O(1) in the size of the whole history.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
from typing import Any

from sandbox.telegram.records import SentMessage

GROUP_KINDS = frozenset({"group", "supergroup", "channel"})
NOT_A_MEMBER = frozenset({"left", "kicked"})


class ChatState:
    """Everything the sandbox knows about one chat."""

    __slots__ = (
        "_changed",
        "_next_message_id",
        "actions",
        "bot_status",
        "by_id",
        "edit_count",
        "id",
        "info",
        "is_group",
        "keyboard_ids",
        "last_edited_id",
        "log",
        "messages",
        "migrated_to",
        "reply_keyboard",
        "user_message_ids",
    )

    def __init__(self, info: dict[str, Any]) -> None:
        self.id: int = int(info["id"])
        self.info = info
        self.is_group = info.get("type") in GROUP_KINDS
        self._next_message_id = 1
        self.messages: list[SentMessage] = []
        self.by_id: dict[int, SentMessage] = {}
        self.user_message_ids: set[int] = set()
        self.keyboard_ids: list[int] = []
        self.reply_keyboard: list[list[str]] | None = None
        # The bot's ChatMember status here: "kicked" in a private chat means the
        # user blocked the bot; "left" or "kicked" in a group means it is not a member.
        self.bot_status = "member"
        # A basic group upgraded to a supergroup: the new chat id.
        self.migrated_to: int | None = None
        self.actions: list[str] = []
        self.log: list[str] = []
        self.edit_count = 0
        self.last_edited_id: int | None = None
        self._changed: asyncio.Event | None = None

    @property
    def blocked(self) -> bool:
        """Private chat: the user blocked the bot. Group: the bot is not a member."""
        return self.bot_status in NOT_A_MEMBER

    @blocked.setter
    def blocked(self, value: bool) -> None:
        self.bot_status = "kicked" if value else "member"

    def next_message_id(self) -> int:
        """Message ids are shared by both sides of a chat and only grow."""
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def reserve_message_id(self, message_id: int) -> None:
        """Make ``message_id`` used (a topic's id is the id of its first message)."""
        if message_id in self.by_id or message_id in self.user_message_ids:
            raise ValueError(f"message {message_id} already exists in chat {self.id}")
        self._next_message_id = max(self._next_message_id, message_id + 1)

    def add_bot_message(self, message: SentMessage) -> None:
        self.messages.append(message)
        self.by_id[message.message_id] = message
        if message.inline_buttons:
            self.index_keyboard(message.message_id)
        if message.reply_keyboard is not None:
            self.reply_keyboard = message.reply_keyboard
        elif message.remove_keyboard:
            self.reply_keyboard = None
        self.log.append("bot: " + message.describe().replace("\n", "\n     "))
        self.notify()

    def index_keyboard(self, message_id: int) -> None:
        position = bisect.bisect_left(self.keyboard_ids, message_id)
        if position == len(self.keyboard_ids) or self.keyboard_ids[position] != message_id:
            self.keyboard_ids.insert(position, message_id)

    def messages_with_keyboards(self) -> list[SentMessage]:
        """Live bot messages that show inline buttons, newest first."""
        found = []
        for message_id in reversed(self.keyboard_ids):
            message = self.by_id[message_id]
            if not message.deleted and message.inline_buttons:
                found.append(message)
        return found

    def newest_bot_message(self) -> SentMessage | None:
        for message in reversed(self.messages):
            if not message.deleted:
                return message
        return None

    def notify(self) -> None:
        """Wake everyone waiting for this chat to change."""
        event = self._changed
        if event is not None:
            self._changed = None
            event.set()

    async def wait_change(self, timeout: float) -> None:
        """Wait until :meth:`notify` (or ``timeout`` seconds; no error on timeout)."""
        if self._changed is None:
            self._changed = asyncio.Event()
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)
