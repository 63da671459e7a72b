"""Telegram HTML parsing: the tag set, well-formedness, entities and lengths."""

from __future__ import annotations

import pytest

from sandbox.telegram.markup import MarkupError, parse_html, parse_text, utf16_length


def test_plain_text_and_entities() -> None:
    parsed = parse_html("<b>Bài 1</b>: <i>lừa đảo</i> &amp; <u>an toàn</u>")
    assert parsed.text == "Bài 1: lừa đảo & an toàn"
    kinds = [(e["type"], e["offset"], e["length"]) for e in parsed.entities]
    assert kinds == [("bold", 0, 5), ("italic", 7, 7), ("underline", 17, 7)]


def test_offsets_are_utf16_code_units() -> None:
    parsed = parse_html("😀 <b>x</b>")
    assert parsed.entities[0]["offset"] == 3  # the emoji takes two UTF-16 units
    assert utf16_length("😀") == 2


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("&lt;b&gt; &quot;q&quot;", '<b> "q"'),
        ("&#65;&#x42;&#X43;", "ABC"),
        ("a > b", "a > b"),
        ("<strong>s</strong><em>e</em><ins>i</ins><strike>x</strike><del>d</del>", "seixd"),
        ('<span class="tg-spoiler">hidden</span><tg-spoiler>too</tg-spoiler>', "hiddentoo"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("<blockquote expandable>long</blockquote>", "long"),
        ("<B>upper</B>", "upper"),
    ],
)
def test_accepted_markup(source: str, text: str) -> None:
    assert parse_html(source).text == text


def test_links_code_and_pre() -> None:
    parsed = parse_html(
        '<a href="https://example.org/?a=1&amp;b=2">link</a> '
        '<pre><code class="language-python">x = 1</code></pre> <code>c</code>'
    )
    entities = {e["type"]: e for e in parsed.entities}
    assert entities["text_link"]["url"] == "https://example.org/?a=1&b=2"
    assert entities["pre"]["language"] == "python"
    assert entities["code"]["length"] == 1
    mention = parse_html('<a href="tg://user?id=42">Lan</a>').entities[0]
    assert mention["type"] == "text_mention"
    assert mention["user"]["id"] == 42


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag"),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("Tom & Jerry", 'Unknown HTML entity or unescaped "&"'),
        ("&nbsp;", 'Unknown HTML entity or unescaped "&"'),
        ("&#xD800;", 'Unknown HTML entity or unescaped "&"'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<tg-emoji>e</tg-emoji>", 'Tag "tg-emoji" must have attribute "emoji-id"'),
        ('<a href="x>', "Unclosed start tag"),
    ],
)
def test_rejected_markup(source: str, fragment: str) -> None:
    with pytest.raises(MarkupError) as caught:
        parse_html(source)
    assert "can't parse entities" in str(caught.value)
    assert fragment in str(caught.value)


def test_byte_offset_counts_utf8_bytes() -> None:
    # "Tiếng " is 6 characters but 8 UTF-8 bytes ("ế" takes 3).
    with pytest.raises(MarkupError, match="byte offset 8"):
        parse_html("Tiếng < Việt")


def test_parse_modes() -> None:
    assert parse_text("<b>x</b>", None).text == "<b>x</b>"
    assert parse_text("<b>x</b>", "html").text == "x"
    assert parse_text("*x*", "MarkdownV2").text == "*x*"
    with pytest.raises(MarkupError, match="unsupported parse_mode"):
        parse_text("x", "BBCode")
