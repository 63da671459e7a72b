"""A fake Telegram Bot API server for end-to-end tests and the terminal chat.

The real aiogram ``Bot`` talks to :class:`FakeBotAPI` over HTTP, so the whole
client stack (serialisation, error classes, polling, webhooks) is exercised;
tests play learners through :class:`FakeLearner` and read what the bot sent as
:class:`SentMessage` records::

    api = FakeBotAPI(token="123:ABC")
    await api.start()
    bot = Bot(api.token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
    lan = api.learner(1001, "Lan", language_code="vi")
    await lan.send_text("/start")
    [welcome] = await lan.wait_for_messages(1)
    await lan.press("Tiếng Việt")
    assert api.invalid_calls == [] and api.unanswered_callbacks() == []
    await api.stop()

Calls are validated against the official spec when it can be found (see
``spec.py``), Telegram's content and flood limits always apply, and every 400
is recorded in ``invalid_calls``. ``server.py`` describes the request pipeline,
``chat_view.py`` the waiting rules, ``group_chat.py`` how groups are staged
(members, admins, topics, migration) and ``privacy.py`` which group messages
reach the bot.
"""

from sandbox.telegram.group_chat import FakeGroup
from sandbox.telegram.group_people import AnonymousAdmin, GroupMember
from sandbox.telegram.groups import MemberPost, Topic
from sandbox.telegram.learner import FakeLearner
from sandbox.telegram.limits import FloodLimits
from sandbox.telegram.members import GROUP_ANONYMOUS_BOT
from sandbox.telegram.polls import VoteRefused
from sandbox.telegram.records import RecordedCall, SandboxStats, SentMessage
from sandbox.telegram.server import FakeBotAPI
from sandbox.telegram.spec import SPEC_ENV, locate_spec

__all__ = [
    "GROUP_ANONYMOUS_BOT",
    "SPEC_ENV",
    "AnonymousAdmin",
    "FakeBotAPI",
    "FakeGroup",
    "FakeLearner",
    "FloodLimits",
    "GroupMember",
    "MemberPost",
    "RecordedCall",
    "SandboxStats",
    "SentMessage",
    "Topic",
    "VoteRefused",
    "locate_spec",
]
