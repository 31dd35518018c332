"""Lines of mixed Chinese, Latin and Hebrew text: wrapping, bidi order, font runs, drawing.

No ReportLab markup is used anywhere: user text is drawn with the canvas's string calls,
so `R&D <Ltd>` or `<b>` print exactly as typed.

Right-to-left text follows the Unicode bidi algorithm (UAX #9) in its order: the embedding
levels are resolved on the whole paragraph (python-bidi's Rust implementation, conformant,
bracket pairs included), the paragraph is wrapped in logical order at the width and size it
will be drawn with, and each line is then reordered with the paragraph's levels and its
brackets mirrored by level. Reordering a whole paragraph before wrapping would put the lines
in reverse order; resolving the levels line by line would turn a bracket whose pair is on
another line the wrong way.

Runs with combining marks (Hebrew points, Latin accents) are shaped by HarfBuzz through
ReportLab, so marks sit where the font's anchors put them; other text is drawn character by
character, which is faster and the same for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Any

from bidi import get_display
from bidi.mirror import MIRRORED
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

from exchange_desk.documents.fonts import Family, FontLibrary, MissingGlyphs, Script, script_of
from exchange_desk.paths import resources_dir

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

Color = tuple[float, float, float]

# Direction marks steer the bidi algorithm but have no glyph in most fonts (Babel's Hebrew
# dates carry them); zero-width characters likewise. They are dropped after reordering.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
        "\u2066\u2067\u2068\u2069\u00ad\ufeff",
    ),
    None,
)
# No line may start with these, and none may end with the openers (Chinese line-breaking
# rules, which also suit Latin punctuation).
_NO_LINE_START = frozenset("，。、；：！？）」』】》〉〕］｝〗〙〟”’…—·％‰℃,.;:!?)]}%")
_NO_LINE_END = frozenset("（「『【《〈〔［｛〖〘〝“‘([{")


@dataclass(frozen=True, slots=True)
class Style:
    family: Family = Family.SERIF
    size: float = 12.0
    bold: bool = False
    color: Color = (0.0, 0.0, 0.0)
    leading: float = 1.3  # line height as a multiple of the size
    # Extra space after every character, in points at this size (a spaced title such as
    # 荣 誉 证 书 stays one searchable word instead of characters and spaces).
    char_space: float = 0.0
    # The outline that thickens a face with no bold (Chinese), as a share of the size: a
    # name is drawn heavier than running text so it weighs as much as the bold Latin beside.
    outline: float = 0.025

    def scaled(self, factor: float) -> Style:
        return Style(
            self.family,
            self.size * factor,
            self.bold,
            self.color,
            self.leading,
            self.char_space * factor,
            self.outline,
        )


@dataclass(frozen=True, slots=True)
class Run:
    """Characters in visual order drawn with one font (a ReportLab `ShapedStr`, glyphs
    with their offsets, when the run was shaped)."""

    text: str
    font: str
    width: float
    fake_bold: bool = False


@dataclass(frozen=True, slots=True)
class Line:
    runs: tuple[Run, ...]
    width: float
    style: Style

    @property
    def text(self) -> str:
        """The line as drawn, left to right."""
        return "".join(run.text for run in self.runs)

    @property
    def height(self) -> float:
        return self.style.size * self.style.leading


def _is_rtl_char(char: str) -> bool:
    return script_of(char) is Script.HEBREW or "\u0600" <= char <= "\u08ff"


# Characters that can make any part of a left-to-right paragraph right to left: strong
# right-to-left letters (Hebrew, Arabic and their presentation forms, the historic RTL
# blocks) and the explicit marks, embeddings, overrides and isolates that ask for it.
_RTL_TRIGGER = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff"
    "\u200f\u061c\u202b\u202e\u2067\u2068]"
)
# Classes whose level rule L1 resets at the end of a line: whitespace and isolates, with
# the characters rule X9 takes out (embeddings, overrides, boundary neutrals) among them.
_L1_TRAILING = frozenset(
    {"WS", "FSI", "LRI", "RLI", "PDI", "LRE", "RLE", "LRO", "RLO", "PDF", "BN"}
)
_L1_SEPARATORS = frozenset({"S", "B"})
# Classes rule X9 removes: they have no place in the visual order of the conformance data.
X9_REMOVED = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "BN"})
_LEVEL = re.compile(r"Level\(\s*(\d+)")
_CLASS = re.compile(r"([A-Z]+),")


def first_strong_is_rtl(text: str) -> bool:
    """The paragraph direction by the bidi algorithm's rule P2: its first strong letter."""
    for char in text:
        if _is_rtl_char(char):
            return True
        if char.isalpha():
            return False
    return False


def _utf8_length(char: str) -> int:
    code = ord(char)
    return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4


def bidi_levels(text: str, rtl: bool) -> tuple[list[int], list[str]]:
    """Each character's embedding level resolved on the whole paragraph (UAX #9 rules
    P1-I2, bracket pairs included) and its original bidi class.

    python-bidi's Rust implementation is conformant but returns only the reordered string,
    or with `debug=True` a dump of its state, whose levels are per UTF-8 byte: that dump is
    read here, so that lines can be cut after the levels are known (rule L1 onwards).
    """
    if not text:
        return [], []
    dump = get_display(text, base_dir="R" if rtl else "L", debug=True)
    assert isinstance(dump, str)
    # Anchored on the dump's own indentation: a newline inside the text is printed escaped.
    classes_at = dump.index("\n    original_classes: [")
    levels_at = dump.index("\n    levels: [", classes_at)
    paragraphs_at = dump.index("\n    paragraphs: [", levels_at)
    byte_classes = _CLASS.findall(dump, classes_at + 24, levels_at)
    byte_levels = _LEVEL.findall(dump, levels_at, paragraphs_at)
    size = len(text.encode("utf-8", "surrogatepass"))
    if len(byte_levels) != size or len(byte_classes) != size:
        # tests/test_bidi_conformance.py catches this when python-bidi changes its dump.
        raise RuntimeError(f"python-bidi's levels could not be read for {text!r}")
    levels: list[int] = []
    classes: list[str] = []
    offset = 0
    for char in text:
        levels.append(int(byte_levels[offset]))
        classes.append(byte_classes[offset])
        offset += _utf8_length(char)
    return levels, classes


def line_levels(levels: list[int], classes: list[str], rtl: bool) -> list[int]:
    """Rule L1 on one line: separators, and whitespace before them or at the line's end,
    go back to the paragraph's level (so a trailing space stays at the line's edge)."""
    base = 1 if rtl else 0
    result = list(levels)
    trailing = True  # inside a run of whitespace that reaches a separator or the end
    for index in range(len(result) - 1, -1, -1):
        kind = classes[index]
        if kind in _L1_SEPARATORS:
            result[index] = base
            trailing = True
        elif trailing and kind in _L1_TRAILING:
            result[index] = base
        else:
            trailing = False
    return result


def reorder(levels: list[int]) -> list[int]:
    """Rule L2: the logical indices in visual order, left to right. From the highest level
    down to the lowest odd one, every stretch at that level or above is reversed."""
    order = list(range(len(levels)))
    if not levels:
        return order
    current = list(levels)
    highest = max(current)
    lowest_odd = min(current) | 1
    count = len(current)
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < count:
            if current[index] < level:
                index += 1
                continue
            end = index
            while end < count and current[end] >= level:
                end += 1
            order[index:end] = order[index:end][::-1]
            current[index:end] = current[index:end][::-1]
            index = end
    return order


def _mirrored(char: str, level: int) -> str:
    """Rule L4: at an odd (right-to-left) level, a bracket or other mirrored character
    shows its mirror image: "(" reads as ")"."""
    return MIRRORED.get(char, char) if level & 1 else char


def visual_order(line: str, rtl: bool) -> str:
    """One line reordered for display left to right, brackets mirrored, marks dropped.

    For text that is a whole paragraph; a line cut out of a longer paragraph is ordered by
    `TextEngine.wrap` with the paragraph's levels instead.
    """
    if not rtl and not _RTL_TRIGGER.search(line):
        return line.translate(_INVISIBLE)
    levels, classes = bidi_levels(line, rtl)
    levels = line_levels(levels, classes, rtl)
    visual = "".join(_mirrored(line[i], levels[i]) for i in reorder(levels))
    return visual.translate(_INVISIBLE)


_words: frozenset[str] | None = None


def chinese_words() -> frozenset[str]:
    """The two-character words a Chinese line is not broken inside (resources/text)."""
    global _words
    if _words is None:
        path = resources_dir() / "text" / "zh-words.txt"
        found: set[str] = set()
        for row in path.read_text(encoding="utf-8").splitlines():
            if not row.startswith("#"):
                found.update(word for word in row.split() if len(word) == 2)
        _words = frozenset(found)
    return _words


def _is_neutral(char: str) -> bool:
    """Spaces, digits, punctuation and combining accents: they take the font of the text
    around them (when it has them) rather than a font of their own."""
    return not char.isalpha() and script_of(char) is Script.OTHER


def _needs_shaping(text: str) -> bool:
    """Text whose marks must be placed by the font's anchors (Hebrew points, the shin and
    sin dots, Latin combining accents): drawn one glyph after the other, a mark lands on
    the wrong letter or on the wrong side of it."""
    return any(unicodedata.combining(char) for char in text)


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run as cached: its text (a ReportLab `ShapedStr` when shaped), its font, its
    advance at size 1000 without the character spacing, and its glyph count."""

    text: str
    font: str
    width: float
    glyphs: int


class TextEngine:
    """Measures, wraps and draws text with the fonts of a `FontLibrary`.

    A paragraph is handled whole before it is cut into lines: its embedding levels (bidi
    rules up to I2, bracket pairs included) and each character's font. Lines are then cut
    in logical order, and each line is reordered with the paragraph's levels (rules L1-L2)
    and mirrored by level (L4), so a bracket pair cut by a line end keeps its direction.
    """

    def __init__(self, fonts: FontLibrary) -> None:
        self.fonts = fonts
        self._widths: dict[tuple[str, str], float] = {}
        self._fonts_of: dict[tuple[str, Family, bool, bool], tuple[str, ...]] = {}
        self._pieces: dict[
            tuple[str, Family, bool, bool],
            tuple[list[str], list[float], list[float], list[int], list[int]],
        ] = {}
        self._levels: dict[tuple[str, bool], tuple[list[int], list[str]]] = {}
        self._lines: dict[tuple[str, bool, int, int, Family, bool], tuple[_Piece, ...]] = {}
        self._missing: dict[tuple[str, Family, bool], frozenset[str]] = {}
        self._text_widths: dict[tuple[str, Family, bool], tuple[float, int]] = {}
        self._harfbuzz: dict[str, Any] = {}

    # -- measuring -----------------------------------------------------------------------
    def _char_width(self, char: str, font: str) -> float:
        """Width at size 1000, cached: ReportLab does not kern, so widths simply add up."""
        key = (font, char)
        width = self._widths.get(key)
        if width is None:
            # Invisible marks are dropped before drawing: they take no room.
            width = 0.0 if ord(char) in _INVISIBLE else pdfmetrics.stringWidth(char, font, 1000)
            self._widths[key] = width
        return width

    def _font(self, char: str, style: Style) -> str:
        if char == "\u00a0":
            char = " "
        font = self.fonts.font_for(char, style.family, style.bold)
        if font is None:
            raise MissingGlyphs([char])
        return font

    def _paragraph_fonts(self, text: str, style: Style, rtl: bool) -> tuple[str, ...]:
        """The font of each character of a paragraph, in logical order (cached).

        Letters take the font of their script. Neutrals (spaces, digits, punctuation) take
        the font of the letters around them, so a Hebrew phrase keeps its own brackets and
        digits even right after Chinese, and each switch of font would cost the PDF another
        text operation. Invisible marks get no font: they are never drawn.
        """
        key = (text, style.family, style.bold, rtl)
        found = self._fonts_of.get(key)
        if found is not None:
            return found
        own: list[tuple[str, bool] | None] = [
            None
            if _is_neutral(c) or ord(c) in _INVISIBLE
            else (self._font(c, style), _is_rtl_char(c))
            for c in text
        ]
        after: list[tuple[str, bool] | None] = [None] * len(text)
        following: tuple[str, bool] | None = None
        for index in range(len(text) - 1, -1, -1):
            after[index] = following
            following = own[index] or following
        fonts: list[str] = []
        before: tuple[str, bool] | None = None
        for index, char in enumerate(text):
            strong = own[index]
            if strong is not None:
                fonts.append(strong[0])
                before = strong
            elif ord(char) in _INVISIBLE:
                fonts.append("")
            else:
                fonts.append(
                    self._neutral_font(char, before, after[index], rtl) or self._font(char, style)
                )
        found = tuple(fonts)
        self._remember(self._fonts_of, key, found)
        return found

    def _neutral_font(
        self,
        char: str,
        before: tuple[str, bool] | None,
        after: tuple[str, bool] | None,
        rtl: bool,
    ) -> str | None:
        """The font of the letters around a neutral character, if that font has it.

        Between two scripts: an opening bracket or quote goes with what follows it, a
        closing one with what precedes it, anything else with the side that runs in the
        paragraph's direction (a space between Chinese and Hebrew in a Hebrew paragraph is
        part of the Hebrew), else with what precedes it.
        """
        if before is None:
            candidates = [] if after is None else [after[0]]
        elif after is None or before[0] == after[0]:
            candidates = [before[0]]
        else:
            category = unicodedata.category(char)
            if category in ("Ps", "Pi"):
                follows = True
            elif category in ("Pe", "Pf"):
                follows = False
            else:
                follows = after[1] == rtl and before[1] != rtl
            candidates = [after[0], before[0]] if follows else [before[0], after[0]]
        for font in candidates:
            if self.fonts.has_glyph(font, " " if char == "\u00a0" else char):
                return font
        return None

    def _bidi(self, text: str, rtl: bool) -> tuple[list[int], list[str]]:
        key = (text, rtl)
        found = self._levels.get(key)
        if found is None:
            found = bidi_levels(text, rtl)
            self._remember(self._levels, key, found)
        return found

    def width(self, text: str, style: Style) -> float:
        """The width of `text` drawn on one line, in points."""
        key = (text, style.family, style.bold)
        found = self._text_widths.get(key)
        if found is None:
            fonts = self._paragraph_fonts(text, style, first_strong_is_rtl(text))
            advance = sum(self._char_width(c, f) for c, f in zip(text, fonts, strict=True))
            found = (advance, len(text.translate(_INVISIBLE)))
            self._remember(self._text_widths, key, found)
        advance, visible = found
        return advance * style.size / 1000 + style.char_space * max(visible - 1, 0)

    def missing(self, texts: Iterable[str], style: Style) -> set[str]:
        found: set[str] = set()
        for text in texts:
            key = (text, style.family, style.bold)
            lacking = self._missing.get(key)
            if lacking is None:
                lacking = frozenset(
                    char
                    for char in set(text.translate(_INVISIBLE))
                    if char.isprintable()
                    and self.fonts.font_for(char, style.family, style.bold) is None
                )
                self._remember(self._missing, key, lacking)
            found |= lacking
        return found

    # -- lines in visual order -----------------------------------------------------------
    def _line(
        self, paragraph: str, rtl: bool, start: int, end: int, style: Style
    ) -> tuple[_Piece, ...]:
        """The runs of one line, `paragraph[start:end]`, left to right (cached)."""
        key = (paragraph, rtl, start, end, style.family, style.bold)
        found = self._lines.get(key)
        if found is not None:
            return found
        fonts = self._paragraph_fonts(paragraph, style, rtl)
        levels: list[int] | None = None
        order: Iterable[int] = range(start, end)
        if rtl or _RTL_TRIGGER.search(paragraph):
            every, classes = self._bidi(paragraph, rtl)
            levels = line_levels(every[start:end], classes[start:end], rtl)
            order = [start + i for i in reorder(levels)]
        pieces: list[_Piece] = []
        group: list[int] = []
        current = ""
        for index in order:
            font = fonts[index]
            if not font:  # an invisible mark
                continue
            if font != current and group:
                pieces.append(self._piece(paragraph, group, current, levels, start))
                group = []
            current = font
            group.append(index)
        if group:
            pieces.append(self._piece(paragraph, group, current, levels, start))
        found = tuple(pieces)
        self._remember(self._lines, key, found)
        return found

    def _piece(
        self, paragraph: str, indices: list[int], font: str, levels: list[int] | None, start: int
    ) -> _Piece:
        """One run: the characters at `indices` (visual order), mirrored by level, or
        shaped by HarfBuzz when they carry combining marks."""
        if _needs_shaping("".join(paragraph[i] for i in indices)) and self._shapable(font):
            return self._shaped(paragraph, indices, font, levels, start)
        if levels is None:
            text = "".join(paragraph[i] for i in indices)
        else:
            text = "".join(_mirrored(paragraph[i], levels[i - start]) for i in indices)
        width = sum(self._char_width(c, font) for c in text)
        return _Piece(text, font, width, len(text))

    # -- shaping -------------------------------------------------------------------------
    def _shapable(self, font: str) -> bool:
        self.fonts.register(font)
        return bool(getattr(pdfmetrics.getFont(font), "shapable", False))

    def _shaped(
        self, paragraph: str, indices: list[int], font: str, levels: list[int] | None, start: int
    ) -> _Piece:
        """A run shaped by HarfBuzz, stretch by stretch of one level: each stretch goes to
        HarfBuzz in logical order and unmirrored, since HarfBuzz itself mirrors and orders
        a right-to-left stretch; ReportLab draws the glyphs with HarfBuzz's offsets."""
        text = ""
        width = 0.0
        for level, stretch in groupby(
            indices, key=lambda i: 0 if levels is None else levels[i - start]
        ):
            rtl = bool(level & 1)
            ordered = list(stretch)
            logical = "".join(paragraph[i] for i in (ordered[::-1] if rtl else ordered))
            shaped, advance = self._shape(logical, font, rtl)
            text = shaped if not text else text + shaped
            width += advance
        return _Piece(text, font, width, len(text))

    def _shape(self, logical: str, font: str, rtl: bool) -> tuple[str, float]:
        """`logical` shaped with `font`: ReportLab's `ShapedStr` of the glyphs (as the
        characters they stand for) left to right, and its advance at size 1000."""
        import uharfbuzz  # present whenever ReportLab calls the font shapable

        face = pdfmetrics.getFont(font)
        harfbuzz = self._harfbuzz.get(font)
        if harfbuzz is None:
            harfbuzz = self._harfbuzz[font] = face.hbFont(1000)
        buffer = uharfbuzz.Buffer()
        buffer.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
        buffer.add_str(logical)
        buffer.guess_segment_properties()
        buffer.direction = "rtl" if rtl else "ltr"
        uharfbuzz.shape(harfbuzz, buffer, {"kern": True, "liga": True})
        glyphs: list[str] = []
        data: list[ShapeData] = []
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
            glyph = info.codepoint
            try:
                code = face.face.glyphToChar[glyph][0]
            except KeyError:  # a glyph no character maps to (a ligature): a private code
                code = face.hbAddPrivate(harfbuzz.glyph_to_string(glyph), glyph, position.x_advance)
            glyphs.append(chr(code))
            data.append(
                ShapeData(
                    info.cluster,
                    face.pdfScale(position.x_advance),
                    face.pdfScale(position.y_advance),
                    face.pdfScale(position.x_offset),
                    face.pdfScale(position.y_offset),
                    face.face.charWidths[code],
                )
            )
        return ShapedStr("".join(glyphs), shapeData=data), float(sum(d.x_advance for d in data))

    @staticmethod
    def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
        """Caches of lines and pieces: the fixed wording of a batch repeats on every page.
        Bounded, so a long session does not keep every text it ever drew."""
        if len(cache) > 8192:
            cache.clear()
        cache[key] = value

    def _run(self, piece: _Piece, style: Style) -> Run:
        fake = style.bold and not self.fonts.is_real_bold(piece.font)
        width = piece.width * style.size / 1000 + style.char_space * piece.glyphs
        return Run(piece.text, piece.font, width, fake)

    # -- wrapping ------------------------------------------------------------------------
    def wrap(self, text: str, style: Style, width: float, rtl: bool | None = None) -> list[Line]:
        """Break `text` into lines no wider than `width`, each in visual order.

        Explicit newlines are kept. `rtl` sets the paragraph direction; None takes it from
        the first strong letter, so an English name in a Hebrew block stays left to right.
        """
        lines: list[Line] = []
        for paragraph in text.split("\n"):
            paragraph = paragraph.strip()
            direction = first_strong_is_rtl(paragraph) if rtl is None else rtl
            for start, end in self._break(paragraph, style, width, direction):
                runs = tuple(
                    self._run(piece, style)
                    for piece in self._line(paragraph, direction, start, end, style)
                )
                # The spacing after the last character is not part of the line: a spaced
                # title is centred on its glyphs.
                spacing = style.char_space if runs else 0.0
                lines.append(Line(runs, sum(r.width for r in runs) - spacing, style))
        return lines

    def wrap_balanced(
        self, text: str, style: Style, width: float, rtl: bool | None = None
    ) -> list[Line]:
        """Like `wrap`, at the narrowest width that needs no more lines: a centred title
        or paragraph then does not end on a lonely word (or one Chinese character)."""
        count = self.line_count(text, style, width, rtl)
        if count > 1:
            low, high = width * 0.4, width
            for _ in range(7):
                middle = (low + high) / 2
                if self.line_count(text, style, middle, rtl) > count:
                    low = middle
                else:
                    high = middle
            width = high
        return self.wrap(text, style, width, rtl)

    def line_count(self, text: str, style: Style, width: float, rtl: bool | None = None) -> int:
        """How many lines `wrap` would make, without ordering or splitting them into runs:
        what fitting a page asks many times over."""
        total = 0
        for paragraph in text.split("\n"):
            paragraph = paragraph.strip()
            direction = first_strong_is_rtl(paragraph) if rtl is None else rtl
            total += len(self._break(paragraph, style, width, direction))
        return total

    def _prepared(
        self, text: str, style: Style, rtl: bool
    ) -> tuple[list[str], list[float], list[float], list[int], list[int]]:
        """The text's break pieces with their widths at size 1000, with and without the
        trailing space, and their lengths likewise (for the character spacing); cached,
        because fitting a page breaks the same text at many sizes."""
        key = (text, style.family, style.bold, rtl)
        found = self._pieces.get(key)
        if found is None:
            fonts = self._paragraph_fonts(text, style, rtl)
            tokens = _tokens(text)
            widths: list[float] = []
            trimmed: list[float] = []
            lengths: list[int] = []
            trimmed_lengths: list[int] = []
            position = 0
            for token in tokens:
                advances = [self._char_width(c, fonts[position + k]) for k, c in enumerate(token)]
                position += len(token)
                total = sum(advances)
                kept = len(token.rstrip())
                widths.append(total)
                trimmed.append(sum(advances[:kept]))
                visible = len(token.translate(_INVISIBLE))
                lengths.append(visible)
                trimmed_lengths.append(visible - (len(token) - kept))
            found = (tokens, widths, trimmed, lengths, trimmed_lengths)
            if len(self._pieces) > 4096:
                self._pieces.clear()
            self._pieces[key] = found
        return found

    def _break(self, text: str, style: Style, width: float, rtl: bool) -> list[tuple[int, int]]:
        """Where the lines of a paragraph start and end (trailing spaces left out)."""
        if not text:
            return []
        # 1% spare, for a shaped run whose advances differ from the characters' own.
        limit = width * 990 / style.size
        spacing = style.char_space * 1000 / style.size
        tokens, widths, trimmed, lengths, trimmed_lengths = self._prepared(text, style, rtl)
        spans: list[tuple[int, int]] = []
        line_start = -1
        line_width = 0.0
        position = 0
        for token, token_width, trimmed_width, length, trimmed_length in zip(
            tokens, widths, trimmed, lengths, trimmed_lengths, strict=True
        ):
            full = token_width + spacing * length
            bare = trimmed_width + spacing * trimmed_length
            if line_start >= 0 and line_width + bare > limit:
                spans.append(_rstripped(text, line_start, position))
                line_start, line_width = -1, 0.0
            if line_start < 0 and bare > limit:
                # A word wider than the line (a long name with no spaces): split it.
                pieces, line_width = self._split_word(
                    text, position, position + len(token), limit, style, rtl
                )
                spans.extend(pieces[:-1])
                line_start = pieces[-1][0]
                position += len(token)
                continue
            if line_start < 0:
                line_start = position
            line_width += full
            position += len(token)
        if line_start >= 0:
            last = _rstripped(text, line_start, position)
            if last[1] > last[0]:
                spans.append(last)
        return spans

    def _split_word(
        self, text: str, start: int, end: int, limit: float, style: Style, rtl: bool
    ) -> tuple[list[tuple[int, int]], float]:
        """`text[start:end]` cut where it must be, and the width of its last piece."""
        fonts = self._paragraph_fonts(text, style, rtl)
        spacing = style.char_space * 1000 / style.size
        pieces: list[tuple[int, int]] = []
        piece_start = start
        piece_width = 0.0
        for index in range(start, end):
            char = text[index]
            char_width = self._char_width(char, fonts[index]) + spacing
            if (
                index > piece_start
                and piece_width + char_width > limit
                and not char.isspace()
                and not unicodedata.combining(char)  # a mark stays with its letter
            ):
                pieces.append((piece_start, index))
                piece_start, piece_width = index, 0.0
            piece_width += char_width
        pieces.append((piece_start, end))
        return pieces, piece_width

    # -- drawing -------------------------------------------------------------------------
    def draw_line(self, canvas: Canvas, line: Line, x: float, y: float, align: str) -> float:
        """Draw at baseline `y`; `x` is the left edge, centre or right edge by `align`.

        Each run is one string of the PDF, with the style's character spacing as the PDF's
        own (Tc), so a spaced title is still found by a text search. Returns the left edge
        actually used.
        """
        if align == "center":
            left = x - line.width / 2
        elif align == "right":
            left = x - line.width
        else:
            left = x
        style = line.style
        spacing = style.char_space
        canvas.setFillColorRGB(*style.color)
        if any(run.fake_bold for run in line.runs):
            # Chinese faces have no bold: a thin outline of the same colour thickens them.
            canvas.setStrokeColorRGB(*style.color)
            canvas.setLineWidth(style.size * style.outline)
        # One text object for the line, each run placed where the previous one ends: a PDF
        # reader sees one line of text, and the page has one BT/ET pair a line.
        text = canvas.beginText(left, y)
        if spacing:
            text.setCharSpace(spacing)
        position = left
        for run in line.runs:
            if position != left:
                text.setTextOrigin(position, y)
            text.setFont(run.font, style.size)
            if run.fake_bold:
                text.setTextRenderMode(2)
            text.textOut(run.text)
            if run.fake_bold:
                # Render mode and spacing are graphics state and outlive the text object.
                text.setTextRenderMode(0)
            position += run.width
        if spacing:
            text.setCharSpace(0)
        canvas.drawText(text)
        return left


def _rstripped(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _tokens(text: str) -> list[str]:
    """Pieces between break opportunities: after spaces, and around Chinese characters,
    except inside a common two-character word (政府, 商业) and where a closing mark would
    start a line or an opening one end it."""
    words = chinese_words()
    tokens: list[str] = []
    current = ""
    for index, char in enumerate(text):
        current += char
        following = text[index + 1] if index + 1 < len(text) else ""
        if not following:
            break
        if char.isspace() and not following.isspace():
            tokens.append(current)
            current = ""
            continue
        han_edge = script_of(char) is Script.HAN or script_of(following) is Script.HAN
        if (
            han_edge
            and not following.isspace()
            and following not in _NO_LINE_START
            and char not in _NO_LINE_END
            and not unicodedata.combining(following)
            and char + following not in words
            and not (char.isdigit() and following in _DATE_UNITS)
        ):
            tokens.append(current)
            current = ""
    if current:
        tokens.append(current)
    return tokens


# A number keeps its unit: 2018年, 11月, 16日 never break before the character.
_DATE_UNITS = frozenset("年月日天号时分秒届周岁名人个次")
