"""Lines of mixed Chinese, Latin and Hebrew text: wrapping, bidi order, font runs, drawing.

No ReportLab markup is used anywhere: user text is drawn with the canvas's string calls,
so `R&D <Ltd>` or `<b>` print exactly as typed. Right-to-left text is wrapped in logical
order at the width and size it will be drawn with, then each line is reordered on its own
by the Unicode bidi algorithm (python-bidi's Python implementation, which also mirrors
brackets); reordering a whole paragraph first would put the lines in reverse order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bidi import get_display
from bidi.mirror import MIRRORED
from reportlab.pdfbase import pdfmetrics

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
_NO_LINE_START = set("，。、；：！？）」』】》〉”’…—·,.;:!?)]}%")
_NO_LINE_END = set("（「『【《〈“‘([{")


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

    def scaled(self, factor: float) -> Style:
        return Style(
            self.family,
            self.size * factor,
            self.bold,
            self.color,
            self.leading,
            self.char_space * factor,
        )


@dataclass(frozen=True, slots=True)
class Run:
    """Characters in visual order drawn with one font."""

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
_L1_TRAILING = frozenset({"WS", "FSI", "LRI", "RLI", "PDI", "LRE", "RLE", "LRO", "RLO", "PDF", "BN"})
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
    """Measures, wraps and draws text with the fonts of a `FontLibrary`."""

    def __init__(self, fonts: FontLibrary) -> None:
        self.fonts = fonts
        self._widths: dict[tuple[str, str], float] = {}
        self._pieces: dict[
            tuple[str, Family, bool], tuple[list[str], list[float], list[float]]
        ] = {}
        self._runs: dict[tuple[str, Family, bool], tuple[tuple[str, str, float], ...]] = {}
        self._missing: dict[tuple[str, Family, bool], frozenset[str]] = {}
        self._visual: dict[tuple[str, bool], str] = {}

    # -- measuring -----------------------------------------------------------------------
    def _char_width(self, char: str, font: str) -> float:
        """Width at size 1000, cached: ReportLab does not kern, so widths simply add up."""
        key = (font, char)
        width = self._widths.get(key)
        if width is None:
            width = pdfmetrics.stringWidth(char, font, 1000)
            self._widths[key] = width
        return width

    def _font(self, char: str, style: Style) -> str:
        if char == "\u00a0":
            char = " "
        font = self.fonts.font_for(char, style.family, style.bold)
        if font is None:
            raise MissingGlyphs([char])
        return font

    def _neutral_font(self, char: str, current: str) -> str | None:
        """Spaces, digits and punctuation stay in the font of the text around them when it
        has them: a Hebrew line keeps its own spaces and digits, and each switch of font
        would cost the PDF another text operation."""
        neutral = current and not char.isalpha() and script_of(char) is Script.OTHER
        return current if neutral and self.fonts.has_glyph(current, char) else None

    def width(self, text: str, style: Style) -> float:
        total = 0.0
        for char in text.translate(_INVISIBLE):
            total += self._char_width(char, self._font(char, style))
        return total * style.size / 1000

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

    def runs(self, visual: str, style: Style) -> tuple[Run, ...]:
        """Split a line (already in visual order) into runs of one font each."""
        key = (visual, style.family, style.bold)
        pieces = self._runs.get(key)
        if pieces is None:
            pieces = self._split_runs(visual, style)
            self._remember(self._runs, key, pieces)
        return tuple(self._run(text, font, width, style) for text, font, width in pieces)

    def _split_runs(self, visual: str, style: Style) -> tuple[tuple[str, str, float], ...]:
        """(text, font, width at size 1000) for each run of one font."""
        pieces: list[tuple[str, str, float]] = []
        current_font = ""
        current: list[str] = []
        width = 0.0
        for char in visual:
            font = self._neutral_font(char, current_font) or self._font(char, style)
            if font != current_font and current:
                pieces.append(("".join(current), current_font, width))
                current, width = [], 0.0
            current_font = font
            current.append(char)
            width += self._char_width(char, font)
        if current:
            pieces.append(("".join(current), current_font, width))
        return tuple(pieces)

    @staticmethod
    def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
        """Caches of lines and pieces: the fixed wording of a batch repeats on every page.
        Bounded, so a long session does not keep every text it ever drew."""
        if len(cache) > 8192:
            cache.clear()
        cache[key] = value

    def _run(self, text: str, font: str, width: float, style: Style) -> Run:
        fake = style.bold and not self.fonts.is_real_bold(font)
        return Run(text, font, width * style.size / 1000, fake)

    # -- wrapping ------------------------------------------------------------------------
    def wrap(self, text: str, style: Style, width: float, rtl: bool | None = None) -> list[Line]:
        """Break `text` into lines no wider than `width`, each in visual order.

        Explicit newlines are kept. `rtl` sets the paragraph direction; None takes it from
        the first strong letter, so an English name in a Hebrew block stays left to right.
        """
        lines: list[Line] = []
        for paragraph in text.split("\n"):
            direction = first_strong_is_rtl(paragraph) if rtl is None else rtl
            for logical in self._break(paragraph.strip(), style, width):
                visual = self._visual.get((logical, direction))
                if visual is None:
                    visual = visual_order(logical, direction)
                    self._remember(self._visual, (logical, direction), visual)
                runs = self.runs(visual, style)
                lines.append(Line(runs, sum(r.width for r in runs), style))
        return lines

    def wrap_balanced(
        self, text: str, style: Style, width: float, rtl: bool | None = None
    ) -> list[Line]:
        """Like `wrap`, at the narrowest width that needs no more lines: a centred title
        or paragraph then does not end on a lonely word (or one Chinese character)."""
        count = self.line_count(text, style, width)
        if count > 1:
            low, high = width * 0.4, width
            for _ in range(7):
                middle = (low + high) / 2
                if self.line_count(text, style, middle) > count:
                    low = middle
                else:
                    high = middle
            width = high
        return self.wrap(text, style, width, rtl)

    def line_count(self, text: str, style: Style, width: float) -> int:
        """How many lines `wrap` would make, without ordering or splitting them into runs:
        what fitting a page asks many times over."""
        return sum(len(self._break(p.strip(), style, width)) for p in text.split("\n"))

    def _prepared(self, text: str, style: Style) -> tuple[list[str], list[float], list[float]]:
        """The text's break pieces with their widths at size 1000, with and without the
        trailing space; cached, because fitting a page breaks the same text at many sizes."""
        key = (text, style.family, style.bold)
        found = self._pieces.get(key)
        if found is None:
            tokens = _tokens(text)
            widths, trimmed = [], []
            previous = ""
            for token in tokens:
                advances = []
                for c in token:
                    previous = self._neutral_font(c, previous) or self._font(c, style)
                    advances.append(self._char_width(c, previous))
                total = sum(advances)
                tail = len(token) - len(token.rstrip())
                widths.append(total)
                trimmed.append(total - sum(advances[len(advances) - tail :]) if tail else total)
            found = (tokens, widths, trimmed)
            if len(self._pieces) > 4096:
                self._pieces.clear()
            self._pieces[key] = found
        return found

    def _break(self, text: str, style: Style, width: float) -> list[str]:
        if not text:
            return []
        # 1% spare: a line's fonts are chosen again in visual order, where a space may fall
        # next to another script than it did in reading order.
        limit = width * 990 / style.size
        tokens, widths, trimmed = self._prepared(text, style)
        lines: list[str] = []
        line = ""
        line_width = 0.0
        for token, token_width, trimmed_width in zip(tokens, widths, trimmed, strict=True):
            if line and line_width + trimmed_width > limit:
                lines.append(line.rstrip())
                line, line_width = "", 0.0
            if not line and trimmed_width > limit:
                # A word wider than the line (a long name with no spaces): split it.
                pieces = self._split_word(token, limit, style)
                lines.extend(pieces[:-1])
                line = pieces[-1]
                line_width = sum(self._char_width(c, self._font(c, style)) for c in line)
                continue
            line += token
            line_width += token_width
        if line.strip():
            lines.append(line.rstrip())
        return lines

    def _split_word(self, word: str, limit: float, style: Style) -> list[str]:
        pieces: list[str] = []
        piece = ""
        piece_width = 0.0
        for char in word:
            char_width = self._char_width(char, self._font(char, style))
            if piece and piece_width + char_width > limit and not char.isspace():
                pieces.append(piece)
                piece, piece_width = "", 0.0
            piece += char
            piece_width += char_width
        pieces.append(piece)
        return pieces

    # -- drawing -------------------------------------------------------------------------
    def draw_line(self, canvas: Canvas, line: Line, x: float, y: float, align: str) -> float:
        """Draw at baseline `y`; `x` is the left edge, centre or right edge by `align`.

        Returns the left edge actually used.
        """
        if align == "center":
            left = x - line.width / 2
        elif align == "right":
            left = x - line.width
        else:
            left = x
        style = line.style
        canvas.setFillColorRGB(*style.color)
        position = left
        for run in line.runs:
            if run.fake_bold:
                # Chinese faces have no bold: a thin outline of the same colour thickens them.
                text = canvas.beginText(position, y)
                text.setFont(run.font, style.size)
                text.setTextRenderMode(2)
                canvas.setStrokeColorRGB(*style.color)
                canvas.setLineWidth(style.size * 0.025)
                text.textOut(run.text)
                # The render mode is graphics state and outlives the text object: reset it.
                text.setTextRenderMode(0)
                canvas.drawText(text)
            else:
                canvas.setFont(run.font, style.size)
                canvas.drawString(position, y, run.text)
            position += run.width
        return left


def _tokens(text: str) -> list[str]:
    """Pieces between break opportunities: after spaces, and around Chinese characters."""
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
        ):
            tokens.append(current)
            current = ""
    if current:
        tokens.append(current)
    return tokens
