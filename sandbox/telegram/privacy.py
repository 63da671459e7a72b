"""Privacy mode: which group messages Telegram hands to the bot at all.

Privacy mode is on for every bot unless its owner turns it off with
@BotFather (``getMe`` then reports ``can_read_all_group_messages: true``).
With it on, a bot in a group or supergroup receives only:

- commands: a message starting with ``/command``, either bare or addressed to
  this bot as ``/command@this_bot`` (one addressed to another bot is not
  delivered). With several bots in a group Telegram gives a bare command only
  to the bot that spoke last; the sandbox has one bot, so it always gets it;
- replies to one of the bot's own messages;
- messages sent through the bot in inline mode (``via_bot``);
- service messages (members joining or leaving, migration, topics, ...).

A bot that is an administrator of the group receives everything, as does
every bot in private chats and channels. A message the bot does not receive
still shows in the group (and its transcript); only the update is missing.
A bot that waits for plain "yes" in a group never hears it.
"""

from __future__ import annotations

import re
from typing import Any

SERVICE_FIELDS = frozenset(
    {
        "new_chat_members",
        "left_chat_member",
        "new_chat_title",
        "new_chat_photo",
        "delete_chat_photo",
        "group_chat_created",
        "supergroup_chat_created",
        "message_auto_delete_timer_changed",
        "migrate_to_chat_id",
        "migrate_from_chat_id",
        "pinned_message",
        "chat_owner_left",
        "chat_owner_changed",
        "forum_topic_created",
        "forum_topic_edited",
        "forum_topic_closed",
        "forum_topic_reopened",
        "general_forum_topic_hidden",
        "general_forum_topic_unhidden",
        "video_chat_scheduled",
        "video_chat_started",
        "video_chat_ended",
        "video_chat_participants_invited",
        "boost_added",
        "chat_background_set",
    }
)
_PRIVACY_KINDS = frozenset({"group", "supergroup"})
_LEADING_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@([A-Za-z0-9_]{3,32}))?(?![\w@])")


def is_service(message: dict[str, Any]) -> bool:
    return not SERVICE_FIELDS.isdisjoint(message)


def command_for(text: str, bot_username: str) -> bool:
    """Whether ``text`` starts with a command this bot receives (bare or ``@bot_username``)."""
    match = _LEADING_COMMAND.match(text)
    if match is None:
        return False
    addressee = match.group(1)
    return addressee is None or addressee.lower() == bot_username.lower()


def reaches_bot(
    message: dict[str, Any],
    *,
    bot_user: dict[str, Any],
    privacy_mode: bool,
    bot_is_admin: bool,
    replies_to_bot: bool,
) -> bool:
    """Whether Telegram delivers ``message`` (as sent by a person) to the bot."""
    if message.get("chat", {}).get("type") not in _PRIVACY_KINDS:
        return True
    if not privacy_mode or bot_is_admin or replies_to_bot or is_service(message):
        return True
    via = message.get("via_bot")
    if isinstance(via, dict) and via.get("id") == bot_user["id"]:
        return True
    text = message.get("text", message.get("caption"))
    return isinstance(text, str) and command_for(text, str(bot_user.get("username", "")))
