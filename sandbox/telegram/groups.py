"""What the sandbox knows about one group beyond its messages: people, topics, posts.

Kept apart from :class:`~sandbox.telegram.chats.ChatState` because private
chats (the vast majority in a broadcast benchmark) need none of it; a group's
state is made the first time anything asks for it.

Forum topics follow Telegram: a topic's ``message_thread_id`` is the id of the
service message that created it, every message in the topic carries
``message_thread_id`` and ``is_topic_message``, and a message in a topic that
is not an explicit reply still carries that creation message as
``reply_to_message``. Messages in the "General" topic have no thread id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.telegram.chats import ChatState
from sandbox.telegram.errors import bad_request
from sandbox.telegram.members import Roster

TOPIC_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)


@dataclass(slots=True)
class Topic:
    """A forum topic: its id is the id of the message that created it."""

    thread_id: int
    name: str
    icon_color: int = TOPIC_COLORS[0]
    closed: bool = False
    created_by: dict[str, Any] | None = None

    def created_message(self, chat: ChatState, date: int) -> dict[str, Any]:
        """The ``forum_topic_created`` service message that opened the topic."""
        message: dict[str, Any] = {
            "message_id": self.thread_id,
            "message_thread_id": self.thread_id,
            "chat": chat.info,
            "date": date,
            "is_topic_message": True,
            "forum_topic_created": {"name": self.name, "icon_color": self.icon_color},
        }
        if self.created_by is not None:
            message["from"] = self.created_by
        return message


@dataclass(slots=True)
class MemberPost:
    """A message a person wrote in the group, and whether the bot received it."""

    message_id: int
    raw: dict[str, Any]
    delivered: bool
    thread_id: int | None = None


@dataclass(slots=True)
class GroupState:
    """Members and roles, forum topics and the people's side of the transcript."""

    chat: ChatState
    roster: Roster = field(default_factory=Roster)
    topics: dict[int, Topic] = field(default_factory=dict)
    posts: dict[int, MemberPost] = field(default_factory=dict)

    @property
    def is_forum(self) -> bool:
        return bool(self.chat.info.get("is_forum"))

    @property
    def bot_is_admin(self) -> bool:
        return self.chat.bot_status in ("administrator", "creator")

    def add_topic(self, topic: Topic) -> None:
        if not self.is_forum:
            raise ValueError(f"chat {self.chat.id} is not a forum; create it with forum=True")
        if topic.thread_id in self.topics:
            raise ValueError(f"topic {topic.thread_id} already exists in chat {self.chat.id}")
        self.chat.reserve_message_id(topic.thread_id)
        self.topics[topic.thread_id] = topic

    def topic(self, thread_id: int) -> Topic:
        """The topic people write in (``LookupError`` if it does not exist)."""
        topic = self.topics.get(thread_id)
        if topic is None:
            raise LookupError(f"chat {self.chat.id} has no topic {thread_id}")
        return topic

    def bot_thread(self, thread_id: int) -> int:
        """Check a ``message_thread_id`` the bot sends to, as Telegram does."""
        topic = self.topics.get(thread_id)
        if topic is None:
            raise bad_request("message thread not found")
        if topic.closed and not self.bot_is_admin:
            raise bad_request("TOPIC_CLOSED")
        return thread_id

    def remember_post(self, post: MemberPost) -> None:
        self.posts[post.message_id] = post
