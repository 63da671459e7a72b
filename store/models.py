"""Tables: learners (one row per chat per bot), their finished lessons and their quiz answers.

The learner row holds everything a conversation needs, including the ids of finished lessons, so
handling an update reads one row and writes it back. Lesson results and answers are kept as rows
too, because admins report on them and reviews of wrong answers are computed from them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments a column declared exactly INTEGER.
Id = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    pass


class LearnerRow(Base):
    __tablename__ = "learners"
    __table_args__ = (UniqueConstraint("bot_id", "chat_id", name="uq_learners_bot_chat"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    bot_id: Mapped[int] = mapped_column(BigInteger, default=0)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    step: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    language_hint: Mapped[str] = mapped_column(String(8), default="vi")
    group_id: Mapped[str | None] = mapped_column(String(32))
    province: Mapped[str | None] = mapped_column(String(32))
    lesson_hour: Mapped[int | None] = mapped_column(SmallInteger)
    onboarded: Mapped[bool] = mapped_column(Boolean, default=False)
    editing: Mapped[bool] = mapped_column(Boolean, default=False)
    resume_step: Mapped[str] = mapped_column(String(16), default="ready")
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    province_page: Mapped[int] = mapped_column(SmallInteger, default=0)
    lesson_id: Mapped[str | None] = mapped_column(String(64))
    question_index: Mapped[int] = mapped_column(SmallInteger, default=0)
    quiz_correct: Mapped[int] = mapped_column(SmallInteger, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    streak: Mapped[int] = mapped_column(Integer, default=0)
    last_study_day: Mapped[date | None] = mapped_column(Date)
    completed: Mapped[list[str]] = mapped_column(JSON, default=list)  # lesson ids, for the flows
    recent_updates: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LessonResultRow(Base):
    __tablename__ = "lesson_results"
    __table_args__ = (UniqueConstraint("learner_id", "lesson_id", name="uq_lesson_results_learner_lesson"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(64))
    correct: Mapped[int] = mapped_column(SmallInteger)
    total: Mapped[int] = mapped_column(SmallInteger)
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QuizAnswerRow(Base):
    __tablename__ = "quiz_answers"
    __table_args__ = (Index("ix_quiz_answers_learner", "learner_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    option: Mapped[int] = mapped_column(SmallInteger)
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
