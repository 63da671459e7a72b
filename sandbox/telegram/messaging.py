"""Methods that put messages into chats, change them or remove them.

Every send goes through the same gate: the chat must be writable (403/400),
a forum topic named by ``message_thread_id`` must exist (400), the flood
limits must allow it (429), and only then is a message id taken.
Results are realistic ``Message`` objects (aiogram parses them) and each is
recorded as a :class:`~sandbox.telegram.records.SentMessage` in its chat, where an
edit becomes part of that message's history rather than a new message.
"""

from __future__ import annotations

import time
from typing import Any

from sandbox.telegram.call import Call
from sandbox.telegram.chats import ChatState
from sandbox.telegram.checks import MAX_CAPTION, Content, correct_option_ids, option_text, render
from sandbox.telegram.errors import bad_request
from sandbox.telegram.markup import ParsedText, text_length
from sandbox.telegram.polls import PollRecord, closing_time
from sandbox.telegram.records import SentMessage, inline_rows, reply_rows
from sandbox.telegram.state import SandboxState, StoredFile

MEDIA_METHODS = {
    "sendPhoto": "photo",
    "sendVoice": "voice",
    "sendDocument": "document",
    "sendAudio": "audio",
    "sendVideo": "video",
    "sendAnimation": "animation",
    "sendSticker": "sticker",
    "sendVideoNote": "video_note",
}
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_FORWARDING = frozenset({"forwardMessage", "forwardMessages", "copyMessage", "copyMessages"})
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def is_flood_counted(method: str) -> bool:
    """Methods that put a message into a chat; only these count toward flood limits."""
    return (method.startswith("send") and method != "sendChatAction") or method in _FORWARDING


def inline_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Telegram echoes only inline keyboards in a returned Message."""
    if markup is not None and "inline_keyboard" in markup:
        return markup
    return None


class Messaging:
    """Handlers for sending, editing and deleting messages."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    # -- shared ---------------------------------------------------------------
    def _open_for_send(self, call: Call) -> tuple[ChatState, int | None]:
        chat = self.state.target(call)
        thread_id = self._thread(call, chat)
        self._check_reply_target(call, chat)
        self.state.admit(chat)
        return chat, thread_id

    def _thread(self, call: Call, chat: ChatState) -> int | None:
        """The forum topic ``message_thread_id`` names (400 if there is none)."""
        thread_id = call.int_("message_thread_id")
        if thread_id is None:
            return None
        if not chat.is_group:
            raise bad_request("message thread not found")
        return self.state.group_of(chat).bot_thread(thread_id)

    def _check_reply_target(self, call: Call, chat: ChatState) -> None:
        if not call.has("reply_parameters"):
            return
        params = call.json_("reply_parameters")
        if not isinstance(params, dict) or "message_id" not in params:
            return
        if params.get("chat_id") not in (None, chat.id):
            return
        message_id = params["message_id"]
        if message_id in chat.by_id or message_id in chat.user_message_ids:
            return
        if not params.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")

    def _record(
        self,
        call: Call,
        chat: ChatState,
        content: Content,
        body: dict[str, Any],
        *,
        parsed: ParsedText | None,
        source: str | None,
        media: str | None = None,
        stored: StoredFile | None = None,
        poll: dict[str, Any] | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        message_id = chat.next_message_id()
        raw = self.state.message_base(chat, message_id, self.state.bot_user)
        if thread_id is not None:
            raw["message_thread_id"] = thread_id
            raw["is_topic_message"] = True
        raw.update(body)
        markup = content.reply_markup
        echoed = inline_markup(markup)
        if echoed is not None:
            raw["reply_markup"] = echoed
        sent = SentMessage(
            method=call.method,
            chat_id=chat.id,
            message_id=message_id,
            date=raw["date"],
            text=None if parsed is None else parsed.text,
            raw_text=source,
            parse_mode=call.str_("parse_mode"),
            entities=() if parsed is None else parsed.entities,
            inline_buttons=inline_rows(markup),
            reply_keyboard=reply_rows(markup),
            remove_keyboard=bool(markup and markup.get("remove_keyboard")),
            media=media,
            file_id=None if stored is None else stored.file_id,
            file_bytes=None if stored is None else stored.content,
            filename=None if stored is None else stored.filename,
            mime_type=None if stored is None else stored.mime_type,
            poll=poll,
            reply_markup=markup,
            raw=raw,
            thread_id=thread_id,
        )
        self.state.record_sent(chat, sent)
        return raw

    # -- sending --------------------------------------------------------------
    def send_message(self, call: Call, content: Content) -> dict[str, Any]:
        parsed = _required_text(content)
        chat, thread_id = self._open_for_send(call)
        body: dict[str, Any] = {"text": parsed.text}
        if parsed.entities:
            body["entities"] = list(parsed.entities)
        return self._record(
            call, chat, content, body, parsed=parsed, source=call.str_("text"), thread_id=thread_id
        )

    def send_media(self, call: Call, content: Content, kind: str) -> dict[str, Any]:
        chat = self.state.target(call)
        thread_id = self._thread(call, chat)
        stored = self.state.file_for(call, kind, kind)
        self._check_reply_target(call, chat)
        self.state.admit(chat)
        body: dict[str, Any] = {kind: media_json(kind, stored, call.int_("duration") or 1)}
        caption = content.caption
        if caption is not None and caption.text:
            body["caption"] = caption.text
            if caption.entities:
                body["caption_entities"] = list(caption.entities)
        return self._record(
            call,
            chat,
            content,
            body,
            parsed=caption,
            source=call.str_("caption"),
            media=kind,
            stored=stored,
            thread_id=thread_id,
        )

    def send_poll(self, call: Call, content: Content) -> dict[str, Any]:
        chat, thread_id = self._open_for_send(call)
        poll_id = str(5_000_000_000_000 + self.state.next_serial())
        options = call.json_("options") or []
        quiz = (call.str_("type") or "regular") == "quiz"
        poll: dict[str, Any] = {
            "id": poll_id,
            "question": render(call.str_("question") or "", call.str_("question_parse_mode")).text,
            "options": [
                {
                    "persistent_id": str(index),
                    "text": option_text(option) or "",
                    "voter_count": 0,
                }
                for index, option in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": call.bool_("is_closed"),
            "is_anonymous": call.bool_("is_anonymous", default=True),
            "type": "quiz" if quiz else "regular",
            "allows_multiple_answers": call.bool_("allows_multiple_answers"),
            "allows_revoting": call.bool_("allows_revoting", default=not quiz),
            "members_only": False,
        }
        if quiz:
            poll["correct_option_ids"] = correct_option_ids(call)
        explanation = call.str_("explanation")
        if explanation:
            poll["explanation"] = render(explanation, call.str_("explanation_parse_mode")).text
        open_period, close_date = call.int_("open_period"), call.int_("close_date")
        if open_period is not None:
            poll["open_period"] = open_period
        closes_at = closing_time(open_period, close_date, self.state.polls.clock())
        if closes_at is not None:
            poll["close_date"] = int(closes_at)
        raw = self._record(
            call,
            chat,
            content,
            {"poll": poll},
            parsed=None,
            source=None,
            media="poll",
            poll=poll,
            thread_id=thread_id,
        )
        self.state.polls.add(PollRecord(poll, chat.id, raw["message_id"], closes_at=closes_at))
        return raw

    def send_generic(self, call: Call, content: Content) -> dict[str, Any]:
        """Any other method returning a Message (sendLocation, sendDice, ...)."""
        chat, thread_id = self._open_for_send(call)
        kind = call.method[len("send") :] if call.method.startswith("send") else call.method
        kind = "".join(f"_{c.lower()}" if c.isupper() else c for c in kind).lstrip("_")
        body = _generic_body(kind, call)
        caption = content.caption
        if caption is not None and caption.text:
            body["caption"] = caption.text
        return self._record(
            call,
            chat,
            content,
            body,
            parsed=caption,
            source=call.str_("caption"),
            media=kind,
            thread_id=thread_id,
        )

    def send_media_group(self, call: Call) -> list[dict[str, Any]]:
        """An album: every item is checked before any message is recorded; each counts as a message."""
        chat = self.state.target(call)
        thread_id = self._thread(call, chat)
        items = call.json_("media")
        if not isinstance(items, list) or not 1 <= len(items) <= 10:
            raise bad_request("media must be an Array of 1-10 InputMedia")
        prepared = []
        for item in items:
            if not isinstance(item, dict):
                raise bad_request("media items must be InputMedia objects")
            kind = str(item.get("type", "document"))
            caption = render(str(item.get("caption", "")), item.get("parse_mode"))
            if text_length(caption.text) > MAX_CAPTION:
                raise bad_request("message caption is too long")
            prepared.append((item, kind, caption, self._stored_media(call, item.get("media"), kind)))
        self._check_reply_target(call, chat)
        self.state.admit(chat, count=len(prepared))
        group_id = str(self.state.next_serial())
        results = []
        for item, kind, caption, stored in prepared:
            body: dict[str, Any] = {kind: media_json(kind, stored), "media_group_id": group_id}
            if caption.text:
                body["caption"] = caption.text
            results.append(
                self._record(
                    call,
                    chat,
                    Content(),
                    body,
                    parsed=caption,
                    source=item.get("caption"),
                    media=kind,
                    stored=stored,
                    thread_id=thread_id,
                )
            )
        return results

    def _stored_media(self, call: Call, media: Any, kind: str) -> StoredFile:
        if not isinstance(media, str):
            raise bad_request("InputMedia.media must be a String")
        probe = Call(method=call.method, fields={"media": media}, files=call.files)
        return self.state.file_for(probe, "media", kind)

    def send_chat_action(self, call: Call) -> bool:
        chat = self.state.target(call)
        self._thread(call, chat)
        action = call.str_("action") or ""
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.actions.append(action)
        return True

    # -- editing --------------------------------------------------------------
    def _editable(self, call: Call) -> SentMessage | None:
        """The message an edit targets; ``None`` for inline-mode messages."""
        if call.has("inline_message_id") and not call.has("chat_id"):
            return None
        chat = self.state.target(call)
        message = chat.by_id.get(call.int_("message_id") or 0)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if self.state.gate.limits.count_edits:
            self.state.admit(chat)
        return message

    def _commit_edit(self, message: SentMessage, line: str) -> dict[str, Any]:
        chat = self.state.chats[message.chat_id]
        message.raw["edit_date"] = int(time.time())
        if message.inline_buttons:
            chat.index_keyboard(message.message_id)
        chat.edit_count += 1
        chat.last_edited_id = message.message_id
        self.state.stats.edits += 1
        chat.log.append(f"bot edited #{message.message_id}: " + line.replace("\n", "\n     "))
        chat.notify()
        return message.raw

    def edit_text(self, call: Call, content: Content) -> dict[str, Any] | bool:
        message = self._editable(call)
        if message is None:
            return True
        if message.media is not None:
            raise bad_request("there is no text in the message to edit")
        parsed = _required_text(content)
        markup = inline_markup(content.reply_markup)
        if (
            parsed.text == message.text
            and parsed.entities == message.entities
            and markup == inline_markup(message.reply_markup)
        ):
            raise bad_request(NOT_MODIFIED)
        message.history.append(message.snapshot())
        message.text = parsed.text
        message.raw_text = call.str_("text")
        message.parse_mode = call.str_("parse_mode")
        message.entities = parsed.entities
        message.raw["text"] = parsed.text
        _set_or_drop(message.raw, "entities", list(parsed.entities) or None)
        self._set_markup(message, markup)
        return self._commit_edit(message, message.describe())

    def edit_caption(self, call: Call, content: Content) -> dict[str, Any] | bool:
        message = self._editable(call)
        if message is None:
            return True
        if message.media is None:
            raise bad_request("there is no caption in the message to edit")
        parsed = content.caption or ParsedText("")
        markup = inline_markup(content.reply_markup)
        if parsed.text == (message.text or "") and markup == inline_markup(message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        message.history.append(message.snapshot())
        message.text = parsed.text or None
        message.raw_text = call.str_("caption")
        message.parse_mode = call.str_("parse_mode")
        message.entities = parsed.entities
        _set_or_drop(message.raw, "caption", parsed.text or None)
        _set_or_drop(message.raw, "caption_entities", list(parsed.entities) or None)
        self._set_markup(message, markup)
        return self._commit_edit(message, message.describe())

    def edit_reply_markup(self, call: Call, content: Content) -> dict[str, Any] | bool:
        message = self._editable(call)
        if message is None:
            return True
        markup = inline_markup(content.reply_markup)
        if markup == inline_markup(message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        message.history.append(message.snapshot())
        self._set_markup(message, markup)
        return self._commit_edit(message, message.describe())

    @staticmethod
    def _set_markup(message: SentMessage, markup: dict[str, Any] | None) -> None:
        """An edit without reply_markup removes the inline keyboard, as on Telegram."""
        message.reply_markup = markup
        message.inline_buttons = inline_rows(markup)
        message.reply_keyboard = None
        message.remove_keyboard = False
        _set_or_drop(message.raw, "reply_markup", markup)

    def stop_poll(self, call: Call, content: Content) -> dict[str, Any]:
        """stopPoll: close a poll the bot sent (announced with a ``poll`` update); returns it."""
        chat = self.state.target(call)
        message = chat.by_id.get(call.int_("message_id") or 0)
        record = None if message is None or message.poll is None else self.state.polls.get(message.poll["id"])
        if message is None or message.deleted or record is None:
            raise bad_request("message with poll to stop not found")
        stopped = self.state.polls.stop(record)
        if call.has("reply_markup"):
            message.history.append(message.snapshot())
            self._set_markup(message, inline_markup(content.reply_markup))
            self._commit_edit(message, message.describe())
        chat.log.append(f"bot stopped poll #{message.message_id}")
        chat.notify()
        return stopped

    def delete_message(self, call: Call) -> bool:
        chat = self.state.target(call)
        message_id = call.int_("message_id") or 0
        message = chat.by_id.get(message_id)
        if message is not None and not message.deleted:
            message.deleted = True
            chat.log.append(f"bot deleted #{message_id}")
            chat.notify()
            return True
        if message_id in chat.user_message_ids:
            chat.user_message_ids.discard(message_id)
            chat.log.append(f"bot deleted learner message #{message_id}")
            return True
        raise bad_request("message to delete not found")


def _required_text(content: Content) -> ParsedText:
    """The checked text of sendMessage/editMessageText (absent only without the spec)."""
    if content.text is None:
        raise bad_request("message text is empty")
    return content.text


def _set_or_drop(raw: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        raw.pop(key, None)
    else:
        raw[key] = value


def media_json(kind: str, stored: StoredFile, duration: int = 1) -> Any:
    """A plausible media object of ``kind`` that aiogram's models accept."""
    base: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.size is not None:
        base["file_size"] = stored.size
    if kind == "photo":
        return [
            {**base, "width": 90, "height": 90},
            {**base, "width": 800, "height": 800},
        ]
    if kind == "voice":
        return {**base, "duration": duration, "mime_type": stored.mime_type or "audio/ogg"}
    if kind in ("document", "audio"):
        extra: dict[str, Any] = {"duration": duration} if kind == "audio" else {}
        if stored.filename:
            extra["file_name"] = stored.filename
        if stored.mime_type:
            extra["mime_type"] = stored.mime_type
        return {**base, **extra}
    if kind in ("video", "animation"):
        return {**base, "width": 640, "height": 360, "duration": duration}
    if kind == "sticker":
        return {
            **base,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    if kind == "video_note":
        return {**base, "length": 240, "duration": duration}
    return base


def _generic_body(kind: str, call: Call) -> dict[str, Any]:
    fields = call.fields
    if kind == "location" and "latitude" in fields and "longitude" in fields:
        return {"location": {"latitude": float(fields["latitude"]), "longitude": float(fields["longitude"])}}
    if kind == "contact":
        return {
            "contact": {
                "phone_number": fields.get("phone_number", ""),
                "first_name": fields.get("first_name", ""),
            }
        }
    if kind == "dice":
        return {"dice": {"emoji": fields.get("emoji", "🎲"), "value": 1}}
    return {}
