"""Pure flow throughput: events a second through flows.conversation.handle, no I/O.

Learners go through a realistic day (onboarding, lesson, quiz, progress, settings, stray input),
round-robin across many learners so state is not always hot. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from content.library import Library
from flows.context import Context
from flows.conversation import handle
from flows.events import Command, Event, Press, Text, Unsupported
from flows.replies import Message
from flows.state import LearnerState


def journey_step(state: LearnerState, replies: list, step: int) -> Event:
    """The next thing a typical learner does, given what the bot just showed them."""
    buttons = [b for r in replies if isinstance(r, Message) for row in r.choices for b in row]
    if step % 17 == 5:
        return Unsupported("sticker")
    if step % 23 == 7:
        return Text("xin chào")
    if step % 29 == 3:
        return Command("progress")
    if buttons:
        answers = [b for b in buttons if b.token.startswith("ans:")]
        return Press((answers[step % len(answers)] if answers else buttons[0]).token)
    return Command("lesson") if state.onboarded else Command("start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--learners", type=int, default=1_000)
    args = parser.parse_args()
    library = Library.load()
    now = datetime(2026, 11, 23, 8, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    states = [LearnerState(str(chat_id)) for chat_id in range(args.learners)]
    last: list[list] = [[] for _ in range(args.learners)]
    ctx = Context(library, now)
    started = time.perf_counter()
    for step in range(args.events):
        who = step % args.learners
        if step and step % (args.learners * 40) == 0:
            ctx = Context(library, ctx.now + timedelta(days=1))
        event = journey_step(states[who], last[who], step // args.learners)
        outcome = handle(states[who], event, ctx)
        states[who], last[who] = outcome.state, outcome.replies
    elapsed = time.perf_counter() - started
    done = sum(len(s.completed) for s in states)
    print(
        f"flow throughput: {args.events / elapsed:,.0f} events/s "
        f"({args.events:,} events, {args.learners:,} learners, {elapsed:.2f} s, {done:,} lessons finished)"
    )


if __name__ == "__main__":
    main()
