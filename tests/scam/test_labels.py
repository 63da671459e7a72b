"""Every sign the checker can show has plain words in Vietnamese and English and points at a
lesson that exists, and the words read well with what was found."""

from __future__ import annotations

import pytest

from content.library import Library
from content.scam_data import load_knowledge, load_labelled
from flows.scam_check import check, emitted_kinds

KNOWLEDGE = load_knowledge()


@pytest.mark.parametrize("kind", sorted(emitted_kinds(KNOWLEDGE)))
def test_every_kind_has_labels_in_both_languages_and_a_lesson(kind: str, library: Library):
    label = KNOWLEDGE.labels.get(kind)
    assert label is not None, f"'{kind}' has no entry in content/scam/signals.yaml"
    assert label.vi.strip() and label.en.strip()
    assert label.vi != label.en
    assert label.lesson in library.curriculum("vi").lessons, f"'{kind}': no lesson '{label.lesson}'"
    assert label.weight > 0


def test_no_label_is_left_without_a_signal():
    assert set(KNOWLEDGE.labels) == emitted_kinds(KNOWLEDGE)


def test_a_label_that_shows_the_detail_always_gets_one():
    for message in load_labelled():
        for signal in check(message.text, KNOWLEDGE).signals:
            if "{detail}" in KNOWLEDGE.labels[signal.kind].vi:
                assert signal.detail, f"{message.id}: {signal.kind} has no detail for its label"


def test_a_signal_reads_as_plain_words():
    verdict = check("Cập nhật tài khoản tại vneid-gov.vn.example ngay hôm nay", KNOWLEDGE)
    words = {s.kind: KNOWLEDGE.describe(s.kind, s.detail, "vi") for s in verdict.signals}
    assert words["brand_in_subdomain"] == (
        "đường link mượn tên vneid.gov.vn ở đầu, nhưng phần cuối là một trang lạ"
    )
    assert KNOWLEDGE.describe("urgency", "hôm nay", "en") == "pushes you to act right away (“hôm nay”)"
    # A language without labels of its own reads the Vietnamese ones.
    assert KNOWLEDGE.describe("asks_otp", "", "hmn") == "đòi mã OTP"
