"""The table of cases in content/scam/cases.yaml: each message gets its light, carries the
signals it must and none of those it must not. An editor adds a case by adding a paragraph."""

from __future__ import annotations

import pytest

from content.scam_data import Case, load_cases, load_knowledge
from flows.scam_check import check

CASES = load_cases()


def test_the_table_covers_every_kind_of_sign():
    flagged = {kind for case in CASES for kind in case.flags}
    assert len(CASES) >= 25
    assert {
        "asks_otp", "lookalike_domain", "confusable_domain", "brand_in_subdomain", "shortener",
        "ip_link", "apk_link", "unusual_tld", "unknown_link", "unusual_number", "phone_number",
        "bank_account", "money_amount", "asks_password", "asks_id_photo", "asks_install",
        "remote_access", "urgency", "threat", "impersonation", "too_good", "account_rental",
        "call_back", "keep_secret", "qr_refund", "personal_account",
    } <= flagged


@pytest.mark.parametrize("case", CASES, ids=[f"cases.yaml:{c.line}" for c in CASES])
def test_case(case: Case):
    verdict = check(case.text, load_knowledge())
    kinds = {signal.kind for signal in verdict.signals}
    found = ", ".join(f"{s.kind}({s.detail})" for s in verdict.signals)
    assert verdict.light == case.light, f"{case.note}: {verdict.light} at {verdict.score}, from {found}"
    assert set(case.flags) <= kinds, f"{case.note}: missing {set(case.flags) - kinds}; found {found}"
    assert not set(case.absent) & kinds, f"{case.note}: should not find {set(case.absent) & kinds}"
