"""Today's lesson and its quiz, progress and streaks."""

from __future__ import annotations

from flows.effects import LessonFinished, QuestionAnswered
from flows.events import Press
from flows.state import Step
from tests import options
from tests.flows.transcript import Learner


def _ready(library, morning, **kwargs) -> Learner:
    learner = Learner(library, morning)
    learner.onboard(**kwargs)
    return learner


def test_first_lesson_follows_curriculum_order_and_quiz_gives_feedback(library, morning):
    learner = _ready(library, morning)
    first = library.lesson_order[0]
    lesson = library.curriculum("vi").lessons[first]
    learner.type("📖 Bài học hôm nay")
    assert lesson.title in learner.text and lesson.today in learner.text
    learner.press("Tôi đã đọc xong")
    assert learner.last.settled
    assert "Câu 1/2" in learner.text
    question = lesson.questions[0]
    wrong = (question.correct_index + 1) % len(question.options)
    learner.send(Press(f"ans:{question.id}:{wrong}"))
    answered = learner.last.answered
    assert answered is not None  # the question is settled with its verdict
    assert question.question in answered.question.text and "Chưa đúng" in answered.verdict
    assert f"Bạn chọn: <b>{options.letter(learner.state.chat_id, question, wrong)}." in answered.verdict
    assert question.options[question.correct_index].text in answered.verdict
    assert "Câu 2/2" in learner.messages[-1].text
    assert learner.calls == 2
    learner.answer_all(right=True)
    assert learner.state.step == Step.READY
    assert first in learner.state.completed
    assert "1/2" in learner.text
    finished = [e for e in learner.effects if isinstance(e, LessonFinished)]
    assert [(e.lesson_id, e.correct, e.total) for e in finished] == [(first, 1, 2)]
    assert sum(isinstance(e, QuestionAnswered) for e in learner.effects) == 2


def test_next_lesson_straight_away_or_after_asking(library, morning):
    learner = _ready(library, morning)
    learner.take_lesson()
    learner.press("Học bài tiếp ngay")
    second = library.curriculum("vi").lessons[library.lesson_order[1]]
    assert second.title in learner.text and learner.state.lesson_id == second.id


def test_todays_lesson_after_finishing_one_offers_more_instead_of_forcing_it(library, morning):
    learner = _ready(library, morning)
    learner.take_lesson()
    learner.command("lesson")
    assert learner.state.step == Step.READY and "học xong bài hôm nay" in learner.text
    learner.press("Học thêm một bài")
    assert learner.state.step == Step.READING


def test_an_answer_button_cannot_be_used_twice(library, morning):
    learner = _ready(library, morning)
    learner.start_quiz()
    token = next(b.token for b in learner.choices if b.token.startswith("ans:"))
    learner.send(Press(token))
    answered = learner.state.answered
    learner.send(Press(token))
    assert learner.state.answered == answered
    assert learner.last.ack and "cũ" in learner.last.ack


def test_progress_shows_modules_accuracy_streak_and_next(library, morning):
    learner = _ready(library, morning)
    for day in range(3):
        learner.take_lesson(right=day != 1)
        learner.next_day()
    learner.command("progress")
    text = learner.text
    assert "Chiếc điện thoại của tôi: 3/8" in text
    assert "4/6 (67%)" in text
    assert "3 ngày" in text
    assert library.curriculum("vi").lessons[library.lesson_order[3]].title in text
    assert len(text) < 1000


def test_streak_resets_after_a_gap_and_is_shown_as_zero(library, morning):
    learner = _ready(library, morning)
    learner.take_lesson()
    learner.next_day(4)
    learner.command("progress")
    assert "Chuỗi ngày học: 0 ngày" in learner.text
    learner.take_lesson()
    assert learner.state.streak == 1


def test_commands_mid_quiz_answer_and_keep_the_quiz(library, morning):
    learner = _ready(library, morning)
    learner.start_quiz()
    before = learner.state
    for name in ("progress", "help", "settings"):
        learner.command(name)
        assert learner.messages
    assert (learner.state.step, learner.state.lesson_id, learner.state.question_index) == (
        before.step,
        before.lesson_id,
        before.question_index,
    )
    learner.command("lesson")
    assert "Câu 1/2" in learner.text


def test_settings_change_mid_quiz_returns_to_the_quiz(library, morning):
    learner = _ready(library, morning)
    learner.start_quiz()
    learner.command("settings")
    learner.press("Đổi giờ học")
    learner.press("20 giờ")
    assert learner.state.lesson_hour == 20
    assert learner.state.step == Step.QUIZ
    learner.answer_all()
    assert learner.state.step == Step.READY


def test_older_adults_get_the_short_feedback(library, morning):
    learner = _ready(library, morning, group="Người cao tuổi")
    learner.take_lesson(right=False)
    assert "Nghỉ ngơi" in learner.text


def test_english_learner_reads_english_lessons(library, morning):
    learner = _ready(library, morning, language="English", group="Citizen", province="Hanoi", hour="7:00")
    learner.command("lesson")
    lesson = library.curriculum("en").lessons[library.lesson_order[0]]
    assert lesson.title in learner.text and "Today's task" in learner.text


def test_every_tap_of_a_lesson_costs_at_most_two_sends(library, morning):
    """Telegram allows about one message a second in a chat: a tap edits and sends, no more."""
    learner = _ready(library, morning)
    for _ in range(3):
        learner.command("lesson")
        learner.press("Tôi đã đọc xong")
        assert learner.calls <= 2
        lesson = library.curriculum("vi").lessons[learner.state.lesson_id]
        for question in lesson.questions:
            learner.send(Press(f"ans:{question.id}:{question.correct_index}"))
            assert learner.calls <= 2, learner.text
            assert learner.last.answered is not None and "Đúng rồi" in learner.last.answered.verdict
        learner.press("Học bài tiếp ngay")
