"""Telegram HTML: parsing, the allowed tag set, and lengths after parsing.

Telegram rejects a whole message when its HTML is malformed ("can't parse
entities"), and counts the 4096/1024 limits on the text *after* tags are
removed. Both are easy to get wrong in content files, so the sandbox parses
exactly the subset Telegram documents and reports errors in Telegram's words,
with the byte offset Telegram would give. It also produces the entities the
real server would put in the returned Message (offsets in UTF-16 code units).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_OTHER_TAGS = frozenset({"a", "span", "blockquote", "tg-emoji", "tg-time"})
ALLOWED_TAGS = frozenset(_SIMPLE_TAGS) | _OTHER_TAGS
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
_SPACE = " \t\r\n"


class MarkupError(ValueError):
    """Malformed or unsupported markup; the message is Telegram's wording."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    """Text as the reader sees it, with the entities the markup produced."""

    text: str
    entities: tuple[dict[str, Any], ...] = ()


@dataclass(slots=True)
class _Open:
    name: str
    attrs: dict[str, str]
    start: int


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def text_length(text: str) -> int:
    """Telegram's "characters" for the 4096/1024 limits: Unicode code points."""
    return len(text)


def parse_text(source: str, parse_mode: str | None) -> ParsedText:
    """Apply ``parse_mode``: HTML is parsed and checked; Markdown modes pass through.

    MarkdownV2/Markdown are accepted but not validated (the project writes
    HTML); their length is then measured on the raw text.
    """
    if not parse_mode:
        return ParsedText(source)
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(source)
    if mode in ("markdown", "markdownv2"):
        return ParsedText(source)
    raise MarkupError(f"unsupported parse_mode {parse_mode!r}")


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into plain text and entities, or raise :class:`MarkupError`."""
    return _HtmlParser(source).run()


class _HtmlParser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.chunks: list[str] = []
        self.utf16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    # -- errors ---------------------------------------------------------------
    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def _fail(self, message: str, index: int | None = None) -> MarkupError:
        if index is None:
            return MarkupError(f"can't parse entities: {message}")
        return MarkupError(f"can't parse entities: {message} at byte offset {self._byte_offset(index)}")

    # -- driver ---------------------------------------------------------------
    def run(self) -> ParsedText:
        source = self.source
        length = len(source)
        while self.pos < length:
            next_lt = source.find("<", self.pos)
            next_amp = source.find("&", self.pos)
            stops = [index for index in (next_lt, next_amp) if index >= 0]
            stop = min(stops) if stops else length
            if stop > self.pos:
                self._emit(source[self.pos : stop])
                self.pos = stop
            if stop == length:
                break
            if source[stop] == "&":
                self._entity()
            elif source.startswith("</", stop):
                self._end_tag()
            else:
                self._start_tag()
        if self.stack:
            name = self.stack[-1].name
            raise self._fail(f'Can\'t find end tag corresponding to start tag "{name}"')
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return ParsedText("".join(self.chunks), tuple(self.entities))

    def _emit(self, text: str) -> None:
        self.chunks.append(text)
        self.utf16 += utf16_length(text)

    # -- character references -------------------------------------------------
    def _entity(self) -> None:
        start = self.pos
        end = self.source.find(";", start + 1, start + 12)
        body = self.source[start + 1 : end] if end > 0 else ""
        char = _decode_entity(body) if body else None
        if char is None:
            raise self._fail('Unknown HTML entity or unescaped "&"', start)
        self._emit(char)
        self.pos = end + 1

    # -- tags -----------------------------------------------------------------
    def _read_name(self, index: int) -> tuple[str, int]:
        end = index
        source = self.source
        while end < len(source) and source[end] in _NAME_CHARS:
            end += 1
        return source[index:end].lower(), end

    def _start_tag(self) -> None:
        start = self.pos
        name, index = self._read_name(start + 1)
        if name not in ALLOWED_TAGS:
            raise self._fail(f'Unsupported start tag "{name}"', start)
        attrs, index = self._read_attributes(index, start)
        self._check_tag(name, attrs, start)
        self.stack.append(_Open(name, attrs, self.utf16))
        self.pos = index

    def _read_attributes(self, index: int, tag_start: int) -> tuple[dict[str, str], int]:
        source = self.source
        attrs: dict[str, str] = {}
        while True:
            while index < len(source) and source[index] in _SPACE:
                index += 1
            if index >= len(source):
                raise self._fail("Unclosed start tag", tag_start)
            if source[index] == ">":
                return attrs, index + 1
            name, after = self._read_name(index)
            if not name:
                raise self._fail("Expected equal sign in declaration of an attribute", index)
            index = after
            while index < len(source) and source[index] in _SPACE:
                index += 1
            if index < len(source) and source[index] == "=":
                value, index = self._read_value(index + 1, tag_start)
            else:
                value = ""
            attrs[name] = value

    def _read_value(self, index: int, tag_start: int) -> tuple[str, int]:
        source = self.source
        while index < len(source) and source[index] in _SPACE:
            index += 1
        if index >= len(source):
            raise self._fail("Unclosed start tag", tag_start)
        quote = source[index]
        if quote in "\"'":
            end = source.find(quote, index + 1)
            if end < 0:
                raise self._fail("Unclosed start tag", tag_start)
            raw, index = source[index + 1 : end], end + 1
        else:
            end = index
            while end < len(source) and source[end] not in _SPACE and source[end] != ">":
                end += 1
            raw, index = source[index:end], end
        return _unescape_attribute(raw, self, tag_start), index

    def _check_tag(self, name: str, attrs: dict[str, str], start: int) -> None:
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self._fail('Tag "span" must have class "tg-spoiler"', start)
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise self._fail('Tag "tg-emoji" must have attribute "emoji-id"', start)
        if name == "tg-time" and not attrs.get("unix", "").lstrip("-").isdigit():
            raise self._fail('Tag "tg-time" must have a numeric attribute "unix"', start)

    def _end_tag(self) -> None:
        start = self.pos
        name, index = self._read_name(start + 2)
        while index < len(self.source) and self.source[index] in _SPACE:
            index += 1
        if index >= len(self.source) or self.source[index] != ">":
            raise self._fail("Unclosed end tag", start)
        if not self.stack:
            raise self._fail(f'Unexpected end tag "{name}"', start)
        opened = self.stack[-1]
        if opened.name != name:
            raise self._fail(f'Unmatched end tag, expected "</{opened.name}>", found "</{name}>"', start)
        self.stack.pop()
        self.pos = index + 1
        self._close(opened)

    def _close(self, opened: _Open) -> None:
        length = self.utf16 - opened.start
        parent = self.stack[-1] if self.stack else None
        if opened.name == "code" and parent is not None and parent.name == "pre":
            language = opened.attrs.get("class", "")
            if language.startswith("language-"):
                parent.attrs["language"] = language[len("language-") :]
            return
        if length <= 0:
            return
        entity = _entity_for(opened)
        if entity is not None:
            entity["offset"] = opened.start
            entity["length"] = length
            self.entities.append(entity)


def _entity_for(opened: _Open) -> dict[str, Any] | None:
    name, attrs = opened.name, opened.attrs
    simple = _SIMPLE_TAGS.get(name)
    if simple == "pre":
        entity: dict[str, Any] = {"type": "pre"}
        if attrs.get("language"):
            entity["language"] = attrs["language"]
        return entity
    if simple is not None:
        return {"type": simple}
    if name == "span":
        return {"type": "spoiler"}
    if name == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    if name == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs["emoji-id"]}
    if name == "tg-time":
        entity = {"type": "date_time", "unix_time": int(attrs["unix"])}
        if attrs.get("format"):
            entity["date_time_format"] = attrs["format"]
        return entity
    href = attrs.get("href", "")
    if not href:
        return None
    if href.startswith("tg://user?id=") and href[len("tg://user?id=") :].isdigit():
        user_id = int(href[len("tg://user?id=") :])
        return {"type": "text_mention", "user": {"id": user_id, "is_bot": False, "first_name": ""}}
    return {"type": "text_link", "url": href}


def _decode_entity(body: str) -> str | None:
    named = _NAMED_ENTITIES.get(body)
    if named is not None:
        return named
    if not body.startswith("#") or len(body) < 2:
        return None
    try:
        code = int(body[2:], 16) if body[1] in "xX" else int(body[1:], 10)
    except ValueError:
        return None
    if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _unescape_attribute(raw: str, parser: _HtmlParser, tag_start: int) -> str:
    if "&" not in raw:
        return raw
    parts: list[str] = []
    index = 0
    while True:
        amp = raw.find("&", index)
        if amp < 0:
            parts.append(raw[index:])
            return "".join(parts)
        parts.append(raw[index:amp])
        end = raw.find(";", amp + 1, amp + 12)
        char = _decode_entity(raw[amp + 1 : end]) if end > 0 else None
        if char is None:
            raise parser._fail('Unknown HTML entity or unescaped "&" in an attribute', tag_start)
        parts.append(char)
        index = end + 1
