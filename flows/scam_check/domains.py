"""How far a link's site is from the official one it may be imitating.

A link to the real site is fine: the bank's own site is where a learner should go. What gives a
fake away is a site that borrows a known name without being it:
- `confusable_domain`: letters swapped for ones that look the same ("vietc0mbank", "vietcornbank",
  Cyrillic "о" hidden in an xn-- domain);
- `brand_in_subdomain`: the known name in front of someone else's site
  ("vietcombank.secure-login.xyz", "dichvucong.gov.vn.hoso.example");
- `lookalike_domain`: the known name, or a slip of it, in a name that is not the official one
  ("vneid-dongbo.example", "vietcombnak.com").
On top of these, cheap endings (.xyz, .top), link shorteners and bare IP addresses are signs of
their own, and any other site is at least "a link to a site that is not an official one".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from content.scam_data import Brand, Knowledge, fold
from flows.scam_check.links import is_ip

_WORD_BREAK = re.compile(r"[-_.\d]+")


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: str
    brand: Brand
    token: str
    exact: bool = True


def judge(host: str, knowledge: Knowledge) -> list[tuple[str, str]]:
    """The (kind, detail) signs of one host; none for an official or well known site."""
    if is_ip(host):
        return [("ip_link", host)]
    if _is_trusted(host, knowledge):
        return []
    labels = host.split(".")
    registered = _registered(labels, knowledge)
    if ".".join(registered) in knowledge.shorteners or host in knowledge.shorteners:
        return [("shortener", host)]
    found: list[tuple[str, str]] = []
    hit = _imitation(labels, registered, knowledge)
    if hit:
        found.append((hit.kind, hit.brand.official))
    if labels[-1] in knowledge.unusual_tlds:
        found.append(("unusual_tld", host))
    return found or [("unknown_link", host)]


def skeleton(text: str, knowledge: Knowledge) -> str:
    """`text` with look-alike characters replaced by the letter they imitate (both sides of a
    comparison go through this, so only a difference that shows on screen is left)."""
    return _skeleton(text, knowledge.confusables)


@lru_cache(maxsize=8192)
def _skeleton(text: str, confusables: tuple[tuple[str, str], ...]) -> str:
    text = fold(text)
    for source, target in confusables:
        text = text.replace(source, target)
    return text


def _is_trusted(host: str, knowledge: Knowledge) -> bool:
    labels = host.split(".")
    for start in range(len(labels)):
        suffix = ".".join(labels[start:])
        if (
            suffix in knowledge.official_domains
            or suffix in knowledge.well_known_domains
            or suffix in knowledge.official_suffixes
        ):
            return True
    return False


def _registered(labels: list[str], knowledge: Knowledge) -> list[str]:
    """The labels someone registered: "abc.com.vn" of "x.abc.com.vn", "abc.xyz" of "x.abc.xyz"."""
    if len(labels) >= 3 and ".".join(labels[-2:]) in knowledge.second_level_suffixes:
        return labels[-3:]
    return labels[-2:]


def _imitation(labels: list[str], registered: list[str], knowledge: Knowledge) -> _Hit | None:
    decoded = [_decode(label) for label in labels]
    disguised = any(d != label or not label.isascii() for d, label in zip(decoded, labels, strict=True))
    cut = len(labels) - len(registered)
    front = decoded[:cut]
    name = decoded[cut : cut + 1]
    hits = [
        *_hits("brand_in_subdomain", front, knowledge, typos=False),
        *_hits("lookalike_domain", name, knowledge, typos=True),
    ]
    if not hits:
        return None
    # The name written out beats a slip of another ("lpbank" is LPBank, not a slip of VPBank).
    best = max(hits, key=lambda h: (h.exact, len(h.token)))
    if disguised:
        return _Hit("confusable_domain", best.brand, best.token)
    return best


def _hits(kind: str, labels: list[str], knowledge: Knowledge, typos: bool) -> Iterable[_Hit]:
    if not labels:
        return
    joined = "".join(label.replace("-", "").replace("_", "") for label in labels)
    words = [w for label in labels for w in _WORD_BREAK.split(fold(label)) if w]
    words_skeleton = {skeleton(w, knowledge) for w in words}
    joined_skeleton = skeleton(joined, knowledge)
    for brand in knowledge.brands:
        for token in brand.tokens:
            if len(token) <= 4:
                if token in words:
                    yield _Hit(kind, brand, token)
                elif skeleton(token, knowledge) in words_skeleton:
                    yield _Hit("confusable_domain", brand, token)
                continue
            if token in fold(joined):
                yield _Hit(kind, brand, token)
            elif skeleton(token, knowledge) in joined_skeleton:
                yield _Hit("confusable_domain", brand, token)
            elif typos and any(_slip(word, token) for word in (*words, fold(joined))):
                yield _Hit(kind, brand, token, exact=False)


def _slip(word: str, token: str) -> bool:
    """Within one typing slip of a brand name (two for a long one), but not the name itself."""
    allowed = 1 if len(token) < 8 else 2
    if word == token or len(word) < 4 or abs(len(word) - len(token)) > allowed:
        return False
    return Levenshtein.distance(word, token, score_cutoff=allowed) <= allowed


def _decode(label: str) -> str:
    """A punycode label (xn--...) as the letters it shows on screen."""
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return label
