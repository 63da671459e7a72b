"""Fact guards: wrong reporting advice that has reached the content before and must not return.

A learner who follows wrong advice about where to check or report a scam loses the one moment
when acting helps, so these facts are checked in every YAML file in every language, sentence by
sentence:

- 156 looks up a domain only when the text starts with the keyword TCTM (`TCTM <domain>`), and
  it answers who registered the domain, not whether the site is a scam (tinnhiemmang.vn does
  that). Reporting a scam text with `S <number> <content>` is a different service and is fine.
- chongluadao.vn takes reports about websites only. Accounts, people and phone numbers are
  reported with the app's own Report button, to the bank and to the police.

A scam drill's message and a quiz's wrong options are left alone: they may state a wrong fact on
purpose (a scammer's words, a distractor the explanation corrects).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

_FLAGS = re.IGNORECASE
# Only the node tree is needed, not values: libyaml's parser keeps the guards from doubling the
# time of a check that already parses every file once in pure Python.
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TRUE = frozenset({"true", "yes", "on"})

HOTLINE_156 = re.compile(r"(?<![\w.+/-])156(?![\w-]|\.\w)")
# The words that make a sentence about a website rather than about a text message or a call.
_WEBSITE = re.compile(
    r"\b(?:tên miền|trang web|trang mạng|tên trang|địa chỉ trang|địa chỉ web|website|đường link|"
    r"đường dẫn|link|domains?|web ?sites?|web address(?:es)?|sites?|links?|url)\b",
    _FLAGS,
)
_ASKS_TO_ACT = re.compile(
    r"\b(?:gửi|nhắn|kiểm tra|tra|báo|soạn|hỏi|send|text|check|report|look up|forward|submit|ask)\b",
    _FLAGS,
)
_DOMAIN_KEYWORD = re.compile(r"\bTCTM\b")
# `S <number> <content>`, `V ...`, `LD ...`: reporting a text or a call, not checking a domain.
_REPORT_SYNTAX = re.compile(r"(?<![\w'])(?:S|LD|V)(?![\w'])")

CHONGLUADAO = re.compile(r"\bchongluadao(?:\.vn)?\b", _FLAGS)
_ACCOUNT_OR_PERSON = re.compile(
    r"\b(?:tài khoản|số điện thoại|số máy|số lạ|số đó|số này|cuộc gọi|trang cá nhân|nick|"
    r"người (?:đó|này|lạ|gọi|gửi|mua|bán|quen|bị)|kẻ đó|"
    r"accounts?|phone numbers?|numbers?|calls?|callers?|person|buyers?|sellers?|senders?|profiles?)\b",
    _FLAGS,
)
# A sentence that says what chongluadao.vn does not take is the fact itself, not a breach of it.
_LIMITS_ITSELF = re.compile(
    r"\b(?:chỉ nhận|không nhận|chỉ dành|không dành|only (?:takes|accepts|handles|for)|"
    r"(?:does not|doesn't|do not|don't) (?:take|accept|handle)|not for)\b",
    _FLAGS,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*(?:[•*-]|\d+[.)])\s)")

TCTM_MESSAGE = (
    "156 checks a domain only with the keyword TCTM ('TCTM <domain>' to 156), and it tells who "
    "registered the domain, not whether the site is a scam: add TCTM, or send the learner to "
    "tinnhiemmang.vn to check a website"
)
CHONGLUADAO_MESSAGE = (
    "chongluadao.vn takes reports about websites only: accounts, people and phone numbers are "
    "reported with the app's Report button, to the bank or to the commune or ward police"
)


@dataclass(frozen=True, slots=True)
class Guard:
    """One fact: `token` marks a sentence worth reading (and finds its line), `breaks` judges it."""

    token: re.Pattern[str]
    breaks: Callable[[str], bool]
    message: str


def _checks_domain_without_tctm(sentence: str) -> bool:
    """Tells the learner to send or check a website through 156 without the TCTM keyword."""
    if _DOMAIN_KEYWORD.search(sentence) or _REPORT_SYNTAX.search(sentence):
        return False
    return bool(_WEBSITE.search(sentence) and _ASKS_TO_ACT.search(sentence))


def _reports_people_to_chongluadao(sentence: str) -> bool:
    """Sends a report about an account, a person or a phone number to chongluadao.vn."""
    return bool(_ACCOUNT_OR_PERSON.search(sentence)) and not _LIMITS_ITSELF.search(sentence)


GUARDS = (
    Guard(HOTLINE_156, _checks_domain_without_tctm, TCTM_MESSAGE),
    Guard(CHONGLUADAO, _reports_people_to_chongluadao, CHONGLUADAO_MESSAGE),
)


@dataclass(frozen=True, slots=True)
class Finding:
    path: Path
    line: int
    message: str


def find(root: Path) -> list[Finding]:
    """Every breach of a guarded fact in the YAML files under `root`, with file and line."""
    findings: list[Finding] = []
    for path in sorted(root.rglob("*.yaml")):
        findings.extend(_find_in_file(path))
    return findings


def _find_in_file(path: Path) -> Iterator[Finding]:
    raw = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(raw, Loader=_PARSER)
    except yaml.YAMLError:
        return  # the loader reports the syntax error with its line
    for node in _texts(root):
        for guard in GUARDS:
            for offset in _breaches(guard, node.value):
                nth = _count(guard.token, node.value[:offset])
                yield Finding(path, _line_of(raw, guard.token, node, nth), guard.message)


def _breaches(guard: Guard, text: str) -> Iterator[int]:
    """Offsets in `text` of the token in each sentence that breaks the guarded fact."""
    for start, sentence in _sentences(text):
        token = guard.token.search(sentence)
        if token and guard.breaks(sentence):
            yield start + token.start()


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    """Sentences and list items with their offsets; a line wrapped inside a sentence stays whole,
    because lesson text is wrapped to fit the editor, not at sentence ends."""
    start = 0
    for end in _SENTENCE_END.finditer(text):
        yield start, text[start : end.start()]
        start = end.end()
    yield start, text[start:]


def _texts(node: yaml.Node | None, key: str = "") -> Iterator[yaml.ScalarNode]:
    """Every text in the file that states facts, in file order."""
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str"):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if not (key == "options" and not _is_true(_field(item, "correct"))):
                yield from _texts(item, key)
    elif isinstance(node, yaml.MappingNode):
        quotes_a_scam = _field(node, "verdict") == "scam"
        for name, value in node.value:
            if not (quotes_a_scam and name.value == "message"):
                yield from _texts(value, str(name.value))


def _field(node: yaml.Node, key: str) -> str | None:
    """The plain value under `key` when `node` is a mapping that has one."""
    if isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            if name.value == key and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return None


def _is_true(value: str | None) -> bool:
    return value is not None and value.lower() in _TRUE


def _count(pattern: re.Pattern[str], text: str) -> int:
    return sum(1 for _ in pattern.finditer(text))


def _line_of(raw: str, token: re.Pattern[str], node: yaml.ScalarNode, nth: int) -> int:
    """The line of the `nth` token in the file from where the text starts: the token is written
    as it reads, so this finds it inside a block of wrapped lines as well."""
    start = node.start_mark.index
    for index, match in enumerate(token.finditer(raw, start)):
        if index == nth:
            return raw.count("\n", 0, match.start()) + 1
    return int(node.start_mark.line) + 1
