"""Identifiers and timestamps in the platform's shapes.

Zalo ids are hex strings (never integers) and dates are milliseconds since the
epoch; producing them in one place keeps every record and update consistent.
A seed makes the ids of a benchmark or a failing test repeatable.
"""

from __future__ import annotations

import random
import secrets
import time

USER_ID_BYTES = 10  # 20 hex digits, the length of the ids seen in published examples
MESSAGE_ID_BYTES = 16


def now_ms() -> int:
    """The current time in milliseconds since the epoch, as the platform dates things."""
    return time.time_ns() // 1_000_000


class IdMaker:
    """Random hex ids; from ``secrets`` unless a seed asks for repeatable ones."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed) if seed is not None else None

    def hex(self, nbytes: int) -> str:
        if self._random is None:
            return secrets.token_hex(nbytes)
        return self._random.randbytes(nbytes).hex()

    def user_id(self) -> str:
        return self.hex(USER_ID_BYTES)

    def message_id(self) -> str:
        return self.hex(MESSAGE_ID_BYTES)
