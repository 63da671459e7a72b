"""What the sandbox remembers about the bot: sent messages, calls and counters.

These records are the assertion surface of the end-to-end tests and the
display model of the terminal chat, so they hold the learner's view (the text
after markup is removed, button labels, the shown reply keyboard) next to the
raw material (the markup source, the Message JSON returned to the bot).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

InlineRows = list[list[tuple[str, str | None]]]


@dataclass(slots=True)
class SentMessage:
    """One message the bot sent (and its later edits) as the learner sees it.

    ``text`` is the text or caption after markup is removed; ``raw_text`` is
    what the bot sent. ``inline_buttons`` holds rows of ``(label,
    callback_data)`` (``None`` data for URL and other non-callback buttons).
    ``history`` holds earlier versions, oldest first, when the bot edited it.
    ``thread_id`` is the forum topic it was sent to (``None``: no topic).
    ``sent_at`` is when it was sent (``time.monotonic()``, the flood limits'
    clock), so a test can check the pace of a group's messages.
    """

    method: str
    chat_id: int
    message_id: int
    date: int
    text: str | None = None
    raw_text: str | None = None
    parse_mode: str | None = None
    entities: tuple[dict[str, Any], ...] = ()
    inline_buttons: InlineRows = field(default_factory=list)
    reply_keyboard: list[list[str]] | None = None
    remove_keyboard: bool = False
    media: str | None = None
    file_id: str | None = None
    file_bytes: bytes | None = None
    filename: str | None = None
    mime_type: str | None = None
    poll: dict[str, Any] | None = None
    reply_markup: dict[str, Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    history: list[SentMessage] = field(default_factory=list)
    deleted: bool = False
    thread_id: int | None = None
    sent_at: float = field(default_factory=time.monotonic)

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def button_labels(self) -> list[str]:
        """All inline button labels, in reading order."""
        return [label for row in self.inline_buttons for label, _ in row]

    @property
    def urls(self) -> list[str]:
        """The addresses of its URL buttons, in reading order."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [str(b["url"]) for row in rows for b in row if isinstance(b, dict) and "url" in b]

    def callback_data(self, label: str) -> str | None:
        """The callback data of the inline button with exactly this label."""
        for row in self.inline_buttons:
            for text, data in row:
                if text == label:
                    return data
        return None

    def snapshot(self) -> SentMessage:
        """A frozen copy of the current version, kept in ``history`` on edit."""
        return replace(self, history=[], inline_buttons=[list(row) for row in self.inline_buttons])

    def describe(self) -> str:
        """One readable block for transcripts and the terminal chat."""
        head = f"[{self.media}] " if self.media else ""
        body = self.text or ""
        if self.poll is not None:
            options = " | ".join(option["text"] for option in self.poll.get("options", []))
            body = f"{self.poll.get('question', '')} ({options})"
        if self.filename:
            body = f"{self.filename} {body}".strip()
        lines = [f"{head}{body}".rstrip()]
        for row in self.inline_buttons:
            lines.append("  " + "  ".join(f"[{label}]" for label, _ in row))
        if self.reply_keyboard:
            for reply_row in self.reply_keyboard:
                lines.append("  " + "  ".join(f"<{label}>" for label in reply_row))
        if self.remove_keyboard:
            lines.append("  (keyboard removed)")
        if self.deleted:
            lines.append("  (deleted)")
        return "\n".join(lines)


def inline_rows(markup: dict[str, Any] | None) -> InlineRows:
    """``(label, callback_data)`` rows of an inline keyboard, else ``[]``."""
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list):
        return []
    result: InlineRows = []
    for row in rows:
        if isinstance(row, list):
            result.append(
                [
                    (str(button.get("text", "")), button.get("callback_data"))
                    for button in row
                    if isinstance(button, dict)
                ]
            )
    return result


def reply_rows(markup: dict[str, Any] | None) -> list[list[str]] | None:
    """Labels of a reply keyboard, else ``None``."""
    if not isinstance(markup, dict):
        return None
    rows = markup.get("keyboard")
    if not isinstance(rows, list):
        return None
    result: list[list[str]] = []
    for row in rows:
        if isinstance(row, list):
            result.append(
                [str(button.get("text", "")) if isinstance(button, dict) else str(button) for button in row]
            )
    return result


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """A call as received, with its outcome (0 when it succeeded)."""

    method: str
    params: dict[str, str]
    files: tuple[str, ...]
    error_code: int
    description: str | None


@dataclass(slots=True)
class SandboxStats:
    """Counters for tests and benchmarks (cheap to keep, O(1) per call)."""

    requests: int = 0
    calls_by_method: Counter[str] = field(default_factory=Counter)
    messages_sent: int = 0
    sent_per_chat: Counter[int] = field(default_factory=Counter)
    edits: int = 0
    too_many_requests: int = 0
    forbidden: int = 0
    invalid: int = 0
    updates_pushed: int = 0
    updates_filtered: int = 0
    updates_delivered: int = 0
    webhook_failures: int = 0
