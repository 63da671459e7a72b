"""How the delivery worker sizes its batches (`scheduler.delivery.Pace`): a second of messages to
private chats, enough café posts to keep the budget busy while each group's pacing stretches the
batch over six seconds, and no growth from batches the budget itself held back."""

from __future__ import annotations

from scheduler.delivery import Pace

SHARE = 14.4  # a lane's share of 28.8 messages a second
WINDOW = 1.0
MOST = 15  # bot.app's cap for a second's worth at 30/s


def test_private_messages_claim_about_a_second_of_the_budget() -> None:
    pace = Pace(SHARE)
    pace.learn(rows=14, messages=14, elapsed=0.98, span=0.0)
    assert 12 <= pace.rows(WINDOW, MOST) <= MOST


def test_a_batch_of_cafe_posts_grows_to_keep_the_budget_busy() -> None:
    """14 café rows (42 messages) took 6.3 s, each group's three messages 3.1 s apart: the lane
    got 6.7 messages a second of its 14.4. The next batch holds enough rows to fill the budget
    over those 6.3 s, not the one row a rate in rows a second (2.2/s) would give."""
    pace = Pace(SHARE)
    pace.learn(rows=14, messages=42, elapsed=6.3, span=6.25)
    rows = pace.rows(WINDOW, MOST)
    assert rows * 3 >= SHARE * 6.25  # messages enough for the whole horizon
    assert rows <= MOST * 10


def test_batches_the_budget_held_back_do_not_grow_the_next() -> None:
    """Once there are enough café rows, each group's messages also wait for the budget, so the
    slowest group takes longer; that longer span must not size an ever larger batch."""
    pace = Pace(SHARE)
    pace.learn(rows=14, messages=42, elapsed=6.3, span=6.25)
    sizes = []
    for _ in range(10):
        rows = pace.rows(WINDOW, MOST)
        sizes.append(rows)
        elapsed = rows * 3 / SHARE  # the budget sets the pace: the lane gets its share
        pace.learn(rows=rows, messages=rows * 3, elapsed=elapsed, span=elapsed * 0.95)
    assert max(sizes) == sizes[0]


def test_a_cut_rate_is_learnt_from_private_batches() -> None:
    """After a 429 the budget gives a fraction of the rate: batches shrink to a second of it."""
    pace = Pace(SHARE)
    for _ in range(6):
        pace.learn(rows=10, messages=10, elapsed=2.0, span=0.0)
    assert pace.rows(WINDOW, MOST) <= 6
