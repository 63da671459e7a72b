"""`hocvuso capacity`: can each hour's lessons go out within that hour at the bots' rate?

Each learner gets their lesson (two messages: greeting and lesson) and a tip in their chosen hour,
spread over that hour. Learners whose hour falls in quiet hours are held until quiet hours end, so
their load lands on that hour instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from scheduler.quiet_hours import QuietHours
from scheduler.ticks import DEFAULT_LESSON_HOUR
from store import learners

MESSAGES_PER_LEARNER = 3  # greeting + lesson, then the tip of the day
table = learners.learners_table


@dataclass(frozen=True)
class HourLoad:
    hour: int
    learners: int
    messages: int  # for the busiest bot in that hour
    capacity: int  # what one bot can send in an hour

    @property
    def load(self) -> float:
        return self.messages / self.capacity if self.capacity else 0.0


def hourly_load(connection: Connection, rate: float, quiet: QuietHours) -> list[HourLoad]:
    hour = func.coalesce(table.c.lesson_hour, DEFAULT_LESSON_HOUR)
    rows = connection.execute(
        select(hour, table.c.bot_id, func.count())
        .where(learners.wants_messages(table))
        .group_by(hour, table.c.bot_id)
    ).all()
    per_bot: dict[tuple[int, int], int] = defaultdict(int)
    for chosen, bot_id, count in rows:
        sent_at = quiet.end if quiet.contains_hour(int(chosen)) else int(chosen)
        per_bot[(sent_at, bot_id)] += int(count)
    capacity = int(rate * 3600)
    loads = []
    for h in range(24):
        counts = [count for (hour_sent, _), count in per_bot.items() if hour_sent == h]
        busiest = max(counts, default=0)
        loads.append(HourLoad(h, sum(counts), busiest * MESSAGES_PER_LEARNER, capacity))
    return loads


def table_text(loads: list[HourLoad], rate: float, bots: int) -> str:
    lines = [f"{bots} bot(s) at {rate:g} messages/s each: {int(rate * 3600):,} messages per bot per hour", ""]
    lines.append(f"{'hour':>4}  {'learners':>10}  {'messages':>10}  {'load':>6}")
    warnings = []
    for load in loads:
        if not load.learners:
            continue
        mark = "  ⚠ over capacity" if load.load > 1 else ""
        lines.append(
            f"{load.hour:>2}:00  {load.learners:>10,}  {load.messages:>10,}  {load.load:>6.0%}{mark}"
        )
        if load.load > 1:
            minutes = load.messages / (load.capacity / 60)
            warnings.append(
                f"warning: {load.hour}:00 needs {minutes:.0f} minutes for its busiest bot; "
                "spread learners over other hours, add a bot, or raise SEND_RATE with paid broadcast"
            )
    return "\n".join([*lines, "", *warnings]) if warnings else "\n".join(lines)
