"""The order a learner sees a question's options in: shuffled, so the right answer cannot be
guessed from its place, and stable, so a question asked again (a review, a retry) keeps the order
the learner saw before. Derived from the learner's chat and the question, so nothing is stored.
The answer token always carries the option's index in the file, whatever its place on screen.
"""

from __future__ import annotations

import hashlib


def option_order(chat_id: str, question_id: str, count: int) -> tuple[int, ...]:
    """A permutation of range(count): Fisher–Yates driven by a hash, identical on every machine
    and Python version (random.Random's algorithms may change between releases)."""
    digest = hashlib.blake2b(f"{chat_id}\x1f{question_id}".encode(), digest_size=16).digest()
    order = list(range(count))
    for i in range(count - 1, 0, -1):
        j = int.from_bytes(digest[2 * i : 2 * i + 2], "big") % (i + 1)
        order[i], order[j] = order[j], order[i]
    return tuple(order)
