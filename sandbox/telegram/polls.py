"""Polls the bot sent: votes, closing, and the updates Telegram sends about them.

Telegram's rules, from the Update object's description:

- ``poll_answer``: "A user changed their answer in a non-anonymous poll. Bots
  receive new votes only in polls that were sent by the bot itself." It is
  in the default ``allowed_updates``, but a bot that sets its own list must
  name it;
- ``poll``: "Bots receive only updates about manually stopped polls and polls,
  which are sent by the bot": every change of a poll the bot sent (a vote,
  closing) is announced with the new counts.

A poll closes when the bot calls ``stopPoll``, when its ``open_period`` or
``close_date`` passes, or if it was sent with ``is_closed``. Nobody can vote
in a closed poll, change a vote where ``allows_revoting`` is false, or choose
several options where ``allows_multiple_answers`` is false; the sandbox's
voting helpers raise :class:`VoteRefused` for these, since a Telegram client
would not even offer the action.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox.telegram.errors import bad_request

Push = Callable[[dict[str, Any]], object]


class VoteRefused(RuntimeError):
    """A Telegram client would not let this vote happen (closed poll, no revoting...)."""


@dataclass(slots=True)
class PollRecord:
    """One poll the bot sent; ``poll`` is the live Poll object inside the sent message."""

    poll: dict[str, Any]
    chat_id: int
    message_id: int
    closes_at: float | None = None
    votes: dict[tuple[str, int], list[int]] = field(default_factory=dict)

    @property
    def closed(self) -> bool:
        return bool(self.poll["is_closed"])


class PollBook:
    """All polls by id, their votes, and the timers that close them."""

    def __init__(self, push: Push | None = None, clock: Callable[[], float] = time.time) -> None:
        self.push: Push = push or (lambda update: None)
        # Wall-clock time, replaceable by a test to make an open_period pass at once.
        self.clock = clock
        self._records: dict[str, PollRecord] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def __getitem__(self, poll_id: str) -> PollRecord:
        return self._records[poll_id]

    def get(self, poll_id: str) -> PollRecord | None:
        return self._records.get(poll_id)

    def add(self, record: PollRecord) -> None:
        """Register a sent poll; one with a deadline closes by itself when it passes."""
        self._records[record.poll["id"]] = record
        if record.closes_at is None or record.closed:
            return
        with contextlib.suppress(RuntimeError):  # no running loop: closed lazily on the next vote
            loop = asyncio.get_running_loop()
            delay = max(record.closes_at - self.clock(), 0.0)
            self._timers[record.poll["id"]] = loop.call_later(delay, self.close_if_due, record)

    def close_if_due(self, record: PollRecord) -> bool:
        """Close ``record`` if its deadline passed (announcing it); whether it is closed now."""
        if record.closed:
            return True
        if record.closes_at is not None and self.clock() >= record.closes_at:
            self.close(record)
            return True
        return False

    def close_due(self) -> int:
        """Close every poll whose deadline passed by :attr:`clock`; how many closed.

        The timers do this on their own in real time; a test that moves the
        clock forward calls this to let the deadlines pass at once.
        """
        due = [
            record
            for record in self._records.values()
            if not record.closed and record.closes_at is not None and self.clock() >= record.closes_at
        ]
        for record in due:
            self.close(record)
        return len(due)

    def close(self, record: PollRecord) -> None:
        record.poll["is_closed"] = True
        timer = self._timers.pop(record.poll["id"], None)
        if timer is not None:
            timer.cancel()
        self.push({"poll": snapshot(record.poll)})

    def cancel_timers(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    def vote(
        self,
        record: PollRecord,
        option_ids: Sequence[int],
        *,
        user: dict[str, Any] | None = None,
        voter_chat: dict[str, Any] | None = None,
    ) -> None:
        """Record a vote (an empty list retracts one) and push the updates Telegram sends."""
        poll = record.poll
        chosen = list(option_ids)
        if self.close_if_due(record):
            raise VoteRefused(f"poll {poll['id']} is closed")
        for index in chosen:
            if not 0 <= index < len(poll["options"]):
                raise LookupError(f"poll has no option {index}")
        if len(set(chosen)) != len(chosen):
            raise VoteRefused("an option can be chosen only once")
        if len(chosen) > 1 and not poll["allows_multiple_answers"]:
            raise VoteRefused(f"poll {poll['id']} allows only one answer")
        key = ("chat", int(voter_chat["id"])) if voter_chat is not None else ("user", _user_id(user))
        previous = record.votes.get(key)
        if previous is not None and not poll["allows_revoting"]:
            raise VoteRefused(f"poll {poll['id']} does not allow changing a vote")
        if not chosen and previous is None:
            raise VoteRefused("there is no vote to retract")
        for index in previous or ():
            poll["options"][index]["voter_count"] -= 1
        for index in chosen:
            poll["options"][index]["voter_count"] += 1
        if chosen:
            record.votes[key] = chosen
        else:
            record.votes.pop(key, None)
        poll["total_voter_count"] = len(record.votes)
        if not poll["is_anonymous"]:
            answer: dict[str, Any] = {"poll_id": poll["id"]}
            if voter_chat is not None:
                answer["voter_chat"] = voter_chat
            else:
                answer["user"] = user
            answer["option_ids"] = chosen
            answer["option_persistent_ids"] = [poll["options"][i]["persistent_id"] for i in chosen]
            self.push({"poll_answer": answer})
        self.push({"poll": snapshot(poll)})

    def stop(self, record: PollRecord) -> dict[str, Any]:
        """``stopPoll``: close the poll for good and return it."""
        if record.closed:
            raise bad_request("poll has already been closed")
        self.close(record)
        return snapshot(record.poll)


def snapshot(poll: dict[str, Any]) -> dict[str, Any]:
    """A copy of the poll as it is now (updates must not change after they are queued)."""
    copied = dict(poll)
    copied["options"] = [dict(option) for option in poll["options"]]
    return copied


def _user_id(user: dict[str, Any] | None) -> int:
    if user is None:
        raise ValueError("a vote needs a user or a voter_chat")
    return int(user["id"])


def closing_time(open_period: int | None, close_date: int | None, now: float) -> float | None:
    """When a poll sent now closes by itself, if it does."""
    if open_period is not None:
        return now + open_period
    if close_date is not None:
        return float(close_date)
    return None
