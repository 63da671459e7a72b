"""The memory of confirmed messages: a near copy gets the confirmed answer and the number of
reports, an unrelated message gets nothing, and a copy of a genuine message cannot be used to
clear a fake link."""

from __future__ import annotations

from content.scam_data import load_knowledge
from flows.scam_check import Memory, Remembered, check
from flows.scam_check.memory import DEFAULT_THRESHOLD

SCAM = (
    "Em ơi, chị đang ở ngân hàng mà tài khoản bị lỗi. Em chuyển giúp chị 8 triệu vào tài khoản "
    "này nhé: 0000 2222 3333 NganHangXYZ, tên TRAN VAN BINH, là cháu chị. Chiều chị gửi lại em ngay."
)
SCAM_COPY = (
    "Em ơi, chị đang ở ngân hàng mà tài khoản bị lỗi. Em chuyển giúp chị 15 triệu vào tài khoản "
    "này nhé: 1234 5678 9012 NganHangXYZ, tên LE THI HOA, là cháu chị. Chiều chị gửi lại em ngay."
)
SAFE = (
    "DienLucABC thong bao: Tien dien ky thang 5 cua ma KH PA00000123 la 412.350d, han thanh toan "
    "ngay 25/6. Quy khach vui long thanh toan tren ung dung chinh thuc cua DienLucABC."
)
SAFE_COPY = (
    "DienLucABC thong bao: Tien dien ky thang 6 cua ma KH PA00000987 la 1.103.000d, han thanh toan "
    "ngay 25/7. Quy khach vui long thanh toan tren ung dung chinh thuc cua DienLucABC."
)
UNRELATED = "Tổ dân phố 7 mời bà con họp lúc 19h tối nay tại nhà văn hóa để bàn việc làm đường."


def test_a_lightly_edited_copy_of_a_confirmed_scam_is_remembered():
    memory = Memory([(SCAM, "scam", 12)])
    remembered = memory.match(SCAM_COPY)
    assert remembered is not None
    assert (remembered.verdict, remembered.reports) == ("scam", 12)
    assert DEFAULT_THRESHOLD <= remembered.similarity < 1
    verdict = check(SCAM_COPY, load_knowledge(), memory)
    assert verdict.light == "red"
    assert verdict.remembered == remembered


def test_an_unrelated_message_is_not_remembered():
    memory = Memory([(SCAM, "scam", 12), (SAFE, "safe", 3)])
    assert memory.match(UNRELATED) is None
    assert check(UNRELATED, load_knowledge(), memory).remembered is None


def test_a_copy_of_a_confirmed_genuine_message_is_remembered_as_safe():
    memory = Memory([(SAFE, "safe", 3)])
    assert memory.match(SAFE_COPY) == Remembered("safe", 3, memory.match(SAFE_COPY).similarity)
    verdict = check(SAFE_COPY, load_knowledge(), memory)
    assert verdict.light == "green"
    assert verdict.remembered is not None and verdict.remembered.verdict == "safe"


def test_a_genuine_message_with_its_link_swapped_is_not_cleared():
    genuine = (
        "UBND phuong ABC thong bao: ba con nop ho so khai sinh truc tuyen tai https://dichvucong.gov.vn "
        "hoac den bo phan mot cua vao sang thu Tu hang tuan."
    )
    swapped = genuine.replace("https://dichvucong.gov.vn", "https://dichvucong-gov-vn.example")
    memory = Memory([(genuine, "safe", 5)])
    assert memory.match(swapped) is not None  # the text is a copy...
    verdict = check(swapped, load_knowledge(), memory)
    assert verdict.remembered is None  # ...but a suspicious link keeps the memory from clearing it
    assert "lookalike_domain" in {s.kind for s in verdict.signals}


def test_reports_of_near_copies_add_up_in_one_entry():
    memory = Memory([(SCAM, "scam", 12)])
    memory.add(SCAM_COPY, "scam", 2)
    assert len(memory) == 1
    assert memory.match(SCAM).reports == 14


def test_the_closest_answer_wins_and_a_tie_goes_to_scam():
    memory = Memory()
    memory.add(SAFE, "safe", 40)
    memory.add(SAFE, "scam", 1)
    assert memory.match(SAFE_COPY).verdict == "scam"


def test_short_messages_are_never_taken_for_copies():
    memory = Memory([("ok em", "safe", 9), ("alo alo", "scam", 9)])
    assert len(memory) == 0
    assert memory.match("ok em") is None


def test_the_default_threshold_is_the_one_chosen_on_data():
    assert load_knowledge().thresholds.memory == DEFAULT_THRESHOLD
