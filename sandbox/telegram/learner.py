"""The learner's side: people who write to the bot, press buttons, block it.

Tests and the terminal chat act through these objects; each action becomes a
realistic Update in the queue, and each chat's view collects what the bot sent.

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
import re
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sandbox.telegram.chats import ChatState
from sandbox.telegram.markup import utf16_length
from sandbox.telegram.messaging import media_json
from sandbox.telegram.records import SentMessage
from sandbox.telegram.state import StoredFile

if TYPE_CHECKING:
    from sandbox.telegram.server import FakeBotAPI

_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@])")
_TRANSCRIPT_LINES = 60


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities, as Telegram adds them to incoming messages."""
    entities = []
    for match in _COMMAND.finditer(text):
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_length(text[: match.start()]),
                "length": utf16_length(match.group(0)),
            }
        )
    return entities


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


class _Actor:
    """A Telegram user acting in one chat; shared by learners and group members."""

    _api: FakeBotAPI
    _chat: ChatState
    user: dict[str, Any]

    def _view(self) -> ChatView:
        raise NotImplementedError

    @property
    def user_id(self) -> int:
        return int(self.user["id"])

    def _message(self, **content: Any) -> dict[str, Any]:
        chat = self._chat
        message_id = chat.next_message_id()
        chat.user_message_ids.add(message_id)
        message = {
            "message_id": message_id,
            "from": self.user,
            "chat": chat.info,
            "date": int(time.time()),
        }
        message.update(content)
        return message

    def _send(self, line: str, **content: Any) -> int:
        message = self._message(**content)
        self._view()._note_action(f"{self._name()}: {line}")
        self._api.push_update({"message": message})
        return int(message["message_id"])

    def _name(self) -> str:
        return str(self.user.get("first_name") or self.user_id)

    async def send_text(self, text: str) -> int:
        """Write a text message (commands get ``bot_command`` entities); returns its id."""
        entities = command_entities(text)
        if entities:
            return self._send(text, text=text, entities=entities)
        return self._send(text, text=text)

    async def edit_text(self, message_id: int, text: str) -> None:
        """Edit one of my earlier messages (an ``edited_message`` update)."""
        message = {
            "message_id": message_id,
            "from": self.user,
            "chat": self._chat.info,
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "text": text,
        }
        self._view()._note_action(f"{self._name()} edited #{message_id}: {text}")
        self._api.push_update({"edited_message": message})

    def _stored(self, kind: str, data: bytes, filename: str | None, mime: str | None) -> StoredFile:
        """Files a learner sends are kept, so the bot can getFile and download them."""
        return self._api.state.store_file(kind, content=data, filename=filename, mime_type=mime)

    async def send_sticker(self, emoji: str = "👍") -> int:
        stored = self._stored("sticker", b"RIFF-sticker", "sticker.webp", "image/webp")
        sticker = {**media_json("sticker", stored), "emoji": emoji}
        return self._send(f"[sticker {emoji}]", sticker=sticker)

    async def send_photo(self, data: bytes = b"\xff\xd8photo", caption: str | None = None) -> int:
        stored = self._stored("photo", data, "photo.jpg", "image/jpeg")
        extra = {"caption": caption} if caption else {}
        return self._send(f"[photo] {caption or ''}".rstrip(), photo=media_json("photo", stored), **extra)

    async def send_voice(self, data: bytes = b"OggS-voice", duration: int = 2) -> int:
        stored = self._stored("voice", data, "voice.ogg", "audio/ogg")
        return self._send(f"[voice {duration}s]", voice=media_json("voice", stored, duration))

    async def send_document(
        self,
        data: bytes = b"%PDF-1.4 document",
        filename: str = "document.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> int:
        stored = self._stored("document", data, filename, mime_type)
        extra = {"caption": caption} if caption else {}
        return self._send(f"[document {filename}]", document=media_json("document", stored), **extra)

    async def send_video_note(self, data: bytes = b"video-note", duration: int = 3) -> int:
        stored = self._stored("video_note", data, "video_note.mp4", "video/mp4")
        note = media_json("video_note", stored, duration)
        return self._send(f"[video note {duration}s]", video_note=note)

    async def send_contact(
        self, phone_number: str = "+84901234567", first_name: str | None = None, *, own: bool = True
    ) -> int:
        """Share a contact; ``own=True`` is the learner's own number (as from request_contact)."""
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or self._name(),
        }
        if own:
            contact["user_id"] = self.user_id
        return self._send(f"[contact {phone_number}]", contact=contact)

    async def send_location(self, latitude: float = 21.0278, longitude: float = 105.8342) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return self._send(f"[location {latitude},{longitude}]", location=location)

    async def press(self, label: str) -> str:
        """Press the inline button labelled ``label`` on the newest message showing it.

        Exact label matches win over substring matches; an ambiguous substring
        (two different buttons on the chosen message) raises ``LookupError``, as
        does a label that matches no callback button. Returns the query id.
        """
        candidates = self._chat.messages_with_keyboards()
        for exact in (True, False):
            for message in candidates:
                matches = [
                    (text, data)
                    for row in message.inline_buttons
                    for text, data in row
                    if (text == label if exact else label in text)
                ]
                callback = [(text, data) for text, data in matches if data is not None]
                if not callback:
                    continue
                if len({text for text, _ in callback}) > 1:
                    labels = ", ".join(repr(text) for text, _ in callback)
                    raise LookupError(f"button label {label!r} is ambiguous: {labels}")
                text, data = callback[0]
                assert data is not None
                return self._callback(message, data, f"[pressed {text}]")
        available = [text for message in candidates for text in message.button_labels]
        raise LookupError(
            f"no inline button {label!r} in chat {self._chat.id}; "
            f"available: {available!r}\n--- transcript ---\n{self._view().transcript()}"
        )

    async def press_data(self, data: str, message_id: int | None = None) -> str:
        """A callback query with arbitrary ``data`` (forged or stale), on the newest bot message."""
        message = (
            self._chat.by_id.get(message_id) if message_id is not None else self._chat.newest_bot_message()
        )
        if message is None:
            raise LookupError(f"no bot message to press on in chat {self._chat.id}")
        return self._callback(message, data, f"[pressed data {data!r}]")

    def _callback(self, message: SentMessage, data: str, line: str) -> str:
        query = self._api.state.new_callback(self.user, self._chat, message, data)
        self._view()._note_action(f"{self._name()}: {line}")
        self._api.push_update({"callback_query": query})
        return str(query["id"])

    async def answer_poll(self, option_ids: Sequence[int], message_id: int | None = None) -> None:
        """Vote in the bot's newest poll (or the poll in ``message_id``).

        Sends ``poll_answer`` for non-anonymous polls and a ``poll`` update
        with the new counts, like Telegram.
        """
        message = self._find_poll(message_id)
        assert message.poll is not None
        poll = message.poll
        chosen = list(option_ids)
        for index in chosen:
            if not 0 <= index < len(poll["options"]):
                raise LookupError(f"poll has no option {index}")
            poll["options"][index]["voter_count"] += 1
        poll["total_voter_count"] += 1
        labels = ", ".join(poll["options"][index]["text"] for index in chosen)
        self._view()._note_action(f"{self._name()}: [voted {labels}]")
        if not poll["is_anonymous"]:
            answer = {
                "poll_id": poll["id"],
                "user": self.user,
                "option_ids": chosen,
                "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in chosen],
            }
            self._api.push_update({"poll_answer": answer})
        self._api.push_update({"poll": dict(poll)})

    def _find_poll(self, message_id: int | None) -> SentMessage:
        if message_id is not None:
            message = self._chat.by_id.get(message_id)
            if message is None or message.poll is None:
                raise LookupError(f"message {message_id} is not a poll")
            return message
        for message in reversed(self._chat.messages):
            if message.poll is not None and not message.deleted:
                return message
        raise LookupError(f"no poll in chat {self._chat.id}")


def _user(
    user_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    language_code: str | None,
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


class FakeLearner(ChatView, _Actor):
    """A learner in a private chat with the bot (chat id == user id)."""

    def __init__(
        self,
        api: FakeBotAPI,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        self.user = _user(user_id, first_name, last_name, username, language_code)
        info: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name:
            info["last_name"] = last_name
        if username:
            info["username"] = username
        super().__init__(api, api.state.open_chat(info))

    def _view(self) -> ChatView:
        return self

    @property
    def blocked(self) -> bool:
        return self._chat.blocked

    async def block(self) -> None:
        """Block the bot: ``my_chat_member`` member -> kicked; later sends get 403."""
        self._member_change("member", "kicked", "[blocked the bot]")

    async def unblock(self) -> None:
        """Unblock (restart) the bot: ``my_chat_member`` kicked -> member."""
        self._member_change("kicked", "member", "[unblocked the bot]")

    def _member_change(self, old: str, new: str, line: str) -> None:
        bot_user = self._api.bot_user
        new_member: dict[str, Any] = {"user": bot_user, "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        old_member: dict[str, Any] = {"user": bot_user, "status": old}
        if old == "kicked":
            old_member["until_date"] = 0
        self._note_action(f"{self._name()}: {line}")
        self._api.push_update(
            {
                "my_chat_member": {
                    "chat": self._chat.info,
                    "from": self.user,
                    "date": int(time.time()),
                    "old_chat_member": old_member,
                    "new_chat_member": new_member,
                }
            }
        )

    async def choose(self, label: str) -> int:
        """Tap a reply-keyboard button: sends its label as text (``LookupError`` if not shown)."""
        keyboard = self._chat.reply_keyboard or []
        if not any(label == text for row in keyboard for text in row):
            raise LookupError(f"reply keyboard has no button {label!r}; shown: {keyboard!r}")
        return await self.send_text(label)


class GroupMember(_Actor):
    """A user who writes in a group chat."""

    def __init__(self, group: FakeGroup, user: dict[str, Any]) -> None:
        self._group = group
        self._api = group._api
        self._chat = group._chat
        self.user = user

    def _view(self) -> ChatView:
        return self._group


class FakeGroup(ChatView):
    """A group or supergroup the bot belongs to; members act through :meth:`member`."""

    def __init__(
        self,
        api: FakeBotAPI,
        chat_id: int,
        title: str,
        *,
        kind: str = "supergroup",
        username: str | None = None,
    ) -> None:
        info: dict[str, Any] = {"id": chat_id, "type": kind, "title": title}
        if username:
            info["username"] = username
        super().__init__(api, api.state.open_chat(info))
        self._members: dict[int, GroupMember] = {}

    def member(
        self,
        user_id: int,
        first_name: str = "Member",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
    ) -> GroupMember:
        existing = self._members.get(user_id)
        if existing is None:
            user = _user(user_id, first_name, last_name, username, language_code)
            existing = GroupMember(self, user)
            self._members[user_id] = existing
        return existing

    async def remove_bot(self, by_user_id: int | None = None) -> None:
        """The bot is removed (``my_chat_member`` member -> left); sends then get 403."""
        self._bot_membership("member", "left", by_user_id)

    async def add_bot(self, by_user_id: int | None = None) -> None:
        """The bot is added back (``my_chat_member`` left -> member)."""
        self._bot_membership("left", "member", by_user_id)

    def _bot_membership(self, old: str, new: str, by_user_id: int | None) -> None:
        actor = self.member(by_user_id or 1).user
        bot_user = self._api.bot_user
        self._note_action(f"{actor.get('first_name')}: [bot {new}]")
        self._api.push_update(
            {
                "my_chat_member": {
                    "chat": self._chat.info,
                    "from": actor,
                    "date": int(time.time()),
                    "old_chat_member": {"user": bot_user, "status": old},
                    "new_chat_member": {"user": bot_user, "status": new},
                }
            }
        )
