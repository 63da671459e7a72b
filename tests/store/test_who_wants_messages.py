"""The rule "who gets daily messages" exists as a flow (one learner) and as SQL (a tick over a
million): the two must agree on every combination of the fields it reads."""

from __future__ import annotations

from itertools import product

from sqlalchemy import select

from flows.daily import wants_messages
from flows.state import LearnerState, Step
from store import learners


async def test_the_sql_rule_picks_exactly_the_learners_the_flow_rule_picks(database):
    states = [
        LearnerState(100 + n, step=Step.READY, onboarded=onboarded, active=active, paused=paused)
        for n, (onboarded, active, paused) in enumerate(product((True, False), repeat=3))
    ]
    await database.run(lambda c: learners.insert_many(c, 7, states))
    table = learners.learners_table
    chosen = await database.run(
        lambda c: set(c.execute(select(table.c.chat_id).where(learners.wants_messages(table))).scalars())
    )
    assert chosen == {s.chat_id for s in states if wants_messages(s)}
    assert len(chosen) == 1
