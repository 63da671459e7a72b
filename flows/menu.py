"""The main menu: five large shortcuts (a keyboard on Telegram, typed words elsewhere), and
recognising its labels, and command words, as text."""

from __future__ import annotations

from content.library import Library
from flows.replies import Message
from flows.texts import Texts

MENU_COMMANDS = {
    "menu.lesson": "lesson",
    "menu.progress": "progress",
    "menu.settings": "settings",
    "menu.help": "help",
    "menu.practice": "practice",
}


def main_keyboard(t: Texts) -> tuple[tuple[str, ...], ...]:
    return (
        (t("menu.lesson"),),
        (t("menu.practice"),),
        (t("menu.progress"), t("menu.settings")),
        (t("menu.help"),),
    )


def with_menu(t: Texts, text: str) -> Message:
    return Message(text, shortcuts=main_keyboard(t))


def menu_command(library: Library, text: str) -> str | None:
    """The command a menu button or typed words stand for ("📖 Bài học hôm nay", "bài học",
    "my data"), whatever the language."""
    key = library.ui_key_for(text)
    if key in MENU_COMMANDS:
        return MENU_COMMANDS[key]
    return library.command_for_words(text)
