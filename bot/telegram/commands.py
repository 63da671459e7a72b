"""The bot's command menu, registered in every language the content has."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats

from content.library import DEFAULT_LANGUAGE, Library

COMMANDS = ("lesson", "progress", "settings", "help", "start", "stop", "mydata", "forget")


def commands_for(library: Library, language: str) -> list[BotCommand]:
    strings = library.ui[language]
    return [BotCommand(command=name, description=strings[f"commands.{name}"]) for name in COMMANDS]


async def register_commands(bot: Bot, library: Library) -> None:
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(commands_for(library, DEFAULT_LANGUAGE), scope=scope)
    for language in library.languages:
        await bot.set_my_commands(commands_for(library, language), scope=scope, language_code=language)
