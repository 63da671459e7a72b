"""The bot's command menu, registered in every language the content has."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats

from content.library import DEFAULT_LANGUAGE, Library

COMMANDS = (
    "lesson", "check", "practice", "progress", "settings", "help", "start", "stop", "mydata", "forget",
)  # fmt: skip


def menu_languages(library: Library) -> tuple[str, ...]:
    """Telegram takes a command menu per two-letter ISO 639-1 code only; a language with a
    three-letter code (most minority languages: hmn, tyz) sees the default, Vietnamese, menu."""
    return tuple(code for code in library.languages if len(code) == 2 and code.isalpha())


def commands_for(library: Library, language: str) -> list[BotCommand]:
    strings = library.ui[language]
    return [BotCommand(command=name, description=strings[f"commands.{name}"]) for name in COMMANDS]


async def register_commands(bot: Bot, library: Library) -> None:
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(commands_for(library, DEFAULT_LANGUAGE), scope=scope)
    for language in menu_languages(library):
        await bot.set_my_commands(commands_for(library, language), scope=scope, language_code=language)
