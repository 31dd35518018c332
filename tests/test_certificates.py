"""Certificates read back from their PDFs: the text, the fonts, the glyph order, the border.

Everything here is checked in the PDF itself (pypdf for fonts, pdfminer for characters and
their positions), not in the code that drew it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import bidi
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from exchange_desk.documents.certificates import CertificateRenderer
from exchange_desk.documents.fonts import FontLibrary, MissingGlyphs
from exchange_desk.domain.certificates import (
    CertificateContent,
    CertificateSide,
    mode_languages,
    parse_language_mode,
)
from exchange_desk.domain.enums import Design, LanguageMode, Orientation
from exchange_desk.paths import resources_dir
from pdf_checks import bundled_cmaps, chars, font_names_in, lines_of

FONTS = FontLibrary(system_dirs=[])  # bundled fonts only: the same on every machine


def side(language: str, recipient: str, citation: str = "") -> CertificateSide:
    words = {
        "zh": (
            "荣誉证书",
            "兹授予",
            "济南市人民政府外事办公室",
            "济南，2018年11月16日",
            "王明",
            "主任",
        ),
        "en": (
            "Certificate of Honor",
            "This certificate is presented to",
            "Foreign Affairs Office of Jinan",
            "Jinan, November 16, 2018",
            "Wang Ming",
            "Director",
        ),
        "he": (
            "תעודת הוקרה",
            "תעודה זו מוענקת ל־",
            "המחלקה לקשרי חוץ של ג'ינאן",
            "ג'ינאן, 16 בנובמבר 2018",
            "וואנג מינג",
            "מנהל",
        ),
    }[language]
    return CertificateSide(
        language, words[0], words[1], recipient, citation, words[2], words[3], words[4], words[5]
    )


NAMES = {"zh": "克法尔萨巴市", "en": "City of Kfar Saba", "he": "עיריית כפר סבא"}
CITATIONS = {
    "zh": "以表彰其为促进中以两国城市间友好交流与合作作出的杰出贡献。",
    "en": "In recognition of its contribution to friendship between Chinese and Israeli cities.",
    "he": "הוענקה ל-John Smith ב-15.3.2025 (בכנס בווהאן) על תרומתו לידידות.",
}


def content(mode: LanguageMode, **overrides: str) -> CertificateContent:
    sides = []
    for language in mode_languages(mode):
        recipient = overrides.get(f"recipient_{language}", NAMES[language])
        citation = overrides.get(f"citation_{language}", CITATIONS[language])
        sides.append(side(language, recipient, citation))
    return CertificateContent(
        award_id=1,
        number="JN-2018-0007",
        sides=tuple(sides),
        issued_on=dt.date(2018, 11, 16),
        record_label="award 1",
    )


def render(item: CertificateContent, design: Design = Design.FORMAL, **kw: object) -> bytes:
    orientation = kw.get("orientation", Orientation.LANDSCAPE)
    renderer = CertificateRenderer(FONTS)
    return renderer.render([item], design, orientation)  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", list(LanguageMode))
def test_the_recipient_is_printed_in_every_chosen_language(mode: LanguageMode) -> None:
    pdf = render(content(mode))
    printed = "\n".join(lines_of(pdf))
    for language in mode_languages(mode):
        name = NAMES[language]
        expected = bidi.get_display(name) if language == "he" else name
        assert expected in printed, (language, printed)
    assert "JN-2018-0007" in printed


@pytest.mark.parametrize("design", list(Design))
@pytest.mark.parametrize("orientation", list(Orientation))
def test_every_font_is_embedded_and_has_every_character_drawn_with_it(
    design: Design, orientation: Orientation
) -> None:
    pdf = render(content(LanguageMode.ZH_EN_HE), design, orientation=orientation)
    drawn = font_names_in(pdf)
    cmaps = bundled_cmaps()
    assert drawn, "no fonts found"
    for name, characters in drawn.items():
        assert name in cmaps, f"{name} is not a bundled font"
        missing = {chr(c) for c in characters} - {chr(c) for c in cmaps[name]}
        assert not missing, f"{name} drew characters it has no glyph for: {missing}"
    # The three scripts were each drawn with a font made for them.
    han_face = "UMingCN" if design is Design.FORMAL else "WenQuanYiMicroHei"
    assert any(0x4E00 <= c <= 0x9FFF for c in drawn.get(han_face, set()))
    hebrew_faces = {"FrankRuhlLibre-Regular", "FrankRuhlLibre-Bold", "Heebo-Regular", "Heebo-Bold"}
    assert any(0x05D0 <= c <= 0x05EA for n in hebrew_faces for c in drawn.get(n, set()))


HEBREW_LINES = [
    "עיריית כפר סבא",
    "הוענקה ל-John Smith ב-15.3.2025",
    "בית הספר (תיכון) מס' 7 בעיר",
    "שיתוף פעולה עם Jinan Yuying Middle School מאז 2009",
]


@pytest.mark.parametrize("line", HEBREW_LINES)
def test_hebrew_glyphs_stand_in_the_order_the_bidi_algorithm_gives(line: str) -> None:
    pdf = render(content(LanguageMode.HE, recipient_he="", citation_he=line))
    # The reference is the Rust implementation in python-bidi (the drawing code uses the
    # Python one), which does not mirror brackets: compare with brackets made neutral.
    expected = bidi.get_display(line, base_dir="R")
    neutral = str.maketrans("()[]", "____")
    printed = [text.translate(neutral) for text in lines_of(pdf)]
    assert expected.translate(neutral) in printed, printed


def test_brackets_are_mirrored_in_right_to_left_lines() -> None:
    pdf = render(content(LanguageMode.HE, citation_he="בית הספר (תיכון) בעיר"))
    assert "ריעב (ןוכית) רפסה תיב" in lines_of(pdf)


def test_a_hebrew_paragraph_wraps_in_reading_order() -> None:
    """Lines are broken before they are reordered: the first words come on the top line."""
    words = ["אחת", "שתיים", "שלוש", "ארבע", "חמש", "שש", "שבע", "שמונה", "תשע", "עשר"]
    citation = " ".join(words * 12)
    pdf = render(content(LanguageMode.HE, citation_he=citation))
    citation_lines = [t for t in lines_of(pdf) if t.count(" ") > 8]
    assert len(citation_lines) >= 2
    top = citation_lines[0].split(" ")
    assert top[-1] == words[0][::-1]  # the rightmost word of the top line is the first
    assert top[-2] == words[1][::-1]


@pytest.mark.parametrize("text", ["R&D <Ltd>", "x<y and y>z", "<b>bold</b>", "<font size=30>A"])
def test_markup_in_user_text_prints_as_typed(text: str) -> None:
    pdf = render(content(LanguageMode.EN, recipient_en=text, citation_en=f"Thanks to {text}."))
    printed = lines_of(pdf)
    assert text in printed
    assert f"Thanks to {text}." in printed


@pytest.mark.parametrize("design", list(Design))
@pytest.mark.parametrize("orientation", list(Orientation))
@pytest.mark.parametrize("mode", [LanguageMode.EN, LanguageMode.ZH_EN_HE])
def test_a_300_character_name_stays_inside_the_border(
    design: Design, orientation: Orientation, mode: LanguageMode
) -> None:
    long_name = ("Jinan Yuying Middle School Alumni Association of Friendship " * 6)[:300]
    unbroken = "克" * 300
    renderer = CertificateRenderer(FONTS)
    item = content(
        mode,
        recipient_en=long_name,
        recipient_zh=unbroken,
        recipient_he="א" * 300,
        citation_en=long_name * 3,
    )
    pdf = renderer.render([item], design, orientation)
    frame = renderer.pages[0].frame
    printed = chars(pdf)
    assert len(printed) > 300
    for char in printed:
        assert frame.x - 0.5 <= char.x0, char
        assert char.x1 <= frame.x + frame.width + 0.5, char
        assert frame.y - 0.5 <= char.y0, char
        assert char.y1 <= frame.y + frame.height + 0.5, char
    text = "".join(c.get_text() for c in printed)
    assert text.count("克") == 300 or mode is LanguageMode.EN  # wrapped, not cut


def test_a_character_no_font_has_is_named_before_anything_is_drawn() -> None:
    renderer = CertificateRenderer(FONTS)
    # An emoji: 𠮷 (U+20BB7), used here before, is now drawn by the bundled Extension B font.
    item = content(LanguageMode.ZH_EN, recipient_zh="吉野家😀")
    with pytest.raises(MissingGlyphs) as caught:
        renderer.render([item], Design.FORMAL, Orientation.LANDSCAPE)
    assert caught.value.characters == ("😀",)
    assert "U+1F600" in str(caught.value)
    assert "award 1" in str(caught.value)
    assert caught.value.places == ("zh:recipient",)
    assert renderer.pages == []


def test_a_system_font_draws_what_the_bundled_fonts_lack(tmp_path: Path) -> None:
    """A rare character found in a font of the system's folder is drawn with that font."""
    source = resources_dir() / "fonts" / "Heebo-Regular.ttf"
    library = FontLibrary(system_dirs=[tmp_path])
    # Pretend the system has a font with U+2603 (snowman), which no bundled font has.
    with TTFont(source) as font:
        cmap = font["cmap"].getcmap(3, 1)
        assert cmap is not None
        cmap.cmap[0x2603] = cmap.cmap[ord("A")]
        font["name"].setName("SnowTestFont", 6, 3, 1, 0x409)
        font.save(tmp_path / "DejaVuSans.ttf")
    assert FontLibrary(system_dirs=[]).missing("☃")
    assert library.missing("☃") == set()
    pdf = CertificateRenderer(library).render(
        [content(LanguageMode.EN, recipient_en="Snow ☃ City")],
        Design.MODERN,
        Orientation.PORTRAIT,
    )
    assert 0x2603 in font_names_in(pdf)["SnowTestFont"]


def test_a_batch_has_one_page_per_certificate() -> None:
    renderer = CertificateRenderer(FONTS)
    items = [content(mode) for mode in LanguageMode]
    pdf = renderer.render(items, Design.MODERN, Orientation.PORTRAIT)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(items)


@pytest.mark.parametrize(
    ("typed", "mode"),
    [
        ("zh+en", LanguageMode.ZH_EN),
        ("en+he", LanguageMode.HE_EN),
        ("HE + EN", LanguageMode.HE_EN),
        ("he+zh+en", LanguageMode.ZH_EN_HE),
        ("zh", LanguageMode.ZH),
    ],
)
def test_language_modes_are_read_in_any_order(typed: str, mode: LanguageMode) -> None:
    assert parse_language_mode(typed) is mode


@pytest.mark.parametrize("typed", ["", "fr", "zh+fr", "+"])
def test_unknown_language_modes_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match=re.escape(typed) if typed else None):
        parse_language_mode(typed)


@pytest.mark.parametrize("design", list(Design))
@pytest.mark.parametrize("orientation", list(Orientation))
@pytest.mark.parametrize("mode", list(LanguageMode))
def test_no_two_lines_overlap_and_all_stay_in_the_frame(
    design: Design, orientation: Orientation, mode: LanguageMode
) -> None:
    """Every design in every language mode: lines never collide, nothing leaves the frame."""
    renderer = CertificateRenderer(FONTS)
    renderer.render([content(mode)], design, orientation)
    page = renderer.pages[0]
    boxes = [
        (line.left, line.right, line.baseline - 0.22 * line.size, line.baseline + 0.8 * line.size)
        for line in page.lines
    ]
    frame = page.frame
    for left, right, bottom, top in boxes:
        assert frame.x <= left
        assert right <= frame.x + frame.width
        assert frame.y <= bottom
        assert top <= frame.y + frame.height
    for index, (left, right, bottom, top) in enumerate(boxes):
        for other in boxes[index + 1 :]:
            apart = right <= other[0] or other[1] <= left or top <= other[2] or other[3] <= bottom
            assert apart, (page.lines[index], other)


@pytest.mark.parametrize("design", list(Design))
def test_text_only_for_printed_stock_leaves_out_the_border_but_not_the_text(
    design: Design,
) -> None:
    item = content(LanguageMode.ZH_EN)
    full = CertificateRenderer(FONTS)
    bare = CertificateRenderer(FONTS, text_only=True)
    with_border = full.render([item], design, Orientation.LANDSCAPE)
    text_only = bare.render([item], design, Orientation.LANDSCAPE)
    bordered = PdfReader(io.BytesIO(with_border)).pages[0]["/Resources"]
    plain = PdfReader(io.BytesIO(text_only)).pages[0]["/Resources"]
    assert "/XObject" in bordered  # the frame, drawn once as a form
    assert "/XObject" not in plain
    # The same lines, in the same places: the text stands where the border expects it.
    assert [(x.text, round(x.left, 2), round(x.baseline, 2)) for x in bare.pages[0].lines] == [
        (x.text, round(x.left, 2), round(x.baseline, 2)) for x in full.pages[0].lines
    ]
    assert lines_of(text_only) == lines_of(with_border)
