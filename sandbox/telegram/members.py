"""Who belongs to a group, in which role, and the ChatMember objects that describe them.

A bot that lets only a group's creator and administrators configure it asks
``getChatMember``; the answers here have the shapes of the spec's
``ChatMemberOwner``, ``ChatMemberAdministrator``, ``ChatMemberMember``,
``ChatMemberLeft`` and ``ChatMemberBanned``, with every required field, so the
bot's client parses them exactly as it parses Telegram's.

An anonymous administrator is a real person with ``is_anonymous`` set: they
are listed by ``getChatAdministrators`` under their own id, but their
messages come from ``GroupAnonymousBot`` with the group as ``sender_chat``.
Telegram does not report ``GroupAnonymousBot`` as an administrator (it is no
participant of the group); a bot recognises such messages by ``sender_chat``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GROUP_ANONYMOUS_BOT: dict[str, Any] = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
ADMIN_STATUSES = frozenset({"creator", "administrator"})
PRESENT_STATUSES = frozenset({"creator", "administrator", "member", "restricted"})
SETTABLE_ROLES = frozenset({"creator", "administrator", "member"})

_ADMIN_RIGHTS = {
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}


# Fields later Bot API versions made required, which the spec in use (10.1) does not
# list yet: aiogram 3.31 (Bot API 10.3) refuses an administrator without
# ``can_send_welcome_messages``, and Telegram, always on its newest version, sends it.
FIELDS_NEWER_THAN_SPEC = frozenset({"can_send_welcome_messages"})


def placeholder_user(user_id: int) -> dict[str, Any]:
    """A User for someone the sandbox knows only by id (the default a member gets)."""
    return {"id": user_id, "is_bot": False, "first_name": "Member"}


@dataclass(slots=True)
class Roster:
    """Statuses of the people in one group; the bot's own status lives on the chat."""

    creator_id: int | None = None
    statuses: dict[int, str] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    anonymous: set[int] = field(default_factory=set)
    titles: dict[int, str] = field(default_factory=dict)

    def status(self, user_id: int) -> str:
        """creator, administrator, member, left or kicked ("left" for someone never here)."""
        if user_id == self.creator_id:
            return "creator"
        return self.statuses.get(user_id, "left")

    def set_role(self, user_id: int, role: str) -> None:
        """Make someone creator, administrator or plain member (ownership moves whole)."""
        if role not in SETTABLE_ROLES:
            raise ValueError(f"role must be one of {sorted(SETTABLE_ROLES)}, got {role!r}")
        if role == "creator":
            previous = self.creator_id
            if previous is not None and previous != user_id:
                self.statuses[previous] = "administrator"  # a former owner keeps admin rights
            self.creator_id = user_id
            self.statuses.pop(user_id, None)
            return
        if user_id == self.creator_id:
            self.creator_id = None
        self.statuses[user_id] = role
        if role != "administrator":
            self.anonymous.discard(user_id)

    def administrators(self) -> list[int]:
        """The creator first, then administrators in the order they were made."""
        admins = [uid for uid, status in self.statuses.items() if status == "administrator"]
        return ([self.creator_id] if self.creator_id is not None else []) + admins

    def present(self) -> list[int]:
        """Everyone who is in the group now (creator included)."""
        ids = [uid for uid, status in self.statuses.items() if status in PRESENT_STATUSES]
        return ([self.creator_id] if self.creator_id is not None else []) + ids

    def copy(self) -> Roster:
        """The same people and roles (a migrated group keeps them)."""
        return Roster(
            creator_id=self.creator_id,
            statuses=dict(self.statuses),
            users=dict(self.users),
            anonymous=set(self.anonymous),
            titles=dict(self.titles),
        )


def chat_member(
    user: dict[str, Any],
    status: str,
    *,
    is_anonymous: bool = False,
    custom_title: str | None = None,
    supergroup: bool = True,
    can_be_edited: bool = False,
) -> dict[str, Any]:
    """A ChatMember object of the subtype ``status`` names, with its required fields."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = is_anonymous
    elif status == "administrator":
        member["can_be_edited"] = can_be_edited
        member["is_anonymous"] = is_anonymous
        member.update(_ADMIN_RIGHTS)
        member["can_send_welcome_messages"] = False
        member["can_pin_messages"] = True
        if supergroup:
            member["can_manage_topics"] = True
    elif status == "kicked":
        member["until_date"] = 0
    elif status not in ("member", "left"):
        raise ValueError(f"no ChatMember shape for status {status!r}")
    if custom_title and status in ADMIN_STATUSES:
        member["custom_title"] = custom_title
    return member
