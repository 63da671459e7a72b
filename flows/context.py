"""What a flow may consult besides the learner: the content and the current time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from content.library import Library


@dataclass(frozen=True, slots=True)
class Context:
    library: Library
    now: datetime  # aware, in the deployment's timezone: "today" for streaks is its date
    # A channel with no start button (Zalo): whatever a new person writes first begins onboarding.
    first_message_starts: bool = False
