"""Injected server errors, to test that the bot survives a flaky platform.

A share of calls is answered with a 5xx before anything happens (nothing is
sent, no update is consumed), so a bot that retries loses nothing and sends
nothing twice. Draws come from a seeded generator, so a failing run repeats.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Faults:
    """``server_error_rate`` of the calls (to ``methods``, or all) answer ``error_code``."""

    server_error_rate: float = 0.0
    error_code: int = 502
    description: str = "Bad Gateway"
    methods: frozenset[str] | None = None
    seed: int = 7
    injected: int = 0
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.server_error_rate <= 1.0:
            raise ValueError("server_error_rate must be between 0 and 1")
        if not 500 <= self.error_code <= 599:
            raise ValueError("injected faults are server errors (5xx)")
        self._random = random.Random(self.seed)

    def strike(self, method: str) -> bool:
        """Whether this call fails; counts the failures."""
        if not self.server_error_rate or (self.methods is not None and method not in self.methods):
            return False
        if self._random.random() < self.server_error_rate:
            self.injected += 1
            return True
        return False
