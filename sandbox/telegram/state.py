"""The sandbox's world: chats, files, callback queries, polls, commands.

It also answers the two questions every sending method asks first, in
Telegram's order: *may the bot write to this chat?* (403 for a user who
blocked it or never opened it and for a group it is no longer in, 400 for an
unknown group or a basic group that became a supergroup) and *is the bot going
too fast?* (429 from the flood gate).
"""

from __future__ import annotations

import itertools
import json
import mimetypes
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.telegram.call import Call, UploadedFile
from sandbox.telegram.chats import ChatState
from sandbox.telegram.errors import bad_request, forbidden, migrated, too_many_requests
from sandbox.telegram.groups import GroupState
from sandbox.telegram.limits import FloodGate, FloodLimits
from sandbox.telegram.polls import PollBook
from sandbox.telegram.records import SandboxStats, SentMessage


@dataclass(slots=True)
class StoredFile:
    """A file known to the sandbox: uploaded by the bot or sent by a learner."""

    file_id: str
    file_unique_id: str
    kind: str
    content: bytes | None = None
    filename: str | None = None
    mime_type: str | None = None
    url: str | None = None
    file_path: str | None = None

    @property
    def size(self) -> int | None:
        return None if self.content is None else len(self.content)


@dataclass(slots=True)
class CallbackRecord:
    """A callback query sent to the bot, and the bot's answer once it gives one."""

    query: dict[str, Any]
    chat_id: int
    message_id: int | None
    answered: bool = False
    answer: dict[str, Any] = field(default_factory=dict)


def commands_key(scope: Any, language_code: str) -> tuple[str, str]:
    """Commands are stored per (scope, language), like Telegram does."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code


class SandboxState:
    """Shared mutable state; every access is per-key (no scans of history)."""

    def __init__(self, bot_user: dict[str, Any], stats: SandboxStats, flood: FloodLimits) -> None:
        self.bot_user = bot_user
        self.stats = stats
        self.gate = FloodGate(flood)
        self.chats: dict[int, ChatState] = {}
        self.usernames: dict[str, int] = {}
        self.files: dict[str, StoredFile] = {}
        self.file_paths: dict[str, str] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.groups: dict[int, GroupState] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.privacy_mode = True
        # Queues an update for the bot; the server connects it to its update queue.
        self.push: Callable[[dict[str, Any]], object] = lambda update: None
        self.polls = PollBook(lambda update: self.push(update))
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.allow_unknown_chats = False
        self.accept_unknown_file_ids = False
        self._sequence = itertools.count(1)

    def next_serial(self) -> int:
        return next(self._sequence)

    # -- chats ----------------------------------------------------------------
    def open_chat(self, info: dict[str, Any]) -> ChatState:
        """Register a chat (or refresh what is known about it)."""
        chat_id = int(info["id"])
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = ChatState(dict(info))
            self.chats[chat_id] = chat
        else:
            chat.info.update(info)
        username = info.get("username")
        if isinstance(username, str):
            self.usernames[username.lower()] = chat_id
        return chat

    def group_of(self, chat: ChatState) -> GroupState:
        """The group state of ``chat`` (made on first use)."""
        group = self.groups.get(chat.id)
        if group is None:
            group = GroupState(chat)
            self.groups[chat.id] = group
        return group

    def remember_user(self, user: dict[str, Any]) -> None:
        if isinstance(user.get("id"), int):
            self.users.setdefault(user["id"], user)

    def remember_update(self, update: dict[str, Any]) -> None:
        """Chats and people seen in an update become known, so the bot may answer them."""
        for key, value in update.items():
            if not isinstance(value, dict):
                continue
            sender = value.get("from")
            if isinstance(sender, dict):
                self.remember_user(sender)
            chat = value.get("chat")
            if not isinstance(chat, dict):
                message = value.get("message")
                chat = message.get("chat") if isinstance(message, dict) else None
            if not (isinstance(chat, dict) and "id" in chat and "type" in chat):
                continue
            state = self.open_chat(chat)
            member = value.get("new_chat_member")
            if key == "my_chat_member" and isinstance(member, dict):
                state.bot_status = str(member.get("status", "member"))
            moved_to = value.get("migrate_to_chat_id")
            if isinstance(moved_to, int):
                state.migrated_to = moved_to

    def find_chat(self, raw: str) -> ChatState | None:
        if raw.startswith("@"):
            chat_id = self.usernames.get(raw[1:].lower())
            return None if chat_id is None else self.chats.get(chat_id)
        try:
            return self.chats.get(int(raw))
        except ValueError:
            return None

    def target(self, call: Call) -> ChatState:
        """The chat ``call`` writes to, or Telegram's 400/403 for it."""
        raw = call.str_("chat_id")
        if not raw:
            raise bad_request("chat_id is empty")
        chat = self.find_chat(raw)
        if chat is None:
            chat = self._unknown_chat(raw)
        if chat.migrated_to is not None:
            raise migrated(chat.migrated_to)
        if chat.blocked:
            kind = chat.info.get("type")
            if kind == "private":
                raise forbidden("bot was blocked by the user")
            if chat.bot_status == "kicked":
                raise forbidden(f"bot was kicked from the {kind} chat")
            raise forbidden(f"bot is not a member of the {kind} chat")
        return chat

    def _unknown_chat(self, raw: str) -> ChatState:
        try:
            chat_id = int(raw)
        except ValueError:
            raise bad_request("chat not found") from None
        if self.allow_unknown_chats:
            if chat_id > 0:
                return self.open_chat({"id": chat_id, "type": "private", "first_name": "User"})
            return self.open_chat({"id": chat_id, "type": "supergroup", "title": "Group"})
        if chat_id > 0:
            raise forbidden("bot can't initiate conversation with a user")
        raise bad_request("chat not found")

    def admit(self, chat: ChatState, count: int = 1) -> None:
        """Take flood-limit tokens for ``count`` messages to ``chat`` or raise 429."""
        retry_after = self.gate.admit(chat.id, chat.is_group, count)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def set_flood_limits(self, limits: FloodLimits) -> None:
        self.gate = FloodGate(limits)

    # -- files ----------------------------------------------------------------
    def store_file(
        self,
        kind: str,
        *,
        content: bytes | None = None,
        filename: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> StoredFile:
        serial = self.next_serial()
        if mime_type is None and filename:
            mime_type = mimetypes.guess_type(filename)[0]
        stored = StoredFile(
            file_id=f"SBX{kind[:3].upper()}{serial:08d}",
            file_unique_id=f"U{serial:08d}",
            kind=kind,
            content=content,
            filename=filename,
            mime_type=mime_type,
            url=url,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_for(self, call: Call, name: str, kind: str) -> StoredFile:
        """Resolve an InputFile-or-String parameter: upload, known file_id, or URL."""
        upload = call.file(name)
        if upload is not None:
            return self._store_upload(upload, kind)
        raw = call.str_(name)
        if not raw:
            raise bad_request(f"there is no {name} in the request")
        known = self.files.get(raw)
        if known is not None:
            return known
        if raw.startswith(("http://", "https://")):
            return self.store_file(kind, url=raw, filename=raw.rsplit("/", 1)[-1] or None)
        if raw.startswith("attach://"):
            raise bad_request(f"file {raw!r} was not uploaded with the request")
        if self.accept_unknown_file_ids:
            stored = StoredFile(file_id=raw, file_unique_id=f"U{raw[-12:]}", kind=kind)
            self.files[raw] = stored
            return stored
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _store_upload(self, upload: UploadedFile, kind: str) -> StoredFile:
        mime: str | None = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename)[0] or mime or None
        return self.store_file(kind, content=upload.content, filename=upload.filename, mime_type=mime)

    def file_path_of(self, stored: StoredFile) -> str:
        if stored.file_path is None:
            suffix = ""
            if stored.filename and "." in stored.filename:
                suffix = "." + stored.filename.rsplit(".", 1)[-1]
            stored.file_path = f"{stored.kind}s/{stored.file_unique_id}{suffix}"
            self.file_paths[stored.file_path] = stored.file_id
        return stored.file_path

    # -- messages, callbacks, polls -------------------------------------------
    def message_base(self, chat: ChatState, message_id: int, sender: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": message_id,
            "from": sender,
            "chat": chat.info,
            "date": int(time.time()),
        }

    def record_sent(self, chat: ChatState, message: SentMessage) -> None:
        chat.add_bot_message(message)
        self.stats.messages_sent += 1
        self.stats.sent_per_chat[chat.id] += 1

    def new_callback(
        self, user: dict[str, Any], chat: ChatState, message: SentMessage | None, data: str
    ) -> dict[str, Any]:
        query_id = str(4_000_000_000_000 + self.next_serial())
        query: dict[str, Any] = {
            "id": query_id,
            "from": user,
            "chat_instance": f"{abs(chat.id) * 7919 % 10**12}",
            "data": data,
        }
        if message is not None:
            query["message"] = message.raw
        self.callbacks[query_id] = CallbackRecord(
            query=query,
            chat_id=chat.id,
            message_id=None if message is None else message.message_id,
        )
        return query
