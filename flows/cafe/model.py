"""A café as the flows see it: its settings, which the group's admins choose with /cafe, and where
its rotations stand."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

DAYS = {
    "daily": frozenset(range(7)),
    "weekdays": frozenset(range(5)),  # Monday to Friday
    "mon_sat": frozenset(range(6)),  # Monday to Saturday
}
FOCUSES = ("all", "scams")
HOURS = (6, 7, 8, 9, 10, 11, 17, 18, 19, 20)  # outside the default quiet hours (21-6)
DEFAULT_HOUR = 7


@dataclass(frozen=True, slots=True)
class CafeSettings:
    language: str = "vi"
    hour: int = DEFAULT_HOUR
    days: str = "daily"
    focus: str = "all"
    enabled: bool = True  # the hosts' on/off

    def but(self, **changes: object) -> CafeSettings:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Cafe:
    chat_id: str
    code: str  # in the start link, t.me/<bot>?start=cafe_<code>
    bot_username: str
    settings: CafeSettings = field(default_factory=CafeSettings)
    present: bool = True  # the bot is in the group (removed or kicked: False)
    thread_id: int | None = None  # a forum's topic, where /cafe was sent
    tip_cursor: int = 0
    question_cursor: int = 0
    recent_tips: tuple[tuple[str, date], ...] = ()  # (tip id, day posted), the last 30 days

    def but(self, **changes: object) -> Cafe:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def posting(self) -> bool:
        return self.settings.enabled and self.present


def is_cafe_day(settings: CafeSettings, day: date) -> bool:
    return day.weekday() in DAYS.get(settings.days, DAYS["daily"])


def start_link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"


def add_to_group_link(bot_username: str) -> str:
    return f"https://t.me/{bot_username}?startgroup=cafe"


def join_payload(code: str) -> str:
    return f"cafe_{code}"


def code_of_payload(payload: str) -> str | None:
    """The café code in a /start payload ("cafe_<code>"), if it is one."""
    if not payload.startswith("cafe_"):
        return None
    code = payload.removeprefix("cafe_")
    return code if 4 <= len(code) <= 16 and code.isalnum() and code.isascii() else None

# How long a café's quiz poll stays open: Telegram's longest `open_period`, so members who come
# to the group in the first minutes after the post can still answer.
POLL_OPEN_SECONDS = 600
WEEKLY_HOUR = 19  # Sunday evening's congratulations, before the default quiet hours begin
