"""Telegram's content limits, independent of the spec file.

These are the rules Telegram enforces on *values* (lengths after markup,
keyboard shapes, poll and command limits). They apply even when the spec is
not available, because they are what breaks in production when lesson
content grows or a callback payload gets too long.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass
from typing import Any

from sandbox.telegram.call import Call
from sandbox.telegram.errors import bad_request
from sandbox.telegram.markup import MarkupError, ParsedText, parse_text, text_length

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER = 200
MAX_POLL_QUESTION = 300
MAX_POLL_OPTION = 100
MIN_POLL_OPTIONS = 2
MAX_POLL_OPTIONS = 12
MAX_POLL_EXPLANATION = 200
MAX_EXPLANATION_LINE_FEEDS = 2
# open_period and close_date: "5-2628000" seconds in Bot API 10.1 (older versions allowed 5-600).
MIN_POLL_PERIOD = 5
MAX_POLL_PERIOD = 2_628_000
MAX_COMMANDS = 100
MAX_COMMAND_DESCRIPTION = 256
_COMMAND = re.compile(r"[a-z0-9_]{1,32}\Z")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}\Z")
_TEXT_METHODS = frozenset({"sendMessage", "editMessageText"})
_COMMAND_METHODS = frozenset({"setMyCommands", "getMyCommands", "deleteMyCommands"})
_INLINE_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


@dataclass(frozen=True, slots=True)
class Content:
    """The checked, rendered content of a call, reused by the method handler."""

    text: ParsedText | None = None
    caption: ParsedText | None = None
    reply_markup: dict[str, Any] | None = None


def check_content(call: Call) -> Content:
    """Apply every limit relevant to ``call``; raise a 400 on the first violation."""
    method = call.method
    text = _check_text(call) if method in _TEXT_METHODS and call.has("text") else None
    caption = _check_caption(call) if call.has("caption") else None
    markup = check_reply_markup(call.json_("reply_markup")) if call.has("reply_markup") else None
    if method == "sendPoll":
        check_poll(call)
    elif method in _COMMAND_METHODS:
        check_commands(call)
    elif method == "answerCallbackQuery":
        answer = call.str_("text") or ""
        if text_length(answer) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG: callback query answer is over 200 characters")
    return Content(text=text, caption=caption, reply_markup=markup)


def render(source: str, parse_mode: str | None) -> ParsedText:
    """Parse markup, turning markup errors into Telegram's 400."""
    try:
        return parse_text(source, parse_mode)
    except MarkupError as exc:
        raise bad_request(str(exc)) from None


def _check_text(call: Call) -> ParsedText:
    source = call.str_("text") or ""
    if not source.strip():
        raise bad_request("message text is empty")
    parsed = render(source, call.str_("parse_mode"))
    if not parsed.text.strip():
        raise bad_request("text must be non-empty")
    if text_length(parsed.text) > MAX_TEXT:
        raise bad_request("message is too long")
    return parsed


def _check_caption(call: Call) -> ParsedText:
    parsed = render(call.str_("caption") or "", call.str_("parse_mode"))
    if text_length(parsed.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return parsed


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Keyboard rules: non-empty labels, 1-64 byte callback data, one action per button."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("reply markup must be a JSON object")
    if "inline_keyboard" in markup:
        for button in _buttons(markup["inline_keyboard"], "inline_keyboard"):
            _check_inline_button(button)
    if "keyboard" in markup:
        for button in _buttons(markup["keyboard"], "keyboard"):
            label = button if isinstance(button, str) else button.get("text")
            if not isinstance(label, str) or not label.strip():
                raise bad_request("keyboard button text must be non-empty")
    return markup


def _buttons(rows: Any, name: str) -> list[Any]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f"{name} must be an Array of Array of buttons")
    buttons = [button for row in rows for button in row]
    for button in buttons:
        if not isinstance(button, dict | str):
            raise bad_request(f"{name} button must be an object")
    return buttons


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: expected an object")
    label = button.get("text")
    if not isinstance(label, str) or not label.strip():
        raise bad_request("inline keyboard button text must be non-empty")
    if not _INLINE_ACTIONS.intersection(button):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request(
                f"BUTTON_DATA_INVALID: callback_data must be 1-64 bytes, got {size} for button {label!r}"
            )


def check_poll(call: Call) -> None:
    """Question 1-300, 2-12 options of 1-100, explanation <= 200, quiz answer ids, open time."""
    question = render(call.str_("question") or "", call.str_("question_parse_mode")).text
    if not 1 <= text_length(question.strip()) <= MAX_POLL_QUESTION:
        raise bad_request("POLL_QUESTION_INVALID: poll question must be 1-300 characters")
    options = call.json_("options")
    if not isinstance(options, list) or not MIN_POLL_OPTIONS <= len(options) <= MAX_POLL_OPTIONS:
        raise bad_request("POLL_OPTIONS_INVALID: a poll must have 2-12 options")
    for option in options:
        label = option_text(option)
        if label is None or not 1 <= text_length(label.strip()) <= MAX_POLL_OPTION:
            raise bad_request("POLL_OPTION_INVALID: poll option text must be 1-100 characters")
    explanation = render(call.str_("explanation") or "", call.str_("explanation_parse_mode")).text
    if (
        text_length(explanation) > MAX_POLL_EXPLANATION
        or explanation.count("\n") > MAX_EXPLANATION_LINE_FEEDS
    ):
        raise bad_request(
            "POLL_EXPLANATION_INVALID: explanation must be at most 200 characters with at most 2 line feeds"
        )
    if (call.str_("type") or "regular") == "quiz":
        correct = correct_option_ids(call)
        if not correct or any(not 0 <= index < len(options) for index in correct):
            raise bad_request("POLL_ANSWERS_INVALID: a quiz needs correct_option_ids among its options")
        if any(later <= earlier for earlier, later in itertools.pairwise(correct)):
            raise bad_request("POLL_ANSWERS_INVALID: correct_option_ids must be monotonically increasing")
    _check_poll_period(call)


def _check_poll_period(call: Call) -> None:
    """open_period or close_date (not both), each 5 to 2628000 seconds from now."""
    open_period = call.int_("open_period")
    close_date = call.int_("close_date")
    if open_period is not None and close_date is not None:
        raise bad_request("open_period and close_date can't be used together")
    if open_period is not None and not MIN_POLL_PERIOD <= open_period <= MAX_POLL_PERIOD:
        raise bad_request(f"open_period must be {MIN_POLL_PERIOD}-{MAX_POLL_PERIOD} seconds")
    if close_date is not None:
        ahead = close_date - time.time()
        # A second of slack below: close_date is whole seconds, "now" is not.
        if not MIN_POLL_PERIOD - 1 <= ahead <= MAX_POLL_PERIOD:
            raise bad_request(f"close_date must be {MIN_POLL_PERIOD}-{MAX_POLL_PERIOD} seconds in the future")


def option_text(option: Any) -> str | None:
    """An InputPollOption's text after its ``text_parse_mode`` (a bare string is taken as is)."""
    if isinstance(option, str):
        return option
    if not isinstance(option, dict) or not isinstance(option.get("text"), str):
        return None
    mode = option.get("text_parse_mode")
    return render(option["text"], mode if isinstance(mode, str) else None).text


def correct_option_ids(call: Call) -> list[int]:
    """``correct_option_ids`` (current API) or the older ``correct_option_id``."""
    if call.has("correct_option_ids"):
        ids = call.json_("correct_option_ids")
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise bad_request("correct_option_ids must be an Array of Integer")
        return list(ids)
    single = call.int_("correct_option_id")
    return [] if single is None else [single]


def check_commands(call: Call) -> None:
    """setMyCommands: commands 1-32 of a-z0-9_, descriptions 1-256; language code."""
    language = call.str_("language_code") or ""
    if language and not _LANGUAGE_CODE.match(language):
        raise bad_request(f"language_code must be a two-letter ISO 639-1 code, got {language!r}")
    if call.method != "setMyCommands":
        return
    commands = call.json_("commands")
    if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
        raise bad_request("commands must be an Array of at most 100 BotCommand")
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("BOT_COMMAND_INVALID: each command must be an object")
        name = command.get("command")
        if not isinstance(name, str) or not _COMMAND.match(name):
            raise bad_request(
                f"BOT_COMMAND_INVALID: command {name!r} must be 1-32 characters of a-z, 0-9 and _"
            )
        description = command.get("description")
        if not isinstance(description, str) or not (
            1 <= text_length(description.strip()) <= MAX_COMMAND_DESCRIPTION
        ):
            raise bad_request(
                f"BOT_COMMAND_DESCRIPTION_INVALID: description of /{name} must be 1-256 characters"
            )
