"""Property: whatever a person sends, in whatever order, the flows never raise, always answer,
and every button they offer fits Telegram's 64-byte callback_data."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.library import Library
from flows.context import Context
from flows.conversation import handle
from flows.events import Blocked, Command, Press, Text, Unblocked, Unsupported
from flows.replies import Message
from flows.state import LearnerState
from tests.conftest import ZONE

LIBRARY = Library.load()
COMMANDS = ["start", "lesson", "progress", "settings", "help", "stop", "mydata", "forget", "weird"]
KINDS = ["sticker", "photo", "voice", "contact", "location", "video_note", "document", "other"]
MENU = [
    LIBRARY.ui[lang][key]
    for lang in LIBRARY.languages
    for key in ("menu.lesson", "menu.progress", "menu.settings", "menu.help")
]

events = st.one_of(
    st.sampled_from(COMMANDS).map(Command),
    st.text(max_size=50).map(Text),
    st.sampled_from([*MENU, "Hà Nội", "7", "english", "quang"]).map(Text),
    st.sampled_from(KINDS).map(Unsupported),
    st.text(max_size=70).map(Press),
    st.just("offered"),  # press one of the buttons the bot just offered
    st.just(Blocked()),
    st.just(Unblocked()),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(events, st.integers(0, 3)), max_size=40), st.randoms())
def test_no_event_sequence_makes_the_flows_raise_or_go_silent(steps, rng):
    state = LearnerState("7")
    now = datetime(2026, 11, 23, 8, tzinfo=ZONE)
    offered: list[str] = []
    for event, days in steps:
        now += timedelta(days=days)
        if event == "offered":
            if not offered:
                continue
            event = Press(rng.choice(offered))
        assert isinstance(event, Command | Text | Press | Unsupported | Blocked | Unblocked)
        outcome = handle(state, event, Context(LIBRARY, now))
        if not isinstance(event, Blocked | Unblocked):
            assert outcome.replies or outcome.ack, f"no answer to {event}"
        buttons = [b for r in outcome.replies if isinstance(r, Message) for row in r.choices for b in row]
        assert all(len(b.token.encode()) <= 64 for b in buttons)
        offered = [b.token for b in buttons] or offered
        state = outcome.state
