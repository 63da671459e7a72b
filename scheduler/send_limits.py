"""What a bot may send, and how the budget adapts when Telegram says it sent too much.

Nobody outside Telegram knows the shape of its flood limits (a token bucket, a sliding window,
fixed one-second windows), so the budget stays inside all of them at once:
- the bot's messages are evenly spaced (GCRA with no tolerance) at `margin` of the nominal rate,
  so any one-second window, sliding or fixed, holds at most `ceiling + 1` of them;
- a 429 that is plainly bot-wide cuts the rate multiplicatively (`decrease`), and the rate then
  grows back linearly (`recover_per_second` messages a second, each second) up to the ceiling:
  additive increase, multiplicative decrease, as TCP does;
- a 429 from one private chat pauses that chat only. It is taken as bot-wide when it comes from
  the bulk lane, or when `global_after_chats` chats earned one within a second.

Lanes give replies priority over bulk without a central queue: a caller may reserve a global slot
only while the queue of reserved slots is shorter than its lane's depth. First replies always
queue (in order of arrival), later replies only while the queue is under `reply_depth`, and the
outbox only while it is under `bulk_depth`. Every process sharing a budget sees the same queue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum


class Lane(IntEnum):
    FIRST = 0  # the first message of a turn: what a newcomer is waiting for
    REPLY = 1  # the rest of a turn's messages
    BULK = 2  # the outbox: lessons, reminders, alerts


@dataclass(frozen=True)
class Limits:
    per_second: float = 30.0  # Telegram's nominal global limit, per bot
    margin: float = 0.96  # the share of it we use
    per_chat_per_second: float = 1.0  # private chats
    chat_burst: int = 3  # short bursts tolerated in one private chat
    per_group_per_minute: float = 20.0
    group_burst: int = 1  # 1: a group's messages are evenly spaced
    decrease: float = 0.5  # a bot-wide 429 multiplies the rate by this
    recover_per_second: float = 1.0  # then the rate grows by this many messages a second, each second
    floor: float = 1.0  # the rate never drops below this
    reply_depth: float = 0.5  # seconds of queued slots past which later replies wait
    bulk_depth: float = 0.1  # seconds of queued slots past which the outbox waits
    global_after_chats: int = 3  # chats with a 429 within a second that make it bot-wide

    def __post_init__(self) -> None:
        for name in ("per_second", "per_chat_per_second", "per_group_per_minute", "floor"):
            if not getattr(self, name) > 0:
                raise ValueError(f"Limits.{name} must be positive")
        if self.chat_burst < 1 or self.group_burst < 1:
            raise ValueError("Limits.chat_burst and Limits.group_burst must be at least 1")
        if not 0 < self.margin <= 1 or not 0 < self.decrease < 1:
            raise ValueError("Limits.margin must be in (0, 1] and Limits.decrease in (0, 1)")
        if self.recover_per_second <= 0 or self.global_after_chats < 1:
            raise ValueError("Limits.recover_per_second and Limits.global_after_chats must be positive")

    @property
    def ceiling(self) -> float:
        """Messages a second the bot sends when nothing went wrong: the nominal rate less the margin."""
        return self.per_second * self.margin

    def departure_tolerance(self, gap: float) -> float:
        """How early (seconds) a message may leave against the departures' own schedule, at `gap`
        seconds between messages: an eighth of the slack the margin leaves under the nominal rate
        in one second (5 ms at 28.8 a second), so a message a few milliseconds late costs nothing,
        and the rest of the slack (36 ms) absorbs jitter between here and Telegram's counter."""
        return max(0.0, (self.per_second * gap - 1.0) / 8)

    def depth(self, lane: Lane) -> float:
        """How far ahead (seconds) a caller of this lane may reserve a global slot."""
        if lane == Lane.FIRST:
            return math.inf
        return self.reply_depth if lane == Lane.REPLY else self.bulk_depth

    def chat_schedule(self, chat_id: int) -> tuple[float, float]:
        """(interval, tolerance) in seconds for one chat; groups and channels have negative ids."""
        if chat_id < 0:
            interval = 60.0 / (self.per_group_per_minute * self.margin)
            return interval, (self.group_burst - 1) * interval
        interval = 1.0 / self.per_chat_per_second
        return interval, (self.chat_burst - 1) * interval

    def rate_after_cut(self, cut_rate: float | None, seconds_since: float) -> float:
        """The global rate `seconds_since` the last cut (negative: still paused)."""
        if cut_rate is None:
            return self.ceiling
        return min(self.ceiling, cut_rate + self.recover_per_second * max(0.0, seconds_since))

    def cut(self, rate_now: float) -> float:
        return max(self.floor, rate_now * self.decrease)


BotKey = int | str  # a bot's id in its budget: Telegram's number, or "<channel>:<id>"
