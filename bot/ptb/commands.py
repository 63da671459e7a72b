"""The bot's command menu in every language the content has, as bot/telegram/commands.py sets it."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats

from bot.telegram.commands import COMMANDS, menu_languages
from content.library import DEFAULT_LANGUAGE, Library


def commands_for(library: Library, language: str) -> list[BotCommand]:
    strings = library.ui[language]
    return [BotCommand(name, strings[f"commands.{name}"]) for name in COMMANDS]


async def register_commands(bot: Bot, library: Library) -> None:
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(commands_for(library, DEFAULT_LANGUAGE), scope=scope)
    for language in menu_languages(library):
        await bot.set_my_commands(commands_for(library, language), scope=scope, language_code=language)
