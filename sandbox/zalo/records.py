"""What the sandbox remembers: each message the bot sent, each refusal, counters.

These records are the assertion surface of tests and benchmarks and the
display model of the terminal demo. A message is stored exactly as sent (the
platform shows plain text), with a flag when it looks like leftover markup.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

INVALID_CODES = frozenset({400, 401, 404, 405})


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """One message the bot sent, as the user received it.

    ``kind`` is ``"text"``, ``"photo"`` or ``"sticker"``; ``date`` is milliseconds
    since the epoch; ``sent_at`` is ``time.monotonic()`` on arrival (for latency
    measurements). ``has_markup`` is set when the text or caption contains
    Telegram-style HTML tags, which Zalo would show verbatim.
    """

    kind: str
    chat_id: str
    message_id: str
    date: int
    sent_at: float
    text: str | None = None
    photo_url: str | None = None
    caption: str | None = None
    sticker: str | None = None
    has_markup: bool = False

    @property
    def body(self) -> str:
        """What the learner reads: the text, or the caption of a photo."""
        return self.text if self.text is not None else (self.caption or "")

    def describe(self) -> str:
        """One readable block for transcripts and the terminal demo."""
        if self.kind == "photo":
            return f"[photo {self.photo_url}] {self.caption or ''}".rstrip()
        if self.kind == "sticker":
            return f"[sticker {self.sticker}]"
        return self.text or ""


@dataclass(frozen=True, slots=True)
class RefusedCall:
    """A call answered with an error (idle long polls are not refusals and are not kept)."""

    method: str
    error_code: int
    description: str


@dataclass(slots=True)
class SandboxStats:
    """Counters for one bot; everything is appended on the event loop, in call order."""

    calls: Counter[str] = field(default_factory=Counter)
    refused: list[RefusedCall] = field(default_factory=list)
    sent: list[ReceivedMessage] = field(default_factory=list)
    chat_actions: int = 0
    too_many_requests: int = 0
    poll_timeouts: int = 0
    injected_faults: int = 0
    markup_texts: list[str] = field(default_factory=list)
    webhook_deliveries: int = 0
    webhook_failed_attempts: int = 0
    webhook_dropped: int = 0
    webhook_errors: list[str] = field(default_factory=list)

    @property
    def invalid_calls(self) -> list[RefusedCall]:
        """Refusals that mean the bot called the API wrongly (bad body, token, method, value)."""
        return [call for call in self.refused if call.error_code in INVALID_CODES]

    @property
    def markup_seen(self) -> int:
        return len(self.markup_texts)
