"""The method table: which handler answers which Bot API method.

Methods with behaviour the product relies on have handlers; every other
method that exists in the spec and passes validation is answered generically
(a plausible Message for methods that return one, ``true`` otherwise) and
recorded, so the bot never trips over a method the sandbox does not model.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from sandbox.telegram.call import Call
from sandbox.telegram.checks import Content
from sandbox.telegram.delivery import Delivery
from sandbox.telegram.errors import bad_request
from sandbox.telegram.group_methods import GroupMethods
from sandbox.telegram.messaging import MEDIA_METHODS, Messaging, is_flood_counted
from sandbox.telegram.spec import BotApiSpec
from sandbox.telegram.state import SandboxState, commands_key

Handler = Callable[[Call, Content], Any]
_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


class MethodTable:
    """Dispatches a validated call to its handler."""

    def __init__(
        self,
        state: SandboxState,
        messaging: Messaging,
        delivery: Delivery,
        spec: BotApiSpec | None,
    ) -> None:
        self.state = state
        self.messaging = messaging
        self.spec = spec
        m = messaging
        g = GroupMethods(state)
        handlers: dict[str, Handler] = {
            "getMe": lambda call, content: self.get_me(),
            "logOut": lambda call, content: True,
            "close": lambda call, content: True,
            "getUpdates": lambda call, content: delivery.get_updates(call),
            "setWebhook": lambda call, content: delivery.set_webhook(call),
            "deleteWebhook": lambda call, content: delivery.delete_webhook(call),
            "getWebhookInfo": lambda call, content: delivery.webhook_info(call),
            "sendMessage": m.send_message,
            "sendPoll": m.send_poll,
            "sendMediaGroup": lambda call, content: m.send_media_group(call),
            "sendChatAction": lambda call, content: m.send_chat_action(call),
            "editMessageText": m.edit_text,
            "editMessageCaption": m.edit_caption,
            "editMessageReplyMarkup": m.edit_reply_markup,
            "deleteMessage": lambda call, content: m.delete_message(call),
            "answerCallbackQuery": lambda call, content: self.answer_callback(call),
            "setMyCommands": lambda call, content: self.set_commands(call),
            "getMyCommands": lambda call, content: self.get_commands(call),
            "deleteMyCommands": lambda call, content: self.delete_commands(call),
            "setChatMenuButton": lambda call, content: self.set_menu_button(call),
            "getChatMenuButton": lambda call, content: self.get_menu_button(call),
            "getFile": lambda call, content: self.get_file(call),
            "stopPoll": m.stop_poll,
            "getChat": lambda call, content: g.get_chat(call),
            "getChatMember": lambda call, content: g.get_chat_member(call),
            "getChatAdministrators": lambda call, content: g.get_administrators(call),
            "getChatMemberCount": lambda call, content: g.get_member_count(call),
            "leaveChat": lambda call, content: g.leave_chat(call),
            "createForumTopic": lambda call, content: g.create_topic(call),
            "closeForumTopic": lambda call, content: g.set_topic_closed(call, closed=True),
            "reopenForumTopic": lambda call, content: g.set_topic_closed(call, closed=False),
        }
        for method, kind in MEDIA_METHODS.items():
            handlers[method] = _media_handler(m, kind)
        self._handlers = handlers

    @property
    def handled(self) -> frozenset[str]:
        return frozenset(self._handlers)

    async def dispatch(self, call: Call, content: Content) -> Any:
        handler = self._handlers.get(call.method)
        result = handler(call, content) if handler else self._fallback(call, content)
        if inspect.isawaitable(result):
            result = await result
        return result

    def _fallback(self, call: Call, content: Content) -> Any:
        returns: tuple[str, ...] = ()
        if self.spec is not None:
            method = self.spec.methods.get(call.method)
            returns = method.returns if method else ()
        elif is_flood_counted(call.method):
            returns = ("Message",)
        if call.has("chat_id") and "Message" in returns:
            return self.messaging.send_generic(call, content)
        if call.has("chat_id") and "MessageId" in returns:
            return {"message_id": self.messaging.send_generic(call, content)["message_id"]}
        return True

    # -- small methods ----------------------------------------------------------
    def get_me(self) -> dict[str, Any]:
        """The bot, with what only getMe tells: it may join groups, and whether privacy mode is off."""
        return {
            **self.state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.state.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def answer_callback(self, call: Call) -> bool:
        record = self.state.callbacks.get(call.str_("callback_query_id") or "")
        if record is None or record.answered:
            raise bad_request(_QUERY_TOO_OLD)
        record.answered = True
        record.answer = {
            "text": call.str_("text"),
            "show_alert": call.bool_("show_alert"),
            "url": call.str_("url"),
        }
        chat = self.state.chats.get(record.chat_id)
        if chat is not None:
            if record.answer["text"]:
                kind = "alert" if record.answer["show_alert"] else "toast"
                chat.log.append(f"bot {kind}: {record.answer['text']}")
            chat.notify()
        return True

    @staticmethod
    def _commands_key(call: Call) -> tuple[str, str]:
        scope = call.json_("scope") if call.has("scope") else None
        return commands_key(scope, call.str_("language_code") or "")

    def set_commands(self, call: Call) -> bool:
        commands = call.json_("commands") or []
        self.state.commands[self._commands_key(call)] = [
            {"command": item["command"], "description": item["description"]} for item in commands
        ]
        return True

    def get_commands(self, call: Call) -> list[dict[str, Any]]:
        return list(self.state.commands.get(self._commands_key(call), []))

    def delete_commands(self, call: Call) -> bool:
        self.state.commands.pop(self._commands_key(call), None)
        return True

    def set_menu_button(self, call: Call) -> bool:
        chat_id = call.int_("chat_id")
        button = call.json_("menu_button") if call.has("menu_button") else None
        self.state.menu_buttons[chat_id] = button or {"type": "default"}
        return True

    def get_menu_button(self, call: Call) -> dict[str, Any]:
        chat_id = call.int_("chat_id")
        buttons = self.state.menu_buttons
        return buttons.get(chat_id) or buttons.get(None) or {"type": "default"}

    def get_file(self, call: Call) -> dict[str, Any]:
        stored = self.state.files.get(call.str_("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        result: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
        }
        if stored.size is not None:
            result["file_size"] = stored.size
            result["file_path"] = self.state.file_path_of(stored)
        return result


def _media_handler(messaging: Messaging, kind: str) -> Handler:
    def handle(call: Call, content: Content) -> dict[str, Any]:
        return messaging.send_media(call, content, kind)

    return handle
