"""Tables: learners (one row per chat of each bot on each channel), their finished lessons and
their quiz answers.

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
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments a column declared exactly INTEGER.
Id = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    pass


class LearnerRow(Base):
    __tablename__ = "learners"
    __table_args__ = (
        UniqueConstraint("channel", "bot_id", "chat_id", name="uq_learners_channel_bot_chat"),
        # the scheduler's "whose lesson hour is now"; 8 is scheduler.ticks.DEFAULT_LESSON_HOUR
        Index("ix_learners_lesson_hour", text("coalesce(lesson_hour, 8)")),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16), default="telegram", server_default="telegram")
    bot_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
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
    freeze_used_on: Mapped[date | None] = mapped_column(Date)  # the last missed day forgiven
    last_opened_on: Mapped[date | None] = mapped_column(Date)  # the last day a lesson was opened
    timezone: Mapped[str | None] = mapped_column(String(40))  # None: the deployment's TIMEZONE
    reminders_sent: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    last_reminder_on: Mapped[date | None] = mapped_column(Date)
    tip_cursor: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tip_cycle_started: Mapped[date | None] = mapped_column(Date)
    recent_updates: Mapped[list[str]] = mapped_column(JSON, default=list)
    # flows.typed_choices: the choices last offered, so a typed number answers them
    offered: Mapped[list[list[str]]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # lessons whose quiz scored 60% or better, and the certificates earned, for the flows
    passed: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    certificates: Mapped[list[list[str]]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    certificate_name: Mapped[str | None] = mapped_column(String(64))
    cafe_code: Mapped[str | None] = mapped_column(String(16))  # started through a café's link
    drills_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # /practice
    drills_right: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
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


class CertificateRow(Base):
    """A certificate, found by its code when anyone checks it. Deleted with its learner, after
    which the code is no longer valid."""

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_learner", "learner_id"),)

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    issued_on: Mapped[date] = mapped_column(Date)


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


class ReviewRow(Base):
    """A question the learner got wrong, coming back on a Leitner schedule (1, 3, 7, 21 days)."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("learner_id", "question_id", name="uq_reviews_learner_question"),
        Index("ix_reviews_due", "due_on"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    box: Mapped[int] = mapped_column(SmallInteger)
    due_on: Mapped[date] = mapped_column(Date)


class OutboxRow(Base):
    """Every message the bot sends on its own initiative, keyed so a campaign reaches a chat once."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("channel", "bot_id", "chat_id", "campaign", name="uq_outbox_chat_campaign"),
        Index("ix_outbox_claim", "channel", "bot_id", "state", "priority", "not_before", "id"),
        Index("ix_outbox_campaign_state", "campaign", "state"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16), default="telegram", server_default="telegram")
    bot_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    campaign: Mapped[str] = mapped_column(String(100))
    priority: Mapped[int] = mapped_column(SmallInteger)  # 0 urgent alert, 1 lesson/review, 2 reminder/tip
    payload: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    parts_sent: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    thread_id: Mapped[int | None] = mapped_column(BigInteger)  # a forum group's topic


class AlertRow(Base):
    """An admin's scam warning: its text in every language and who it goes to."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    title: Mapped[dict[str, str] | None] = mapped_column(JSON)
    text: Mapped[dict[str, str]] = mapped_column(JSON)
    image: Mapped[str | None] = mapped_column(String(300))
    audience: Mapped[dict[str, object]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default="sending")
    total: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str | None] = mapped_column(String(64))  # the admin's user id, or "cli"


class CafeRow(Base):
    """A group's morning café: its settings, where its rotations stand and its leaderboard message."""

    __tablename__ = "cafes"
    __table_args__ = (
        UniqueConstraint("channel", "bot_id", "chat_id", name="uq_cafes_channel_bot_chat"),
        UniqueConstraint("code", name="uq_cafes_code"),
        Index("ix_cafes_hour", "hour"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    bot_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(128), default="")
    code: Mapped[str] = mapped_column(String(16))
    bot_username: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="vi")
    hour: Mapped[int] = mapped_column(SmallInteger, default=7)
    days: Mapped[str] = mapped_column(String(12), default="daily")
    focus: Mapped[str] = mapped_column(String(12), default="all")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    tip_cursor: Mapped[int] = mapped_column(Integer, default=0)
    question_cursor: Mapped[int] = mapped_column(Integer, default=0)
    recent_tips: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    last_post_on: Mapped[date | None] = mapped_column(Date)
    previous_post_on: Mapped[date | None] = mapped_column(Date)
    top_message_id: Mapped[int | None] = mapped_column(BigInteger)
    top_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CafeHostRow(Base):
    """Who set a café up: they see it in /host and may pause or resume it."""

    __tablename__ = "cafe_hosts"
    __table_args__ = (
        UniqueConstraint("cafe_id", "user_id", name="uq_cafe_hosts_cafe_user"),
        Index("ix_cafe_hosts_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))


class CafePollRow(Base):
    """A quiz poll the bot posted, so that an answer (which names only the poll and the places
    chosen) can be scored."""

    __tablename__ = "cafe_polls"

    poll_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    correct_place: Mapped[int] = mapped_column(SmallInteger)
    posted_on: Mapped[date] = mapped_column(Date)


class CafeMemberRow(Base):
    """A group member who answered: only their id, first name and streak (and their answers)."""

    __tablename__ = "cafe_members"
    __table_args__ = (
        UniqueConstraint("cafe_id", "user_id", name="uq_cafe_members_cafe_user"),
        Index("ix_cafe_members_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(64))
    streak: Mapped[int] = mapped_column(Integer, default=0)
    last_answer_on: Mapped[date | None] = mapped_column(Date)


class CafeAnswerRow(Base):
    __tablename__ = "cafe_answers"
    __table_args__ = (
        UniqueConstraint("poll_id", "user_id", name="uq_cafe_answers_poll_user"),
        Index("ix_cafe_answers_cafe_day", "cafe_id", "answered_on"),
        Index("ix_cafe_answers_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    poll_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_on: Mapped[date] = mapped_column(Date)


class AdminRoleRow(Base):
    """A role granted to a Telegram user (superadmins from ADMIN_IDS need no row)."""

    __tablename__ = "admin_roles"
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_admin_roles_user_role"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64))  # a Telegram user id, as a decimal string
    role: Mapped[str] = mapped_column(String(20))
    provinces: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    granted_by: Mapped[str | None] = mapped_column(String(64))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """One admin action: who, when and what, kept for accountability."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))  # a user id, or "cli"
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, object]] = mapped_column(JSON)


class DashboardLinkRow(Base):
    """A one-time login link, kept only as the hash of its token."""

    __tablename__ = "dashboard_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DashboardSessionRow(Base):
    """A browser signed in to the dashboard, kept only as the hash of its cookie."""

    __tablename__ = "dashboard_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DashboardSaltRow(Base):
    """The deployment's random salt for the hashed learner ids of exports (one row)."""

    __tablename__ = "dashboard_salt"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))


class ScamReportRow(Base):
    """A message someone reported, stripped of their phone numbers and name, and the decision."""

    __tablename__ = "scam_reports"
    __table_args__ = (
        Index("ix_scam_reports_status", "status", "id"),
        Index("ix_scam_reports_reporter", "channel", "bot_id", "chat_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    bot_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str | None] = mapped_column(String(64))  # None once the reporter was forgotten
    text: Mapped[str] = mapped_column(Text)
    light: Mapped[str] = mapped_column(String(8))
    signals: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|scam|safe|unsure
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64))


class AlertDraftRow(Base):
    """An alert an admin is composing in chat, one step at a time."""

    __tablename__ = "alert_drafts"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[str] = mapped_column(String(12))
    text_vi: Mapped[str | None] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(250))  # "tg:<bot id>:<file id>"
    audience: Mapped[dict[str, object]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
