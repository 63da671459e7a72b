"""aiogram handlers: translate an update into a flow event, take the turn, show the outcome.

Nothing here decides anything a flow could decide. Every callback query is answered, even when
something fails, so a learner's button never spins forever; and no failure to send a reply makes
a handler raise (the turn is already saved; the reply is logged as lost).
"""

from __future__ import annotations

import logging
from contextlib import suppress
from functools import partial
from pathlib import Path

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.types import CallbackQuery, ChatMemberUpdated, InaccessibleMessage, Message, Update, User

from bot.telegram import events
from bot.telegram.send_budget import start_turn
from bot.telegram.show import edit_message, edit_or_send, send_text, show
from bot.telegram_text import answered_text
from flows.events import Event
from flows.replies import Message as Reply
from service.alert_watch import watch_alert
from service.turns import Turn, Turns

log = logging.getLogger("hocvuso.bot")


async def _deliver(bot: Bot, turns: Turns, chat_id: int, turn: Turn, typed: bool = False) -> None:
    """`typed`: the turn came from a message, so a question answered by typing its number or
    letter gets its verdict as a new message (there is no pressed message to edit)."""
    media_root: Path = turns.library.media_root
    answered = turn.outcome.answered
    replies = [Reply(answered.verdict), *turn.outcome.replies] if typed and answered else turn.outcome.replies
    try:
        watched = replies.pop() if turn.watch is not None and replies else None
        for reply in replies:
            await show(bot, chat_id, reply, media_root, turn.personal_data)
        if watched is not None and isinstance(watched, Reply) and turns.composer is not None and turn.watch:
            message_id = await send_text(bot, chat_id, watched)
            watch_alert(turns.composer, turn.watch, partial(edit_message, bot, chat_id, message_id), watched)
    except TelegramForbiddenError:
        log.info("learner unreachable", extra={"chat": chat_id})
        await turns.unreachable(str(chat_id))
    except (TelegramAPIError, OSError, TimeoutError) as error:
        log.warning("reply not delivered", extra={"chat": chat_id, "error": type(error).__name__})


async def _take(turns: Turns, chat_id: int, event: Event, update: Update, user: User | None) -> Turn | None:
    language = events.language_hint(user.language_code if user else None)
    name = user.first_name if user else None
    return await turns.take(str(chat_id), event, str(update.update_id), language, name)


async def on_message(message: Message, bot: Bot, turns: Turns, event_update: Update) -> None:
    start_turn()
    chat_id = message.chat.id
    async with turns.send_line(str(chat_id)):
        turn = await _take(turns, chat_id, events.from_message(message), event_update, message.from_user)
        if turn is not None:
            await _deliver(bot, turns, chat_id, turn, typed=True)


async def _show_on_pressed(bot: Bot, pressed: Message | InaccessibleMessage, turn: Turn) -> None:
    """An answered question becomes question and verdict (sent anew when the pressed message is
    too old to reach); other settled presses just lose their buttons."""
    answered = turn.outcome.answered
    if isinstance(pressed, InaccessibleMessage):
        if answered is not None:
            await send_text(bot, pressed.chat.id, Reply(answered_text(answered)))
    elif answered is not None:
        await edit_or_send(bot, pressed.chat.id, pressed.message_id, answered_text(answered))
    elif turn.outcome.settled:
        with suppress(TelegramBadRequest):  # already without buttons, or too old to edit
            await pressed.edit_reply_markup(reply_markup=None)


async def on_press(query: CallbackQuery, bot: Bot, turns: Turns, event_update: Update) -> None:
    start_turn()
    if query.message is None:
        with suppress(TelegramAPIError):
            await query.answer()
        return
    chat_id = query.message.chat.id
    answered = False
    try:
        async with turns.send_line(str(chat_id)):
            turn = await _take(turns, chat_id, events.from_callback(query), event_update, query.from_user)
            if turn is None:
                answered = True  # a redelivery: the first delivery answered it already
                return
            await query.answer(turn.outcome.ack)
            answered = True
            try:
                await _show_on_pressed(bot, query.message, turn)
            except (TelegramAPIError, OSError, TimeoutError) as error:
                log.warning("answer not shown", extra={"chat": chat_id, "error": type(error).__name__})
            await _deliver(bot, turns, chat_id, turn)
    finally:
        if not answered:
            with suppress(TelegramAPIError, OSError, TimeoutError):
                await query.answer()


async def on_membership(update: ChatMemberUpdated, turns: Turns, event_update: Update) -> None:
    event = events.from_member_update(update)
    if event is not None:
        await _take(turns, update.chat.id, event, event_update, update.from_user)


def learner_router() -> Router:
    """Private chats with learners; a new Router each time, as aiogram attaches a router once."""
    router = Router(name="learner")
    private = F.chat.type == ChatType.PRIVATE
    router.message.register(on_message, private)
    router.callback_query.register(on_press, F.message.chat.type == ChatType.PRIVATE)
    router.my_chat_member.register(on_membership, private)
    return router
