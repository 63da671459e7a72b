"""What the flows ask the channel to show. Channel-neutral: a Telegram adapter turns these into
Bot API calls, another channel could turn them into its own."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    token: str


@dataclass(frozen=True, slots=True)
class Message:
    """A text message in Telegram HTML, with inline buttons or a reply keyboard (menu)."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: tuple[tuple[str, ...], ...] | None = None
    remove_keyboard: bool = False


@dataclass(frozen=True, slots=True)
class Media:
    """A picture or voice note from content/media, sent before a lesson's text."""

    kind: str  # "photo" or "voice"
    path: str


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Everything stored about the learner as a JSON document; only the store can fill it in."""

    caption: str


Reply = Message | Media | PersonalData
