"""The learner's side: a person in a private chat with the bot.

Tests and the terminal chat act through these objects; each action becomes a
realistic Update in the queue, and the chat's view collects what the bot sent
(see ``chat_view.py`` for the waiting rules and ``actor.py`` for the actions).
Group chats are in ``group_chat.py``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sandbox.telegram.actor import Actor, command_entities, make_user
from sandbox.telegram.chat_view import ChatView
from sandbox.telegram.deeplinks import check_payload, start_text

if TYPE_CHECKING:
    from sandbox.telegram.server import FakeBotAPI

__all__ = ["ChatView", "FakeLearner", "command_entities"]


class FakeLearner(ChatView, Actor):
    """A learner in a private chat with the bot (chat id == user id)."""

    def __init__(
        self,
        api: FakeBotAPI,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        self.user = make_user(user_id, first_name, last_name, username, language_code)
        info: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name:
            info["last_name"] = last_name
        if username:
            info["username"] = username
        super().__init__(api, api.state.open_chat(info))
        api.state.remember_user(self.user)

    def _view(self) -> ChatView:
        return self

    @property
    def blocked(self) -> bool:
        return self._chat.blocked

    async def block(self) -> None:
        """Block the bot: ``my_chat_member`` member -> kicked; later sends get 403."""
        self._member_change("member", "kicked", "[blocked the bot]")

    async def unblock(self) -> None:
        """Unblock (restart) the bot: ``my_chat_member`` kicked -> member."""
        self._member_change("kicked", "member", "[unblocked the bot]")

    def _member_change(self, old: str, new: str, line: str) -> None:
        bot_user = self._api.bot_user
        new_member: dict[str, Any] = {"user": bot_user, "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        old_member: dict[str, Any] = {"user": bot_user, "status": old}
        if old == "kicked":
            old_member["until_date"] = 0
        self._note_action(f"{self._name()}: {line}")
        self._api.push_update(
            {
                "my_chat_member": {
                    "chat": self._chat.info,
                    "from": self.user,
                    "date": int(time.time()),
                    "old_chat_member": old_member,
                    "new_chat_member": new_member,
                }
            }
        )

    async def start(self, payload: str = "") -> int:
        """Tap Start, as after opening ``t.me/<bot>?start=<payload>``: sends ``/start [payload]``.

        A learner who had blocked the bot unblocks it first (``my_chat_member``
        kicked -> member), as Telegram does when Start is tapped again.
        """
        text = start_text(check_payload(payload))
        if self.blocked:
            await self.unblock()
        return await self.send_text(text)

    async def choose(self, label: str) -> int:
        """Tap a reply-keyboard button: sends its label as text (``LookupError`` if not shown)."""
        keyboard = self._chat.reply_keyboard or []
        if not any(label == text for row in keyboard for text in row):
            raise LookupError(f"reply keyboard has no button {label!r}; shown: {keyboard!r}")
        return await self.send_text(label)
