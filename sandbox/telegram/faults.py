"""Faults the sandbox can inject, to test that nothing is lost or sent twice when Telegram errs.

- ``server_error_rate``: a share of calls answered 502 before anything happens (nothing sent);
- ``lost_response_rate``: a share of sending calls carried out, then the connection is dropped
  before the answer (the message *was* delivered; the bot cannot know it);
- ``storm``: for a while every sending call is answered 429 with a long ``retry_after`` (a
  429 storm), as after a burst Telegram disliked.

Faults are drawn from a seeded random generator, so a failing run can be repeated.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field


@dataclass
class Faults:
    server_error_rate: float = 0.0
    lost_response_rate: float = 0.0
    seed: int = 7
    storm_until: float = 0.0
    storm_retry_after: int = 30
    injected_errors: int = 0
    lost_responses: int = 0
    storm_refusals: int = 0
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def storm(self, seconds: float, retry_after: int = 30) -> None:
        """From now on, for `seconds`, every send is refused with 429 and this `retry_after`."""
        self.storm_until = time.monotonic() + seconds
        self.storm_retry_after = retry_after

    def in_storm(self) -> bool:
        if time.monotonic() < self.storm_until:
            self.storm_refusals += 1
            return True
        return False

    def server_error(self) -> bool:
        if self.server_error_rate and self._random.random() < self.server_error_rate:
            self.injected_errors += 1
            return True
        return False

    def lose_response(self) -> bool:
        if self.lost_response_rate and self._random.random() < self.lost_response_rate:
            self.lost_responses += 1
            return True
        return False
