"""Telegram groups, for both libraries: an update (as the Bot API's JSON) becomes a call on the café
desk, and its answer is shown through `GroupOps`, the few calls each library implements.

With privacy mode on (the default) Telegram sends a bot only commands, replies to it, service
messages and poll answers from a group; with it off, every message arrives, and anything that is
not a command meant for this bot is ignored without a word either way.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from flows.replies import Message, Reply
from service.cafes import CafeDesk, GroupCommand

log = logging.getLogger("hocvuso.groups")

GROUPS = ("group", "supergroup")
ANONYMOUS_ADMIN = 1087968824  # GroupAnonymousBot: an admin writing as the group
ADMIN_STATUSES = ("creator", "administrator")


class GroupOps(Protocol):
    """What the router needs from a library; every call may raise the library's API errors."""

    async def member_status(self, chat_id: int, user_id: int) -> str: ...

    async def send(self, chat_id: int, reply: Reply, thread_id: int | None) -> int | None:
        """Returns the message id of a text message sent."""
        ...

    async def edit(self, chat_id: int, message_id: int, message: Message) -> None: ...

    async def answer_press(self, callback_id: str, notice: str | None) -> None: ...


def is_group(chat: Any) -> bool:
    return isinstance(chat, dict) and chat.get("type") in GROUPS


class GroupRouter:
    def __init__(self, desk: CafeDesk, ops: GroupOps, api_errors: tuple[type[BaseException], ...]) -> None:
        self.desk = desk
        self.ops = ops
        self.errors: tuple[type[BaseException], ...] = (*api_errors, OSError, TimeoutError)

    async def handle(self, update: dict[str, Any]) -> None:
        """Never raises for what a group can send: a failed reply is logged and dropped."""
        try:
            if "poll_answer" in update:
                await self._poll_answer(update["poll_answer"])
            elif "my_chat_member" in update:
                await self._membership(update["my_chat_member"])
            elif "callback_query" in update:
                await self._press(update["callback_query"])
            elif "message" in update:
                await self._message(update["message"])
        except self.errors as error:
            log.warning("group update not fully answered", extra={"error": type(error).__name__})

    async def _poll_answer(self, answer: dict[str, Any]) -> None:
        user = answer.get("user")
        if not isinstance(user, dict):
            return  # an anonymous vote (voter_chat): nobody to credit
        places = [int(i) for i in answer.get("option_ids") or () if isinstance(i, int)]
        name = str(user.get("first_name") or "")
        await self.desk.poll_answer(str(answer.get("poll_id")), str(user.get("id")), name, places)

    async def _membership(self, change: dict[str, Any]) -> None:
        chat = change.get("chat") or {}
        if not is_group(chat):
            return
        status = (change.get("new_chat_member") or {}).get("status")
        old = (change.get("old_chat_member") or {}).get("status")
        chat_id = str(chat["id"])
        if status in ("left", "kicked"):
            await self.desk.removed(chat_id)
        elif status in ("member", "administrator") and old in ("left", "kicked", None):
            for reply in await self.desk.added(chat_id):
                await self.ops.send(int(chat["id"]), reply, None)

    async def _message(self, message: dict[str, Any]) -> None:
        chat = message.get("chat") or {}
        if not is_group(chat):
            return
        chat_id = str(chat["id"])
        if "migrate_to_chat_id" in message:
            await self.desk.migrated(chat_id, str(message["migrate_to_chat_id"]))
            return
        if "migrate_from_chat_id" in message:
            await self.desk.migrated(str(message["migrate_from_chat_id"]), chat_id)
            return
        command = self._command(message, chat)
        if command is None:
            return
        sender = message.get("from") or {}

        async def is_admin() -> bool:
            if not sender.get("id"):
                return False
            return await self.ops.member_status(int(chat["id"]), int(sender["id"])) in ADMIN_STATUSES

        answer = await self.desk.command(command, is_admin)
        if not answer.replies:
            return
        first, *rest = answer.replies
        if answer.edit is not None and isinstance(first, Message):
            await self.ops.edit(int(chat["id"]), answer.edit, first)
        else:
            sent = await self.ops.send(int(chat["id"]), first, answer.thread_id)
            if answer.is_top and sent is not None:
                await self.desk.top_sent(chat_id, sent)
        for reply in rest:
            await self.ops.send(int(chat["id"]), reply, answer.thread_id)

    def _command(self, message: dict[str, Any], chat: dict[str, Any]) -> GroupCommand | None:
        """A command meant for this bot (`/cmd` or `/cmd@thisbot`), else None."""
        text = message.get("text")
        if not isinstance(text, str) or not text.startswith("/") or len(text) < 2:
            return None
        head = text[1:].split(maxsplit=1)[0]
        name, _, mention = head.partition("@")
        if mention and mention.lower() != self.desk.username.lower():
            return None
        if not name.isascii() or not name.replace("_", "").isalnum():
            return None
        sender = message.get("from") or {}
        sender_chat = message.get("sender_chat") or {}
        as_group = sender_chat.get("id") == chat.get("id") and sender.get("id") == ANONYMOUS_ADMIN
        thread = message.get("message_thread_id") if message.get("is_topic_message") else None
        user_id = None if as_group or not sender.get("id") else str(sender["id"])
        title = str(chat.get("title") or "")
        return GroupCommand(str(chat["id"]), title, thread, user_id, name.lower(), as_group)

    async def _press(self, query: dict[str, Any]) -> None:
        message = query.get("message") or {}
        chat = message.get("chat") or {}
        callback_id = str(query.get("id"))
        if not is_group(chat):
            return
        sender = query.get("from") or {}

        async def is_admin() -> bool:
            return await self.ops.member_status(int(chat["id"]), int(sender.get("id") or 0)) in ADMIN_STATUSES

        as_group = sender.get("id") == ANONYMOUS_ADMIN
        answer = await self.desk.press(str(chat["id"]), str(query.get("data") or ""), as_group, is_admin)
        await self.ops.answer_press(callback_id, answer.notice)
        if answer.becomes is not None and message.get("message_id"):
            await self.ops.edit(int(chat["id"]), int(message["message_id"]), answer.becomes)
