"""Steps of a learner's journey, written as a person would do them on their phone."""

from __future__ import annotations

from sandbox.telegram import FakeLearner, SentMessage
from tests import options


async def say(learner: FakeLearner, text: str, replies: int = 1) -> list[SentMessage]:
    await learner.send_text(text)
    return await learner.wait_for_messages(replies)


async def tap(learner: FakeLearner, label: str, replies: int = 1) -> list[SentMessage]:
    await learner.press(label)
    return await learner.wait_for_messages(replies)


def texts(messages: list[SentMessage]) -> str:
    return "\n".join(m.text or "" for m in messages)


async def onboard(learner: FakeLearner) -> None:
    await say(learner, "/start", 2)
    await tap(learner, "Tiếng Việt")
    await tap(learner, "Người cao tuổi")
    await say(learner, "ha giang")  # typed: found by its name before the 2025 merger
    await tap(learner, "7 giờ", 2)


async def open_first_quiz(learner: FakeLearner) -> None:
    """Onboard, open the first lesson and press "I've read it": the first question is on screen."""
    await onboard(learner)
    await tap(learner, "Học bài đầu tiên")
    await tap(learner, "Tôi đã đọc xong")


async def take_lesson(learner: FakeLearner, library, right: bool = True) -> None:
    """Read today's lesson and answer its questions."""
    lesson_id = None
    for message in reversed(learner.messages):
        data = next(
            (d for row in message.inline_buttons for _, d in row if d and d.startswith("read:")), None
        )
        if data:
            lesson_id = data.split(":", 1)[1]
            break
    assert lesson_id, "no lesson on screen"
    lesson = library.curriculum("vi").lessons[lesson_id]
    await tap(learner, "Tôi đã đọc xong")
    for number, question in enumerate(lesson.questions, start=1):
        index = question.correct_index if right else (question.correct_index + 1) % len(question.options)
        await learner.press(options.label(learner.chat_id, question, index))
        answered = await learner.wait_for_edit()  # the question becomes its own feedback
        assert ("✅" if right else "❌") in (answered.text or "")
        await learner.wait_for_messages(1)  # then the next question or the score
        assert number <= len(lesson.questions)
