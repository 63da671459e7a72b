"""The certificate picture: every Vietnamese letter is in the fonts, the PNG is what a printer
and a learner expect, nothing ever crosses the border, and the look does not drift unnoticed."""

from __future__ import annotations

import io
import itertools
import os
import unicodedata
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from bot.certificates import picture
from bot.certificates.picture import (
    BACKGROUND,
    CONTENT_LEFT,
    CONTENT_RIGHT,
    FACES,
    HEIGHT,
    INNER_FRAME_INSET,
    INSTALL_HINT,
    MARGIN,
    SLOTS,
    WIDTH,
    Block,
    UndrawableText,
    font_path,
    has_glyph,
    layout_certificate,
    missing_characters,
    render_certificate,
)

REFERENCE = Path(__file__).parent / "reference" / "certificate-thumbnail.png"
THUMBNAIL_SCALE = 4  # 1600x1130 averaged down to 400x283: small to store, blind to sub-pixel noise
# Mean absolute difference (0-255 grey levels) over the thumbnail. Pillow 10.4, 11.3, 12.3 and 13.0,
# each with its own bundled FreeType, gave identical thumbnails here; the margin is for anti-aliasing
# changes to come. Moving everything by one pixel gives about 8, another learner's name about 5.
REFERENCE_TOLERANCE = 0.5

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang, huyền, sắc, hỏi, ngã, nặng
VIETNAMESE_FACES = ("sans", "sans-bold", "serif-bold")  # the faces that draw words; mono draws the code

SAMPLE = {
    "name": "Nguyễn Thị Hồng Nhung",
    "title": "Giấy chứng nhận",
    "module": "Bài 3: Nhận biết tin nhắn lừa đảo và bảo vệ tài khoản ngân hàng",
    "date_text": "Ngày 14 tháng 11 năm 2026",
    "code": "7KQ29XPA",
    "project": "Bình dân học vụ số",
}


def _every_vietnamese_letter() -> str:
    """All twelve vowels with each of the six tones in both cases, then đ and Đ, composed."""
    letters = [
        unicodedata.normalize("NFC", vowel + tone)
        for vowel, tone in itertools.product(VOWELS + VOWELS.upper(), TONES)
    ]
    return "".join(letters) + "đĐ"


def _render(**changes: str) -> Image.Image:
    fields = {**SAMPLE, **changes}
    return Image.open(io.BytesIO(render_certificate(**fields, language="vi")))


def _thumbnail(image: Image.Image) -> Image.Image:
    return image.convert("L").reduce(THUMBNAIL_SCALE)


def _mean_difference(one: Image.Image, other: Image.Image) -> float:
    return float(ImageStat.Stat(ImageChops.difference(one, other)).mean[0])


def _blocks(**changes: str) -> dict[str, Block]:
    return {block.field: block for block in layout_certificate(**{**SAMPLE, **changes})}


def test_every_face_is_installed() -> None:
    """The picture falls back to a proportional face for the code, but the tests' reference
    was drawn with all of them: a missing one is an install step to fix, said plainly."""
    for face, filename in FACES.items():
        assert font_path(face).name == filename, f"{filename} is missing: {INSTALL_HINT}"


def test_the_sample_holds_every_vietnamese_letter() -> None:
    sample = _every_vietnamese_letter()
    assert len(sample) == 12 * 2 * 6 + 2  # each vowel and tone composes to one code point
    assert {"ế", "ộ", "ữ", "ẫ", "ặ", "Ỹ", "đ", "Đ"} <= set(sample)


@pytest.mark.parametrize("face", VIETNAMESE_FACES)
def test_every_vietnamese_letter_has_a_glyph(face: str) -> None:
    assert missing_characters(_every_vietnamese_letter(), face) == []


@pytest.mark.parametrize("face", ["mono", "mono-bold"])
def test_the_code_faces_draw_the_code_alphabet(face: str) -> None:
    assert missing_characters("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-", face) == []


def test_the_glyph_check_finds_what_a_font_lacks() -> None:
    """Without this the coverage tests above could pass by finding nothing, ever."""
    assert missing_characters("Bà Lan 漢字 🌸", "sans") == ["漢", "字", "🌸"]
    assert not has_glyph("serif-bold", "ᠠ")  # Mongolian
    # A real gap in a face the project ships: DejaVu Sans Mono has no ế, which is why it draws
    # only the code.
    assert not has_glyph("mono", "ế")
    assert has_glyph("sans", "ế")


def test_the_png_decodes_at_print_size() -> None:
    image = _render()
    assert image.format == "PNG"
    assert image.size == (WIDTH, HEIGHT)
    assert image.mode == "RGB"
    assert image.info["Title"] == SAMPLE["title"]
    assert round(image.info["dpi"][0]) == 137  # 1600 px over the 297 mm of A4 landscape


def test_the_name_is_drawn_where_the_layout_puts_it() -> None:
    image = _render().convert("L")
    name = _blocks()["name"]
    assert name.lines == (SAMPLE["name"],)
    region = image.crop(name.box)
    dark = sum(region.histogram()[:100])  # pixels darker than 100 of 255
    assert dark > 0.1 * region.width * region.height, "the name region is (nearly) blank"


def test_every_field_is_centred() -> None:
    for block in _blocks().values():
        left, _, right, _ = block.box
        assert abs((left + right) / 2 - WIDTH / 2) <= 6, block.field


def test_decomposed_and_composed_input_look_the_same() -> None:
    decomposed = {key: unicodedata.normalize("NFD", value) for key, value in SAMPLE.items()}
    assert _blocks(**decomposed) == _blocks()


def test_a_long_code_is_still_drawn_whole() -> None:
    """A cut code could not be checked, so codes far longer than any real one still fit."""
    blocks = _blocks(code="A1B2C3D4E5" * 5)
    assert blocks["code"].lines == ("A1B2C3D4E5" * 5,)
    assert blocks["verify"].lines == ("/verify_" + "A1B2C3D4E5" * 5,)


def test_emoji_are_dropped_and_a_name_of_nothing_drawable_is_refused() -> None:
    assert _blocks(name="Bà Lan 🌸\n")["name"].lines == ("Bà Lan",)
    with pytest.raises(UndrawableText):
        layout_certificate(**{**SAMPLE, "name": "🌸🌸"})


LONG_CASES = {
    "long words": {
        "name": "Tôn Nữ Huyền Trang " * 25,
        "module": "Học cách nhận biết cuộc gọi giả danh công an và ngân hàng, " * 12,
        "project": "Phong trào Bình dân học vụ số " * 6,
        "title": "Giấy chứng nhận hoàn thành khóa học " * 4,
        "date_text": "Ngày 14 tháng 11 năm 2026 " * 5,
    },
    "no spaces at all": {
        "name": "Ữ" * 300,
        "module": "Ặ" * 500,
        "code": "X" * 120,
    },
}


@pytest.mark.parametrize("case", LONG_CASES, ids=list(LONG_CASES))
def test_long_text_stays_inside_its_slot_and_the_border(case: str) -> None:
    fields = {**SAMPLE, **LONG_CASES[case]}
    blocks = {block.field: block for block in layout_certificate(**fields)}
    for slot in SLOTS:
        left, top, right, bottom = blocks[slot.field].box
        assert left >= CONTENT_LEFT, slot.field
        assert right <= CONTENT_RIGHT, slot.field
        assert slot.top <= top and bottom <= slot.top + slot.height, slot.field
    assert blocks["name"].lines[-1].endswith("…")  # cut short, and visibly so
    if case == "long words":  # cut between words, so no name is shown misspelt
        assert blocks["name"].lines[-1].removesuffix("…").split()[-1] in fields["name"].split()

    image = Image.open(io.BytesIO(render_certificate(**fields, language="vi")))
    # Pixels, not the layout's word: the outer margin and the band between the inner frame and
    # the text column hold nothing but background.
    inside = INNER_FRAME_INSET + 2
    for box in [
        (0, 0, WIDTH, MARGIN),
        (0, HEIGHT - MARGIN, WIDTH, HEIGHT),
        (0, 0, MARGIN, HEIGHT),
        (WIDTH - MARGIN, 0, WIDTH, HEIGHT),
        (inside, inside, CONTENT_LEFT, HEIGHT - inside),
        (CONTENT_RIGHT, inside, WIDTH - inside, HEIGHT - inside),
    ]:
        assert image.crop(box).getcolors() == [
            (
                (box[2] - box[0]) * (box[3] - box[1]),
                BACKGROUND,
            )
        ], f"something drawn in {box}"


def test_the_picture_matches_the_reference() -> None:
    """Regenerate after a deliberate change of look with HOCVUSO_UPDATE_REFERENCE=1, and look at
    the new thumbnail before keeping it."""
    thumbnail = _thumbnail(_render())
    if os.environ.get("HOCVUSO_UPDATE_REFERENCE"):
        REFERENCE.parent.mkdir(exist_ok=True)
        thumbnail.save(REFERENCE, optimize=True)
    reference = Image.open(REFERENCE)
    assert reference.size == thumbnail.size
    assert _mean_difference(thumbnail, reference) <= REFERENCE_TOLERANCE
    # And the comparison can fail: another learner's certificate is far from the reference.
    other = _thumbnail(_render(name="Trần Văn Minh"))
    assert _mean_difference(other, reference) > 4 * REFERENCE_TOLERANCE


def test_fonts_are_looked_up_in_the_override_folder_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "DejaVuSans.ttf").write_bytes(font_path("sans").read_bytes())
    monkeypatch.setenv(picture.FONT_DIR_VARIABLE, str(tmp_path))
    picture._font_path.cache_clear()
    try:
        assert picture.font_path("sans") == tmp_path / "DejaVuSans.ttf"
    finally:
        monkeypatch.undo()
        picture._font_path.cache_clear()


def test_no_font_anywhere_names_the_package_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(picture.FONT_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setattr(picture, "FONT_DIRECTORIES", ())
    picture._font_path.cache_clear()
    try:
        with pytest.raises(picture.FontNotFound, match="fonts-dejavu-core"):
            picture.font_path("serif-bold")
    finally:
        monkeypatch.undo()
        picture._font_path.cache_clear()
