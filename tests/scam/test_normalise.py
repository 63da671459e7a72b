"""Messages as people forward them: teencode, no diacritics, hidden characters, disguised links."""

from __future__ import annotations

import pytest

from content.scam_data import load_knowledge
from flows.scam_check.links import find_links
from flows.scam_check.normalise import normalise

KNOWLEDGE = load_knowledge()


def test_abbreviations_are_spelled_out_and_quoted_as_written():
    text = normalise("ck gap cho e 5tr vao stk, k dc noi voi ai", KNOWLEDGE)
    assert "chuyen khoan gap" in text.plain
    assert "so tai khoan" in text.plain
    assert "khong duoc noi" in text.plain
    start = text.plain.index("so tai khoan")
    assert text.quote(start, start + len("so tai khoan")) == "stk"
    assert not text.has_marks  # spelled-out words bring diacritics; the message had none


def test_k_after_a_number_is_money():
    assert "50 k" in normalise("shop gui 50 k nha", KNOWLEDGE).plain
    assert "khong biet" in normalise("k biet", KNOWLEDGE).plain


def test_both_forms_stay_aligned_with_the_message():
    text = normalise("Đọc giúp em MÃ OTP nhé", KNOWLEDGE)
    assert text.has_marks
    assert len(text.plain) == len(text.marked) == len(text.origin)
    assert text.plain == "doc giup em ma otp nhe"
    assert text.marked == "đọc giúp em mã otp nhé"
    assert text.quote(12, 18) == "MÃ OTP"


def test_hidden_and_wide_characters_do_not_split_words():
    assert normalise("m\u200bã O\u200bTP", KNOWLEDGE).plain == "ma otp"
    assert normalise("ＯＴＰ", KNOWLEDGE).plain == "otp"


@pytest.mark.parametrize(
    ("written", "host"),
    [
        ("vao vneid-gov [.] vn ngay", "vneid-gov.vn"),
        ("hxxps://dichvucong-gov (.) vn/nop", "dichvucong-gov.vn"),
        ("trang vneid chấm gov chấm vn", "vneid.gov.vn"),
        ("trang vneid cham gov cham vn", "vneid.gov.vn"),
        ("vào quatang-vip . xyz nhé", "quatang-vip.xyz"),
        ("https://user@evil.example/x", "evil.example"),
        ("WWW.VIETCOMBANK.COM.VN", "vietcombank.com.vn"),
        ("http://103.4.5.6:8080/login", "103.4.5.6"),
        ("Ｖｎｅｉｄ．ｇｏｖ．ｖｎ", "vneid.gov.vn"),
    ],
)
def test_disguised_links_are_found(written: str, host: str):
    assert host in [link.host for link in find_links(normalise(written, KNOWLEDGE), KNOWLEDGE)]


@pytest.mark.parametrize(
    "written",
    [
        "Số dư 12.500.000đ",
        "TP.HCM, ngày 5.12",
        "Ngân hàng bị chậm. Com",
        "cài tệp .apk lạ",
        "v.v. và",
        "a@b.com",
    ],
)
def test_numbers_and_sentences_are_not_links(written: str):
    assert [link.host for link in find_links(normalise(written, KNOWLEDGE), KNOWLEDGE)] == []
