"""A small deployment with known figures, for the dashboard's tests: eight learners in three
provinces (and one who has not said), on Telegram and Zalo; lessons, answers, three alerts, two
cafés; and one person of each role.

Hà Nội: an (finished module m0, active, streak 5, started 10 days ago), binh (one lesson, wrong
answer), chi (still setting up), dung (Zalo, set up, nothing done). Huế: em (one lesson, wrong
answer), giang (set up, nothing done). Đà Nẵng: hoa (one lesson, wrong answer). No province: khai.

People have names the dashboard must never show (`NAMES`): an's name for her certificates, and
the first names of the café members who answered the polls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select, update

from content.library import Library
from flows.cafe.model import Cafe
from flows.state import LearnerState, Step
from service import alert_admin, alerts
from store import cafes, learners
from store.address import BotRef
from store.database import Database
from store.learners import learners_table

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TELEGRAM = BotRef("telegram", "4242")
ZALO = BotRef("zalo", "z1")

SUPERADMIN = 111  # in ADMIN_IDS
HANOI_ADMIN = "222"  # province_admin of ha-noi
REVIEWER = "333"  # reviewer of the whole country
HUE_REVIEWER = "444"  # reviewer of hue
NOBODY = "555"
ADMIN_IDS = (SUPERADMIN,)
CERTIFICATE_NAME = "Phạm Thị Ánh Tuyết"  # an's, as printed on her certificates
MEMBER_NAMES = ("Quách Tĩnh", "Hoàng Dung", "Dương Quá")  # café members who answered, in order
NAMES = (CERTIFICATE_NAME, *MEMBER_NAMES)


@dataclass(frozen=True)
class Seeded:
    today: date
    module: list[str]  # m0's lessons
    question: str  # the first question of the first lesson
    alert_hanoi: int
    alert_everyone: int
    alert_hue: int


def _ready(chat: str, province: str, **fields: Any) -> LearnerState:
    """A learner who finished setting up."""
    return LearnerState(chat, step=Step.READY, onboarded=True, language="vi", province=province, **fields)


def _states(today: date, module: list[str]) -> dict[BotRef, list[LearnerState]]:
    days_ago = lambda n: today - timedelta(days=n)  # noqa: E731
    return {
        TELEGRAM: [
            _ready("an", "ha-noi", completed=frozenset(module), answered=10, correct=8, streak=5,
                   last_study_day=today, cafe_code="HN1", certificate_name=CERTIFICATE_NAME),
            _ready("binh", "ha-noi", completed=frozenset(module[:1]), answered=3, correct=1, streak=1,
                   last_study_day=days_ago(1), last_opened_on=today, cafe_code="HN1"),
            LearnerState("chi", step=Step.GROUP, province="ha-noi", language="vi"),
            _ready("em", "hue", completed=frozenset(module[:1]), answered=2, correct=0,
                   last_study_day=days_ago(20), cafe_code="HUE1"),
            _ready("giang", "hue"),
            _ready("hoa", "da-nang", completed=frozenset(module[:1]), answered=1, correct=0,
                   last_study_day=days_ago(3)),
            LearnerState("khai", step=Step.LANGUAGE),
        ],
        ZALO: [_ready("dung", "ha-noi")],
    }  # fmt: skip


def _learner_id(connection: Connection, chat: str) -> int:
    return int(
        connection.execute(select(learners_table.c.id).where(learners_table.c.chat_id == chat)).scalar_one()
    )


def _seed(connection: Connection, library: Library, now: datetime) -> Seeded:
    today = now.date()
    module = [lesson.id for lesson in library.curriculum("vi").modules[0].lessons]
    first = library.curriculum("vi").modules[0].lessons[0]
    question = first.questions[0].id
    for bot, states in _states(today, module).items():
        learners.insert_many(connection, bot, states)
    connection.execute(
        update(learners_table)
        .where(learners_table.c.chat_id == "an")
        .values(created_at=now - timedelta(days=10))
    )
    an, binh, em, hoa = (_learner_id(connection, chat) for chat in ("an", "binh", "em", "hoa"))
    for lesson in module:
        learners.record_result(connection, an, lesson, 2, 2, now)
    learners.record_result(connection, binh, module[0], 1, 2, now - timedelta(days=1))
    learners.record_result(connection, em, module[0], 0, 2, now - timedelta(days=20))
    learners.record_result(connection, hoa, module[0], 0, 2, now - timedelta(days=3))
    for learner, right in ((an, True), (binh, False), (em, False), (hoa, False)):
        learners.record_answer(connection, learner, first.id, question, 0 if right else 1, right, now)

    draft = alerts.Draft({"vi": "Cảnh báo: giả danh công an gọi điện", "en": "Warning: fake police calls"})
    ids = []
    for provinces, author in ((("ha-noi",), SUPERADMIN), ((), "cli"), (("hue",), SUPERADMIN)):
        audience = alerts.Audience(provinces=provinces)
        alert_id, total = alerts.create(connection, draft, audience, library, now.astimezone(UTC))
        alert_admin.created(connection, alert_id, author, audience.describe(), total)
        ids.append(alert_id)

    for code, chat, title in (("HN1", "-1001", "Tổ dân phố 5"), ("HUE1", "-1002", "Hội phụ nữ Huế")):
        cafe_id = cafes.create(connection, TELEGRAM, Cafe(chat, code, "hocvuso_bot"), title, now)
        cafes.record_poll(connection, TELEGRAM, chat, f"poll-{code}", question, 0, today)
        answers = 3 if code == "HN1" else 2
        for n in range(answers):
            cafes.record_answer(connection, cafe_id, f"poll-{code}", question, f"u{n}", MEMBER_NAMES[n],
                                n == 0, today, 1)  # fmt: skip
    return Seeded(today, module, question, *ids)


async def seed(database: Database, library: Library) -> Seeded:
    now = datetime.now(ZONE)
    return await database.run(lambda connection: _seed(connection, library, now))
