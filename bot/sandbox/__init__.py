"""A fake Telegram Bot API server for end-to-end tests and the terminal chat.

The real aiogram ``Bot`` talks to :class:`FakeBotAPI` over HTTP; tests play
learners through :class:`FakeLearner` and read what the bot sent as
:class:`SentMessage` records. See ``server.py`` for the request pipeline and
``learner.py`` for the waiting rules.
"""

from bot.sandbox.learner import FakeGroup, FakeLearner, GroupMember
from bot.sandbox.limits import FloodLimits
from bot.sandbox.records import RecordedCall, SandboxStats, SentMessage
from bot.sandbox.server import FakeBotAPI
from bot.sandbox.spec import SPEC_ENV, locate_spec

__all__ = [
    "SPEC_ENV",
    "FakeBotAPI",
    "FakeGroup",
    "FakeLearner",
    "FloodLimits",
    "GroupMember",
    "RecordedCall",
    "SandboxStats",
    "SentMessage",
    "locate_spec",
]
