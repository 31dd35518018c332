"""The text engine with hard names: brackets cut by a line end, neutrals between scripts,
Chinese words at a line end, pointed Hebrew, CJK Extension B, emoji and spaced titles.

Whatever is drawn is read back from the PDF (pdfminer for characters, positions and
fonts; pypdf for text search), not from the code that drew it.
"""

from __future__ import annotations

import io
import itertools
import unicodedata

import pytest
import uharfbuzz
from fontTools.ttLib import TTFont
from pdfminer.layout import LTChar
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from exchange_desk.documents.fonts import Family, FontLibrary, MissingGlyphs, is_emoji
from exchange_desk.documents.text import (
    _NO_LINE_END,
    _NO_LINE_START,
    Line,
    Style,
    TextEngine,
    chinese_words,
    visual_order,
)
from exchange_desk.paths import resources_dir
from pdf_checks import chars

FONTS = FontLibrary(system_dirs=[])  # bundled fonts only: the same on every machine
SERIF = Style(Family.SERIF, 12)


def engine() -> TextEngine:
    return TextEngine(FONTS)


def pdf_of(
    lines: list[Line], text_engine: TextEngine, align: str = "right", x: float = 500
) -> bytes:
    """The lines drawn one under the other on a page, right-aligned at x=500 by default."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(600, 800))
    y = 750.0
    for line in lines:
        text_engine.draw_line(canvas, line, x, y, align)
        y -= 20
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def balanced(text: str) -> bool:
    """Every bracket of a visual line closes one opened before it, left to right."""
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


# --- bidi: levels of the paragraph, lines cut afterwards ----------------------------------

HEBREW_WITH_NAMES = (
    "המשלחת של העיר (Jinan) (济南) ביקרה בעיר שלנו, ונפגשה עם ראש העיר (Jinan) (济南) "
    "ועם נציגי הקהילה (Jinan) (济南) בשנת 2018"
)


@pytest.mark.parametrize("width", [55, 70, 90, 120, 160, 220, 300])
def test_bracket_pairs_stay_whole_on_every_line_of_a_wrapped_hebrew_paragraph(
    width: int,
) -> None:
    lines = engine().wrap(HEBREW_WITH_NAMES, SERIF, width, True)
    assert len(lines) > 1
    for line in lines:
        assert balanced(line.text), line.text
        # A pair is never printed half mirrored: "(Jinan (济南" was the bug.
        assert "(Jinan (" not in line.text, line.text
        assert ") 济南)" not in line.text, line.text
    printed = " ".join(line.text for line in lines)
    assert printed.count("(Jinan)") == 3
    assert printed.count("(济南)") == 3


def test_a_bracket_cut_by_the_line_end_keeps_the_direction_of_its_pair() -> None:
    """The pair around Latin after Latin is left to right (rule N0 on the paragraph): its
    closing bracket on the next line must not turn round, as it did when each line was
    ordered on its own."""
    text = "שלום Jinan (Foreign Affairs Office) עולם"
    lines = engine().wrap(text, SERIF, 100, True)
    assert [line.text for line in lines] == ["Jinan (Foreign םולש", "םלוע Affairs Office)"]
    # The line alone would be read the other way round.
    assert visual_order("Affairs Office) עולם", True) != lines[1].text


def test_the_drawn_hebrew_line_reads_right_to_left_with_its_brackets() -> None:
    text_engine = engine()
    lines = text_engine.wrap("הוענקה ל(Jinan) בשנת 2018", SERIF, 400, True)
    printed = "".join(c.get_text() for c in sorted(chars(pdf_of(lines, text_engine)), key=x0))
    assert printed.replace(" ", "") == "2018תנשב(Jinan)להקנעוה"


def x0(char: LTChar) -> float:
    return float(char.x0)


# --- fonts of neutrals ---------------------------------------------------------------------


def test_neutrals_inside_hebrew_after_chinese_take_the_hebrew_font() -> None:
    text_engine = engine()
    text = "济南市 – העיר ג'ינאן (2018) – שלום, 1-2"
    pdf = pdf_of(text_engine.wrap(text, SERIF, 500, True), text_engine)
    drawn = chars(pdf)
    assert drawn
    for char in drawn:
        value = char.get_text()
        if value.isspace():
            continue
        font = char.fontname.split("+", 1)[-1]
        if "\u4e00" <= value <= "\u9fff":
            assert font == "UMingCN", (value, font)
        else:  # Hebrew letters, brackets, digits, dashes, the comma and the apostrophe
            assert font == "FrankRuhlLibre-Regular", (value, font)


def test_brackets_around_chinese_in_hebrew_take_the_chinese_font() -> None:
    """An opening bracket goes with what follows it, a closing one with what precedes."""
    text_engine = engine()
    pdf = pdf_of(text_engine.wrap("שלום (济南) עולם", SERIF, 500, True), text_engine)
    fonts = {c.get_text(): c.fontname.split("+", 1)[-1] for c in chars(pdf)}
    assert fonts["("] == fonts[")"] == fonts["济"] == "UMingCN"
    assert fonts["ש"] == "FrankRuhlLibre-Regular"


# --- Chinese line breaking -----------------------------------------------------------------

CHINESE = (
    "济南市人民政府外事办公室感谢以色列特拉维夫市政府在经济、商业、文化和教育领域的"
    "友好合作（2009年至今），并授予荣誉证书。"
)


def test_the_word_list_is_loaded_and_has_only_pairs() -> None:
    words = chinese_words()
    assert {"政府", "商业", "济南", "友好", "合作"} <= words
    assert len(words) > 300
    assert all(len(word) == 2 for word in words)


@pytest.mark.parametrize("columns", range(3, 16))
def test_chinese_lines_never_break_inside_a_common_word_nor_at_punctuation(
    columns: int,
) -> None:
    words = chinese_words()
    lines = engine().wrap(CHINESE, SERIF, columns * 12 + 1, False)
    texts = [line.text for line in lines]
    assert "".join(texts) == CHINESE  # nothing lost, nothing added
    for first, second in itertools.pairwise(texts):
        assert first[-1] + second[0] not in words, (first, second)
        assert second[0] not in _NO_LINE_START, (first, second)
        assert first[-1] not in _NO_LINE_END, (first, second)


def test_the_government_stays_whole() -> None:
    """At the width where 政|府 would fall at the line end, 政 moves to the next line."""
    lines = engine().wrap("济南市人民政府", SERIF, 6 * 12 + 1, False)
    assert [line.text for line in lines] == ["济南市人民", "政府"]


# --- pointed Hebrew: HarfBuzz shaping ------------------------------------------------------

SHALOM = "שָׁלוֹם"  # with qamats, shin dot, holam


def harfbuzz_origins(text: str, path: str) -> dict[int, float]:
    """Where HarfBuzz puts each character's glyph (its origin, in font units from the
    start of the line, left to right), by the character it stands for."""
    data = (resources_dir() / "fonts" / path).read_bytes()
    font = uharfbuzz.Font(uharfbuzz.Face(data))
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer, {})
    with TTFont(resources_dir() / "fonts" / path, lazy=True) as font_file:
        cmap = font_file.getBestCmap()
    glyph_to_char = {font.get_nominal_glyph(code): code for code in cmap if 0x590 <= code < 0x600}
    origins: dict[int, float] = {}
    pen = 0
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        origins[glyph_to_char[info.codepoint]] = pen + position.x_offset
        pen += position.x_advance
    return origins


def test_the_shin_dot_is_drawn_where_the_fonts_anchors_put_it() -> None:
    text_engine = engine()
    (line,) = text_engine.wrap(SHALOM, SERIF, 400, True)
    drawn = {c.get_text(): c for c in chars(pdf_of([line], text_engine))}
    assert set(SHALOM) <= set(drawn)  # every letter and mark drawn, none composed away
    shin, dot, sin_side = drawn["ש"], drawn["\u05c1"], drawn["ש"].matrix[4]
    offset = dot.matrix[4] - sin_side  # the dot's origin from the shin's, in points

    origins = harfbuzz_origins(SHALOM, "FrankRuhlLibre-Regular.ttf")
    expected = (origins[0x05C1] - origins[0x05E9]) * 12 / 1000  # FrankRuhlLibre: 1000 upem
    assert offset == pytest.approx(expected, abs=0.05)
    # And so the dot's ink sits over the right half of the shin (a sin dot would be left).
    with TTFont(resources_dir() / "fonts" / "FrankRuhlLibre-Regular.ttf") as glyphs:
        dot_glyph = glyphs["glyf"][glyphs.getBestCmap()[0x05C1]]
    ink_centre = dot.matrix[4] + (dot_glyph.xMin + dot_glyph.xMax) / 2 * 12 / 1000
    assert ink_centre > (shin.x0 + shin.x1) / 2
    assert ink_centre <= shin.x1 + 0.5


def test_only_runs_with_marks_are_shaped() -> None:
    lines = engine().wrap(f"{SHALOM} עולם (济南) Jinan", SERIF, 400, True)
    shaped = [run for line in lines for run in line.runs if hasattr(run.text, "__shapeData__")]
    assert [run.font for run in shaped] == ["FrankRuhlLibre"]
    assert any(unicodedata.combining(c) for c in shaped[0].text)


# --- CJK Extension B, emoji ----------------------------------------------------------------


def test_extension_b_names_print_with_the_bundled_fallback() -> None:
    fonts = FontLibrary(system_dirs=[])
    text_engine = TextEngine(fonts)
    lines = text_engine.wrap("授予𠮷野家和𠮷田先生", SERIF, 400, False)
    pdf = pdf_of(lines, text_engine, "left", 50)
    # Searchable and copyable too: ReportLab's map back to Unicode had it as ₻ (U+20BB).
    assert "授予𠮷野家和𠮷田先生" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    drawn = chars(pdf)
    fonts_of = {c.get_text(): c.fontname.split("+", 1)[-1] for c in drawn}
    assert fonts_of["𠮷"] == "HanaMinB"
    assert fonts_of["野"] == "UMingCN"
    assert text_engine.missing(["𠮷野家"], SERIF) == set()


def test_the_extension_b_font_is_read_only_when_a_character_needs_it() -> None:
    fonts = FontLibrary(system_dirs=[])
    text_engine = TextEngine(fonts)
    text_engine.wrap("济南市人民政府 Jinan שלום", SERIF, 400, False)
    assert fonts.missing("😀") == {"😀"}
    assert "HanaMinB-ExtB" not in fonts._cmaps
    assert fonts.font_for("𠮷", Family.SANS) == "HanaMinB-ExtB"
    assert "HanaMinB-ExtB" in fonts._cmaps


def test_emoji_are_refused_and_named_as_emoji() -> None:
    text_engine = engine()
    with pytest.raises(MissingGlyphs) as caught:
        text_engine.wrap("Kfar Saba 😀", SERIF, 400)
    assert caught.value.characters == ("😀",)
    assert caught.value.emoji == {"😀"}
    error = MissingGlyphs(text_engine.missing(["吉田😀🎉✈㐀"], SERIF) | {"\U000e0001"}, "award 1")
    assert error.emoji == {"😀", "🎉", "✈"}
    assert is_emoji("🇮")
    assert not is_emoji("吉")
    assert not is_emoji("1")


# --- character spacing ---------------------------------------------------------------------


def test_a_spaced_title_is_one_searchable_string_with_its_glyphs_spread() -> None:
    spaced = Style(Family.SERIF, 24, char_space=12)
    text_engine = engine()
    (line,) = text_engine.wrap("荣誉证书", spaced, 400)
    assert line.width == pytest.approx(4 * 24 + 3 * 12)  # no spacing after the last glyph
    pdf = pdf_of([line], text_engine, "center")
    assert "荣誉证书" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    drawn = sorted(chars(pdf), key=x0)
    assert "".join(c.get_text() for c in drawn) == "荣誉证书"
    steps = [b.x0 - a.x0 for a, b in itertools.pairwise(drawn)]
    assert steps == pytest.approx([24 + 12] * 3, abs=0.01)
    assert (drawn[0].x0 + drawn[-1].x1) / 2 == pytest.approx(500, abs=0.01)  # centred


def test_character_spacing_counts_when_wrapping() -> None:
    text_engine = engine()
    plain = Style(Family.SERIF, 12)
    spaced = Style(Family.SERIF, 12, char_space=6)
    assert len(text_engine.wrap("荣誉证书荣誉证书", plain, 100)) == 1
    lines = text_engine.wrap("荣誉证书荣誉证书", spaced, 100)
    assert len(lines) == 2
    assert all(line.width <= 100 for line in lines)
    assert text_engine.line_count("荣誉证书荣誉证书", spaced, 100) == 2
    assert spaced.scaled(2).char_space == 12


def test_a_shaped_run_keeps_its_digits_and_brackets_in_order() -> None:
    """Heebo draws the whole line, so one shaped run mixes levels: HarfBuzz is given each
    stretch of one level in reading order, and mirrors the brackets itself."""
    text_engine = engine()
    sans = Style(Family.SANS, 12)
    (line,) = text_engine.wrap(f"{SHALOM} (2018) עולם", sans, 400, True)
    assert len(line.runs) == 1
    drawn = sorted(chars(pdf_of([line], text_engine)), key=x0)
    letters = "".join(c.get_text() for c in drawn if not unicodedata.combining(c.get_text()))
    assert letters == "םלוע (2018) םולש"
    assert max(c.x1 for c in drawn) == pytest.approx(500, abs=0.01)  # width as drawn


def test_a_number_keeps_its_chinese_unit_when_a_line_breaks() -> None:
    """2018年11月16日 in running text breaks between the units, never before 年, 月 or 日."""
    from exchange_desk.documents.text import _tokens

    tokens = _tokens("代表团于2018年11月16日抵达济南，为期5天。")
    assert "2018年" in tokens
    assert "11月" in tokens
    assert "16日" in tokens
    assert all(not token.startswith(("年", "月", "日", "天")) for token in tokens)
