"""The rule "who gets daily messages" is written once (flows.audience) and read two ways, on one
learner and as SQL for a tick over a million: the two must agree on every combination of the
fields it reads."""

from __future__ import annotations

from itertools import product

from sqlalchemy import select

from flows.audience import wants_messages
from flows.state import LearnerState, Step
from store import learners
from store.address import BotRef


async def test_the_sql_rule_picks_exactly_the_learners_the_flow_rule_picks(database):
    states = [
        LearnerState(str(100 + n), step=Step.READY, onboarded=onboarded, active=active, paused=paused)
        for n, (onboarded, active, paused) in enumerate(product((True, False), repeat=3))
    ]
    await database.run(lambda c: learners.insert_many(c, BotRef("telegram", "7"), states))
    table = learners.learners_table
    chosen = await database.run(
        lambda c: set(c.execute(select(table.c.chat_id).where(learners.wants_messages(table))).scalars())
    )
    assert chosen == {s.chat_id for s in states if wants_messages(s)}
    assert len(chosen) == 1
