"""Phone numbers, account numbers and amounts of money in a message.

On their own these are weak signs (a genuine bill has an amount, a genuine shipper a phone
number), so they weigh little; what matters is what comes with them. Two are stronger: a foreign
or impossible prefix (+882, +840: the fake police calls) and a number the message asks you to
call back (see the `call_back` phrases, which need a phone number found here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from content.scam_data import Knowledge
from flows.scam_check.links import is_ip
from flows.scam_check.normalise import Normalised

_AMOUNT = r"(?:\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)"
_UNIT = r"(?:vnd|dong|d|k|nghin|ngan|trieu|tr|cu|ty|usd|do la|dola|dollars?|millions?)"
# Not followed by "-digits": "30K-000.00" is a number plate, not 30,000 VND.
_MONEY = re.compile(
    rf"(?<![\w.,])(?:{_AMOUNT}\s?{_UNIT}|(?:vnd|usd|\$)\s?{_AMOUNT}|{_AMOUNT}\s?\$)(?!\w)(?!-\d)"
)
_DIGITS = re.compile(r"(?<![\w+])\+?\d[\d .\-]{5,20}\d(?!\w)")
_ACCOUNT_BEFORE = re.compile(r"(?:tai khoan|account|acct|acc|stk|a/c|ngan hang|bank)\W*(?:\w+\W+){0,3}$")
_ACCOUNT_AFTER = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:ngan ?hang|bank|\w*bank)")
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")


@dataclass(frozen=True, slots=True)
class Number:
    kind: str  # "phone_number", "unusual_number", "bank_account" or "money_amount"
    start: int
    end: int


def find_numbers(text: Normalised, knowledge: Knowledge) -> list[Number]:
    plain = text.plain
    money = [Number("money_amount", m.start(), m.end()) for m in _MONEY.finditer(plain)]
    found = list(money)
    for match in _DIGITS.finditer(plain):
        start, end = match.span()
        if any(m.start < end and start < m.end for m in money) or is_ip(match.group()):
            continue
        kind = _classify(match.group(), plain[max(0, start - 40) : start], plain[end : end + 30], knowledge)
        if kind:
            found.append(Number(kind, start, end))
    return sorted(found, key=lambda n: n.start)


def _classify(written: str, before: str, after: str, knowledge: Knowledge) -> str:
    digits = re.sub(r"\D", "", written)
    international = written.startswith("+") or (digits.startswith("00") and digits[2:3] not in ("", "0"))
    if international:
        rest = digits[2:] if digits.startswith("00") else digits
        if rest.startswith("84") and not rest.startswith("840") and len(rest) in (11, 12):
            return "phone_number"
        return "unusual_number"
    if any(digits.startswith(prefix) for prefix in knowledge.hotline_prefixes) and len(digits) <= 10:
        return ""
    account_context = bool(_ACCOUNT_BEFORE.search(before) or _ACCOUNT_AFTER.search(after))
    if account_context and 6 <= len(digits) <= 19:
        return "bank_account"
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return "phone_number"
    return ""
