"""Flow replies -> Bot API calls, through aiogram."""

from __future__ import annotations

from contextlib import suppress
from functools import lru_cache
from pathlib import Path

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputPollOption,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.certificates.drawing import draw, file_name
from bot.telegram_text import button_label, telegram_file, telegram_text
from content.markup import escape
from flows.replies import Certificate, Media, Message, PersonalData, Poll, Reply

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
PERSONAL_DATA_FILE = "hocvuso-my-data.json"


@lru_cache(maxsize=4096)
def markup(message: Message) -> Markup:
    """Keyboards repeat (the menu, a question's options), and aiogram's models are costly to
    build: each distinct one is built once. Messages are frozen, so they are safe cache keys."""
    if message.choices:
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text=button_label(c), url=c.url)
                    if c.url
                    else InlineKeyboardButton(text=button_label(c), callback_data=c.token)
                    for c in row
                ]
                for row in message.choices
            ]
        )
    if message.shortcuts:
        return ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text=label) for label in row] for row in message.shortcuts],
            resize_keyboard=True,
            is_persistent=True,
        )
    if message.clear_shortcuts:
        return ReplyKeyboardRemove()
    return None


async def edit_or_send(bot: Bot, chat_id: int, message_id: int, text: str) -> None:
    """The pressed message becomes `text`, without buttons; when Telegram will not edit it (too
    old, deleted), `text` is sent as a new message instead, so the learner still sees it."""
    try:
        await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML
        )
    except TelegramBadRequest as error:
        if "not modified" in error.message:
            return
        await send_text(bot, chat_id, Message(text))


async def edit_message(bot: Bot, chat_id: int, message_id: int, message: Message) -> None:
    """Edit a message of the bot's in place, buttons included (an alert's progress)."""
    with suppress(TelegramBadRequest):  # unchanged, or deleted by the admin: nothing to do
        await bot.edit_message_text(
            text=telegram_text(message),
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(message),  # type: ignore[arg-type]
        )


async def send_text(
    bot: Bot, chat_id: int, message: Message, paid_broadcast: bool | None = None, thread_id: int | None = None
) -> int:
    """Returns the sent message's id (a leaderboard is edited later)."""
    sent = await bot.send_message(
        chat_id,
        telegram_text(message),
        parse_mode=ParseMode.HTML,  # flows always speak Telegram HTML, whatever the bot's default
        reply_markup=markup(message),
        allow_paid_broadcast=paid_broadcast,
        message_thread_id=thread_id,
    )
    return sent.message_id


async def show(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    media_root: Path,
    personal_data: bytes | None,
    paid: bool = False,
    thread_id: int | None = None,
) -> str | None:
    """`paid`: allow_paid_broadcast, for the outbox when the deployment pays for 1000 a second.
    `thread_id`: a forum group's topic. Returns the poll's id when a poll was sent, which its
    answers will name."""
    paid_broadcast = True if paid else None
    match reply:
        case Message():
            await send_text(bot, chat_id, reply, paid_broadcast, thread_id)
        case Media(kind="photo"):
            await bot.send_photo(
                chat_id,
                telegram_file(reply.path) or FSInputFile(media_root / reply.path),
                allow_paid_broadcast=paid_broadcast,
                message_thread_id=thread_id,
            )
        case Media(kind="voice"):
            await bot.send_voice(
                chat_id,
                FSInputFile(media_root / reply.path),
                allow_paid_broadcast=paid_broadcast,
                message_thread_id=thread_id,
            )
        case PersonalData() if personal_data is not None:
            document = BufferedInputFile(personal_data, filename=PERSONAL_DATA_FILE)
            await bot.send_document(chat_id, document, caption=reply.caption)
        case Certificate():
            picture = await draw(reply)
            if picture is None:
                await send_text(bot, chat_id, Message(reply.caption))
                return None
            photo = BufferedInputFile(picture, filename=file_name(reply))
            await bot.send_photo(chat_id, photo, caption=reply.caption, parse_mode=ParseMode.HTML)
        case Poll():
            # Plain text sent escaped, under an explicit HTML parse mode: the bot's default is HTML
            html = ParseMode.HTML
            sent = await bot.send_poll(
                chat_id,
                escape(reply.question),
                [InputPollOption(text=escape(option), text_parse_mode=html) for option in reply.options],
                question_parse_mode=html,
                type="quiz",
                is_anonymous=False,
                correct_option_ids=[reply.correct_place],
                explanation=escape(reply.explanation) or None,
                explanation_parse_mode=html,
                open_period=reply.open_seconds or None,
                message_thread_id=thread_id,
                allow_paid_broadcast=paid_broadcast,
            )
            return sent.poll.id if sent.poll else None
    return None
