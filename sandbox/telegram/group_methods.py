"""Methods that ask about chats and their members, or manage forum topics.

``getChatMember`` and ``getChatAdministrators`` answer from the group's
roster (see ``members.py``): a person never seen in the chat is ``left``, and
an id nobody in the sandbox ever had is answered "user not found". The same
chat checks as for sending apply first: an unknown chat is "chat not found",
a migrated group answers with ``migrate_to_chat_id``, and a group the bot is
no longer in answers 403.
"""

from __future__ import annotations

import time
from typing import Any

from sandbox.telegram.call import Call
from sandbox.telegram.chats import ChatState
from sandbox.telegram.errors import bad_request
from sandbox.telegram.groups import TOPIC_COLORS, Topic
from sandbox.telegram.markup import text_length
from sandbox.telegram.members import chat_member, placeholder_user
from sandbox.telegram.state import SandboxState

MAX_TOPIC_NAME = 128
_BOT_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})


class GroupMethods:
    """getChat, getChatMember, getChatAdministrators, getChatMemberCount, leaveChat, topics."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _chat(self, call: Call) -> ChatState:
        """A chat the bot may ask about: known, not migrated, and still joined."""
        if self.state.find_chat(call.str_("chat_id") or "") is None:
            raise bad_request("chat not found")
        return self.state.target(call)

    def _group(self, call: Call) -> ChatState:
        chat = self._chat(call)
        if not chat.is_group:
            raise bad_request("chat not found")
        return chat

    # -- chats and members ------------------------------------------------------
    def get_chat(self, call: Call) -> dict[str, Any]:
        chat = self._chat(call)
        return {
            **chat.info,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def get_chat_member(self, call: Call) -> dict[str, Any]:
        chat = self._chat(call)
        return self.member_of(chat, call.int_("user_id") or 0)

    def member_of(self, chat: ChatState, user_id: int) -> dict[str, Any]:
        """The ChatMember object for ``user_id`` in ``chat``."""
        bot_user = self.state.bot_user
        supergroup = chat.info.get("type") == "supergroup"
        if user_id == bot_user["id"]:
            status = chat.bot_status if chat.bot_status in _BOT_STATUSES else "member"
            return chat_member(bot_user, status, supergroup=supergroup)
        if not chat.is_group:
            if user_id != chat.id:
                raise bad_request("user not found")
            user = self.state.users.get(user_id) or placeholder_user(user_id)
            return chat_member(user, "member")
        roster = self.state.group_of(chat).roster
        status = roster.status(user_id)
        known = roster.users.get(user_id) or self.state.users.get(user_id)
        if known is None and status == "left":
            raise bad_request("user not found")
        return chat_member(
            known or placeholder_user(user_id),
            status,
            is_anonymous=user_id in roster.anonymous,
            custom_title=roster.titles.get(user_id),
            supergroup=supergroup,
        )

    def get_administrators(self, call: Call) -> list[dict[str, Any]]:
        chat = self._chat(call)
        if not chat.is_group:
            raise bad_request("there are no administrators in the private chat")
        roster = self.state.group_of(chat).roster
        admins = [self.member_of(chat, user_id) for user_id in roster.administrators()]
        if chat.bot_status in ("administrator", "creator"):
            admins.append(self.member_of(chat, self.state.bot_user["id"]))
        return admins

    def get_member_count(self, call: Call) -> int:
        chat = self._chat(call)
        if not chat.is_group:
            return 2
        present = len(self.state.group_of(chat).roster.present())
        return present + (0 if chat.blocked else 1)

    def leave_chat(self, call: Call) -> bool:
        """The bot leaves a group: ``my_chat_member`` -> left; later sends answer 403."""
        chat = self._chat(call)
        if not chat.is_group:
            return True
        bot_user = self.state.bot_user
        old = self.member_of(chat, bot_user["id"])
        chat.bot_status = "left"
        chat.log.append("bot: [left the group]")
        chat.notify()
        self.state.push(
            {
                "my_chat_member": {
                    "chat": chat.info,
                    "from": bot_user,
                    "date": int(time.time()),
                    "old_chat_member": old,
                    "new_chat_member": chat_member(bot_user, "left"),
                }
            }
        )
        return True

    # -- forum topics -------------------------------------------------------------
    def create_topic(self, call: Call) -> dict[str, Any]:
        """createForumTopic: needs a forum and admin rights; the topic id is a message id."""
        chat = self._group(call)
        group = self.state.group_of(chat)
        if not group.is_forum:
            raise bad_request("the chat is not a forum")
        if not group.bot_is_admin:
            raise bad_request("not enough rights to create a topic")
        name = call.str_("name") or ""
        if not 1 <= text_length(name) <= MAX_TOPIC_NAME:
            raise bad_request("topic name must be 1-128 characters")
        color = call.int_("icon_color")
        if color is None:
            color = TOPIC_COLORS[0]
        elif color not in TOPIC_COLORS:
            raise bad_request("icon_color must be one of the six topic colors")
        topic = Topic(chat.next_message_id(), name, color, created_by=self.state.bot_user)
        group.topics[topic.thread_id] = topic
        chat.log.append(f"bot: [created topic {topic.thread_id} {name!r}]")
        return {"message_thread_id": topic.thread_id, "name": name, "icon_color": color}

    def set_topic_closed(self, call: Call, closed: bool) -> bool:
        """closeForumTopic / reopenForumTopic: admins, or the bot for a topic it created."""
        chat = self._group(call)
        group = self.state.group_of(chat)
        topic = group.topics.get(call.int_("message_thread_id") or 0)
        if topic is None:
            raise bad_request("message thread not found")
        created_by_bot = topic.created_by is not None and topic.created_by["id"] == self.state.bot_user["id"]
        if not (group.bot_is_admin or created_by_bot):
            raise bad_request("not enough rights to manage topics")
        if topic.closed == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        return True
