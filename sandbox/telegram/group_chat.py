"""Groups as their people see them: members, admins, topics, the bot joining and leaving.

A :class:`FakeGroup` is the group's view (what the bot sent there) plus the
controls a test needs to stage group life the way Telegram reports it:

- people write through :meth:`FakeGroup.member` (or :meth:`FakeGroup.anonymous_admin`);
  with privacy mode on, the bot receives only what ``privacy.py`` lets through,
  while the group's transcript and :attr:`FakeGroup.member_messages` show everything;
- roles (:meth:`FakeGroup.set_admin`, the ``creator`` given to ``FakeBotAPI.group``)
  are what ``getChatMember`` and ``getChatAdministrators`` answer;
- the bot's own membership changes (:meth:`add_bot`, :meth:`remove_bot`,
  :meth:`kick_bot`, :meth:`promote_bot`) arrive as ``my_chat_member``; other
  people's changes as ``chat_member``, which Telegram sends only to a bot that
  is an administrator and asked for it in ``allowed_updates``;
- a basic group can become a supergroup (:meth:`migrate_to_supergroup`), after
  which the old id answers 400 with ``migrate_to_chat_id``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sandbox.telegram.actor import make_user
from sandbox.telegram.chat_view import ChatView
from sandbox.telegram.group_people import AnonymousAdmin, GroupMember
from sandbox.telegram.groups import TOPIC_COLORS, GroupState, MemberPost, Topic
from sandbox.telegram.limits import max_in_window
from sandbox.telegram.members import chat_member, placeholder_user
from sandbox.telegram.privacy import reaches_bot
from sandbox.telegram.records import SentMessage

if TYPE_CHECKING:
    from sandbox.telegram.server import FakeBotAPI

GROUP_KINDS = frozenset({"group", "supergroup"})
_FIRST_ANONYMOUS_ADMIN_ID = 1_000_001


class FakeGroup(ChatView):
    """A group or supergroup; people act through :meth:`member` and the controls below."""

    def __init__(
        self,
        api: FakeBotAPI,
        chat_id: int,
        title: str,
        *,
        kind: str = "supergroup",
        username: str | None = None,
        forum: bool = False,
        creator: int | None = None,
        with_bot: bool = True,
    ) -> None:
        if kind not in GROUP_KINDS:
            raise ValueError(f"kind must be 'group' or 'supergroup', got {kind!r}")
        if chat_id >= 0:
            raise ValueError(f"group chat ids are negative, got {chat_id}")
        if forum and kind != "supergroup":
            raise ValueError("only a supergroup can be a forum")
        info: dict[str, Any] = {"id": chat_id, "type": kind, "title": title}
        if username:
            info["username"] = username
        if forum:
            info["is_forum"] = True
        super().__init__(api, api.state.open_chat(info))
        self.state: GroupState = api.state.group_of(self._chat)
        if creator is not None:
            self.state.roster.set_role(creator, "creator")
        if not with_bot:
            self._chat.bot_status = "left"
        self._members: dict[int, GroupMember] = {}

    # -- what the group is ----------------------------------------------------------
    @property
    def kind(self) -> str:
        return str(self._chat.info["type"])

    @property
    def is_forum(self) -> bool:
        return self.state.is_forum

    @property
    def bot_status(self) -> str:
        """The bot's status here: member, administrator, left or kicked."""
        return self._chat.bot_status

    @property
    def migrated_to(self) -> int | None:
        """The supergroup this basic group became, if it did."""
        return self._chat.migrated_to

    @property
    def creator_id(self) -> int | None:
        return self.state.roster.creator_id

    @property
    def member_messages(self) -> list[MemberPost]:
        """What people wrote here, in order, each with ``delivered`` (did the bot get it?)."""
        return list(self.state.posts.values())

    def messages_in(self, thread_id: int | None) -> list[SentMessage]:
        """The bot's messages in forum topic ``thread_id`` (``None``: outside any topic)."""
        return [message for message in self._chat.messages if message.thread_id == thread_id]

    def max_messages_in_any_minute(self, window: float = 60.0) -> int:
        """The most bot messages in any ``window`` seconds (Telegram allows about 20 a minute)."""
        return max_in_window(sorted(message.sent_at for message in self._chat.messages), window)

    # -- people ---------------------------------------------------------------------
    def member(
        self,
        user_id: int,
        first_name: str = "Member",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
    ) -> GroupMember:
        """The person with this id (created once, already in the group; no update is sent)."""
        existing = self._members.get(user_id)
        if existing is None:
            user = make_user(user_id, first_name, last_name, username, language_code)
            existing = GroupMember(self, user)
            self._register(existing)
        return existing

    def _register(self, member: GroupMember) -> None:
        roster = self.state.roster
        self._members[member.user_id] = member
        roster.users[member.user_id] = member.user
        self._api.state.remember_user(member.user)
        if roster.status(member.user_id) == "left" and member.user_id not in roster.statuses:
            roster.statuses[member.user_id] = "member"

    def anonymous_admin(
        self,
        user_id: int | None = None,
        first_name: str = "Admin",
        *,
        custom_title: str | None = None,
    ) -> AnonymousAdmin:
        """An administrator (``is_anonymous``) who writes as the group; see :class:`AnonymousAdmin`."""
        roster = self.state.roster
        if user_id is None:
            user_id = _FIRST_ANONYMOUS_ADMIN_ID + len(roster.anonymous)
        existing = self._members.get(user_id)
        if isinstance(existing, AnonymousAdmin):
            return existing
        user = existing.user if existing is not None else make_user(user_id, first_name, None, None, "vi")
        admin = AnonymousAdmin(self, user)
        self._register(admin)
        self.set_admin(user_id, "administrator", anonymous=True, custom_title=custom_title)
        return admin

    def set_admin(
        self,
        user_id: int,
        status: str = "administrator",
        *,
        anonymous: bool = False,
        custom_title: str | None = None,
        by_user_id: int | None = None,
    ) -> None:
        """Make someone "administrator", "creator" or back a plain "member".

        For the bot's own id this promotes or demotes the bot (``my_chat_member``);
        for a person it sends ``chat_member`` if the bot is an administrator.
        ``by_user_id`` is who did it (default: the creator).
        """
        bot_id = self._api.bot_user["id"]
        if user_id == bot_id:
            if status == "administrator":
                self._bot_membership("administrator", by_user_id, "promoted the bot")
            elif status == "member":
                self._bot_membership("member", by_user_id, "demoted the bot")
            else:
                raise ValueError("the bot cannot own a group")
            return
        person = self._members.get(user_id) or self.member(user_id)
        old = self._member_json(user_id)
        roster = self.state.roster
        roster.set_role(user_id, status)
        if anonymous and status in ("administrator", "creator"):
            roster.anonymous.add(user_id)
        else:
            roster.anonymous.discard(user_id)
        if custom_title:
            roster.titles[user_id] = custom_title
        if self.state.bot_is_admin:
            self._announce_member(person.user, old, self._actor(by_user_id))

    def ban(self, user_id: int, by_user_id: int | None = None) -> None:
        """Remove and ban someone (status "kicked"): a ``left_chat_member`` service message."""
        self._check_open()
        person = self.member(user_id)
        old = self._member_json(user_id)
        roster = self.state.roster
        if user_id == roster.creator_id:
            raise ValueError("the creator cannot be banned")
        roster.statuses[user_id] = "kicked"
        actor = self._actor(by_user_id)
        self._announce_member(person.user, old, actor)
        self._service(
            actor, f"{actor.get('first_name')}: [banned {person._name()}]", left_chat_member=person.user
        )

    def _member_json(self, user_id: int) -> dict[str, Any]:
        roster = self.state.roster
        user = roster.users.get(user_id) or placeholder_user(user_id)
        return chat_member(
            user,
            roster.status(user_id),
            is_anonymous=user_id in roster.anonymous,
            custom_title=roster.titles.get(user_id),
            supergroup=self.kind == "supergroup",
        )

    def _announce_member(self, user: dict[str, Any], old: dict[str, Any], actor: dict[str, Any]) -> None:
        """``chat_member``: Telegram sends it only to an administrator bot (and only if asked for)."""
        if not self.state.bot_is_admin:
            return
        self._api.push_update(
            {
                "chat_member": {
                    "chat": self._chat.info,
                    "from": actor,
                    "date": int(time.time()),
                    "old_chat_member": old,
                    "new_chat_member": self._member_json(int(user["id"])),
                }
            }
        )

    def _actor(self, by_user_id: int | None) -> dict[str, Any]:
        """Who did something: the given person, else the creator, else member 1."""
        chosen = by_user_id if by_user_id is not None else self.state.roster.creator_id
        return self.member(chosen if chosen is not None else 1).user

    # -- the bot's membership ----------------------------------------------------------
    async def add_bot(self, by_user_id: int | None = None) -> None:
        """Someone adds the bot: ``my_chat_member`` (left/kicked -> member) and ``new_chat_members``.

        The group must have been made without the bot (``with_bot=False``) or
        the bot removed from it first.
        """
        if not self._chat.blocked:
            raise ValueError(f"the bot is already in group {self.chat_id}; create it with with_bot=False")
        actor = self._actor(by_user_id)
        self._bot_membership("member", by_user_id, "added the bot")
        self._service(
            actor, f"{actor.get('first_name')}: [added the bot]", new_chat_members=[self._api.bot_user]
        )

    async def remove_bot(self, by_user_id: int | None = None) -> None:
        """The bot is removed (``my_chat_member`` -> left); sends then answer 403 "not a member"."""
        self._bot_membership("left", by_user_id, "removed the bot")

    async def kick_bot(self, by_user_id: int | None = None) -> None:
        """The bot is banned (``my_chat_member`` -> kicked); sends then answer 403 "kicked"."""
        self._bot_membership("kicked", by_user_id, "banned the bot")

    async def promote_bot(self, by_user_id: int | None = None) -> None:
        """The bot becomes an administrator (``my_chat_member`` -> administrator): it sees everything."""
        self._bot_membership("administrator", by_user_id, "promoted the bot")

    async def demote_bot(self, by_user_id: int | None = None) -> None:
        """The bot is a plain member again (``my_chat_member`` administrator -> member)."""
        self._bot_membership("member", by_user_id, "demoted the bot")

    def _bot_membership(self, new: str, by_user_id: int | None, what: str) -> None:
        self._check_open()
        chat = self._chat
        old = chat.bot_status
        if old == new:
            raise ValueError(f"the bot is already {new} in group {self.chat_id}")
        actor = self._actor(by_user_id)
        bot_user = self._api.bot_user
        supergroup = self.kind == "supergroup"
        chat.bot_status = new
        self._note_action(f"{actor.get('first_name')}: [{what}]")
        self._api.push_update(
            {
                "my_chat_member": {
                    "chat": chat.info,
                    "from": actor,
                    "date": int(time.time()),
                    "old_chat_member": chat_member(bot_user, old, supergroup=supergroup),
                    "new_chat_member": chat_member(bot_user, new, supergroup=supergroup),
                }
            }
        )

    def _bot_sees_everything(self) -> bool:
        return not self._api.state.privacy_mode or self.state.bot_is_admin

    # -- topics ---------------------------------------------------------------------
    def topic(
        self,
        thread_id: int,
        name: str,
        *,
        icon_color: int = TOPIC_COLORS[0],
        by_user_id: int | None = None,
    ) -> Topic:
        """Open forum topic ``thread_id``: a ``forum_topic_created`` service message in it."""
        self._check_open()
        actor = self._actor(by_user_id)
        topic = Topic(thread_id, name, icon_color, created_by=actor)
        self.state.add_topic(topic)
        chat = self._chat
        chat.user_message_ids.add(thread_id)
        created = topic.created_message(chat, int(time.time()))
        self._post(created, f"{actor.get('first_name')}: [created topic {thread_id} {name!r}]")
        return topic

    def close_topic(self, thread_id: int, by_user_id: int | None = None) -> None:
        """Close a topic (``forum_topic_closed``); a non-admin bot then gets 400 TOPIC_CLOSED there."""
        self._topic_state(thread_id, True, by_user_id)

    def reopen_topic(self, thread_id: int, by_user_id: int | None = None) -> None:
        self._topic_state(thread_id, False, by_user_id)

    def _topic_state(self, thread_id: int, closed: bool, by_user_id: int | None) -> None:
        topic = self.state.topic(thread_id)
        if topic.closed == closed:
            raise ValueError(f"topic {thread_id} is already {'closed' if closed else 'open'}")
        topic.closed = closed
        actor = self._actor(by_user_id)
        field = "forum_topic_closed" if closed else "forum_topic_reopened"
        self._service(actor, f"{actor.get('first_name')}: [{field}]", thread_id=thread_id, **{field: {}})

    # -- migration ------------------------------------------------------------------
    def migrate_to_supergroup(self, new_chat_id: int, by_user_id: int | None = None) -> FakeGroup:
        """Upgrade this basic group to a supergroup with id ``new_chat_id``; returns the new group.

        The bot gets a message in the old chat with ``migrate_to_chat_id`` and
        one in the new chat with ``migrate_from_chat_id``. People, roles and
        the bot's membership move over; from then on every call naming the old
        id answers 400 "group chat was upgraded to a supergroup chat" with
        ``parameters.migrate_to_chat_id``.
        """
        self._check_open()
        if self.kind != "group":
            raise ValueError("only a basic group (kind='group') can be upgraded")
        if new_chat_id >= 0 or new_chat_id in self._api.state.chats:
            raise ValueError(f"{new_chat_id} cannot be the new supergroup's id")
        actor = self._actor(by_user_id)
        name = actor.get("first_name")
        self._service(
            actor, f"{name}: [upgraded to supergroup {new_chat_id}]", migrate_to_chat_id=new_chat_id
        )
        self._chat.migrated_to = new_chat_id
        new = self._api._adopt_group(
            FakeGroup(self._api, new_chat_id, str(self._chat.info.get("title", "")), kind="supergroup")
        )
        new.state.roster = self.state.roster.copy()
        new._chat.bot_status = self._chat.bot_status
        for person in self._members.values():
            moved = (AnonymousAdmin if isinstance(person, AnonymousAdmin) else GroupMember)(new, person.user)
            new._members[person.user_id] = moved
        new._service(
            actor, f"{name}: [upgraded from group {self.chat_id}]", migrate_from_chat_id=self.chat_id
        )
        return new

    def _check_open(self) -> None:
        if self._chat.migrated_to is not None:
            raise RuntimeError(f"group {self.chat_id} became supergroup {self._chat.migrated_to}")

    # -- posting ----------------------------------------------------------------------
    def _service(
        self, actor: dict[str, Any], line: str, *, thread_id: int | None = None, **content: Any
    ) -> None:
        """A service message from ``actor``: Telegram delivers these whatever the privacy mode."""
        chat = self._chat
        message_id = chat.next_message_id()
        chat.user_message_ids.add(message_id)
        message: dict[str, Any] = {"message_id": message_id, "from": actor, "chat": chat.info}
        message["date"] = int(time.time())
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        message.update(content)
        self._post(message, line)

    def _post(self, message: dict[str, Any], line: str, *, replies_to_bot: bool = False) -> None:
        """Show a person's message in the group; hand it to the bot if Telegram would."""
        chat = self._chat
        delivered = not chat.blocked and reaches_bot(
            message,
            bot_user=self._api.bot_user,
            privacy_mode=self._api.state.privacy_mode,
            bot_is_admin=self.state.bot_is_admin,
            replies_to_bot=replies_to_bot,
        )
        thread = message.get("message_thread_id")
        self.state.remember_post(
            MemberPost(
                int(message["message_id"]), message, delivered, thread if isinstance(thread, int) else None
            )
        )
        self._note_action(line if delivered else f"{line}  (not delivered to the bot)")
        if delivered:
            self._api.push_update({"message": message})
