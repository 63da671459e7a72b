"""The certificate as a printable picture: a PNG drawn with Pillow from words that the caller has
already put in the learner's language, so this module holds no user-facing sentence.

Font: DejaVu, from the Debian package ``fonts-dejavu-core`` (on Debian 13 and later the
monospaced face moved to its own package, ``fonts-dejavu-mono``).

* Coverage. DejaVu Sans and DejaVu Serif, regular and bold, have every precomposed Vietnamese
  letter: ă â đ Đ ê ô ơ ư from Latin-1 and Latin Extended-A/B, and all of Latin Extended
  Additional U+1EA0-U+1EF9 for the stacked marks (ế ộ ữ ẫ ặ Ỹ ...). DejaVu Sans Mono lacks 46 of
  those letters, so it draws only the verification code, which is ASCII. tests/certificates
  checks the coverage glyph by glyph, so a font swap that loses a letter fails there.
* Licence. The Bitstream Vera licence, DejaVu's own changes being in the public domain: using,
  redistributing and embedding the fonts is allowed (only selling them on their own and keeping
  the "Bitstream"/"Vera" names on a modified copy are not), and Debian ships them in main. A PNG
  carries pixels, not font data, so a certificate owes nothing to the licence.
* Availability. About 3 MB installed, and Debian's fontconfig depends on it, so it is on nearly
  every Debian or Ubuntu machine already; fonts-noto-core (SIL OFL, also complete for
  Vietnamese) is about 42 MB for no gain in this picture.

Other choices, each for a reason a printed certificate makes visible:

* Pillow's BASIC layout engine: the same pixels whether or not libraqm is present, and
  Vietnamese needs no shaping once the text is in NFC. Text is normalised to NFC first because
  some keyboards send decomposed letters (base + combining marks), which BASIC would misplace.
* A character the face lacks (an emoji in a chat display name, another script) is dropped
  rather than drawn as an empty box, which on paper looks like a misprint. A field left with
  nothing to draw raises `UndrawableText`, so the caller can ask for a name again instead of
  issuing a certificate with a blank where the name should be.
* Every field has a fixed slot; its text is wrapped into balanced lines and shrunk, step by
  step, until it fits the slot; at the smallest size a word wider than a line is broken inside
  it and text that still does not fit is cut, with an ellipsis to show it. Whatever the input,
  nothing crosses the border or another field.
* The code is drawn letter-spaced in a monospaced face with a dotted zero, so an elderly
  learner or a helper can copy it without mixing up 0/O or 1/l/I. Codes of up to about fifty
  characters are drawn whole; a cut code could not be checked.
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

WIDTH, HEIGHT = 1600, 1130  # landscape, the proportions of A4
# Pixels per inch at which 1600 px span the 297 mm of A4 landscape, written into the PNG so a
# print dialog that honours it fills the sheet.
PRINT_DPI = WIDTH / (297 / 25.4)

BACKGROUND = (255, 252, 242)  # cream: reads as paper on screen and prints as nearly nothing
INK = (24, 24, 24)
NAVY = (29, 53, 87)
RED = (150, 27, 27)
GOLD = (184, 134, 11)
MUTED = (70, 80, 96)

MARGIN = 36  # the outer band left in background colour; the frame starts inside it
FRAME_WIDTH = 8
INNER_FRAME_INSET = 54
CONTENT_LEFT, CONTENT_RIGHT = 160, WIDTH - 160  # where text may go, well inside the frame

FONT_DIR_VARIABLE = "HOCVUSO_FONT_DIR"
FONT_DIRECTORIES = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu"),  # Alpine
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/dejavu-serif-fonts"),
    Path("/usr/share/fonts/dejavu-sans-mono-fonts"),
    Path("/usr/local/share/fonts"),
)
FACES = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
    "mono": "DejaVuSansMono.ttf",
    "mono-bold": "DejaVuSansMono-Bold.ttf",
}
# Without the monospaced faces (Debian 13 splits them out) the code is still drawn, letter-spaced
# in the proportional face: a plainer look is better than no certificate.
FALLBACK_FACES = {"mono": "sans", "mono-bold": "sans-bold"}
INSTALL_HINT = (
    "install the Debian package fonts-dejavu-core (and fonts-dejavu-mono on Debian 13 or later), "
    f"or set {FONT_DIR_VARIABLE} to a folder holding the DejaVu .ttf files"
)
NOT_A_CHARACTER = "\U0010fffd"  # a private-use code point no font here maps: it draws .notdef

Box = tuple[int, int, int, int]


class FontNotFound(RuntimeError):
    """No DejaVu face could be found; the message names the package to install."""


class UndrawableText(ValueError):
    """A field has no character that the certificate's font can draw (say, a name in emoji)."""


@dataclass(frozen=True)
class Slot:
    """Where one field may go and how large it may be: the text is fitted to this, not the reverse."""

    field: str
    face: str
    colour: tuple[int, int, int]
    top: int
    height: int
    largest: int
    smallest: int
    max_lines: int
    tracking: int = 0  # extra pixels between letters, for the code
    # How far (a share of `largest`) the text may shrink to stay on fewer lines before it wraps:
    # a name reads best on one line, a module title best large.
    shrink_before_wrap: float = 1.0


@dataclass(frozen=True)
class Block:
    """One field as it will be drawn: its lines, the font size chosen and the ink box of each line."""

    field: str
    face: str
    colour: tuple[int, int, int]
    size: int
    tracking: int
    lines: tuple[str, ...]
    baselines: tuple[int, ...]
    boxes: tuple[Box, ...]

    @property
    def box(self) -> Box:
        return (
            min(b[0] for b in self.boxes),
            min(b[1] for b in self.boxes),
            max(b[2] for b in self.boxes),
            max(b[3] for b in self.boxes),
        )


SLOTS = (
    Slot("project", "sans-bold", NAVY, top=96, height=56, largest=32, smallest=18, max_lines=1, tracking=2),
    Slot("title", "serif-bold", RED, top=178, height=120, largest=76, smallest=36, max_lines=1),
    Slot(
        "name",
        "serif-bold",
        INK,
        top=330,
        height=240,
        largest=104,
        smallest=40,
        max_lines=2,
        shrink_before_wrap=0.7,
    ),
    Slot("module", "sans", INK, top=612, height=190, largest=46, smallest=24, max_lines=3),
    Slot("date", "sans", MUTED, top=826, height=52, largest=34, smallest=20, max_lines=1),
    Slot("code", "mono-bold", NAVY, top=900, height=64, largest=46, smallest=20, max_lines=1, tracking=10),
    Slot("verify", "mono", MUTED, top=980, height=50, largest=32, smallest=16, max_lines=1),
)
RULES = ((150, 174), (300, 596))  # (half-length, y) of the short gold rules under the project and name


def font_path(face: str) -> Path:
    """The file for a face: the override folder first, then the usual system folders."""
    return _font_path(face)


@cache
def _font_path(face: str) -> Path:
    filename = FACES[face]
    override = os.environ.get(FONT_DIR_VARIABLE)
    folders = (Path(override),) if override else ()
    searched = (*folders, *FONT_DIRECTORIES)
    for folder in searched:
        if (folder / filename).is_file():
            return folder / filename
    if face in FALLBACK_FACES:
        return _font_path(FALLBACK_FACES[face])
    raise FontNotFound(f"{filename} not found in {', '.join(map(str, searched))}: {INSTALL_HINT}")


@cache
def _font(face: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(face)), size, layout_engine=ImageFont.Layout.BASIC)


@cache
def _notdef(face: str) -> tuple[tuple[int, int], bytes]:
    mask = _font(face, 48).getmask(NOT_A_CHARACTER)
    return mask.size, bytes(mask)


@cache
def has_glyph(face: str, character: str) -> bool:
    """Whether the face maps the character to a glyph of its own. Pillow has no cmap lookup, so a
    character counts as missing when it renders exactly like the .notdef box that a code point
    no font here maps renders as."""
    if character.isspace():
        return True  # drawn as space whatever the font says; the layout collapses it anyway
    mask = _font(face, 48).getmask(character)
    return (mask.size, bytes(mask)) != _notdef(face)


def missing_characters(text: str, face: str = "sans") -> list[str]:
    """The distinct characters of the NFC form of `text` that the face cannot draw, in order."""
    seen: dict[str, None] = {}
    for character in unicodedata.normalize("NFC", text):
        if character not in seen and not has_glyph(face, character):
            seen[character] = None
    return list(seen)


def _drawable(text: str, face: str) -> str:
    """NFC, characters the face lacks dropped, any run of white space (newlines too) one space."""
    normal = unicodedata.normalize("NFC", text)
    kept = "".join(c for c in normal if c.isspace() or (c.isprintable() and has_glyph(face, c)))
    return " ".join(kept.split())


def _line_box(line: str, font: ImageFont.FreeTypeFont, tracking: int) -> Box:
    """Ink box of a line centred on x=0 with its baseline on y=0."""
    if not tracking:
        left, top, right, bottom = font.getbbox(line, anchor="ms")
        return int(left), int(top), int(right), int(bottom)
    x = -_tracked_width(line, font, tracking) / 2
    boxes = []
    for character in line:
        left, top, right, bottom = font.getbbox(character, anchor="ls")
        boxes.append((int(x + left), int(top), int(x + right) + 1, int(bottom)))
        x += font.getlength(character) + tracking
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _tracked_width(line: str, font: ImageFont.FreeTypeFont, tracking: int) -> float:
    return font.getlength(line) + tracking * max(len(line) - 1, 0)


def _fits_width(line: str, font: ImageFont.FreeTypeFont, tracking: int, width: int) -> bool:
    left, _, right, _ = _line_box(line, font, tracking)
    return max(-left, right) * 2 <= width


class _Fits:
    """Whether a line, centred, stays within `width` in this font."""

    def __init__(self, font: ImageFont.FreeTypeFont, tracking: int, width: int) -> None:
        self.font, self.tracking, self.width = font, tracking, width

    def __call__(self, line: str) -> bool:
        return _fits_width(line, self.font, self.tracking, self.width)


def _greedy(words: Sequence[str], fits: _Fits) -> list[str] | None:
    """Words packed into as few lines as `fits` allows; None when a single word is too wide."""
    lines: list[str] = []
    for word in words:
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
        elif fits(word):
            lines.append(word)
        else:
            return None
    return lines


def _balanced(
    words: Sequence[str], font: ImageFont.FreeTypeFont, tracking: int, width: int, greedy: list[str]
) -> list[str]:
    """The same number of lines as `greedy`, wrapped at the narrowest width that still gives
    that many: centred lines of similar length look deliberate, where greedy wrapping can leave
    one word alone on the last line."""
    if len(greedy) == 1:
        return greedy
    low, high = 1, width
    while low < high:
        middle = (low + high) // 2
        trial = _greedy(words, _Fits(font, tracking, middle))
        if trial is not None and len(trial) <= len(greedy):
            high = middle
        else:
            low = middle + 1
    return _greedy(words, _Fits(font, tracking, high)) or greedy


def _vertical(lines: Sequence[str], font: ImageFont.FreeTypeFont, tracking: int) -> tuple[int, int, int]:
    """(ink above the first baseline, baseline pitch, block height) measured on the ink, since
    stacked marks on capitals (Ỗ, Ấ) rise above the font's declared ascent."""
    boxes = [_line_box(line, font, tracking) for line in lines]
    above = max(-b[1] for b in boxes)
    below = max(b[3] for b in boxes)
    pitch = round(font.size * 1.25)
    return above, pitch, above + pitch * (len(lines) - 1) + below


def _longest_prefix(text: str, fits: _Fits) -> int:
    """How many leading characters fit on one line (found by bisection); at least one, so that
    wrapping always moves on."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def _wrap_and_cut(words: Sequence[str], fits: _Fits, limit: int) -> tuple[list[str], bool]:
    """Up to `limit` lines of whole words, a word wider than a line being broken inside it, and
    whether text was left over (which then asks for an ellipsis)."""
    lines: list[str] = []
    pending = list(words)
    while pending:
        word = pending.pop(0)
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
            continue
        if len(lines) == limit:
            return lines, True
        if fits(word):
            lines.append(word)
            continue
        cut = _longest_prefix(word, fits)
        lines.append(word[:cut])
        pending.insert(0, word[cut:])
    return lines, False


def _shorten(line: str, fits: _Fits) -> str:
    """The line cut short enough to fit with an ellipsis after it, at the last word boundary
    when there is one: "Huyền…" reads as a cut name, "Tran…" as a misspelt one."""
    kept = line
    while kept and not fits(kept.rstrip() + "…"):
        kept = kept[:-1]
    if len(kept) < len(line) and not line[len(kept)].isspace() and " " in kept.strip():
        kept = kept.rstrip()[: kept.rstrip().rindex(" ")]
    return kept.rstrip() + "…"


def _fit(text: str, slot: Slot) -> tuple[int, list[str]]:
    """The fewest balanced whole-word lines at the largest size that fits the slot, shrinking
    no further than `shrink_before_wrap` allows before taking one more line; failing all that,
    the smallest size with as many lines as fit, a word wider than a line broken inside it,
    and an ellipsis where the text is cut."""
    width = CONTENT_RIGHT - CONTENT_LEFT
    # No glyph drawn here is narrower than a fifth of the font size, so more characters than this
    # cannot fit even at the smallest size: cutting them first keeps a pasted essay from costing
    # seconds of measuring, and the ellipsis shows the cut either way.
    text = text[: slot.max_lines * width * 5 // slot.smallest + 1]
    words = text.split(" ")
    floor = max(slot.smallest, round(slot.largest * slot.shrink_before_wrap))
    for count in range(1, slot.max_lines + 1):
        lowest = slot.smallest if count == slot.max_lines else floor
        for size in range(slot.largest, lowest - 1, -2):
            font = _font(slot.face, size)
            if _tracked_width(text, font, slot.tracking) > count * (width + font.getlength(" ")):
                continue  # too long for `count` lines however it wraps: skip the measuring
            fits = _Fits(font, slot.tracking, width)
            greedy = _greedy(words, fits)
            if greedy is None or len(greedy) > count:
                continue
            lines = _balanced(words, font, slot.tracking, width, greedy)
            if _vertical(lines, font, slot.tracking)[2] <= slot.height:
                return size, lines
    font = _font(slot.face, slot.smallest)
    fits = _Fits(font, slot.tracking, width)
    lines, cut = _wrap_and_cut(words, fits, slot.max_lines)
    while len(lines) > 1 and _vertical(lines, font, slot.tracking)[2] > slot.height:
        lines, cut = lines[:-1], True
    if cut:
        lines[-1] = _shorten(lines[-1], fits)
    return slot.smallest, lines


def layout_certificate(
    name: str, title: str, module: str, date_text: str, code: str, project: str
) -> list[Block]:
    """Where each field goes, without drawing: the picture and the tests both read this."""
    texts = {
        "project": project,
        "title": title,
        "name": name,
        "module": module,
        "date": date_text,
        "code": code,
        "verify": f"/verify_{code}",
    }
    centre = WIDTH // 2
    blocks = []
    for slot in SLOTS:
        text = _drawable(texts[slot.field], slot.face)
        if not text:
            if slot.field in {"name", "code"}:
                raise UndrawableText(
                    f"the {slot.field} {texts[slot.field]!r} has no character the font can draw"
                )
            continue  # an empty date or project line just leaves its slot empty
        size, lines = _fit(text, slot)
        font = _font(slot.face, size)
        above, pitch, height = _vertical(lines, font, slot.tracking)
        first = slot.top + (slot.height - height) // 2 + above
        baselines = tuple(first + pitch * i for i in range(len(lines)))
        boxes = []
        for line, baseline in zip(lines, baselines, strict=True):
            left, top, right, bottom = _line_box(line, font, slot.tracking)
            boxes.append((centre + left, baseline + top, centre + right, baseline + bottom))
        blocks.append(
            Block(
                slot.field, slot.face, slot.colour, size, slot.tracking, tuple(lines), baselines, tuple(boxes)
            )
        )
    return blocks


def _draw_frame(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle((MARGIN, MARGIN, WIDTH - 1 - MARGIN, HEIGHT - 1 - MARGIN), outline=NAVY, width=FRAME_WIDTH)
    inset = INNER_FRAME_INSET
    draw.rectangle((inset, inset, WIDTH - 1 - inset, HEIGHT - 1 - inset), outline=GOLD, width=2)
    for half, y in RULES:
        draw.line((WIDTH // 2 - half, y, WIDTH // 2 + half, y), fill=GOLD, width=2)


def _draw_block(draw: ImageDraw.ImageDraw, block: Block) -> None:
    font = _font(block.face, block.size)
    for line, baseline in zip(block.lines, block.baselines, strict=True):
        if not block.tracking:
            draw.text((WIDTH // 2, baseline), line, font=font, fill=block.colour, anchor="ms")
            continue
        x = WIDTH / 2 - _tracked_width(line, font, block.tracking) / 2
        for character in line:
            draw.text((x, baseline), character, font=font, fill=block.colour, anchor="ls")
            x += font.getlength(character) + block.tracking


def _language_tag(language: str) -> str:
    """A tag the PNG iTXt chunk accepts (ASCII letters, digits, hyphens), or none at all."""
    return language if language.isascii() and language.replace("-", "").isalnum() else ""


def render_certificate(
    name: str, title: str, module: str, date_text: str, code: str, project: str, language: str
) -> bytes:
    """The certificate as PNG bytes, 1600x1130, with every word as given. `language` (a BCP 47
    tag such as "vi") labels the PNG's text metadata, which screen readers and file viewers
    show; the picture itself does not depend on it."""
    blocks = layout_certificate(name, title, module, date_text, code, project)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    _draw_frame(draw)
    for block in blocks:
        _draw_block(draw, block)
    info = PngImagePlugin.PngInfo()
    tag = _language_tag(language)
    info.add_itxt("Title", unicodedata.normalize("NFC", title), lang=tag)
    info.add_itxt("Description", unicodedata.normalize("NFC", f"{name}\n{module}\n{date_text}"), lang=tag)
    info.add_itxt("Source", f"/verify_{code}")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, dpi=(PRINT_DPI, PRINT_DPI), optimize=True)
    return out.getvalue()
