"""Telegram HTML as content editors may write it.

Telegram rejects a whole message when one `<` or `&` is out of place, so the check catches these
before a learner ever waits for a lesson that fails to send. Lengths are counted the way Telegram
counts them: on the visible text after tags are removed and entities decoded.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

CONTENT_TAGS = frozenset({"b", "i", "u", "s", "code", "a"})
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {"a": frozenset({"href"})}
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_NAMED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})


class _TagWalker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.problems: list[str] = []
        self.open_tags: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in CONTENT_TAGS:
            self.problems.append(f"tag <{tag}> is not allowed (use {', '.join(sorted(CONTENT_TAGS))})")
        allowed = TAG_ATTRIBUTES.get(tag, frozenset())
        for name, _ in attrs:
            if name not in allowed:
                self.problems.append(f'attribute "{name}" is not allowed on <{tag}>')
        self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags[-1] != tag:
            self.problems.append(f"closing </{tag}> does not match an open tag")
            return
        self.open_tags.pop()

    def handle_data(self, data: str) -> None:
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        self.visible.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.visible.append(html.unescape(f"&#{name};"))


def markup_problems(text: str) -> list[str]:
    """What is wrong with `text` as Telegram HTML, in words an editor can act on."""
    problems: list[str] = []
    for match in re.finditer(r"&", text):
        entity = _ENTITY.match(text, match.start())
        if entity is None:
            problems.append("unescaped '&' (write &amp;)")
        elif not entity.group(1).startswith("#") and entity.group(1) not in _NAMED_ENTITIES:
            problems.append(f"entity &{entity.group(1)}; is not one Telegram knows")
    for match in re.finditer(r"<", text):
        if not re.match(r"</?[a-z]+(\s[^<>]*)?>", text[match.start() :]):
            problems.append("unescaped '<' (write &lt;)")
    walker = _TagWalker()
    walker.feed(text)
    walker.close()
    problems.extend(walker.problems)
    if walker.open_tags:
        problems.append(f"<{walker.open_tags[-1]}> is never closed")
    stray = re.sub(r"<[^<>]*>", "", text)
    if ">" in stray:
        problems.append("unescaped '>' (write &gt;)")
    return problems


def visible_length(text: str) -> int:
    """Characters Telegram counts for a message written in HTML parse mode."""
    return len(html.unescape(re.sub(r"<[^<>]*>", "", text)))


def has_markup(text: str) -> bool:
    """True when plain-text fields (quiz polls, buttons) carry tags or entities they cannot show."""
    return bool(re.search(r"<[^<>]*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);", text))


def escape(text: str) -> str:
    """Make learner-provided or plain text safe inside an HTML message."""
    return html.escape(text, quote=False)


_LINK = re.compile(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def plain_text(text: str) -> str:
    """The markup as a text-only channel shows it: tags dropped, a link's address kept beside its
    words (a learner on Zalo cannot tap hidden links), entities decoded."""

    def link(match: re.Match[str]) -> str:
        address, words = html.unescape(match.group(1)), match.group(2)
        return words if html.unescape(re.sub(r"<[^<>]*>", "", words)) == address else f"{words} ({address})"

    return html.unescape(re.sub(r"<[^<>]*>", "", _LINK.sub(link, text)))
