"""The scam check and the drills as the flows decide them: the light comes first, a report strips
the reporter's phone numbers and name, nothing is reported without a held message, and a
drill's answer explains itself."""

from __future__ import annotations

from datetime import datetime

from content.library import Library
from content.scam_data import load_knowledge
from flows.context import Context, ScamTools
from flows.conversation import handle
from flows.effects import DrillAnswered, ReportFiled
from flows.events import Command, Forwarded, Press, Text
from flows.scam_chat import redact
from flows.state import LearnerState, Step

SCAM = (
    "Ngan hang ABC: tai khoan cua ban bi khoa. Bam https://abc-xacminh.top de mo khoa, "
    "nhap ma OTP ngay hom nay."
)


def _ctx(library: Library, morning: datetime, held: str | None = None, name: str | None = "Lan") -> Context:
    return Context(library, morning, scam=ScamTools(load_knowledge()), held=held, display_name=name)


def _ready() -> LearnerState:
    return LearnerState("42", step=Step.READY, language="vi", onboarded=True)


def test_a_forwarded_scam_gets_red_first_then_its_flags(library: Library, morning: datetime) -> None:
    outcome = handle(_ready(), Forwarded(SCAM), _ctx(library, morning))
    [message] = outcome.replies
    assert message.text.startswith("🔴")  # type: ignore[union-attr]
    assert "OTP" in message.text  # type: ignore[union-attr]
    assert outcome.hold == SCAM and not outcome.effects  # held for a report, not stored


def test_check_then_paste(library: Library, morning: datetime) -> None:
    asked = handle(_ready(), Command("check"), _ctx(library, morning))
    assert asked.state.step == Step.CHECK
    checked = handle(asked.state, Text("Mai 7 giờ họp tổ dân phố ở nhà văn hoá nhé."), _ctx(library, morning))
    assert checked.replies[0].text.startswith("🟢") and checked.state.step == Step.READY  # type: ignore[union-attr]


def test_a_report_needs_the_held_message_and_consent(library: Library, morning: datetime) -> None:
    gone = handle(_ready(), Press("report:ask"), _ctx(library, morning, held=None))
    assert "không còn giữ" in gone.replies[0].text  # type: ignore[union-attr]
    consent = handle(_ready(), Press("report:ask"), _ctx(library, morning, held=SCAM))
    assert "đồng ý" in consent.replies[0].text and not consent.effects  # type: ignore[union-attr]
    held = SCAM + " Goi lai cho Lan so 0912.345.678"
    sent = handle(_ready(), Press("report:send"), _ctx(library, morning, held=held))
    [report] = sent.effects
    assert isinstance(report, ReportFiled) and report.light == "red"
    assert "0912.345.678" not in report.text and "Lan" not in report.text and "abc-xacminh.top" in report.text


def test_redaction_keeps_the_scam_and_drops_the_person() -> None:
    text = "Chị Nguyễn Thị Hoa ơi, gọi +84 912 345 678 hoặc 0987654321, link https://x.example/0912345678"
    cleaned = redact(text, ["Nguyễn Thị Hoa"])
    assert "Hoa" not in cleaned and "0987654321" not in cleaned and "912 345 678" not in cleaned
    assert "https://x.example/" in cleaned


def test_a_drill_answer_is_explained_and_a_wrong_one_counted(library: Library, morning: datetime) -> None:
    shown = handle(_ready(), Command("practice"), _ctx(library, morning))
    drill = library.curriculum("vi").drills[0]
    assert drill.sender in shown.replies[0].text  # type: ignore[union-attr]
    wrong = "safe" if drill.verdict == "scam" else "scam"
    answered = handle(_ready(), Press(f"drill:{drill.id}:{wrong}"), _ctx(library, morning))
    assert "Chưa đúng" in answered.replies[0].text  # type: ignore[union-attr]
    assert answered.effects == [DrillAnswered(drill.id, False, morning)]
    assert (answered.state.drills_done, answered.state.drills_right) == (1, 0)
    forged = handle(_ready(), Press("drill:no-such-drill:scam"), _ctx(library, morning))
    assert not forged.effects
