"""A learner talking to the pure flows, the way a person uses the bot: read the replies, press a
button by its label, type text. No Telegram, no database."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from content.library import Library
from flows.certificate_record import CertificateRecord
from flows.certificates import code_in
from flows.context import Context
from flows.conversation import handle
from flows.effects import CertificateIssued
from flows.events import Command, Event, Press, Text, Unsupported
from flows.outcome import Outcome
from flows.replies import Choice, Message
from flows.state import LearnerState


class Learner:
    def __init__(self, library: Library, now: datetime, chat_id: str = "42", hint: str = "vi") -> None:
        self.library = library
        self.now = now
        self.state = LearnerState(chat_id, language_hint=hint)
        self.last = Outcome(self.state)
        self.effects: list = []
        self.stored = True
        self.display_name: str | None = "Lan"
        # certificates issued to anyone, by code: what the store would find for a /verify
        self.register: dict[str, CertificateRecord] = {}

    def send(self, event: Event) -> Outcome:
        code = code_in(event)
        ctx = Context(
            self.library,
            self.now,
            display_name=self.display_name,
            entropy=os.urandom(16),
            certificate=self.register.get(code) if code else None,
        )
        self.last = handle(self.state, event, ctx)
        for effect in self.last.effects:
            if isinstance(effect, CertificateIssued):
                self.register[effect.record.code] = effect.record
        self.state = self.last.state
        self.effects.extend(self.last.effects)
        self.stored = self.last.persist
        return self.last

    def command(self, name: str) -> Outcome:
        return self.send(Command(name))

    def type(self, text: str) -> Outcome:
        return self.send(Text(text))

    def sends(self, kind: str) -> Outcome:
        return self.send(Unsupported(kind))

    @property
    def messages(self) -> list[Message]:
        """What the learner sees change: the pressed message as edited, then the new messages."""
        answered = self.last.answered
        edited = [Message(f"{answered.question.text}\n\n{answered.verdict}")] if answered is not None else []
        return edited + [r for r in self.last.replies if isinstance(r, Message)]

    @property
    def calls(self) -> int:
        """Bot API calls the last turn costs in the chat (an edit counts as one, as Telegram does)."""
        edits = 1 if self.last.answered is not None or self.last.settled else 0
        return edits + len(self.last.replies)

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.messages)

    @property
    def choices(self) -> list[Choice]:
        return [b for m in self.messages for row in m.choices for b in row]

    def press(self, label: str) -> Outcome:
        """Press the newest button whose label contains `label`."""
        matches = [b for b in self.choices if label in b.label]
        if not matches:
            raise LookupError(f"no button {label!r}; buttons: {[b.label for b in self.choices]}")
        return self.send(Press(matches[-1].token))

    def next_day(self, days: int = 1) -> None:
        self.now += timedelta(days=days)

    def onboard(
        self,
        language: str = "Tiếng Việt",
        group: str = "Người dân",
        province: str = "Hà Nội",
        hour: str = "7",
    ) -> None:
        self.command("start")
        self.press(language)
        self.press(group)
        self.press(province)
        self.press(hour)

    def start_quiz(self) -> None:
        """Open today's lesson and press "I've read it"."""
        self.command("lesson")
        self.press("Tôi đã đọc xong")

    def take_lesson(self, right: bool = True) -> None:
        """Today's lesson from opening it to the score."""
        self.start_quiz()
        self.answer_all(right)

    def answer_all(self, right: bool = True) -> None:
        """Answer every question of the lesson in progress, all right or all wrong."""
        while self.state.step == "quiz":
            lesson = self.library.curriculum(self.state.lang).lessons[self.state.lesson_id or ""]
            question = lesson.questions[self.state.question_index]
            index = question.correct_index if right else (question.correct_index + 1) % len(question.options)
            self.send(Press(f"ans:{question.id}:{index}"))
