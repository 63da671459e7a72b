"""A Telegram user acting in one chat: writing, editing, pressing buttons, voting.

Shared by learners (private chats) and group members. Each action becomes a
realistic Update; where it goes is decided by the subclass (a group applies
privacy mode, a private chat always delivers).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sandbox.telegram.chats import ChatState
from sandbox.telegram.markup import utf16_length
from sandbox.telegram.messaging import media_json
from sandbox.telegram.polls import PollRecord
from sandbox.telegram.records import SentMessage
from sandbox.telegram.state import StoredFile

if TYPE_CHECKING:
    from sandbox.telegram.chat_view import ChatView
    from sandbox.telegram.server import FakeBotAPI

_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@])")


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


def make_user(
    user_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    language_code: str | None,
) -> dict[str, Any]:
    """A User object with only the fields that were given."""
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


class Actor:
    """A Telegram user acting in one chat; shared by learners and group members."""

    _api: FakeBotAPI
    _chat: ChatState
    user: dict[str, Any]
    # The forum topic this actor writes in (see GroupMember.in_topic); None: no topic.
    _thread_id: int | None = None

    def _view(self) -> ChatView:
        raise NotImplementedError

    @property
    def user_id(self) -> int:
        return int(self.user["id"])

    # -- hooks for the kind of chat -------------------------------------------
    def _check_can_write(self) -> None:
        """Raise if a Telegram client would not let this user write here."""

    def _place(self, message: dict[str, Any], thread_id: int | None) -> None:
        """Put ``message`` into a forum topic; a private chat has none."""
        if thread_id is not None:
            raise ValueError("forum topics exist only in forum supergroups")

    def _deliver(self, message: dict[str, Any], line: str, *, replies_to_bot: bool) -> None:
        """Show ``message`` in the chat and hand it to the bot."""
        self._view()._note_action(line)
        self._api.push_update({"message": message})

    def _deliver_edit(self, edited: dict[str, Any], line: str) -> None:
        self._view()._note_action(line)
        self._api.push_update({"edited_message": edited})

    def _vote(self, record: PollRecord, option_ids: Sequence[int]) -> None:
        self._api.state.polls.vote(record, option_ids, user=self.user)

    # -- building messages ----------------------------------------------------
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

    def _replied(self, message_id: int) -> dict[str, Any]:
        """The ``reply_to_message`` for a reply to ``message_id`` (which must exist here)."""
        chat = self._chat
        sent = chat.by_id.get(message_id)
        if sent is not None and not sent.deleted:
            return {key: value for key, value in sent.raw.items() if key != "reply_to_message"}
        if message_id in chat.user_message_ids:
            known = self._known_message(message_id)
            if known is not None:
                return {key: value for key, value in known.items() if key != "reply_to_message"}
            return {"message_id": message_id, "chat": chat.info, "date": int(time.time())}
        raise LookupError(f"no message {message_id} to reply to in chat {chat.id}")

    def _known_message(self, message_id: int) -> dict[str, Any] | None:
        """A message people wrote here, if the chat keeps them (groups do)."""
        return None

    def _send(
        self, line: str, *, reply_to: int | None = None, thread_id: int | None = None, **content: Any
    ) -> int:
        self._check_can_write()
        replied = self._replied(reply_to) if reply_to is not None else None
        message = self._message(**content)
        self._place(message, thread_id if thread_id is not None else self._thread_id)
        if replied is not None:
            message["reply_to_message"] = replied
        replies_to_bot = replied is not None and reply_to in self._chat.by_id
        self._deliver(message, f"{self._name()}: {line}", replies_to_bot=replies_to_bot)
        return int(message["message_id"])

    def _name(self) -> str:
        return str(self.user.get("first_name") or self.user_id)

    # -- writing --------------------------------------------------------------
    async def send_text(self, text: str, *, reply_to: int | None = None, thread_id: int | None = None) -> int:
        """Write a text message (commands get ``bot_command`` entities); returns its id.

        ``reply_to`` makes it a reply to that message; ``thread_id`` sends it
        in that forum topic (groups only).
        """
        entities = command_entities(text)
        extra: dict[str, Any] = {"entities": entities} if entities else {}
        return self._send(text, reply_to=reply_to, thread_id=thread_id, text=text, **extra)

    async def forward_text(self, text: str, sender_name: str = "Người lạ") -> int:
        """Forward a text message received from someone else: Telegram marks it with
        ``forward_origin`` (here a user who hides their account, the commonest case for a stranger)."""
        origin = {"type": "hidden_user", "sender_user_name": sender_name, "date": int(time.time()) - 60}
        return self._send(f"[forwarded] {text}", text=text, forward_origin=origin)

    async def edit_text(self, message_id: int, text: str) -> None:
        """Edit one of my earlier messages (an ``edited_message`` update).

        Where the chat keeps the original (groups), the edit carries everything
        else it had: sender, topic, reply.
        """
        known = self._known_message(message_id)
        message: dict[str, Any] = (
            dict(known)
            if known is not None
            else {
                "message_id": message_id,
                "from": self.user,
                "chat": self._chat.info,
                "date": int(time.time()),
            }
        )
        message.pop("entities", None)
        message["edit_date"] = int(time.time())
        message["text"] = text
        entities = command_entities(text)
        if entities:
            message["entities"] = entities
        self._deliver_edit(message, f"{self._name()} edited #{message_id}: {text}")

    def _stored(self, kind: str, data: bytes, filename: str | None, mime: str | None) -> StoredFile:
        """Files a learner sends are kept, so the bot can getFile and download them."""
        return self._api.state.store_file(kind, content=data, filename=filename, mime_type=mime)

    async def send_sticker(self, emoji: str = "👍") -> int:
        stored = self._stored("sticker", b"RIFF-sticker", "sticker.webp", "image/webp")
        sticker = {**media_json("sticker", stored), "emoji": emoji}
        return self._send(f"[sticker {emoji}]", sticker=sticker)

    async def send_photo(self, data: bytes = b"\xff\xd8photo", caption: str | None = None) -> int:
        stored = self._stored("photo", data, "photo.jpg", "image/jpeg")
        extra: dict[str, Any] = {"caption": caption} if caption else {}
        if caption and (entities := command_entities(caption)):
            extra["caption_entities"] = entities
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
        extra: dict[str, Any] = {"caption": caption} if caption else {}
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

    # -- buttons --------------------------------------------------------------
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

    # -- polls ----------------------------------------------------------------
    async def answer_poll(self, option_ids: Sequence[int], message_id: int | None = None) -> None:
        """Vote in the bot's newest poll (or the poll in ``message_id``).

        Telegram then sends ``poll_answer`` (non-anonymous polls only) and a
        ``poll`` update with the new counts. A vote a client would not allow
        (closed poll, changing a vote without ``allows_revoting``, several
        options without ``allows_multiple_answers``) raises
        :class:`~sandbox.telegram.polls.VoteRefused`.
        """
        record = self._poll_record(message_id)
        chosen = list(option_ids)
        self._vote(record, chosen)
        options = record.poll["options"]
        labels = ", ".join(options[index]["text"] for index in chosen)
        self._view()._note_action(f"{self._name()}: [voted {labels}]")

    async def retract_vote(self, message_id: int | None = None) -> None:
        """Take back my vote (polls that allow revoting): ``poll_answer`` with no options."""
        record = self._poll_record(message_id)
        self._vote(record, [])
        self._view()._note_action(f"{self._name()}: [retracted vote]")

    def _poll_record(self, message_id: int | None) -> PollRecord:
        message = self._find_poll(message_id)
        assert message.poll is not None
        record = self._api.state.polls.get(message.poll["id"])
        if record is None:
            raise LookupError(f"poll {message.poll['id']} is unknown")
        return record

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
