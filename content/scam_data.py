"""What the "is this a scam?" checker compares a message with, read from content/scam/*.yaml.

The checker (flows/scam_check) is pure: it is handed a `Knowledge` and never opens a file, so the
lists it trusts (official domains, brands, phrases, weights, thresholds) are content that an
editor changes and a reviewer reads, not code. Everything is checked here, once, at start-up: a
phrase that is not a valid pattern or a signal without a label stops the bot with the file and
the line, rather than silently matching nothing in front of a frightened learner.

Phrases are matched on two forms of a message (see `fold`): without diacritics, so "ma otp"
finds "mã OTP" and the many messages typed without them; and, for a phrase written with
diacritics, on the message as written when it has diacritics too, because folding merges words
that must stay apart ("gấp" is urgent, "gặp" is to meet).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from content.loader import CONTENT_ROOT, load
from content.yaml_lines import YamlError, YamlMap, read_yaml

SCAM_ROOT = CONTENT_ROOT / "scam"
LANGUAGES = ("vi", "en")

# A phrase's words may be separated by anything but the end of a sentence, so "đọc, mã" and
# "đọc mã" are one phrase while a full stop starts a new thought.
_SEPARATOR = r"(?:[^\w.!?;\n]+)"
# `*` in a phrase: up to four words in between ("đọc giúp em cái mã").
_GAP = rf"{_SEPARATOR}(?:\w+{_SEPARATOR}){{0,4}}?"
# `#` in a phrase: a number as people write it (5, 1.5, 500.000).
_NUMBER = r"\d+(?:[.,]\d+)*"
_WORD_START = r"(?<!\w)"
_TOKEN = re.compile(r"\{\w+\}|\*|#|[()|?]|\s+|[^\s(){}|?*#]+")


class ScamDataError(Exception):
    """Raised at start-up when content/scam has a problem, naming the file and the line."""


@cache
def fold_char(char: str) -> str:
    """One character lower-cased without its diacritics: "Ấ" is "a", "đ" is "d".

    Nearly every character folds to exactly one, which keeps a folded message aligned with the
    message as written, so a match can be quoted back in the learner's own spelling. Invisible
    format characters (zero-width spaces put inside words to dodge filters) fold to nothing.
    """
    if unicodedata.category(char) == "Cf":
        return ""
    if unicodedata.category(char) == "Cc":
        return char if char in "\n\t" else " "
    lowered = char.lower().replace("đ", "d")
    bare = "".join(c for c in unicodedata.normalize("NFKD", lowered) if unicodedata.category(c) != "Mn")
    return bare or lowered


def fold(text: str) -> str:
    """`text` lower-cased without diacritics, character by character."""
    return "".join(fold_char(c) for c in unicodedata.normalize("NFC", text))


def has_marks(text: str) -> bool:
    """Whether `text` is written with Vietnamese diacritics (a letter whose fold differs)."""
    return any(c.isalpha() and fold_char(c) != c.lower() for c in text)


@dataclass(frozen=True, slots=True)
class Matcher:
    """A list of phrases compiled for both forms of a message.

    `bare` holds every phrase folded and is used on a message typed without diacritics. On a
    message with diacritics, `plain` (the phrases written without them) runs on the folded
    message and `marked` (the phrases written with them) on the message as written.
    """

    sources: tuple[str, ...]
    bare: re.Pattern[str] | None
    plain: re.Pattern[str] | None
    marked: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class Rule:
    """Phrases that raise one kind of signal.

    `needs` is "link" when the phrase only counts beside a link that is not official ("nhập mã
    OTP" is what a genuine OTP text says, and what a fake site asks), or "phone" when it needs a
    phone number in the message ("gọi ngay số..."), and `together` holds phrases of which one
    must be somewhere in the message too ("quét mã QR" counts beside "hoàn tiền"). `negatable`
    phrases are dropped when a negation comes before them in the same clause ("không cung cấp
    mã cho bất kỳ ai"), and `unless` phrases anywhere in the same sentence cancel them ("cài từ
    CH Play").
    """

    kind: str
    phrases: Matcher
    needs: Literal["", "link", "phone"] = ""
    negatable: bool = False
    unless: Matcher | None = None
    together: Matcher | None = None


@dataclass(frozen=True, slots=True)
class Brand:
    """A bank, public service or app scammers imitate, and the domain that is really its own."""

    name: str
    official: str
    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Label:
    """What a signal means in plain words, and the lesson that teaches it."""

    vi: str
    en: str
    lesson: str
    weight: float

    def text(self, language: str, detail: str = "") -> str:
        """The label in `language` (Vietnamese for a language without labels yet), with the
        signal's detail in place of `{detail}`."""
        template = self.en if language == "en" else self.vi
        return template.replace("{detail}", detail)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Scores at and above which a message is red or yellow, and the similarity at and above
    which the memory of confirmed messages decides; chosen on the labelled set (see
    docs/scam-check.md), not by eye."""

    red: float
    yellow: float
    memory: float


_MISSING = "\0"
_BRACKETED = re.compile(r"\s*\([\s“”\"]*\0[\s“”\"]*\)")


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything the checker compares a message with (content/scam/knowledge.yaml, lexicon.yaml,
    signals.yaml, thresholds.yaml). Loaded once by `load_knowledge`, then passed to the pure
    checker, so a test can hand it a different one and the checker never touches a file."""

    official_domains: frozenset[str]
    official_suffixes: frozenset[str]
    well_known_domains: frozenset[str]
    second_level_suffixes: frozenset[str]
    brands: tuple[Brand, ...]
    shorteners: frozenset[str]
    unusual_tlds: frozenset[str]
    known_tlds: frozenset[str]
    confusables: tuple[tuple[str, str], ...]
    hotline_prefixes: tuple[str, ...]
    abbreviations: Mapping[str, str]
    kept_after_number: frozenset[str]
    negations: Matcher
    warnings: Matcher
    rules: tuple[Rule, ...]
    labels: Mapping[str, Label]
    thresholds: Thresholds

    def describe_kind(self, kind: str, language: str) -> str:
        """A signal kind in plain words without what was found (a stored report keeps only the
        kinds): a detail in brackets or quotes goes with them, one inside the sentence is "…"."""
        words = _BRACKETED.sub("", self.describe(kind, _MISSING, language))
        return " ".join(words.replace(_MISSING, "…").split())

    def describe(self, kind: str, detail: str, language: str) -> str:
        """A signal in plain words for the learner, e.g. "đường link giả giống trang
        vneid.gov.vn"; the kind itself for a kind without a label."""
        label = self.labels.get(kind)
        return label.text(language, detail) if label else kind


@dataclass(frozen=True, slots=True)
class Labelled:
    """A message whose answer is known: a curriculum drill or a message in labelled.yaml."""

    id: str
    language: str
    text: str
    label: Literal["scam", "safe"]
    hard: bool


@dataclass(frozen=True, slots=True)
class Case:
    """A table-driven test case from cases.yaml."""

    line: int
    text: str
    light: Literal["red", "yellow", "green"]
    flags: tuple[str, ...]
    absent: tuple[str, ...]
    note: str


@lru_cache(maxsize=4)
def load_knowledge(root: Path = SCAM_ROOT) -> Knowledge:
    """The checker's knowledge, read once per process (it is immutable, so sharing it is safe)."""
    with _reading(root / "signals.yaml") as signals:
        labels = {str(kind): _label(kind, entry) for kind, entry in _table(signals, "signals").items()}
    with _reading(root / "lexicon.yaml") as lexicon:
        terms = {str(name): tuple(_strings(lexicon, name, v)) for name, v in _table(lexicon, "terms").items()}
        rules = []
        for entry in _list(lexicon, "rules"):
            kind = _text(entry, "kind")
            if kind not in labels:
                raise _AtLine(entry.line_of("kind"), f"'{kind}' has no label in signals.yaml")
            rules.append(_rule(kind, entry, terms))
        abbreviations = {fold(str(k)): _nfc(str(v)) for k, v in _table(lexicon, "abbreviations").items()}
        kept = frozenset(fold(s) for s in _strings(lexicon, "kept_after_number"))
        negations = _matcher(lexicon, "negations", _strings(lexicon, "negations"), terms)
        warnings = _matcher(lexicon, "warnings", _strings(lexicon, "warnings"), terms)
    with _reading(root / "knowledge.yaml") as domains:
        brands = tuple(_brand(item) for item in _list(domains, "brands"))
        pairs = ((str(k), str(v)) for k, v in _table(domains, "confusables").items())
        confusables = tuple(sorted(pairs, key=lambda pair: -len(pair[0])))
        hotlines = tuple(_strings(domains, "hotline_prefixes"))
        sets = {key: _domains(domains, key) for key in (
            "official_domains", "official_suffixes", "well_known_domains", "second_level_suffixes",
            "shorteners", "unusual_tlds", "known_tlds")}
    with _reading(root / "thresholds.yaml") as thresholds:
        chosen = Thresholds(_number(thresholds, "red"), _number(thresholds, "yellow"),
                            _number(thresholds, "memory"))
    return Knowledge(
        official_domains=sets["official_domains"],
        official_suffixes=sets["official_suffixes"],
        well_known_domains=sets["well_known_domains"],
        second_level_suffixes=sets["second_level_suffixes"],
        brands=brands,
        shorteners=sets["shorteners"],
        unusual_tlds=sets["unusual_tlds"],
        known_tlds=sets["known_tlds"] | sets["unusual_tlds"],
        confusables=confusables,
        hotline_prefixes=hotlines,
        abbreviations=MappingProxyType(abbreviations),
        kept_after_number=kept,
        negations=negations,
        warnings=warnings,
        rules=tuple(rules),
        labels=MappingProxyType(labels),
        thresholds=chosen,
    )


def load_labelled(root: Path = SCAM_ROOT) -> tuple[Labelled, ...]:
    """The labelled set: every curriculum drill in Vietnamese and English (read through the
    curriculum's own loader, so a new drill joins the set without a copy) and the messages in
    labelled.yaml. The drills named under `drills.hard` are the hard ones."""
    curricula = load().curricula
    found: list[Labelled] = []
    with _reading(root / "labelled.yaml") as data:
        drills = _table(data, "drills")
        hard_drills = set(_strings(drills, "hard"))
        known = {drill.id for drill in curricula["vi"].drills}
        for unknown in sorted(hard_drills - known):
            raise _AtLine(drills.line_of("hard"), f"'{unknown}' under drills.hard is not a drill id")
        for language in LANGUAGES:
            for drill in curricula[language].drills:
                label: Literal["scam", "safe"] = "scam" if drill.verdict == "scam" else "safe"
                found.append(Labelled(f"{drill.id}:{language}", language, drill.message.strip(), label,
                                      drill.id in hard_drills))
        seen: set[str] = set()
        for entry in _list(data, "messages"):
            message_id = _text(entry, "id")
            if message_id in seen:
                raise _AtLine(entry.line_of("id"), f"duplicate id '{message_id}'")
            seen.add(message_id)
            verdict = _text(entry, "label")
            if verdict not in ("scam", "safe"):
                raise _AtLine(entry.line_of("label"), "label must be scam or safe")
            language = _text(entry, "language")
            if language not in LANGUAGES:
                raise _AtLine(entry.line_of("language"), f"language must be one of {', '.join(LANGUAGES)}")
            hard = entry.get("hard", False)
            if not isinstance(hard, bool):
                raise _AtLine(entry.line_of("hard"), "hard must be true or false")
            found.append(Labelled(message_id, language, _text(entry, "text").strip(),
                                  "scam" if verdict == "scam" else "safe", hard))
    return tuple(found)


def load_cases(root: Path = SCAM_ROOT) -> tuple[Case, ...]:
    """The checker's table-driven test cases."""
    cases = []
    with _reading(root / "cases.yaml") as data:
        for entry in _list(data, "cases"):
            light = _text(entry, "light")
            if light not in ("red", "yellow", "green"):
                raise _AtLine(entry.line_of("light"), "light must be red, yellow or green")
            cases.append(Case(
                entry.line,
                _text(entry, "text").strip(),
                "red" if light == "red" else "yellow" if light == "yellow" else "green",
                tuple(_strings(entry, "flags")) if "flags" in entry else (),
                tuple(_strings(entry, "absent")) if "absent" in entry else (),
                str(entry.get("note", "")),
            ))
    return tuple(cases)


def compile_phrase(source: str, terms: Mapping[str, tuple[str, ...]], marked: bool) -> str:
    """The regular expression for one phrase.

    A phrase is words in lower case, where `*` is up to four words, `#` a number, `(a|b)` either
    and `(a )?` optional, and `{name}` any phrase of the term list `name`. A phrase starting with
    `re:` is a regular expression as it is (over the folded message; `{name}` still works).
    """
    if source.startswith("re:"):
        return _expand_terms(source[3:], terms, marked)
    text = unicodedata.normalize("NFC", source.lower()) if marked else fold(source)
    text = re.sub(r"\s*\*\s*", "*", text.strip())
    parts: list[str] = []
    for token in _TOKEN.findall(text):
        if token == "*":
            parts.append(_GAP)
        elif token == "#":
            parts.append(_NUMBER)
        elif token == "(":
            parts.append("(?:")
        elif token in ")|?":
            parts.append(token)
        elif token.isspace():
            parts.append(_SEPARATOR)
        elif token.startswith("{") and token.endswith("}"):
            parts.append(_term(token[1:-1], terms, marked))
        else:
            parts.append(re.escape(token))
    return _WORD_START + "".join(parts) + r"(?!\w)"


def _term(name: str, terms: Mapping[str, tuple[str, ...]], marked: bool) -> str:
    if name not in terms:
        raise ValueError(f"unknown term '{{{name}}}'")
    inner = [compile_phrase(phrase, {}, marked) for phrase in terms[name]]
    return "(?:" + "|".join(inner) + ")"


def _expand_terms(expression: str, terms: Mapping[str, tuple[str, ...]], marked: bool) -> str:
    return re.sub(r"\{([a-z_]+)\}", lambda m: _term(m.group(1), terms, marked), expression)


def _matcher(where: YamlMap, key: str, sources: list[str], terms: Mapping[str, tuple[str, ...]]) -> Matcher:
    """The phrases compiled three ways (see `Matcher`); a bad phrase is named with its line."""

    def combined(phrases: list[str], marked: bool) -> re.Pattern[str] | None:
        if not phrases:
            return None
        for phrase in phrases:
            try:
                re.compile(compile_phrase(phrase, terms, marked))
            except (re.error, ValueError) as error:
                raise _AtLine(where.line_of(key), f"phrase '{phrase}' is not valid: {error}") from None
        # The word-start check written once in front of all the words phrases, not once per
        # phrase, lets the regex engine skip the middle of words: three times faster.
        compiled = [compile_phrase(p, terms, marked) for p in phrases]
        words = [c.removeprefix(_WORD_START) for c in compiled if c.startswith(_WORD_START)]
        raw = [c for c in compiled if not c.startswith(_WORD_START)]
        alternatives = ([f"{_WORD_START}(?:{'|'.join(words)})"] if words else []) + [f"(?:{r})" for r in raw]
        return re.compile("|".join(alternatives))

    common = [p for p in sources if p[:1] not in "=~"]
    marked_only = [p[1:] for p in sources if p.startswith("=")]
    bare_only = [p[1:] for p in sources if p.startswith("~")]
    precise = [p for p in common if has_marks(p.removeprefix("re:"))] + marked_only
    loose = [p for p in common if not has_marks(p.removeprefix("re:"))]
    return Matcher(tuple(sources), combined(common + bare_only, False), combined(loose, False),
                   combined(precise, True))


def _rule(kind: str, entry: YamlMap, terms: Mapping[str, tuple[str, ...]]) -> Rule:
    needs = str(entry.get("needs", ""))
    if needs not in ("", "link", "phone"):
        raise _AtLine(entry.line_of("needs"), "needs must be link or phone")
    phrases = _matcher(entry, "phrases", _strings(entry, "phrases"), terms)
    unless = _matcher(entry, "unless", _strings(entry, "unless"), terms) if "unless" in entry else None
    together = _matcher(entry, "with", _strings(entry, "with"), terms) if "with" in entry else None
    return Rule(
        str(kind),
        phrases,
        "link" if needs == "link" else "phone" if needs == "phone" else "",
        entry.get("negatable") is True,
        unless,
        together,
    )


def _label(kind: str, entry: Any) -> Label:
    if not isinstance(entry, YamlMap):
        raise _AtLine(0, f"signal '{kind}' needs vi, en, lesson and weight")
    return Label(_text(entry, "vi"), _text(entry, "en"), _text(entry, "lesson"), _number(entry, "weight"))


def _brand(entry: YamlMap) -> Brand:
    tokens = tuple(fold(t) for t in _strings(entry, "tokens"))
    return Brand(_text(entry, "name"), _text(entry, "official").lower(), tokens)


class _AtLine(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@contextmanager
def _reading(path: Path) -> Iterator[YamlMap]:
    """The top mapping of `path`; any problem found while using it is raised as a
    ScamDataError that names the file and the line."""
    name = _name(path)
    try:
        data = read_yaml(path)
    except FileNotFoundError:
        raise ScamDataError(f"{name}: file is missing") from None
    except YamlError as error:
        raise ScamDataError(f"{name}:{error.line}: {error.message}") from None
    if not isinstance(data, YamlMap):
        raise ScamDataError(f"{name}:1: expected a mapping at the top")
    try:
        yield data
    except _AtLine as problem:
        raise ScamDataError(f"{name}:{problem.line}: {problem.message}") from None


def _table(data: YamlMap, key: str) -> YamlMap:
    table = data.get(key)
    if not isinstance(table, YamlMap):
        raise _AtLine(data.line_of(key), f"expected '{key}:' to be a mapping")
    return table


def _list(data: YamlMap, key: str) -> list[YamlMap]:
    items = data.get(key)
    if not isinstance(items, list):
        raise _AtLine(data.line_of(key), f"expected '{key}:' to be a list")
    for item in items:
        if not isinstance(item, YamlMap):
            raise _AtLine(data.line_of(key), f"expected every item of '{key}:' to be a mapping")
    return items


def _strings(data: YamlMap, key: str, values: Any = None) -> list[str]:
    values = data.get(key) if values is None else values
    if not isinstance(values, list) or not all(isinstance(v, str | int | float) for v in values):
        raise _AtLine(data.line_of(key), f"expected '{key}' to be a list of texts")
    return [str(v) for v in values]


def _text(entry: YamlMap, key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _AtLine(entry.line_of(key), f"'{key}' must be a text")
    return value


def _number(data: YamlMap, key: str) -> float:
    value = data.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _AtLine(data.line_of(key), f"'{key}' must be a number")
    return float(value)


def _domains(data: YamlMap, key: str) -> frozenset[str]:
    return frozenset(s.lower().strip(".") for s in _strings(data, key))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.lower())


def _name(path: Path) -> str:
    try:
        return str(path.relative_to(CONTENT_ROOT.parent))
    except ValueError:
        return str(path)
