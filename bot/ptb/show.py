"""Flow replies -> Bot API calls, through python-telegram-bot; the same calls bot/telegram/show.py
makes through aiogram. Every text goes with parse_mode HTML: flows always speak Telegram HTML."""

from __future__ import annotations

from contextlib import suppress
from functools import lru_cache
from pathlib import Path

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputPollOption,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.certificates.drawing import draw, file_name
from bot.telegram.show import PERSONAL_DATA_FILE
from bot.telegram_text import button_label, telegram_file, telegram_text
from content.markup import escape
from flows.replies import Certificate, Media, Message, PersonalData, Poll, Reply

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


@lru_cache(maxsize=4096)
def markup(message: Message) -> Markup:
    """Keyboards repeat (the menu, a question's options): each distinct one is built once. PTB's
    objects are frozen once built and messages are frozen too, so both are safe to share."""
    if message.choices:
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(button_label(c), url=c.url)
                    if c.url
                    else InlineKeyboardButton(button_label(c), callback_data=c.token)
                    for c in row
                ]
                for row in message.choices
            ]
        )
    if message.shortcuts:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(label) for label in row] for row in message.shortcuts],
            resize_keyboard=True,
            is_persistent=True,
        )
    if message.clear_shortcuts:
        return ReplyKeyboardRemove()
    return None


async def edit_message(bot: Bot, chat_id: int, message_id: int, message: Message) -> None:
    """Edit a message of the bot's in place, buttons included (an alert's progress)."""
    with suppress(BadRequest):  # unchanged, or deleted by the admin: nothing to do
        await bot.edit_message_text(
            telegram_text(message),
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
        parse_mode=ParseMode.HTML,
        reply_markup=markup(message),
        allow_paid_broadcast=paid_broadcast,
        message_thread_id=thread_id,
    )
    return sent.message_id


async def edit_or_send(bot: Bot, chat_id: int, message_id: int, text: str) -> None:
    """The pressed message becomes `text`, without buttons; when Telegram will not edit it (too
    old, deleted), `text` is sent as a new message instead, so the learner still sees it."""
    try:
        await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML)
    except BadRequest as error:
        if "not modified" in error.message.lower():
            return
        await send_text(bot, chat_id, Message(text))


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
                telegram_file(reply.path) or media_root / reply.path,
                allow_paid_broadcast=paid_broadcast,
                message_thread_id=thread_id,
            )
        case Media(kind="voice"):
            await bot.send_voice(
                chat_id,
                media_root / reply.path,
                allow_paid_broadcast=paid_broadcast,
                message_thread_id=thread_id,
            )
        case PersonalData() if personal_data is not None:
            await bot.send_document(
                chat_id,
                personal_data,
                filename=PERSONAL_DATA_FILE,
                caption=reply.caption,
                parse_mode=ParseMode.HTML,  # aiogram's bot sends it by default: the caption is HTML too
            )
        case Certificate():
            picture = await draw(reply)
            if picture is None:
                await send_text(bot, chat_id, Message(reply.caption))
                return None
            await bot.send_photo(
                chat_id, picture, caption=reply.caption, parse_mode=ParseMode.HTML, filename=file_name(reply)
            )
        case Poll():
            html = ParseMode.HTML  # escaped plain text under HTML, as aiogram's bot sends it
            sent = await bot.send_poll(
                chat_id,
                escape(reply.question),
                [InputPollOption(escape(option), text_parse_mode=html) for option in reply.options],
                question_parse_mode=html,
                type="quiz",
                is_anonymous=False,
                correct_option_ids=[reply.correct_place],  # type: ignore[list-item]  # 0-11: flows.cafe
                explanation=escape(reply.explanation) or None,
                explanation_parse_mode=html,
                open_period=reply.open_seconds or None,
                message_thread_id=thread_id,
                allow_paid_broadcast=paid_broadcast,
            )
            return sent.poll.id if sent.poll else None
    return None
