"""What the flows ask a channel to show. Channel-neutral values: each channel renders them its own
way (Telegram: HTML and inline buttons; Zalo and the terminal: plain text with numbered choices,
see `flows.text_form`), and a typed number or letter is the same action as the choice it names.

Text is written in the flows' markup: plain text with HTML entities escaped and three tags, <b>,
<i> and <a href="...">. Telegram shows it as HTML; a text-only channel drops the tags.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Choice:
    """One thing the learner can pick: a button on Telegram, a numbered line on Zalo.

    `label` is plain text. `key` is the letter printed before a quiz option ("B"): typing it picks
    this choice, as does typing the choice's number."""

    label: str
    token: str
    key: str = ""
    url: str = ""  # set: a link to open (a URL button on Telegram), not an action to take


@dataclass(frozen=True, slots=True)
class Message:
    """A text message and the choices it offers.

    `shortcuts`: the standing menu, words the learner may type at any time ("bài học"); Telegram
    keeps them on screen as a large keyboard, a text-only channel leaves them to be typed.
    `clear_shortcuts`: take that menu away (after the learner asked to be forgotten)."""

    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()
    shortcuts: tuple[tuple[str, ...], ...] | None = None
    clear_shortcuts: bool = False

    def flat_choices(self) -> tuple[Choice, ...]:
        """The choices in reading order: the order they are numbered in."""
        return tuple(choice for row in self.choices for choice in row)

    @property
    def keyed(self) -> bool:
        """Quiz options: each carries the letter the question prints before it."""
        return bool(self.choices) and all(choice.key for choice in self.flat_choices())


@dataclass(frozen=True, slots=True)
class Answered:
    """A question the learner just answered, and what the answer earned. A channel that can edit
    turns the question into question and verdict (one edit, nothing to scroll); one that cannot
    sends the verdict alone, since the question is already on screen above it."""

    question: Message
    verdict: str


@dataclass(frozen=True, slots=True)
class Media:
    """A picture or voice note from content/media, sent before a lesson's text. A channel that
    cannot send it (Zalo without MEDIA_BASE_URL, any channel for voice it lacks) leaves it out."""

    kind: str  # "photo" or "voice"
    path: str


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Everything stored about the learner as a JSON document; only the store can fill it in.
    Telegram sends it as a file; Zalo, which has no files, as text in parts."""

    caption: str


@dataclass(frozen=True, slots=True)
class Certificate:
    """A certificate earned: the words of the picture, each already in the learner's language,
    and the caption that goes with it (with the code as a tappable /verify_CODE). Telegram sends
    the picture as a photo; Zalo by its link when media are served, the caption alone otherwise."""

    code: str
    name: str
    title: str
    module: str
    date_text: str
    project: str
    language: str
    caption: str


@dataclass(frozen=True, slots=True)
class Poll:
    """A native quiz poll (Telegram groups): options in the order shown, the right one's place,
    and what the host needs to score answers later: the question's id and, for each place, the
    option's index in the file (answers come back as places)."""

    question: str
    options: tuple[str, ...]
    correct_place: int
    explanation: str
    open_seconds: int
    question_id: str
    order: tuple[int, ...]


Reply = Message | Media | PersonalData | Certificate | Poll
