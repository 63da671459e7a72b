"""What a learner can do, as the flows see it: channel-neutral and already parsed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command such as /start; `args` is what follows it (a deep-link payload for /start)."""

    name: str
    args: str = ""


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Press:
    """An inline button was pressed; `token` is its callback data, untrusted until parsed."""

    token: str


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Anything that is not text or a button: sticker, photo, voice, contact, location..."""

    kind: str


@dataclass(frozen=True, slots=True)
class Blocked:
    """The learner blocked the bot (or deleted their account)."""


@dataclass(frozen=True, slots=True)
class Unblocked:
    """The learner unblocked the bot."""


Event = Command | Text | Press | Unsupported | Blocked | Unblocked
