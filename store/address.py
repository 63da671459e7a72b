"""Who a row belongs to: a learner is addressed by (channel, bot, chat).

A deployment may run several bots on several channels (a Telegram bot and a Zalo bot per
province); the same person is a different learner on each, as each bot keeps its own chats. Ids
are strings at the edges (Zalo's are hex), so they are strings here too.
"""

from __future__ import annotations

from dataclasses import dataclass

TELEGRAM = "telegram"
ZALO = "zalo"
CHANNELS = (TELEGRAM, ZALO)


@dataclass(frozen=True, slots=True)
class BotRef:
    channel: str
    bot_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.bot_id}"
