"""PTB handlers for private chats: translate an update into a flow event, take the turn, show the
outcome, as bot/telegram/routes.py does on aiogram.

Nothing here decides anything a flow could decide. Every callback query is answered once, even
when something fails, so a learner's button never spins forever; no failure to send a reply makes
a handler raise (the turn is already saved; the reply is logged as lost). A redelivered update is
dropped before the handler, for everyone (`core.recent`), like aiogram's `_OncePerUpdate`; Turns
checks it again per learner, in the same transaction as the state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from contextlib import suppress
from functools import partial
from typing import Any

from telegram import CallbackQuery, MaybeInaccessibleMessage, Message, Update, User
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from bot.ptb import events
from bot.ptb.groups import PtbGroupOps
from bot.ptb.show import edit_message, edit_or_send, send_text, show
from bot.telegram.send_budget import start_turn
from bot.telegram_groups import GroupRouter
from bot.telegram_text import answered_text
from flows.events import Event
from flows.replies import Message as Reply
from flows.replies import Reply as Shown
from service.alert_watch import watch_alert
from service.turns import Turn, Turns
from store.recent_updates import RecentUpdates

log = logging.getLogger("hocvuso.bot")

Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
PtbApp = Application[Any, Any, Any, Any, Any, Any]
SEND_ERRORS = (TelegramError, OSError, TimeoutError)
GROUP_CHATS = (ChatType.GROUP, ChatType.SUPERGROUP)  # OSError: a media file that cannot be read


class PtbRoutes:
    """The handlers of one bot's Application, bound to that bot's turns: learners belong to the bot
    they started."""

    def __init__(self, turns: Turns, recent: RecentUpdates, bot_key: int) -> None:
        self.turns = turns
        self.recent = recent
        self.bot_key = bot_key

    def register(self, app: PtbApp) -> None:
        private_messages = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        app.add_handler(MessageHandler(private_messages, self._once(self.on_message)))
        app.add_handler(CallbackQueryHandler(self._once(self.on_press)))
        app.add_handler(ChatMemberHandler(self._once(self.on_membership), ChatMemberHandler.MY_CHAT_MEMBER))
        group_messages = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
        app.add_handler(MessageHandler(group_messages, self._once(self.on_group)))
        app.add_handler(PollAnswerHandler(self._once(self.on_group)))
        app.add_error_handler(self.on_error)

    async def on_group(self, update: Update, context: Context) -> None:
        """Everything from a group, and answers to café polls: the shared group router's."""
        desk = self.turns.cafes
        if desk is not None:
            ops = PtbGroupOps(context.bot, self.turns.library.media_root)
            await GroupRouter(desk, ops, (TelegramError,)).handle(update.to_dict())

    def _once(self, handler: Handler) -> Handler:
        """A redelivered update goes no further; a failed one is forgotten, so that Telegram's
        next delivery of it is handled."""

        async def once(update: Update, context: Context) -> None:
            if not await self.recent.first_time(self.bot_key, update.update_id):
                return
            try:
                await handler(update, context)
            except BaseException:
                await self.recent.forget(self.bot_key, update.update_id)
                raise

        return once

    async def _take(self, chat_id: int, event: Event, update: Update, user: User | None) -> Turn | None:
        language = events.language_hint(user.language_code if user else None)
        name = user.first_name if user else None
        return await self.turns.take(str(chat_id), event, str(update.update_id), language, name)

    async def _deliver(self, context: Context, chat_id: int, turn: Turn, typed: bool = False) -> None:
        """`typed`: the turn came from a message, so a question answered by typing its number or
        letter gets its verdict as a new message (there is no pressed message to edit)."""
        answered = turn.outcome.answered
        replies: list[Shown] = list(turn.outcome.replies)
        if typed and answered is not None:
            replies.insert(0, Reply(answered.verdict))
        try:
            watched = replies.pop() if turn.watch is not None and replies else None
            for reply in replies:
                await show(context.bot, chat_id, reply, self.turns.library.media_root, turn.personal_data)
            composer = self.turns.composer
            if isinstance(watched, Reply) and composer is not None and turn.watch is not None:
                message_id = await send_text(context.bot, chat_id, watched)
                watch_alert(
                    composer, turn.watch, partial(edit_message, context.bot, chat_id, message_id), watched
                )
        except Forbidden:
            log.info("learner unreachable", extra={"chat": chat_id})
            await self.turns.unreachable(str(chat_id))
        except SEND_ERRORS as error:
            log.warning("reply not delivered", extra={"chat": chat_id, "error": type(error).__name__})

    async def on_message(self, update: Update, context: Context) -> None:
        message = update.message
        if message is None:  # pragma: no cover (the filter lets only messages through)
            return
        start_turn()
        chat_id = message.chat.id
        async with self.turns.send_line(str(chat_id)):
            turn = await self._take(chat_id, events.from_message(message), update, message.from_user)
            if turn is not None:
                await self._deliver(context, chat_id, turn, typed=True)

    async def on_press(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:  # pragma: no cover (CallbackQueryHandler takes only these)
            return
        start_turn()
        pressed = query.message
        if pressed is not None and pressed.chat.type in GROUP_CHATS:
            await self.on_group(update, context)
            return
        if pressed is None or pressed.chat.type != ChatType.PRIVATE:
            with suppress(*SEND_ERRORS):  # no learner's turn, but the button must stop spinning
                await query.answer()
            return
        chat_id = pressed.chat.id
        answered = False
        try:
            async with self.turns.send_line(str(chat_id)):
                event = events.from_callback_data(query.data)
                turn = await self._take(chat_id, event, update, query.from_user)
                if turn is None:
                    answered = True  # a redelivery: the first delivery answered it already
                    return
                await self._acknowledge(query, turn.outcome.ack)
                answered = True
                try:
                    await self._show_on_pressed(context, pressed, turn)
                except SEND_ERRORS as error:
                    log.warning("answer not shown", extra={"chat": chat_id, "error": type(error).__name__})
                await self._deliver(context, chat_id, turn)
        finally:
            if not answered:
                with suppress(*SEND_ERRORS):
                    await query.answer()

    async def _acknowledge(self, query: CallbackQuery, ack: str | None) -> None:
        """The press's few words; when Telegram refuses them, a bare answer still stops the
        spinner, and the turn's replies go out all the same."""
        try:
            await query.answer(ack)
        except SEND_ERRORS as error:
            log.warning("press not acknowledged", extra={"error": type(error).__name__})
            if ack:
                with suppress(*SEND_ERRORS):
                    await query.answer()

    async def _show_on_pressed(self, context: Context, pressed: MaybeInaccessibleMessage, turn: Turn) -> None:
        """An answered question becomes question and verdict (sent anew when the pressed message is
        too old to reach); other settled presses just lose their buttons."""
        answered = turn.outcome.answered
        chat_id = pressed.chat.id
        if not isinstance(pressed, Message):  # InaccessibleMessage: too old to edit
            if answered is not None:
                await send_text(context.bot, chat_id, Reply(answered_text(answered)))
        elif answered is not None:
            await edit_or_send(context.bot, chat_id, pressed.message_id, answered_text(answered))
        elif turn.outcome.settled:
            with suppress(BadRequest):  # already without buttons, or too old to edit
                await context.bot.edit_message_reply_markup(chat_id, pressed.message_id, reply_markup=None)

    async def on_membership(self, update: Update, context: Context) -> None:
        member = update.my_chat_member
        if member is not None and member.chat.type in GROUP_CHATS:
            await self.on_group(update, context)
            return
        if member is None or member.chat.type != ChatType.PRIVATE:
            return
        event = events.from_member_update(member)
        if event is not None:
            await self._take(member.chat.id, event, update, member.from_user)

    async def on_error(self, update: object, context: Context) -> None:
        """PTB hands here what a handler raised (the update was forgotten by `_once`)."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update not handled", exc_info=context.error, extra={"update": update_id})
