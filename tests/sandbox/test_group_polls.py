"""Polls in groups: limits, poll_answer and poll updates, allowed_updates, closing."""

from __future__ import annotations

import time

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InputPollOption

from sandbox.telegram import FakeBotAPI, VoteRefused
from tests.sandbox.group_support import kinds, take_updates

pytestmark = pytest.mark.asyncio
GROUP_ID = -100700


async def send_quiz(bot: Bot, **extra: object) -> int:
    sent = await bot.send_poll(
        GROUP_ID,
        "Ngân hàng có bao giờ hỏi mã OTP qua điện thoại?",
        ["Có", "Không bao giờ"],
        type="quiz",
        is_anonymous=False,
        correct_option_ids=[1],
        explanation="Ngân hàng <b>không bao giờ</b> hỏi mã OTP.",
        explanation_parse_mode="HTML",
        **extra,  # type: ignore[arg-type]
    )
    return sent.message_id


async def test_quiz_votes_arrive_as_poll_answers(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(GROUP_ID, "Cà phê sáng")
    message_id = await send_quiz(bot, open_period=600)
    poll = group.messages[-1].poll
    assert poll is not None and poll["open_period"] == 600 and poll["correct_option_ids"] == [1]
    await group.member(11, "Lan").answer_poll([1])
    await group.member(12, "Minh").answer_poll([0], message_id=message_id)
    updates = await take_updates(sandbox)
    assert kinds(updates) == ["poll_answer", "poll", "poll_answer", "poll"]
    first, counts = updates[0]["poll_answer"], updates[3]["poll"]
    assert first["user"]["id"] == 11 and first["option_ids"] == [1]
    assert first["option_persistent_ids"] == ["1"]
    assert [option["voter_count"] for option in counts["options"]] == [1, 1]
    assert counts["total_voter_count"] == 2
    with pytest.raises(VoteRefused, match="changing a vote"):
        await group.member(11).answer_poll([0])  # quizzes do not allow revoting


async def test_anonymous_polls_send_only_counts(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(GROUP_ID, "Cà phê sáng")
    await bot.send_poll(GROUP_ID, "Trà hay cà phê?", ["Trà", "Cà phê"])
    member = group.member(11, "Lan")
    await member.answer_poll([1])
    await member.answer_poll([0])  # regular polls allow changing a vote
    await member.retract_vote()
    updates = await take_updates(sandbox)
    assert kinds(updates) == ["poll", "poll", "poll"]
    assert [u["poll"]["total_voter_count"] for u in updates] == [1, 1, 0]
    with pytest.raises(VoteRefused, match="only one answer"):
        await member.answer_poll([0, 1])


async def test_an_anonymous_admin_votes_as_the_group(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(GROUP_ID, "Cà phê sáng")
    await send_quiz(bot)
    await group.anonymous_admin().answer_poll([1])
    answer = (await take_updates(sandbox))[0]["poll_answer"]
    assert answer["voter_chat"]["id"] == GROUP_ID and "user" not in answer


async def test_poll_answers_follow_allowed_updates(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(GROUP_ID, "Cà phê sáng")
    member = group.member(11, "Lan")
    await bot.get_updates(allowed_updates=["message", "callback_query", "my_chat_member"])
    await send_quiz(bot)
    await member.answer_poll([1])
    assert await take_updates(sandbox) == []
    await bot.get_updates(allowed_updates=["message", "poll_answer"])
    await send_quiz(bot)
    await member.answer_poll([0])
    assert kinds(await take_updates(sandbox)) == ["poll_answer"]
    await bot.get_updates(allowed_updates=[])  # an empty list restores the default, which has both
    await send_quiz(bot)
    await member.answer_poll([1])
    assert kinds(await take_updates(sandbox)) == ["poll_answer", "poll"]


async def test_stopped_and_expired_polls_refuse_votes(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(GROUP_ID, "Cà phê sáng")
    member = group.member(11, "Lan")
    message_id = await send_quiz(bot)
    stopped = await bot.stop_poll(GROUP_ID, message_id)
    assert stopped.is_closed
    with pytest.raises(TelegramBadRequest, match="poll has already been closed"):
        await bot.stop_poll(GROUP_ID, message_id)
    with pytest.raises(VoteRefused, match="closed"):
        await member.answer_poll([1], message_id=message_id)
    timed = await send_quiz(bot, open_period=5)
    other = await send_quiz(bot, open_period=5)
    sandbox.state.polls.clock = lambda: time.time() + 6  # five seconds pass at once
    with pytest.raises(VoteRefused, match="closed"):
        await member.answer_poll([1], message_id=timed)
    assert sandbox.state.polls.close_due() == 1  # the other one
    updates = await take_updates(sandbox)
    assert kinds(updates) == ["poll", "poll", "poll"]
    assert all(update["poll"]["is_closed"] for update in updates)
    assert group.messages[-1].message_id == other and group.messages[-1].poll["is_closed"]  # type: ignore[index]
    with pytest.raises(TelegramBadRequest, match="message with poll to stop not found"):
        await bot.stop_poll(GROUP_ID, (await bot.send_message(GROUP_ID, "x")).message_id)


async def test_a_poll_closes_by_itself_when_its_time_is_up(sandbox: FakeBotAPI, bot: Bot) -> None:
    sandbox.group(GROUP_ID, "Cà phê sáng")
    sandbox.state.polls.clock = lambda: time.time() + 5.9  # the polls' clock runs ahead
    await send_quiz(bot, close_date=int(time.time()) + 6)  # so this one ends in well under a second
    updates = await bot.get_updates(timeout=3)
    assert updates and updates[0].poll is not None and updates[0].poll.is_closed


async def test_poll_limits(sandbox: FakeBotAPI, bot: Bot) -> None:
    sandbox.group(GROUP_ID, "Cà phê sáng")
    with pytest.raises(TelegramBadRequest, match="open_period must be 5-2628000"):
        await send_quiz(bot, open_period=4)
    with pytest.raises(TelegramBadRequest, match="open_period must be 5-2628000"):
        await send_quiz(bot, open_period=2_628_001)
    with pytest.raises(TelegramBadRequest, match="can't be used together"):
        await send_quiz(bot, open_period=60, close_date=int(time.time()) + 60)
    with pytest.raises(TelegramBadRequest, match="close_date"):
        await send_quiz(bot, close_date=int(time.time()) + 2)
    with pytest.raises(TelegramBadRequest, match="monotonically increasing"):
        await bot.send_poll(GROUP_ID, "Q", ["a", "b", "c"], type="quiz", correct_option_ids=[2, 1])
    with pytest.raises(TelegramBadRequest, match="explanation"):
        await bot.send_poll(
            GROUP_ID, "Q", ["a", "b"], type="quiz", correct_option_ids=[0], explanation="<b>é</b>" * 201
        )
    await bot.send_poll(
        GROUP_ID,
        "Q",
        ["a", "b"],
        type="quiz",
        correct_option_ids=[0],
        explanation="<b>é</b>" * 200,
        explanation_parse_mode="HTML",
    )
    with pytest.raises(TelegramBadRequest, match="question"):
        await bot.send_poll(GROUP_ID, "Q" * 301, ["a", "b"])
    with pytest.raises(TelegramBadRequest, match="2-12 options"):
        await bot.send_poll(GROUP_ID, "Q", [str(i) for i in range(13)])
    with pytest.raises(TelegramBadRequest, match="option text"):
        await bot.send_poll(GROUP_ID, "Q", ["a" * 101, "b"])
    html = [InputPollOption(text="Trà &amp; bánh" + "!" * 88, text_parse_mode="HTML"), "Cà phê"]
    await bot.send_poll(GROUP_ID, "Q", html)  # 102 characters as sent, 98 once parsed
    assert sandbox.messages(GROUP_ID)[-1].poll["options"][0]["text"].startswith("Trà & bánh")  # type: ignore[index]
