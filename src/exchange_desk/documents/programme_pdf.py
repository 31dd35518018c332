"""The programme a delegation receives (日程安排 / Programme / תוכנית הביקור) as a PDF on A4
portrait, in one to three languages.

The service (`services/programme.py`) hands over a `ProgrammeSheet` with every text already
written in each of the sheet's languages; this module only lays it out, with the text engine
of `documents/text.py` (fonts by script, bidi lines, no markup: user text prints as typed).

- The first page: the office as a letterhead, the title and the delegation in each language,
  and the delegation's facts (one column per language, each read in its own direction).
- Then the members in the order of precedence, and day by day a band with the day and its
  date and a table of the day's items: time, activity (with its notes), place, our host,
  interpreter, dress code. Columns nobody filled in anywhere in the programme are left
  out, and every day's table has the same columns at the same widths.
- Languages of one direction share those tables: each cell stacks their texts, one under
  the other, and a text that is the same in two of them (a name with no Chinese form) is
  printed once. Hebrew, which runs the other way, gets a block of its own on a new page,
  mirrored (columns from the right), under its own title: zh+en+he prints zh+en, then he;
  he+en prints he, then en. Stacking Hebrew under Chinese in one cell would set each line
  against the next, right against left.
- Every page has the office in the footer and "page x of y" in the block's first language;
  pages after the first a running header. A row taller than a page (notes of thousands of
  characters) is continued on the next, under the day's band and header again.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate

from exchange_desk import __version__
from exchange_desk.documents.fonts import Family, FontLibrary, MissingGlyphs, font_library
from exchange_desk.documents.report_pdf import ACCENT, INK, MARGIN, MM, MUTED, RULE
from exchange_desk.documents.text import Line, Style, TextEngine

Texts = tuple[str, ...]  # one text per language of the sheet, in the sheet's order; "" none


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One item of the programme, its texts in each of the sheet's languages."""

    time: str  # "09:30–10:30", "18:30", "" when not fixed
    activity: Texts
    notes: Texts
    place: Texts
    host: Texts
    interpreter: Texts
    dress_code: Texts


@dataclass(frozen=True, slots=True)
class Day:
    heading: Texts  # "Day 1 · Monday, May 20, 2019" in each language
    items: tuple[ItemRow, ...]


@dataclass(frozen=True, slots=True)
class MemberRow:
    name: Texts
    position: Texts
    role: Texts


@dataclass(frozen=True, slots=True)
class ProgrammeSheet:
    """The whole programme, every text already in the sheet's languages."""

    languages: tuple[str, ...]  # "zh", "en", "he", one to three; the first sets the direction
    title: Texts
    subtitle: Texts
    office: Texts
    facts: tuple[tuple[Texts, Texts], ...]  # (label, value)
    note: Texts  # a line under the facts (a sample record), "" for none
    members_heading: Texts
    # Number, name, position, role in the delegation.
    member_columns: tuple[Texts, Texts, Texts, Texts]
    members: tuple[MemberRow, ...]  # none: the sheet has no member list
    schedule_heading: Texts
    # Time, activity, place, our host, interpreter, dress code.
    columns: tuple[Texts, Texts, Texts, Texts, Texts, Texts]
    days: tuple[Day, ...]
    empty: Texts  # said in place of the days when there are none
    page_label: Texts  # "Page {page} of {pages}"
    record_label: str = ""  # names the delegation in a message about missing characters


# --- styles ----------------------------------------------------------------------------------

BAND = colors.Color(0.90, 0.94, 0.95)
HEADER_TINT = colors.Color(0.955, 0.965, 0.97)
ACCENT_COLOR = colors.Color(*ACCENT)
SECOND: tuple[float, float, float] = (0.27, 0.30, 0.34)  # the second and third languages

LETTERHEAD = Style(Family.SANS, 8.5, False, MUTED, 1.35)
TITLE = Style(Family.SERIF, 22, True, ACCENT, 1.2)
TITLE_SECOND = Style(Family.SERIF, 16, True, ACCENT, 1.25)
SUBTITLE = Style(Family.SANS, 11.5, False, INK, 1.35)
SUBTITLE_SECOND = Style(Family.SANS, 10.5, False, SECOND, 1.35)
# Chinese has no bold face: a thin outline thickens it, thinner at small sizes, where the
# default outline fills the strokes in.
FACT_LABEL = Style(Family.SANS, 7.5, True, MUTED, 1.3, outline=0.012)
FACT_VALUE = Style(Family.SANS, 9.5, False, INK, 1.35)
NOTE = Style(Family.SANS, 7.5, False, MUTED, 1.35)
SECTION = Style(Family.SANS, 11.5, True, ACCENT, 1.3)
DAY_BAND = Style(Family.SANS, 10, True, ACCENT, 1.3, outline=0.015)
HEAD_CELL = Style(Family.SANS, 7.5, True, MUTED, 1.25, outline=0.012)
CELL = Style(Family.SANS, 8.5, False, INK, 1.3)
CELL_SECOND = Style(Family.SANS, 8.5, False, SECOND, 1.3)
ACTIVITY = Style(Family.SANS, 8.5, True, INK, 1.3, outline=0.015)
NAME_SECOND = Style(Family.SANS, 8.5, True, SECOND, 1.3, outline=0.015)
CELL_NOTE = Style(Family.SANS, 7.5, False, MUTED, 1.3)
TIME = Style(Family.SANS, 8.5, True, INK, 1.3, outline=0.015)
FOOTER = Style(Family.SANS, 7.5, False, MUTED, 1.3)

_HEBREW = re.compile("[\u0590-\u05ff\ufb1d-\ufb4f]")
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
# A date or a time with its Chinese units, which must not break: 2019年5月20日, 09:30–10:30.
_UNBROKEN = re.compile("[0-9年月日号.,:\\-–/]+")
_SEPARATOR = " · "
FOOTER_AT = 13 * MM  # the footer's baseline, from the page's bottom edge
FRAME_BOTTOM = 19 * MM


# --- paragraphs in a language ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Para:
    """A text in one language with its style; `gap` is the room above it in a stack."""

    text: str
    style: Style
    language: str
    gap: float = 0.0


def _distinct(texts: Texts, languages: Sequence[str]) -> list[tuple[str, str]]:
    """(language, text) for each text the sheet prints: empty ones and repeats of an
    earlier language's (a Latin name where a script has none) are left out."""
    seen: set[str] = set()
    found = []
    for language, text in zip(languages, texts, strict=True):
        text = text.strip()
        if text and text not in seen:
            seen.add(text)
            found.append((language, text))
    return found


def _direction(text: str, language: str) -> bool | None:
    """A Hebrew text runs right to left even when it starts with a Latin name; anything
    else takes its direction from its first letter (a Latin fallback stays left to right)."""
    if language == "he" and _HEBREW.search(text):
        return True
    return None


def _align(language: str) -> str:
    """Each language's text stands at its own reading start."""
    return "right" if language == "he" else "left"


@dataclass(slots=True)
class _Sheet:
    """The sheet (or one direction block of it) as the flowables lay it out, with the
    engine and the widths measured so far."""

    engine: TextEngine
    sheet: ProgrammeSheet
    measures: dict[tuple[str, Style], tuple[float, float]] = field(default_factory=dict)

    @property
    def rtl(self) -> bool:
        return self.sheet.languages[0] == "he"

    @property
    def languages(self) -> tuple[str, ...]:
        return self.sheet.languages

    def paras(self, texts: Texts, first: Style, others: Style | None = None) -> list[_Para]:
        """The distinct texts as a stack, the first language in `first`, the others in
        `others` (the same when None), a little room between languages."""
        found = []
        for index, (language, text) in enumerate(_distinct(texts, self.languages)):
            style = first if index == 0 else others or first
            found.append(_Para(text, style, language, 2.0 if index else 0.0))
        return found

    def wrap(self, para: _Para, width: float) -> list[Line]:
        return self.engine.wrap(
            para.text, para.style, max(width, 8.0), _direction(para.text, para.language)
        )

    def measure(self, para: _Para) -> tuple[float, float]:
        """The narrowest width `para` takes without splitting a word, and its width on one
        line. A run of Chinese may break between characters (not inside a date), so it asks
        for at most six characters' width."""
        key = (para.text, para.style)
        found = self.measures.get(key)
        if found is None:
            engine = self.engine
            high = max(engine.width(part, para.style) for part in para.text.split("\n"))
            low = 0.0
            for word in para.text.split():
                width = engine.width(word, para.style)
                if _HAN.search(word) and not _UNBROKEN.fullmatch(word):
                    width = min(width, 6 * para.style.size)
                low = max(low, width)
            # A hair to spare: the engine breaks a line 1 % short of the width it is given.
            found = (low * 1.02 + 0.5, high * 1.02 + 0.5)
            self.measures[key] = found
        return found


def _baseline(bottom: float, line: Line) -> float:
    """The baseline of a line whose box starts at `bottom` (as the reports place it)."""
    return bottom + (line.height - line.style.size) / 2 + line.style.size * 0.22


@dataclass(slots=True)
class _Stack:
    """Paragraphs wrapped at one width, one under the other."""

    items: list[tuple[_Para, list[Line]]]

    @property
    def height(self) -> float:
        return sum(para.gap + sum(line.height for line in lines) for para, lines in self.items)

    def cut(self, room: float) -> tuple[_Stack, _Stack]:
        return _cut_stack(self, room)

    def draw(
        self,
        sheet: _Sheet,
        canvas: Canvas,
        left: float,
        top: float,
        width: float,
        align: str | None = None,
    ) -> None:
        """Draw with the top at `top`; each paragraph at its language's reading start, or
        all at `align` ("left", "right", "center")."""
        y = top
        for para, lines in self.items:
            y -= para.gap
            how = align or _align(para.language)
            x = left if how == "left" else left + width if how == "right" else left + width / 2
            for line in lines:
                y -= line.height
                sheet.engine.draw_line(canvas, line, x, _baseline(y, line), how)


def _cut_stack(stack: _Stack, room: float) -> tuple[_Stack, _Stack]:
    """The lines of `stack` that fit in `room`, and the rest."""
    head: list[tuple[_Para, list[Line]]] = []
    used = 0.0
    for index, (para, lines) in enumerate(stack.items):
        gap = para.gap if head else 0.0
        height = gap
        count = 0
        for line in lines:
            if used + height + line.height > room:
                break
            height += line.height
            count += 1
        if count == len(lines):
            head.append((replace(para, gap=gap), lines))
            used += height
            continue
        if count:
            head.append((replace(para, gap=gap), lines[:count]))
        rest = [(replace(para, gap=0.0), lines[count:]), *stack.items[index + 1 :]]
        return _Stack(head), _Stack(rest)
    return _Stack(head), _Stack([])


def _stack(sheet: _Sheet, paras: Iterable[_Para], width: float) -> _Stack:
    return _Stack([(para, sheet.wrap(para, width)) for para in paras])


def _inline(
    sheet: _Sheet, paras: Sequence[_Para], width: float, gap: float
) -> list[tuple[Line, float]] | None:
    """The paragraphs side by side on one line, each drawn in its own direction, with
    `gap` between them and centred on `width`: (line, left edge) in the sheet's reading
    order laid out from its start; None when they do not fit on one line."""
    lines = []
    for para in paras:
        wrapped = sheet.wrap(para, width)
        if len(wrapped) != 1:
            return None
        lines.append(wrapped[0])
    total = sum(line.width for line in lines) + gap * (len(lines) - 1)
    if total > width:
        return None
    ordered = list(reversed(lines)) if sheet.rtl else lines
    x = (width - total) / 2
    placed = []
    for line in ordered:
        placed.append((line, x))
        x += line.width + gap
    return placed


# --- the first page: letterhead, title, facts ---------------------------------------------------


class _Centered(Flowable):  # type: ignore[misc]
    """Texts in each language centred: side by side with a dot between them when they fit
    on one line, else one under the other; `rule` draws a short accent rule under them."""

    RULE_SPACE = 10.0

    def __init__(
        self,
        sheet: _Sheet,
        texts: Texts,
        first: Style,
        others: Style,
        *,
        space_after: float = 4,
        rule: bool = False,
        spaced: bool = False,
    ) -> None:
        super().__init__()
        self.sheet, self.texts, self.first, self.others = sheet, texts, first, others
        self.spaceAfter = space_after
        self.rule = rule
        self.spaced = spaced
        self._inline: list[tuple[Line, float]] | None = None
        self._stacked: _Stack | None = None
        self._dots: list[tuple[Line, float]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        sheet = self.sheet
        # Side by side, every language is set at the first one's size: no language
        # looks secondary on a line they share.
        same = self._spaced(sheet.paras(self.texts, self.first))
        dot = sheet.wrap(
            _Para("·", Style(self.first.family, self.first.size, False, MUTED), "en"), 50
        )
        gap = self.first.size * 1.6
        self._inline = _inline(sheet, same, self.width, gap) if len(same) > 1 else None
        self._dots = []
        if self._inline is not None and dot:
            for (line, x), (_next, next_x) in zip(self._inline, self._inline[1:], strict=False):
                middle = x + line.width + (next_x - x - line.width) / 2
                self._dots.append((dot[0], middle))
            self.height = max(line.height for line, _x in self._inline)
        else:
            self._stacked = _stack(
                sheet, self._spaced(sheet.paras(self.texts, self.first, self.others)), self.width
            )
            self.height = self._stacked.height
        if self.rule:
            self.height += self.RULE_SPACE
        return self.width, self.height

    def _spaced(self, paras: list[_Para]) -> list[_Para]:
        """A Chinese title is set with space between its characters (日 程 安 排), as
        Chinese documents set theirs; the PDF's character spacing keeps it one word."""
        if not self.spaced:
            return paras
        return [
            replace(p, style=replace(p.style, char_space=p.style.size * 0.25))
            if _HAN.search(p.text)
            else p
            for p in paras
        ]

    def draw(self) -> None:
        canvas = self.canv
        engine = self.sheet.engine
        top = self.height
        if self._inline is not None:
            height = max(line.height for line, _x in self._inline)
            for line, x in self._inline:
                engine.draw_line(canvas, line, x, _baseline(top - height, line), "left")
            for dot, middle in self._dots:
                engine.draw_line(
                    canvas, dot, middle, _baseline(top - height, self._inline[0][0]), "center"
                )
        elif self._stacked is not None:
            self._stacked.draw(self.sheet, canvas, 0, top, self.width, "center")
        if self.rule:
            canvas.setStrokeColor(ACCENT_COLOR)
            canvas.setLineWidth(0.8)
            canvas.line(self.width * 0.3, 1, self.width * 0.7, 1)


class _Facts(Flowable):  # type: ignore[misc]
    """The delegation's facts between two rules. Several languages: a column each, every
    column read in its own direction, the first language at the sheet's start. One
    language: the facts themselves side by side, label above value."""

    GAP = 14.0

    def __init__(self, sheet: _Sheet) -> None:
        super().__init__()
        self.sheet = sheet
        self.spaceBefore, self.spaceAfter = 10, 6
        self._columns: list[_Stack] = []
        self._widths: list[float] = []

    def _column_paras(self) -> list[list[_Para]]:
        sheet = self.sheet
        facts = sheet.sheet.facts
        if len(sheet.languages) == 1:
            # One language: each fact a column of its own.
            return [
                [
                    _Para(label[0], FACT_LABEL, sheet.languages[0]),
                    _Para(value[0], FACT_VALUE, sheet.languages[0], 1.0),
                ]
                for label, value in facts
                if value[0].strip()
            ]
        columns: list[list[_Para]] = []
        for index, language in enumerate(sheet.languages):
            paras: list[_Para] = []
            for label, value in facts:
                if not value[index].strip():
                    continue
                paras.append(_Para(label[index], FACT_LABEL, language, 5.0 if paras else 0.0))
                paras.append(_Para(value[index], FACT_VALUE, language, 0.5))
            columns.append(paras)
        return columns

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        paras = self._column_paras()
        count = max(len(paras), 1)
        room = self.width - self.GAP * (count - 1)
        if len(self.sheet.languages) == 1 and paras:
            # The facts side by side take widths after their content: a city's name needs
            # less room than the head of the delegation with his position.
            lows, highs = [], []
            for column in paras:
                measured = [self.sheet.measure(para) for para in column]
                lows.append(max(low for low, _high in measured))
                highs.append(max(high for _low, high in measured))
            self._widths = _fit(lows, highs, [1.0] * count, room)
        else:
            self._widths = [room / count] * count
        self._columns = [
            _stack(self.sheet, column, width)
            for column, width in zip(paras, self._widths, strict=True)
        ]
        self.height = max((column.height for column in self._columns), default=0) + 14
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(0, self.height, self.width, self.height)
        canvas.line(0, 0, self.width, 0)
        x = 0.0
        for index, (column, width) in enumerate(zip(self._columns, self._widths, strict=True)):
            left = self.width - x - width if self.sheet.rtl else x
            column.draw(self.sheet, canvas, left, self.height - 7, width)
            if index:
                # A hairline between columns, in the middle of the gap before this one.
                between = left + width + self.GAP / 2 if self.sheet.rtl else left - self.GAP / 2
                canvas.line(between, 7, between, self.height - 7)
            x += width + self.GAP


class _Section(Flowable):  # type: ignore[misc]
    """A heading in each language at the sheet's start, with a rule under it."""

    def __init__(self, sheet: _Sheet, texts: Texts, *, space_after: float = 6) -> None:
        super().__init__()
        self.sheet, self.texts = sheet, texts
        self.spaceBefore, self.spaceAfter = 12, space_after
        self.keepWithNext = True  # never alone at the foot of a page
        self._placed: list[tuple[Line, float]] | None = None
        self._stacked: _Stack | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        paras = self.sheet.paras(self.texts, SECTION)
        placed = _inline(self.sheet, paras, self.width, 18) if len(paras) > 1 else None
        if placed is not None or len(paras) == 1:
            # Side by side from the sheet's start, not centred.
            lines = [self.sheet.wrap(p, self.width)[0] for p in paras]
            ordered = list(reversed(lines)) if self.sheet.rtl else lines
            total = sum(line.width for line in lines) + 18 * (len(lines) - 1)
            x = self.width - total if self.sheet.rtl else 0.0
            self._placed = []
            for line in ordered:
                self._placed.append((line, x))
                x += line.width + 18
            self.height = SECTION.size * SECTION.leading + 4
        else:
            self._stacked = _stack(self.sheet, paras, self.width)
            self.height = self._stacked.height + 4
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        if self._placed is not None:
            for line, x in self._placed:
                self.sheet.engine.draw_line(canvas, line, x, _baseline(4, line), "left")
        elif self._stacked is not None:
            self._stacked.draw(self.sheet, canvas, 0, self.height, self.width)
        canvas.setStrokeColor(ACCENT_COLOR)
        canvas.setLineWidth(1.0)
        canvas.line(0, 1, self.width, 1)


class _Text(Flowable):  # type: ignore[misc]
    """A short text in each language, one under the other at its reading start."""

    def __init__(self, sheet: _Sheet, texts: Texts, style: Style, space_after: float = 6) -> None:
        super().__init__()
        self.sheet, self.texts, self.style = sheet, texts, style
        self.spaceAfter = space_after
        self._stacked: _Stack | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self._stacked = _stack(self.sheet, self.sheet.paras(self.texts, self.style), self.width)
        self.height = self._stacked.height
        return self.width, self.height

    def draw(self) -> None:
        if self._stacked is not None:
            self._stacked.draw(self.sheet, self.canv, 0, self.height, self.width)


# --- tables ----------------------------------------------------------------------------------

_Cell = list[_Para]


@dataclass(frozen=True, slots=True)
class _Columns:
    """A table's columns: which of the logical columns are printed, and their widths."""

    keep: tuple[int, ...]
    widths: tuple[float, ...]  # of the kept columns, in logical order, padding included


def _fit(lows: list[float], highs: list[float], weights: list[float], room: float) -> list[float]:
    """Column widths: at least each column's widest unbreakable word, at most its longest
    line; the room left is shared by the long-text columns (by weight) when everything
    fits, else poured into the columns that need it, the short ones served whole first."""
    highs = [max(high, low, 8.0) for high, low in zip(highs, lows, strict=True)]
    low_sum, high_sum = sum(lows), sum(highs)
    if high_sum <= room:
        spare = room - high_sum
        total = sum(weights) or 1.0
        return [high + spare * weight / total for high, weight in zip(highs, weights, strict=True)]
    if low_sum >= room:
        return [low * room / low_sum for low in lows]
    sizes = list(lows)
    extra = room - low_sum
    open_columns = set(range(len(lows)))
    while open_columns:
        share = extra / len(open_columns)
        filled = [c for c in open_columns if highs[c] - lows[c] <= share]
        if not filled:
            break
        for column in filled:
            sizes[column] = highs[column]
            extra -= highs[column] - lows[column]
            open_columns.discard(column)
    wanted = sum(highs[c] - lows[c] for c in open_columns) or 1.0
    for column in open_columns:
        sizes[column] += extra * (highs[column] - lows[column]) / wanted
    return sizes


class _Table(Flowable):  # type: ignore[misc]
    """Rows of stacked cells under a header row, optionally under a band (a day). It splits
    between rows and repeats the band and the header on the next page. Columns run from
    the right in a right-to-left sheet."""

    PAD_X = 4.0
    PAD_Y = 3.4

    def __init__(
        self,
        sheet: _Sheet,
        columns: _Columns,
        header: list[_Cell],
        rows: list[list[_Cell]],
        *,
        band: Texts | None = None,
        start_aligned: Iterable[int] = (),
        page_room: float = 0.0,
    ) -> None:
        super().__init__()
        self.sheet, self.columns = sheet, columns
        self.header, self.rows, self.band = header, rows, band
        # Columns whose cells stand at the sheet's start whatever their language (times).
        self.start_aligned = set(start_aligned)
        # The height of a whole page's frame: a row taller than that is cut between lines.
        self.page_room = page_room
        self.spaceBefore, self.spaceAfter = 0, 12
        # Rows already wrapped at a width (the parts of a split table): not wrapped again.
        self._laid: tuple[float, list[list[_Stack]]] | None = None
        self._width = -1.0
        self._header: list[_Stack] = []
        self._header_height = 0.0
        self._band: list[tuple[Line, float]] | _Stack | None = None
        self._band_height = 0.0
        self._cells: list[list[_Stack]] = []
        self._heights: list[float] = []

    # The logical column index of each printed column, and its left edge and width.
    def _slots(self) -> list[tuple[int, float, float]]:
        widths = self.columns.widths
        total = sum(widths) or 1.0
        scale = self.width / total
        slots = []
        x = 0.0
        for index, width in enumerate(widths):
            size = width * scale
            left = self.width - x - size if self.sheet.rtl else x
            slots.append((index, left, size))
            x += size
        return slots

    def _lay_out(self, width: float) -> None:
        if self._width == width:
            return
        self._width = width
        self.width = width
        sheet = self.sheet
        slots = self._slots()
        inner = [size - 2 * self.PAD_X for _i, _left, size in slots]
        self._header = [_stack(sheet, cell, inner[i]) for i, cell in enumerate(self.header)]
        self._header_height = max((s.height for s in self._header), default=0) + 2 * self.PAD_Y
        if self._laid is not None and self._laid[0] == width:
            self._cells = self._laid[1]
        else:
            self._cells = [
                [_stack(sheet, cell, inner[i]) for i, cell in enumerate(row)] for row in self.rows
            ]
        self._heights = [self._row_height(row) for row in self._cells]
        self._band, self._band_height = self._lay_out_band(width)

    def _lay_out_band(self, width: float) -> tuple[list[tuple[Line, float]] | _Stack | None, float]:
        if self.band is None:
            return None, 0.0
        sheet = self.sheet
        paras = sheet.paras(self.band, DAY_BAND)
        room = width - 2 * 8
        lines = [sheet.wrap(p, room) for p in paras]
        widths = [w[0].width if len(w) == 1 else room for w in lines]
        if all(len(w) == 1 for w in lines) and sum(widths) + 24 * (len(widths) - 1) <= room:
            # Spread over the band: the first language at the sheet's start, the last at
            # its end, a third one in the middle.
            ordered = list(reversed(lines)) if sheet.rtl else lines
            count = len(ordered)
            placed = []
            for slot, wrapped in enumerate(ordered):
                line = wrapped[0]
                if count == 1:
                    x = room - line.width if sheet.rtl else 0.0
                elif slot == 0:
                    x = 0.0
                elif slot == count - 1:
                    x = room - line.width
                else:
                    x = (room - line.width) / 2
                placed.append((line, 8 + x))
            return placed, DAY_BAND.size * DAY_BAND.leading + 10
        stacked = _stack(sheet, paras, room)
        return stacked, stacked.height + 10

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._lay_out(available_width)
        self.height = self._band_height + self._header_height + sum(self._heights)
        return self.width, self.height

    def _row_height(self, row: list[_Stack]) -> float:
        return max((s.height for s in row), default=0) + 2 * self.PAD_Y + 1

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self._lay_out(available_width)
        used = self._band_height + self._header_height
        fit = 0
        for height in self._heights:
            if used + height > available_height:
                break
            used += height
            fit += 1
        if fit == len(self._cells):
            return []
        if fit:
            return [self._part(self._cells[:fit], last=False), self._part(self._cells[fit:])]
        if not self.page_room or used + self._heights[0] <= self.page_room:
            return []  # the row moves to the next page whole
        # A row no page can hold (notes of a thousand characters in three languages): cut
        # between its lines, the rest continued under the band and header of the next page.
        room = available_height - used - self._row_height([])
        if room < 3 * CELL.size * CELL.leading:
            return []
        cut = [cell.cut(room) for cell in self._cells[0]]
        head = [first for first, _rest in cut]
        rest = [second for _first, second in cut]
        if not any(cell.items for cell in head):
            return []
        return [self._part([head], last=False), self._part([rest, *self._cells[1:]])]

    def _part(self, rows: list[list[_Stack]], *, last: bool = True) -> _Table:
        """Some rows as a table of their own, already wrapped: a long programme is split
        page after page, and wrapping its rest anew each time would cost the square of its
        length."""
        part = _Table(
            self.sheet,
            self.columns,
            self.header,
            [[] for _row in rows],
            band=self.band,
            start_aligned=self.start_aligned,
            page_room=self.page_room,
        )
        part._laid = (self._width, rows)
        part.spaceAfter = self.spaceAfter if last else 0
        return part

    def draw(self) -> None:
        canvas = self.canv
        sheet = self.sheet
        y = self.height
        if self._band is not None:
            y -= self._band_height
            canvas.setFillColor(BAND)
            canvas.rect(0, y + 3, self.width, self._band_height - 3, stroke=0, fill=1)
            canvas.setFillColor(ACCENT_COLOR)
            edge = self.width - 2.5 if sheet.rtl else 0
            canvas.rect(edge, y + 3, 2.5, self._band_height - 3, stroke=0, fill=1)
            if isinstance(self._band, _Stack):
                self._band.draw(sheet, canvas, 8, y + self._band_height - 5, self.width - 16)
            else:
                for line, x in self._band:
                    sheet.engine.draw_line(canvas, line, x, _baseline(y + 8, line), "left")
        slots = self._slots()
        y -= self._header_height
        canvas.setFillColor(HEADER_TINT)
        canvas.rect(0, y, self.width, self._header_height, stroke=0, fill=1)
        self._draw_row(self._header, slots, y, self._header_height, header=True)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(0, y, self.width, y)
        for row, height in zip(self._cells, self._heights, strict=True):
            y -= height
            self._draw_row(row, slots, y, height)
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.4)
            canvas.line(0, y, self.width, y)

    def _draw_row(
        self,
        cells: list[_Stack],
        slots: list[tuple[int, float, float]],
        bottom: float,
        height: float,
        *,
        header: bool = False,
    ) -> None:
        for (index, left, size), cell in zip(slots, cells, strict=True):
            align = None
            if index in self.start_aligned and not header:
                align = "right" if self.sheet.rtl else "left"
            cell.draw(
                self.sheet,
                self.canv,
                left + self.PAD_X,
                bottom + height - self.PAD_Y,
                size - 2 * self.PAD_X,
                align,
            )


def _columns_for(
    sheet: _Sheet,
    header: list[_Cell],
    rows: Iterable[list[_Cell]],
    weights: Sequence[float],
    width: float,
    keep_empty: Iterable[int] = (),
) -> _Columns:
    """Which columns to print (those with a text in some row, and `keep_empty`) and their
    widths from the content: every table of a kind the same, so the days line up."""
    count = len(header)
    lows = [0.0] * count
    highs = [0.0] * count
    filled = [False] * count
    cap = width * 0.34  # a word longer than a third of the table may be split
    for row_index, row in enumerate([header, *rows]):
        for column, cell in enumerate(row):
            if row_index and cell:
                filled[column] = True
            for para in cell:
                low, high = sheet.measure(para)
                lows[column] = max(lows[column], min(low, cap))
                highs[column] = max(highs[column], high)
    keep = tuple(c for c in range(count) if filled[c] or c in set(keep_empty))
    pad = 2 * _Table.PAD_X
    room = max(width - pad * len(keep), 8.0 * len(keep))
    sizes = _fit(
        [lows[c] for c in keep], [highs[c] for c in keep], [weights[c] for c in keep], room
    )
    return _Columns(keep, tuple(size + pad for size in sizes))


def _header_cells(sheet: _Sheet, texts: Sequence[Texts]) -> list[_Cell]:
    return [sheet.paras(t, HEAD_CELL) for t in texts]


def _item_cells(sheet: _Sheet, item: ItemRow) -> list[_Cell]:
    activity: _Cell = []
    notes = dict(_distinct(item.notes, sheet.languages))
    for index, (language, text) in enumerate(_distinct(item.activity, sheet.languages)):
        activity.append(_Para(text, ACTIVITY, language, 2.5 if index else 0.0))
        note = notes.pop(language, "")
        if note:
            activity.append(_Para(note, CELL_NOTE, language, 0.5))
    # Notes in a language whose activity was the same as another's.
    for language, text in notes.items():
        activity.append(_Para(text, CELL_NOTE, language, 1.0))
    return [
        [_Para(item.time, TIME, sheet.languages[0])] if item.time else [],
        activity,
        sheet.paras(item.place, CELL, CELL_SECOND),
        sheet.paras(item.host, CELL, CELL_SECOND),
        sheet.paras(item.interpreter, CELL, CELL_SECOND),
        sheet.paras(item.dress_code, CELL, CELL_SECOND),
    ]


def _member_cells(sheet: _Sheet, number: int, member: MemberRow) -> list[_Cell]:
    return [
        [_Para(str(number), CELL, sheet.languages[0])],
        sheet.paras(member.name, ACTIVITY, NAME_SECOND),
        sheet.paras(member.position, CELL, CELL_SECOND),
        sheet.paras(member.role, CELL, CELL_SECOND),
    ]


def _picked(cells: list[_Cell], keep: tuple[int, ...]) -> list[_Cell]:
    return [cells[c] for c in keep]


# --- the document ----------------------------------------------------------------------------


def _texts(sheet: ProgrammeSheet) -> Iterable[str]:
    """Every text of the sheet, for the missing-glyph check before drawing."""
    yield from (*sheet.title, *sheet.subtitle, *sheet.office, *sheet.note, *sheet.empty)
    yield from (*sheet.members_heading, *sheet.schedule_heading, *sheet.page_label)
    for label, value in sheet.facts:
        yield from (*label, *value)
    for texts in (*sheet.member_columns, *sheet.columns):
        yield from texts
    for member in sheet.members:
        yield from (*member.name, *member.position, *member.role)
    for day in sheet.days:
        yield from day.heading
        for item in day.items:
            yield item.time
            for texts in (
                item.activity,
                item.notes,
                item.place,
                item.host,
                item.interpreter,
                item.dress_code,
            ):
                yield from texts


def check_programme(sheet: ProgrammeSheet, engine: TextEngine | None = None) -> None:
    """Raise MissingGlyphs naming the characters of the sheet that no font has."""
    engine = engine or TextEngine(font_library())
    texts = [text for text in _texts(sheet) if text]
    missing = (
        engine.missing(texts, CELL) | engine.missing(texts, ACTIVITY) | engine.missing(texts, TITLE)
    )
    if missing:
        raise MissingGlyphs(missing, sheet.record_label or sheet.title[0])


def render_programme(sheet: ProgrammeSheet, *, fonts: FontLibrary | None = None) -> bytes:
    """The programme as PDF bytes; MissingGlyphs before anything is drawn if a character
    has no font."""
    if not 1 <= len(sheet.languages) <= 3:
        raise ValueError(sheet.languages)
    engine = TextEngine(fonts or font_library())
    check_programme(sheet, engine)
    document = _Document(engine, sheet)
    _build(document)  # counts the pages
    return _build(document)


def direction_groups(languages: Sequence[str]) -> list[tuple[int, ...]]:
    """The sheet's languages (by index) in the blocks they are printed in: the languages
    of one direction share a block and stack in its cells, the first language's block
    first. zh+en+he: (zh, en) then (he); he+en: (he) then (en)."""
    ltr = tuple(i for i, code in enumerate(languages) if code != "he")
    rtl = tuple(i for i, code in enumerate(languages) if code == "he")
    groups = [rtl, ltr] if languages and languages[0] == "he" else [ltr, rtl]
    return [group for group in groups if group]


def _project(sheet: ProgrammeSheet, indices: tuple[int, ...]) -> ProgrammeSheet:
    """The sheet in some of its languages only (one direction block)."""

    def pick(texts: Texts) -> Texts:
        return tuple(texts[i] for i in indices)

    return ProgrammeSheet(
        languages=pick(sheet.languages),
        title=pick(sheet.title),
        subtitle=pick(sheet.subtitle),
        office=pick(sheet.office),
        facts=tuple((pick(label), pick(value)) for label, value in sheet.facts),
        note=pick(sheet.note),
        members_heading=pick(sheet.members_heading),
        member_columns=(
            pick(sheet.member_columns[0]),
            pick(sheet.member_columns[1]),
            pick(sheet.member_columns[2]),
            pick(sheet.member_columns[3]),
        ),
        members=tuple(
            MemberRow(pick(m.name), pick(m.position), pick(m.role)) for m in sheet.members
        ),
        schedule_heading=pick(sheet.schedule_heading),
        columns=(
            pick(sheet.columns[0]),
            pick(sheet.columns[1]),
            pick(sheet.columns[2]),
            pick(sheet.columns[3]),
            pick(sheet.columns[4]),
            pick(sheet.columns[5]),
        ),
        days=tuple(
            Day(
                pick(day.heading),
                tuple(
                    ItemRow(
                        item.time,
                        pick(item.activity),
                        pick(item.notes),
                        pick(item.place),
                        pick(item.host),
                        pick(item.interpreter),
                        pick(item.dress_code),
                    )
                    for item in day.items
                ),
            )
            for day in sheet.days
        ),
        empty=pick(sheet.empty),
        page_label=pick(sheet.page_label),
        record_label=sheet.record_label,
    )


@dataclass(slots=True)
class _Document:
    """The whole sheet and its direction blocks; `current` is the block being drawn, whose
    language the running header and the page number speak; `pages` is the count of the
    first pass."""

    engine: TextEngine
    sheet: ProgrammeSheet
    pages: int = 0
    blocks: list[_Sheet] = field(default_factory=list)
    current: _Sheet | None = None

    def __post_init__(self) -> None:
        self.blocks = [
            _Sheet(self.engine, _project(self.sheet, group))
            for group in direction_groups(self.sheet.languages)
        ]


class _BlockStart(Flowable):  # type: ignore[misc]
    """Takes no room: marks where a language block starts, for the running header, the
    page number's language and the PDF's outline."""

    def __init__(self, document: _Document, block: _Sheet, index: int) -> None:
        super().__init__()
        self.document, self.block, self.index = document, block, index

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, 0

    def draw(self) -> None:
        self.document.current = self.block
        key = f"block-{self.index}"
        sheet = self.block.sheet
        self.canv.bookmarkPage(key)
        title = " · ".join(t for t in (*sheet.title[:1], *sheet.subtitle[:1]) if t)
        self.canv.addOutlineEntry(title, key, level=0)


def _block_story(block: _Sheet, width: float, page_room: float) -> list[Flowable]:
    """A language block: the members and the days, in the block's languages."""
    sheet = block.sheet
    story: list[Flowable] = []
    if sheet.members:
        header = _header_cells(block, sheet.member_columns)
        rows = [_member_cells(block, n, m) for n, m in enumerate(sheet.members, start=1)]
        columns = _columns_for(block, header, rows, (0.0, 1.0, 1.4, 0.6), width)
        story.append(_Section(block, sheet.members_heading))
        story.append(
            _Table(
                block,
                columns,
                _picked(header, columns.keep),
                [_picked(row, columns.keep) for row in rows],
                start_aligned=(0,),
                page_room=page_room,
            )
        )
    story.append(_Section(block, sheet.schedule_heading, space_after=10))
    if not sheet.days:
        story.append(_Text(block, sheet.empty, CELL))
        return story
    header = _header_cells(block, sheet.columns)
    days = [[_item_cells(block, item) for item in day.items] for day in sheet.days]
    columns = _columns_for(
        block,
        header,
        (row for rows in days for row in rows),
        (0.0, 1.6, 1.0, 1.0, 0.5, 0.3),
        width,
        keep_empty=(0, 1),
    )
    for day, rows in zip(sheet.days, days, strict=True):
        story.append(
            _Table(
                block,
                columns,
                _picked(header, columns.keep),
                [_picked(row, columns.keep) for row in rows],
                band=day.heading,
                start_aligned=(0,) if 0 in columns.keep else (),
                page_room=page_room,
            )
        )
    return story


def _story(document: _Document, width: float, page_room: float) -> list[Flowable]:
    """The first page's letterhead, title and facts in every language, then a block per
    direction, each after the first on a page of its own under its own title."""
    whole = _Sheet(document.engine, document.sheet)
    sheet = document.sheet
    story: list[Flowable] = [_BlockStart(document, document.blocks[0], 0)]
    if any(text.strip() for text in sheet.office):
        story.append(
            _Centered(whole, sheet.office, LETTERHEAD, LETTERHEAD, space_after=14, rule=True)
        )
    story += [
        _Centered(whole, sheet.title, TITLE, TITLE_SECOND, space_after=6, spaced=True),
        _Centered(whole, sheet.subtitle, SUBTITLE, SUBTITLE_SECOND),
        _Facts(whole),
    ]
    if any(text.strip() for text in sheet.note):
        story.append(_Text(whole, sheet.note, NOTE))
    for index, block in enumerate(document.blocks):
        if index:
            story += [
                PageBreak(),
                _BlockStart(document, block, index),
                _Centered(
                    block, block.sheet.title, TITLE, TITLE_SECOND, space_after=6, spaced=True
                ),
                _Centered(block, block.sheet.subtitle, SUBTITLE, SUBTITLE_SECOND, space_after=8),
            ]
        story += _block_story(block, width, page_room)
    return story


def _build(document: _Document) -> bytes:
    sheet = document.sheet
    buffer = io.BytesIO()
    document.engine.fonts.register("Heebo")
    document.current = document.blocks[0]
    width, height = A4
    title = " – ".join(part for part in (sheet.title[0], sheet.subtitle[0]) if part)
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=next((office for office in sheet.office if office), ""),
        creator=f"Exchange Desk {__version__}",
        initialFontName="Heebo",
        pageCompression=1,
        lang={"zh": "zh-CN", "en": "en", "he": "he"}.get(sheet.languages[0], "en"),
    )
    # No padding inside the frames: the tables are sized to the text width itself.
    padding = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
    # The footer stands in the bottom margin (FOOTER_AT), the text above it.
    body = height - MARGIN - FRAME_BOTTOM
    first_frame = Frame(MARGIN, FRAME_BOTTOM, width - 2 * MARGIN, body, id="first", **padding)
    frame = Frame(MARGIN, FRAME_BOTTOM, width - 2 * MARGIN, body - 8 * MM, id="later", **padding)
    pages = {"count": 0}

    def page_end(canvas: Canvas, _doc: Any) -> None:
        # At the page's end: the block drawn on it is known, and with it the language of
        # its running header and number.
        pages["count"] += 1
        _draw_page(canvas, document, pages["count"])

    template.addPageTemplates(
        [
            PageTemplate(
                id="first", frames=[first_frame], onPageEnd=page_end, autoNextPageTemplate="later"
            ),
            PageTemplate(id="later", frames=[frame], onPageEnd=page_end),
        ]
    )
    template.build(_story(document, width - 2 * MARGIN, body - 8 * MM))
    document.pages = pages["count"]
    return buffer.getvalue()


def _draw_page(canvas: Canvas, document: _Document, page: int) -> None:
    """The footer of every page (the office in the sheet's languages, "page x of y" in the
    block's first language) and, after the first page, a running header with the title and
    the delegation in that language."""
    block = document.current or document.blocks[0]
    engine = document.engine
    width, height = A4
    inner = width - 2 * MARGIN
    rtl = block.rtl
    start_x, start_how = (width - MARGIN, "right") if rtl else (MARGIN, "left")
    end_x, end_how = (MARGIN, "left") if rtl else (width - MARGIN, "right")
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    if page > 1:
        running = _SEPARATOR.join(t for t in (block.sheet.title[0], block.sheet.subtitle[0]) if t)
        lines = engine.wrap(running, FOOTER, inner, True if rtl else None)
        top = height - MARGIN - 2 * MM
        if lines:
            engine.draw_line(canvas, lines[0], start_x, top, start_how)
        canvas.line(MARGIN, top - 4, width - MARGIN, top - 4)
    bottom = FOOTER_AT
    canvas.line(MARGIN, bottom + 10, width - MARGIN, bottom + 10)
    label = block.sheet.page_label[0].format(page=page, pages=document.pages or page)
    number = engine.wrap(label, FOOTER, inner / 3, True if rtl else None)
    room = inner - (number[0].width if number else 0.0) - 12
    sheet = document.sheet
    # The block's own languages first: in a Hebrew footer the Hebrew name stands at the
    # start, on the right.
    order = sorted(
        range(len(sheet.languages)), key=lambda i: sheet.languages[i] not in block.languages
    )
    offices = [
        text
        for _language, text in _distinct(
            tuple(sheet.office[i] for i in order), [sheet.languages[i] for i in order]
        )
    ]
    office: list[Line] = []
    for candidate in (_SEPARATOR.join(offices), *offices[:1]):
        # The footer is one line read in the block's direction; when the office's names in
        # all languages do not fit on it, the first language's alone.
        wrapped = engine.wrap(candidate, FOOTER, room, True if rtl else None)
        if len(wrapped) == 1:
            office = wrapped
            break
    if office:
        engine.draw_line(canvas, office[0], start_x, bottom, start_how)
    if number:
        engine.draw_line(canvas, number[0], end_x, bottom, end_how)
    canvas.restoreState()


__all__ = [
    "Day",
    "ItemRow",
    "MemberRow",
    "ProgrammeSheet",
    "Texts",
    "check_programme",
    "direction_groups",
    "render_programme",
]
