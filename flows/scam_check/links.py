"""Links in a message, including the ones written so that filters miss them.

Scam texts write "vneid-gov [.] vn", "hxxps://", "abc chấm com" or "abc . com" so that a phone
or an app does not turn them into links. People copying such a text keep the trick, so the
checker undoes it before looking. A word is only read as a domain when it ends in a known
ending or comes after http://, so "12.500" and "TP.HCM" stay what they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from content.scam_data import Knowledge
from flows.scam_check.normalise import Normalised

_SCHEME = re.compile(r"h(?:xx|\*\*|tt)p(s?)\s*(?:\[:\]|\(:\)|:)\s*//", re.IGNORECASE)
_DOT = re.compile(
    r"(?<=\w)(?:\s*(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\[chấm\]|\(chấm\)|\[cham\]|\(cham\))\s*"
    r"|\s+(?:dot|chấm|cham)\s+|\s+\.\s*)(?=\w)"
)
_URL = re.compile(
    r"(?<![\w@.-])(?:(https?)://(?:[^\s/@]+@)?)?((?:[\w-]+\.)+[\w-]+)(?::\d{1,5})?((?:/[^\s<>\"'“”]*)?)"
)
_APK_NAME = re.compile(r"(?<![\w.-])[\w.-]*\w\.apk(?!\w)")


@dataclass(frozen=True, slots=True)
class Link:
    host: str
    path: str
    scheme: bool

    @property
    def apk(self) -> str:
        """The .apk file the link downloads, or ""."""
        name = self.path.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
        return name if name.endswith(".apk") else ""


def find_links(text: Normalised, knowledge: Knowledge) -> list[Link]:
    revealed = _DOT.sub(".", _SCHEME.sub(lambda m: f"http{m.group(1)}://", text.lowered))
    links = []
    for match in _URL.finditer(revealed):
        scheme, host, path = bool(match.group(1)), match.group(2).strip("-"), match.group(3)
        host = host.removeprefix("www.")
        if _is_domain(host, scheme, knowledge):
            links.append(Link(host, path.rstrip(".,;:!?)]}"), scheme))
    return links


def apk_names(text: Normalised) -> Iterator[tuple[int, str]]:
    """.apk files named outside a link ("cài tệp etax-moi.apk"), with where each starts in the
    message (the caller drops the ones a warning negates: "đừng cài tệp .apk lạ")."""
    for match in _APK_NAME.finditer(text.lowered):
        yield match.start(), match.group()


def is_ip(host: str) -> bool:
    parts = host.split(".")
    return len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts)


def _is_domain(host: str, scheme: bool, knowledge: Knowledge) -> bool:
    if is_ip(host):
        return True
    tld = host.rsplit(".", 1)[-1]
    if tld.isdigit() or not tld:
        return False
    return scheme or tld in knowledge.known_tlds or tld.startswith("xn--")
