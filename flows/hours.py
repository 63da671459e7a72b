"""Reading the hour a learner types for their daily lesson: "7", "7h", "19:30", "7 giờ tối", "8pm"."""

from __future__ import annotations

import re

from content.library import fold

_HOUR = re.compile(r"^(\d{1,2})\s*(?:h\d{0,2}|g|gio|:\s*\d{2}|\s\d{2})?\s*(am|pm|sang|trua|chieu|toi|dem)?$")
_AFTERNOON = {"pm", "chieu", "toi"}


def parse_hour(text: str) -> int | None:
    match = _HOUR.match(fold(text).replace(" h", "h"))
    if not match:
        return None
    hour = int(match.group(1))
    part = match.group(2)
    if part in _AFTERNOON and 1 <= hour < 12:
        hour += 12
    elif part == "am" and hour == 12:
        hour = 0
    return hour if 0 <= hour <= 23 else None
