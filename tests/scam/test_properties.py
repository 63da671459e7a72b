"""Whatever people paste, the checker answers: it never raises, shows each kind once, strongest
first, and never hands the message back inside a signal."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.scam_data import load_knowledge, load_labelled
from flows.scam_check import Memory, Verdict, check
from flows.scam_check.normalise import QUOTE_CHARS
from flows.scam_check.verdict import light_for

KNOWLEDGE = load_knowledge()
MEMORY = Memory([(m.text, m.label, 1) for m in load_labelled()[:40]], threshold=KNOWLEDGE.thresholds.memory)

FRAGMENTS = st.sampled_from([
    "mã OTP", "doc ma otp", "không", "https://", "hxxp://", "[.]", " chấm ", " . ", "vneid-gov.vn.example",
    "xn--vetinbank-v9h.com", "vietc0mbank.com.vn", "bit.ly/x", "103.4.5.6", "a.apk", "+882 1234 5678",
    "0912 345 678", "1900 545 413", "stk 0000 1111 2222", "5tr", "50 k", "k", "tk", "ck gap", "đừng",
    "gấp", "gặp", "bí mật", "bị mất", "hôm nay", "24h", ",", ".", "\n", "😀", "\u200b", "\u0301", "İ",
    "ﬁ", "ß", "\x00", "\u202e", "Ｖｎｅｉｄ．ｇｏｖ．ｖｎ", "ѕacombank.com.vn", "%", "#", "(", "[", "*",
])
MESSAGES = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=40).map(" ".join),
    st.lists(FRAGMENTS, max_size=60).map("".join),
)


def _check_invariants(text: str, verdict: Verdict) -> None:
    kinds = [s.kind for s in verdict.signals]
    assert len(kinds) == len(set(kinds))
    weights = [s.weight for s in verdict.signals]
    assert weights == sorted(weights, reverse=True)
    assert verdict.score == round(sum(weights), 3)
    if verdict.remembered is None:
        assert verdict.light == light_for(verdict.score, KNOWLEDGE.thresholds)
    stripped = text.strip()
    for signal in verdict.signals:
        assert signal.kind in KNOWLEDGE.labels
        if len(stripped) > 2 * QUOTE_CHARS:
            assert stripped not in signal.detail


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MESSAGES)
def test_check_never_raises_and_keeps_its_promises(text: str):
    _check_invariants(text, check(text, KNOWLEDGE))
    _check_invariants(text, check(text, KNOWLEDGE, MEMORY))


def test_odd_inputs():
    odd = [
        "", " ", "\n\n", "😀" * 50, "\x00\x01\x02\x1b[31m", "\u200b" * 100, "\u0301\u0301",
        "a" * 10_000, "mã OTP " * 2_000, "http://" * 1_000, "[.]" * 3_000, "+" * 5_000,
        "9" * 10_000, "ĐÂY LÀ TIN NHẮN VIẾT HOA " * 300, "\ud800 lone surrogate", "\uffff",
        "İstanbul İİİ", "ﬁnal ﬂag", "0" + " 0" * 5_000,
    ]
    for text in odd:
        _check_invariants(text, check(text, KNOWLEDGE, MEMORY))


def test_a_detail_is_never_the_whole_message():
    for message in load_labelled():
        for signal in check(message.text, KNOWLEDGE).signals:
            assert message.text.strip() not in signal.detail
            assert len(signal.detail) <= 80, f"{message.id}: {signal.kind} shows too much: {signal.detail!r}"
