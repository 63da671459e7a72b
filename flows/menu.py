"""The main menu: a reply keyboard of four large buttons, and recognising its labels as text."""

from __future__ import annotations

from content.library import Library
from flows.replies import Message
from flows.texts import Texts

MENU_COMMANDS = {
    "menu.lesson": "lesson",
    "menu.progress": "progress",
    "menu.settings": "settings",
    "menu.help": "help",
}


def main_keyboard(t: Texts) -> tuple[tuple[str, ...], ...]:
    return ((t("menu.lesson"),), (t("menu.progress"), t("menu.settings")), (t("menu.help"),))


def with_menu(t: Texts, text: str) -> Message:
    return Message(text, keyboard=main_keyboard(t))


def menu_command(library: Library, text: str) -> str | None:
    """The command a menu button stands for, whatever language its label was in."""
    key = library.ui_key_for(text)
    return MENU_COMMANDS.get(key) if key else None
