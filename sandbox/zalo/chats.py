"""One private chat between the bot and a user: who, whether blocked, what the bot sent.

A chat exists as soon as the sandbox creates its user, but the bot may write
to it only once the user has written (``has_written``), as on the platform,
where a bot cannot start a conversation. Private chats have their own hex id,
distinct from the user's id: the platform does not say whether they are equal,
and keeping them apart catches a bot that replies to ``from.id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sandbox.zalo.records import ReceivedMessage
from sandbox.zalo.waiting import Signal

PRIVATE = "PRIVATE"


@dataclass(eq=False)
class ChatState:
    """A private chat; ``changed`` fires whenever the bot sends something here."""

    chat_id: str
    user_id: str
    display_name: str
    has_written: bool = False
    blocked: bool = False
    messages: list[ReceivedMessage] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    changed: Signal = field(default_factory=Signal)

    @property
    def chat_info(self) -> dict[str, Any]:
        return {"id": self.chat_id, "chat_type": PRIVATE}

    @property
    def sender_info(self) -> dict[str, Any]:
        return {"id": self.user_id, "display_name": self.display_name, "is_bot": False}

    def note_user(self, line: str) -> None:
        self.has_written = True
        self.log.append(f"{self.display_name}: {line}")

    def deliver(self, message: ReceivedMessage) -> None:
        self.messages.append(message)
        self.log.append(f"bot: {message.describe()}")
        self.changed.notify()

    def act(self, action: str) -> None:
        self.actions.append(action)
        self.log.append(f"bot: ({action})")
        self.changed.notify()


class ChatBook:
    """The chats of one bot, by chat id."""

    def __init__(self) -> None:
        self._chats: dict[str, ChatState] = {}

    def add(self, chat: ChatState) -> None:
        if chat.chat_id in self._chats:
            raise ValueError(f"duplicate chat id {chat.chat_id}")
        self._chats[chat.chat_id] = chat

    def get(self, chat_id: str) -> ChatState | None:
        return self._chats.get(chat_id)

    def __iter__(self) -> Iterator[ChatState]:
        return iter(list(self._chats.values()))

    def __len__(self) -> int:
        return len(self._chats)
