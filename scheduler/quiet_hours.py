"""Quiet hours (21:00 to 06:00 local by default): nothing but urgent alerts is sent in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: int = 21
    end: int = 6

    def contains(self, local: datetime) -> bool:
        return self.contains_hour(local.hour)

    def contains_hour(self, hour: int) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= hour < self.end
        return hour >= self.start or hour < self.end

    def next_allowed(self, local: datetime) -> datetime:
        """`local` itself when outside quiet hours, else the moment they end."""
        if not self.contains(local):
            return local
        end = datetime.combine(local.date(), time(self.end), tzinfo=local.tzinfo)
        return end if end > local else end + timedelta(days=1)
