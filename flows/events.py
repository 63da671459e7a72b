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
class Forwarded:
    """A message the person forwarded from elsewhere (its text, or a picture's caption): most
    often "is this a scam?"."""

    text: str


@dataclass(frozen=True, slots=True)
class Picture:
    """A photo the person sent (an admin's picture for an alert); to a learner it is "unsupported"
    like any photo. `file_id` is the platform's handle for it."""

    file_id: str


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


Event = Command | Text | Forwarded | Picture | Press | Unsupported | Blocked | Unblocked


MAX_TEXT = 4096


def typed(text: str) -> Command | Text:
    """What a person typed, on any channel: "/lesson" or "/lesson@hocvuso_bot" is a command
    (with what follows it as `args`); anything else is text, cut to a message's length."""
    if text.startswith("/") and len(text) > 1:
        head, _, args = text[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        if name.isascii() and name.replace("_", "").isalnum():
            return Command(name, args.strip()[:64])
    return Text(text[:MAX_TEXT])
