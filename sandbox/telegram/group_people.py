"""People in a group: members who write (in topics too), and administrators who write as the group.

What they write goes through the group (``FakeGroup._post``), which shows it
in the transcript and hands it to the bot only if privacy mode lets it
through. A person who left or was banned cannot write; a Telegram client
would not let them, so the helpers raise ``PermissionError``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sandbox.telegram.actor import Actor
from sandbox.telegram.members import GROUP_ANONYMOUS_BOT, PRESENT_STATUSES
from sandbox.telegram.polls import PollRecord

if TYPE_CHECKING:
    from sandbox.telegram.chat_view import ChatView
    from sandbox.telegram.group_chat import FakeGroup


class GroupMember(Actor):
    """A person in a group: writes (optionally in a topic), replies, presses, votes."""

    def __init__(self, group: FakeGroup, user: dict[str, Any]) -> None:
        self._group = group
        self._api = group._api
        self._chat = group._chat
        self.user = user

    def _view(self) -> ChatView:
        return self._group

    @property
    def status(self) -> str:
        """creator, administrator, member, left or kicked."""
        return self._group.state.roster.status(self.user_id)

    def in_topic(self, thread_id: int) -> GroupMember:
        """The same person writing in forum topic ``thread_id`` (every send method)."""
        self._group.state.topic(thread_id)
        bound = copy.copy(self)
        bound._thread_id = thread_id
        return bound

    def _check_can_write(self) -> None:
        self._group._check_open()
        if self.status not in PRESENT_STATUSES:
            raise PermissionError(f"{self._name()} is not in group {self._chat.id} ({self.status})")

    def _place(self, message: dict[str, Any], thread_id: int | None) -> None:
        if thread_id is None:
            return
        topic = self._group.state.topic(thread_id)
        message["message_thread_id"] = thread_id
        message["is_topic_message"] = True
        message["reply_to_message"] = topic.created_message(self._chat, int(message["date"]))

    def _deliver(self, message: dict[str, Any], line: str, *, replies_to_bot: bool) -> None:
        self._group._post(message, line, replies_to_bot=replies_to_bot)

    def _deliver_edit(self, edited: dict[str, Any], line: str) -> None:
        """Telegram sends an edit only of a message the bot knows (or to a bot that sees all)."""
        group = self._group
        post = group.state.posts.get(int(edited["message_id"]))
        if post is not None:
            post.raw = edited
        seen = (post is not None and post.delivered) or group._bot_sees_everything()
        group._note_action(line if seen else f"{line}  (not delivered to the bot)")
        if seen and not self._chat.blocked:
            self._api.push_update({"edited_message": edited})

    def _known_message(self, message_id: int) -> dict[str, Any] | None:
        post = self._group.state.posts.get(message_id)
        return None if post is None else post.raw

    async def join(self) -> None:
        """Join the group: a ``new_chat_members`` service message (and ``chat_member``)."""
        group = self._group
        group._check_open()
        if self.status in PRESENT_STATUSES:
            raise ValueError(f"{self._name()} is already in group {self._chat.id}")
        old = group._member_json(self.user_id)
        group.state.roster.statuses[self.user_id] = "member"
        group._announce_member(self.user, old, self.user)
        group._service(self.user, f"{self._name()}: [joined]", new_chat_members=[self.user])

    async def leave(self) -> None:
        """Leave the group: a ``left_chat_member`` service message; later writes are refused."""
        group = self._group
        group._check_open()
        old = group._member_json(self.user_id)
        if self.user_id == group.state.roster.creator_id:
            group.state.roster.creator_id = None
        group.state.roster.statuses[self.user_id] = "left"
        group._announce_member(self.user, old, self.user)
        group._service(self.user, f"{self._name()}: [left]", left_chat_member=self.user)


class AnonymousAdmin(GroupMember):
    """An administrator who writes as the group itself.

    Their messages carry ``from`` = GroupAnonymousBot (id 1087968824) and
    ``sender_chat`` = the group (plus ``author_signature`` if they have a custom
    title); a vote in a non-anonymous poll comes with ``voter_chat`` = the group.
    A button they press, though, reports their real user id, as on Telegram.
    """

    def _message(self, **content: Any) -> dict[str, Any]:
        message = super()._message(**content)
        message["from"] = GROUP_ANONYMOUS_BOT
        message["sender_chat"] = self._chat.info
        title = self._group.state.roster.titles.get(self.user_id)
        if title:
            message["author_signature"] = title
        return message

    def _name(self) -> str:
        return f"{self._chat.info.get('title', 'Group')} (anonymous admin)"

    def _vote(self, record: PollRecord, option_ids: Sequence[int]) -> None:
        self._api.state.polls.vote(record, option_ids, voter_chat=self._chat.info)
