"""The short lines the bot says in a group: hello when added, and the polite refusal to anyone but
an admin. Kept here so the service layer holds no wording."""

from __future__ import annotations

from content.library import Library
from flows.replies import Message
from flows.texts import Texts


def hello(library: Library, language: str = "vi") -> Message:
    return Message(Texts(library, language)("cafe.hello"))


def admins_only(library: Library, language: str = "vi") -> Message:
    return Message(Texts(library, language)("cafe.admins_only"))


def already_posted(library: Library, language: str) -> Message:
    return Message(Texts(library, language)("cafe.already_posted"))


def notice(library: Library, language: str, key: str) -> str:
    """A few words for a pressed button's small notice."""
    return Texts(library, language)(f"cafe.{key}")
