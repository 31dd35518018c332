"""Multi-page reports as PDF: a cover, contents, chapters of text, facts, key figures,
charts, tables, photos and a map of the partners (`documents/world_map.py`), with a running
header and "page x of y" in the report's language.

Everything is drawn with the text engine of `documents/text.py` (fonts by script, bidi
lines, no markup). A Hebrew report is mirrored: text starts on the right, table columns run
from right to left, months run from right to left in the charts. The document is built
twice: the first pass learns on which page each chapter starts and how many pages there
are, the second draws the contents and the page numbers with them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)

from exchange_desk import __version__
from exchange_desk.documents.fonts import Family, FontLibrary, MissingGlyphs, font_library
from exchange_desk.documents.text import Color, Line, Style, TextEngine, visual_order
from exchange_desk.documents.world_map import WorldMapFlowable
from exchange_desk.domain.reports import (
    Block,
    Chart,
    Facts,
    Figures,
    Note,
    Paragraph,
    PartnerMap,
    Photos,
    Picture,
    Report,
    Subheading,
    Table,
)

_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
# A date or a number with its Chinese units, which must not break: 2018年11月20日, 2018年11月.
_DATE_WORD = re.compile("[0-9年月日号.,\\-–/:]+")

MM = 72 / 25.4
MARGIN = 20 * MM
INK: Color = (0.12, 0.14, 0.17)
MUTED: Color = (0.38, 0.42, 0.46)
ACCENT: Color = (0.0, 0.36, 0.42)
ACCENT_RULE = colors.Color(*ACCENT)
RULE = colors.Color(0.80, 0.84, 0.86)
INK_RULE = colors.Color(*INK)
STRIPE = colors.Color(0.955, 0.965, 0.97)
HEAD = colors.Color(0.90, 0.94, 0.95)
SERIES = (
    colors.Color(0.0, 0.42, 0.47),
    colors.Color(0.86, 0.58, 0.20),
    colors.Color(0.45, 0.5, 0.55),
)

BODY = Style(Family.SANS, 10, False, INK, 1.45)
SMALL = Style(Family.SANS, 8.5, False, MUTED, 1.35)
CELL = Style(Family.SANS, 8.5, False, INK, 1.3)
CELL_HEAD = Style(Family.SANS, 8.5, True, INK, 1.3)
CELL_MUTED = Style(Family.SANS, 8.5, False, MUTED, 1.3)
NOTE = Style(Family.SANS, 7.5, False, MUTED, 1.35)
CHAPTER = Style(Family.SANS, 17, True, ACCENT, 1.25)
SUBHEAD = Style(Family.SANS, 12, True, INK, 1.3)
CAPTION = Style(Family.SANS, 8.5, False, INK, 1.3)
CAPTION_MUTED = Style(Family.SANS, 8.5, False, MUTED, 1.3)
CAPTION_DETAIL = Style(Family.SANS, 7.5, False, MUTED, 1.3)
PHOTO_GAP = 6 * MM  # between the pictures of a row
# A grid's pictures stand in boxes of this height to width: landscape photos (4:3 and 3:2)
# fill theirs, a portrait one keeps its proportions at the row's height.
PHOTO_BOX = 0.75
FIGURE_HEIGHT = 85 * MM  # a lone picture (a dossier's photo) is a figure, not a poster
FIGURE_WIDTH = 0.62  # of the frame
MAP_ROOM = 290.0  # a partners' map with its title and legend, at an A4 frame's width


@dataclass(slots=True)
class _Layout:
    """What the passes share: the engine, the direction, and what the first pass learnt."""

    engine: TextEngine
    rtl: bool
    chapter_pages: dict[int, int] = field(default_factory=dict)
    pages: int = 0
    measuring: bool = False  # the first pass: pages are laid out, not drawn
    progress: Callable[[int, int], None] | None = None
    # (widest unbreakable word, longest line) of each cell text, for the columns' widths:
    # a busy year's tables repeat the same dates, directions and cities thousands of times.
    measures: dict[tuple[str, Style], tuple[float, float]] = field(default_factory=dict)

    def measure(self, text: str, style: Style, cap: float) -> tuple[float, float]:
        """The narrowest width `text` can take without splitting a word (at most `cap`),
        and its width on one line. Chinese has no spaces between words: a run of Chinese
        may break after any character (but a date such as 2018年11月20日 stays whole), so
        it asks for at most six characters' width."""
        key = (text, style)
        found = self.measures.get(key)
        if found is None:
            engine = self.engine
            high = max(engine.width(part, style) for part in text.split("\n"))
            low = 0.0
            for word in text.split():
                width = engine.width(word, style)
                if _HAN.search(word) and not _DATE_WORD.fullmatch(word):
                    width = min(width, 6 * style.size)
                low = max(low, width)
            # A hair to spare: the engine breaks a line 1 % short of the width it is given.
            found = (low * 1.02 + 0.5, high * 1.02 + 0.5)
            self.measures[key] = found
        return min(found[0], cap), found[1]


class TextBlock(Flowable):  # type: ignore[misc]
    """A paragraph of the text engine, aligned to the reading start (or centred); it splits
    between lines across pages."""

    def __init__(
        self,
        layout: _Layout,
        text: str,
        style: Style,
        *,
        align: str = "start",
        space_before: float = 0,
        space_after: float = 4,
        lines: list[Line] | None = None,
    ) -> None:
        super().__init__()
        self.layout, self.text, self.style, self.align = layout, text, style, align
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self._lines = lines
        self._width = -1.0

    def _wrapped(self, width: float) -> list[Line]:
        if self._lines is None or self._width != width:
            if self._lines is None or self._width >= 0:
                # Each paragraph takes its direction from its first letter (an English
                # name in a Hebrew report stays left to right); alignment follows the report.
                self._lines = self.layout.engine.wrap(self.text, self.style, width, None)
            self._width = width
        return self._lines

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = sum(line.height for line in self._wrapped(available_width))
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        lines = self._wrapped(available_width)
        used, count = 0.0, 0
        for line in lines:
            if used + line.height > available_height:
                break
            used += line.height
            count += 1
        if count == 0 or count == len(lines):
            return []
        first = TextBlock(self.layout, "", self.style, align=self.align, lines=lines[:count])
        rest = TextBlock(self.layout, "", self.style, align=self.align, lines=lines[count:])
        first._width = rest._width = available_width
        first.spaceBefore = self.spaceBefore
        rest.spaceAfter = self.spaceAfter
        return [first, rest]

    def draw(self) -> None:
        if self.layout.measuring:
            return
        y = self.height
        for line in self._wrapped(self.width):
            y -= line.height
            baseline = y + (line.height - line.style.size) / 2 + line.style.size * 0.22
            x, align = _anchor(self.align, self.layout.rtl, 0, self.width)
            self.layout.engine.draw_line(self.canv, line, x, baseline, align)


class ChapterHeading(TextBlock):
    """A chapter title: starts a page, marks the outline, tells the contents its page.
    In a compact report (a brief) it is smaller: the sheet has little room."""

    def __init__(self, layout: _Layout, index: int, text: str, *, compact: bool = False) -> None:
        style = CHAPTER.scaled(0.75) if compact else CHAPTER
        super().__init__(layout, text, style, space_after=8 if compact else 10)
        self.index = index

    def draw(self) -> None:
        page = self.canv.getPageNumber()
        self.layout.chapter_pages[self.index] = page
        if self.layout.measuring:
            return
        key = f"chapter-{self.index}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(self.text, key, level=0)
        super().draw()
        self.canv.setStrokeColor(ACCENT_RULE)
        self.canv.setLineWidth(1.2)
        self.canv.line(0, -3, self.width, -3)


class TitleBlock(Flowable):  # type: ignore[misc]
    """The top of a compact report's first page, in place of a cover: the title, the
    subtitle, and who made it when."""

    def __init__(self, layout: _Layout, report: Report) -> None:
        super().__init__()
        self.layout, self.report = layout, report
        self.spaceAfter = 10
        self._items: list[tuple[list[Line], float]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        engine = self.layout.engine
        report = self.report
        byline = " · ".join(part for part in (report.office, report.date_line) if part)
        self._items = [
            (engine.wrap(report.title, Style(Family.SERIF, 20, True, ACCENT, 1.2), self.width), 2),
            (engine.wrap(report.subtitle, Style(Family.SANS, 11, False, INK, 1.35), self.width), 2),
            (engine.wrap(byline, SMALL, self.width), 6),
        ]
        self.height = sum(sum(line.height for line in lines) + gap for lines, gap in self._items)
        return self.width, self.height

    def draw(self) -> None:
        if self.layout.measuring:
            return
        y = self.height
        for lines, gap in self._items:
            for line in lines:
                y -= line.height
                baseline = y + (line.height - line.style.size) / 2 + line.style.size * 0.22
                x, how = _anchor("start", self.layout.rtl, 0, self.width)
                self.layout.engine.draw_line(self.canv, line, x, baseline, how)
            y -= gap
        self.canv.setStrokeColor(ACCENT_RULE)
        self.canv.setLineWidth(1.5)
        self.canv.line(0, 1, self.width, 1)


class Grid(Flowable):  # type: ignore[misc]
    """A table of wrapped cells; columns run from right to left in a right-to-left report.
    It splits between rows and repeats its header row on every page.

    The columns are sized from their content in the report's language (`_fit_shares`):
    each gets at least its header's longest word and its cells' longest unbreakable word
    (a date such as 2018年11月20日 counts as one), the room left goes where the text is
    long. `widths` only break ties; `muted` rows (sample records) are printed in grey."""

    PAD = 3.5

    def __init__(
        self,
        layout: _Layout,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float] = (),
        *,
        numeric: Iterable[int] = (),
        header: bool = True,
        first_column_style: Style | None = None,
        muted: Iterable[int] = (),
        strong: Iterable[int] = (),
        fit: bool = True,
    ) -> None:
        super().__init__()
        self.layout = layout
        self.columns = list(columns)
        self.rows = [list(row) for row in rows]
        count = max(len(self.columns), max((len(r) for r in self.rows), default=0))
        self.count = count
        shares = list(widths) if len(widths) == count else [1.0] * count
        total = sum(shares) or 1.0
        self.weights = [share / total for share in shares]
        self.shares = list(self.weights)
        self.numeric = set(numeric)
        self.header = header and bool(self.columns)
        self.first_column_style = first_column_style
        self.muted = set(muted)
        self.strong = set(strong)
        self.fit = fit
        self.spaceBefore, self.spaceAfter = 2, 8
        self._cache: tuple[float, list[list[list[Line]]], list[float]] | None = None
        self._fitted = -1.0

    def _style(self, row_index: int, column: int) -> Style:
        """The style of a cell; `row_index` counts the header row, when there is one."""
        if self.header and row_index == 0:
            return CELL_HEAD
        if column == 0 and self.first_column_style:
            return self.first_column_style
        if row_index - (1 if self.header else 0) in self.strong:
            return CELL_HEAD
        if row_index - (1 if self.header else 0) in self.muted:
            return CELL_MUTED
        return CELL

    def _fit_shares(self, width: float) -> None:
        """Column shares of `width` from the content: at least the widest unbreakable word
        of each column (header included), at most its longest line, the rest shared in
        proportion to how much more each column would take."""
        if not self.fit or self._fitted == width or self.count == 0:
            return
        self._fitted = width
        measure = self.layout.measure
        pads = 2 * self.PAD * self.count
        room = max(width - pads, 8.0 * self.count)
        lows = [0.0] * self.count
        highs = [0.0] * self.count
        cap = room * 0.34  # a word longer than a third of the table may be split
        table = ([self.columns] if self.header else []) + self.rows
        for row_index, row in enumerate(table):
            for column, text in enumerate(row):
                if not text:
                    continue
                low, high = measure(text, self._style(row_index, column), cap)
                if low > lows[column]:
                    lows[column] = low
                if high > highs[column]:
                    highs[column] = high
        highs = [max(high, low, 8.0) for high, low in zip(highs, lows, strict=True)]
        low_sum, high_sum = sum(lows), sum(highs)
        if high_sum <= room:
            # Everything fits on one line. The short columns (dates, kinds, numbers) keep
            # their width and a little air; the room left goes to the long-text columns,
            # those weighted most (a purpose, a title), so that a table looks the same
            # from one partner's section to the next.
            spare = room - high_sum
            air = min(spare / self.count, 10.0)
            spare -= air * self.count
            heaviest = max(self.weights)
            long_text = [weight if weight >= heaviest * 0.6 else 0.0 for weight in self.weights]
            total = sum(long_text) or 1.0
            sizes = [
                high + air + spare * weight / total
                for high, weight in zip(highs, long_text, strict=True)
            ]
        elif low_sum >= room:
            sizes = [low * room / low_sum for low in lows]
        else:
            # Each column has its narrowest width; the room above that is poured in like
            # water: the columns that need less than an even share (a city, a date) get
            # their whole line, the long texts share what is left by how long they are.
            sizes = list(lows)
            extra = room - low_sum
            open_columns = set(range(self.count))
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
        self.shares = [(size + 2 * self.PAD) / width for size in sizes]

    def _cells(self, width: float) -> tuple[list[list[list[Line]]], list[float]]:
        if self._cache is not None and self._cache[0] == width:
            return self._cache[1], self._cache[2]
        self._fit_shares(width)
        engine = self.layout.engine
        table = ([self.columns] if self.header else []) + self.rows
        wrapped: list[list[list[Line]]] = []
        heights: list[float] = []
        for row_index, row in enumerate(table):
            cells = []
            for column, text in enumerate(row):
                style = self._style(row_index, column)
                inner = max(width * self.shares[column] - 2 * self.PAD, 8)
                cells.append(engine.wrap(text, style, inner, None) if text else [])
            wrapped.append(cells)
            height = max((sum(line.height for line in cell) for cell in cells), default=0)
            heights.append(max(height, CELL.size * CELL.leading) + 2 * self.PAD)
        self._cache = (width, wrapped, heights)
        return wrapped, heights

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        _cells, heights = self._cells(available_width)
        self.height = sum(heights)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        _cells, heights = self._cells(available_width)
        start = 1 if self.header else 0
        used = sum(heights[:start])
        fit = 0
        for height in heights[start:]:
            if used + height > available_height:
                break
            used += height
            fit += 1
        if fit == 0 or fit == len(self.rows):
            return []
        return [
            self._part(0, fit, available_width),
            self._part(fit, len(self.rows), available_width),
        ]

    def _part(self, first: int, end: int, width: float) -> Grid:
        """Rows first..end as a table of their own, with the cells already wrapped: a long
        table is split page after page, and wrapping its rest anew each time would make
        the work grow with the square of its length."""
        self._fit_shares(width)
        part = Grid(
            self.layout,
            self.columns,
            self.rows[first:end],
            self.shares,
            numeric=self.numeric,
            header=self.header,
            first_column_style=self.first_column_style,
            muted={row - first for row in self.muted if first <= row < end},
            strong={row - first for row in self.strong if first <= row < end},
            fit=False,
        )
        cells, heights = self._cells(width)
        start = 1 if self.header else 0
        part._cache = (
            width,
            cells[:start] + cells[start + first : start + end],
            heights[:start] + heights[start + first : start + end],
        )
        return part

    def draw(self) -> None:
        if self.layout.measuring:
            return
        canvas = self.canv
        cells, heights = self._cells(self.width)
        engine = self.layout.engine
        rtl = self.layout.rtl
        y = self.height
        for row_index, (row, height) in enumerate(zip(cells, heights, strict=True)):
            y -= height
            if self.header and row_index == 0:
                canvas.setFillColor(HEAD)
                canvas.rect(0, y, self.width, height, stroke=0, fill=1)
            elif (row_index - (1 if self.header else 0)) % 2 == 1 and (
                row_index - (1 if self.header else 0) not in self.strong
            ):
                canvas.setFillColor(STRIPE)
                canvas.rect(0, y, self.width, height, stroke=0, fill=1)
            if row_index - (1 if self.header else 0) in self.strong:
                canvas.setStrokeColor(INK_RULE)
                canvas.setLineWidth(0.8)
                canvas.line(0, y + height, self.width, y + height)
            x = 0.0
            for column, lines in enumerate(row):
                cell_width = self.width * self.shares[column]
                left = self.width - x - cell_width if rtl else x
                line_y = y + height - self.PAD
                for line in lines:
                    line_y -= line.height
                    baseline = line_y + (line.height - line.style.size) / 2 + line.style.size * 0.22
                    # Numbers, and their column's title, stand at the cell's end (right in
                    # a left-to-right table, left in a Hebrew one), so digits line up.
                    align = "end" if column in self.numeric else "start"
                    anchor, how = _anchor(align, rtl, left + self.PAD, cell_width - 2 * self.PAD)
                    engine.draw_line(canvas, line, anchor, baseline, how)
                x += cell_width
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(0, 0, self.width, 0)
        if self.header:
            canvas.line(0, self.height - heights[0], self.width, self.height - heights[0])


def _image_size(image: bytes) -> tuple[int, int] | None:
    """An image's size in pixels, read from its header; None for what cannot be read (a
    damaged picture is left out of the grid rather than stopping the report)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(image)) as opened:
            width, height = opened.size
    except Exception:  # Pillow raises many kinds of error for a damaged file
        return None
    return (width, height) if width > 0 and height > 0 else None


@dataclass(frozen=True, slots=True)
class _Placed:
    """A picture of a row as laid out: where in its cell, and its caption's lines."""

    picture: Picture
    x: float  # the image's left edge from the cell's left
    width: float
    height: float
    caption_x: float
    caption_width: float
    lines: tuple[Line, ...]


class PhotoRow(Flowable):  # type: ignore[misc]
    """One row of a photo grid: up to `columns` pictures with their captions under them.
    A row is never split across pages, so no picture is parted from its caption.

    Each picture keeps its proportions inside its cell's box (a landscape photo fills it,
    a portrait one is as high as the box) and stands on the box's floor, so every caption
    of the row starts on one line; the box is the grid's, so every row has the same. In a
    right-to-left report the first picture is on the right and the captions start on the
    right. A single column is a figure: the picture at a readable size, aligned where the
    reading starts, its caption under it."""

    SPACE = 3.0  # between a picture and its caption

    def __init__(
        self,
        layout: _Layout,
        pictures: Sequence[tuple[Picture, tuple[int, int]]],
        columns: int,
        box: float = PHOTO_BOX,
    ) -> None:
        super().__init__()
        self.layout, self.pictures, self.columns = layout, list(pictures), columns
        self.box = box  # the pictures' box: its height as a share of a cell's width
        self.spaceBefore, self.spaceAfter = 2, 12
        self._placed: list[_Placed] = []
        self._box = 0.0
        self._captions = 0.0

    def _cell_width(self, width: float) -> float:
        return (width - PHOTO_GAP * (self.columns - 1)) / self.columns

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        engine = self.layout.engine
        cell = self._cell_width(available_width)
        single = self.columns == 1
        most_wide = cell * FIGURE_WIDTH if single else cell
        most_high = FIGURE_HEIGHT if single else cell * self.box
        placed: list[_Placed] = []
        for picture, (pixels_wide, pixels_high) in self.pictures:
            ratio = pixels_wide / pixels_high
            width = min(most_wide, most_high * ratio)
            height = width / ratio
            if single:
                # The caption of a figure runs under the picture, a little wider when the
                # picture is a narrow portrait one.
                caption_width = max(width, min(cell, 70 * MM))
                x = 0.0 if not self.layout.rtl else cell - width
                caption_x = 0.0 if not self.layout.rtl else cell - caption_width
            else:
                caption_width = cell
                x = (cell - width) / 2
                caption_x = 0.0
            lines = engine.wrap(
                picture.caption, CAPTION_MUTED if picture.muted else CAPTION, caption_width
            )
            if picture.detail:
                lines += engine.wrap(picture.detail, CAPTION_DETAIL, caption_width)
            placed.append(
                _Placed(picture, x, width, height, caption_x, caption_width, tuple(lines))
            )
        self._placed = placed
        self._box = max((p.height for p in placed), default=0.0)
        self._captions = max((sum(line.height for line in p.lines) for p in placed), default=0.0)
        self.height = self._box + self.SPACE + self._captions
        return self.width, self.height

    def draw(self) -> None:
        if self.layout.measuring:
            return
        canvas = self.canv
        engine = self.layout.engine
        rtl = self.layout.rtl
        cell = self._cell_width(self.width)
        floor = self._captions + self.SPACE
        for index, placed in enumerate(self._placed):
            left = index * (cell + PHOTO_GAP)
            if rtl:
                left = self.width - left - cell
            x = left + placed.x
            try:
                reader = ImageReader(io.BytesIO(placed.picture.image))
                canvas.drawImage(reader, x, floor, placed.width, placed.height, mask="auto")
            except Exception:  # a picture that cannot be drawn leaves its frame empty
                pass
            # A hairline frame: a scan on white paper keeps its edge on the white page.
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.rect(x, floor, placed.width, placed.height, stroke=1, fill=0)
            y = self._captions
            for line in placed.lines:
                y -= line.height
                baseline = y + (line.height - line.style.size) / 2 + line.style.size * 0.22
                where, how = _anchor("start", rtl, left + placed.caption_x, placed.caption_width)
                engine.draw_line(canvas, line, where, baseline, how)


def _photo_rows(layout: _Layout, block: Photos) -> list[Flowable]:
    """The grid's rows; pictures that cannot be read are left out."""
    readable = [
        (picture, size)
        for picture in block.pictures
        if (size := _image_size(picture.image)) is not None
    ]
    columns = max(1, min(3, block.columns))
    # The box is as high as the grid's highest landscape picture at a cell's width (3:2
    # photos alone make a 3:2 box), at most 4:3: the tops and the captions of a row then
    # line up, and a portrait picture is as high as the landscape ones beside it.
    landscape = [height / width for _p, (width, height) in readable if width > height]
    box = min(PHOTO_BOX, max(landscape)) if landscape else PHOTO_BOX
    return [
        PhotoRow(layout, readable[start : start + columns], columns, box)
        for start in range(0, len(readable), columns)
    ]


def _photos_height(blocks: Sequence[Block], width: float) -> float:
    """About how high the photos of a chapter that opens with them are (its first
    paragraphs and the grid): such a chapter starts a page unless it fits whole on this
    one, so that a grid of a dozen is not cut after its first row."""
    height = 0.0
    for block in blocks:
        if isinstance(block, Paragraph | Note):
            height += 24
            continue
        if not isinstance(block, Photos) or not block.pictures:
            break
        columns = max(1, min(3, block.columns))
        if columns == 1:
            row = FIGURE_HEIGHT + 40.0
        else:
            row = (width - PHOTO_GAP * (columns - 1)) / columns * PHOTO_BOX + 40
        rows = -(-len(block.pictures) // columns)
        return height + rows * row
    return 0.0


class BarChart(Flowable):  # type: ignore[misc]
    """A bar chart drawn with ReportLab's graphics; labels in a font that has all their
    characters, Hebrew labels in visual order, and a legend drawn with the text engine."""

    def __init__(self, layout: _Layout, chart: Chart) -> None:
        super().__init__()
        self.layout, self.chart = layout, chart
        self.spaceBefore, self.spaceAfter = 4, 10

    def _label_font(self, texts: Iterable[str]) -> str:
        fonts = self.layout.engine.fonts
        needed = {c for text in texts for c in text if not c.isspace()}
        for name in ("Heebo", "WenQuanYiMicroHei", "FrankRuhlLibre", "ARPLUMingCN"):
            if all(fonts.has_glyph(name, c) for c in needed):
                fonts.register(name)
                return name
        raise MissingGlyphs(needed)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        rows = len(self.chart.categories)
        plot = max(rows * 14 * max(len(self.chart.series), 1), 90) if self.chart.horizontal else 170
        self.height = plot + 46
        return self.width, self.height

    def draw(self) -> None:
        if self.layout.measuring:
            return
        chart = self.chart
        rtl = self.layout.rtl
        categories = list(chart.categories)
        series = [list(values) for _name, values in chart.series]
        if rtl and not chart.horizontal:
            # Time runs from right to left on a Hebrew page.
            categories.reverse()
            series = [list(reversed(values)) for values in series]
        drawing = Drawing(self.width, self.height - 28)
        # The renderer starts from Helvetica unless told otherwise, and lists it unembedded.
        drawing.initialFontName = self._label_font("0")
        bars: HorizontalBarChart | VerticalBarChart
        if chart.horizontal:
            bars = HorizontalBarChart()
            label_room = min(150.0, self.width * 0.3)
            bars.x = 12 if rtl else label_room + 8
            bars.y = 14
            bars.width = self.width - label_room - 24
            bars.height = self.height - 28 - bars.y - 4
            bars.categoryAxis.reverseDirection = True  # the first category on top
            bars.categoryAxis.labels.fontSize = 0.01  # drawn below by the text engine
            bars.categoryAxis.labels.fontName = self._label_font("0")
            bars.categoryAxis.labels.fillColor = colors.white
            bars.valueAxis.reverseDirection = rtl  # bars grow from the labels
        else:
            bars = VerticalBarChart()
            # The value axis stands where the reading starts: on the right in Hebrew,
            # where the first month is.
            bars.x = 10 if rtl else 30
            bars.y = 24
            bars.width = self.width - 40
            bars.height = self.height - 28 - bars.y - 4
            if rtl:
                bars.valueAxis.joinAxisMode = "right"
                bars.valueAxis.labels.boxAnchor = "w"
                bars.valueAxis.labels.dx = 5
                bars.valueAxis.tickLeft, bars.valueAxis.tickRight = 0, 5
            labels = [visual_order(c, True) if rtl else c for c in categories]
            bars.categoryAxis.labels.fontName = self._label_font(labels)
            bars.categoryAxis.labels.fontSize = 7.5
            bars.categoryAxis.categoryNames = labels or [""]
        bars.data = [tuple(values) for values in series] or [(0,)]
        if chart.horizontal:
            bars.categoryAxis.categoryNames = [""] * len(categories)
        bars.valueAxis.labels.fontName = self._label_font("0123456789")
        bars.valueAxis.labels.fontSize = 7.5
        bars.valueAxis.valueMin = 0
        top = max((max(values) for values in series if values), default=0)
        bars.valueAxis.valueMax = max(top * 1.15, 4)
        bars.valueAxis.valueStep = _nice_step(bars.valueAxis.valueMax)
        bars.valueAxis.labelTextFormat = "%d"
        bars.categoryAxis.strokeColor = RULE
        bars.valueAxis.strokeColor = RULE
        bars.valueAxis.gridStrokeColor = RULE
        bars.valueAxis.visibleGrid = True
        bars.barSpacing = 1
        bars.groupSpacing = 4
        for index in range(len(series)):
            bars.bars[index].fillColor = SERIES[index % len(SERIES)]
            bars.bars[index].strokeColor = None
        drawing.add(bars)
        renderPDF.draw(drawing, self.canv, 0, 0)
        if chart.horizontal:
            self._side_labels(categories, bars, label_room)
        self._title_and_legend([name for name, _values in chart.series])

    def _side_labels(self, categories: list[str], bars: Any, room: float) -> None:
        """Category names beside horizontal bars, by the text engine (any script mix)."""
        engine = self.layout.engine
        step = bars.height / max(len(categories), 1)
        style = Style(Family.SANS, 7.5, False, INK, 1.2)
        for index, name in enumerate(categories):
            lines = engine.wrap(name, style, room, None)
            if not lines:
                continue
            line = lines[0]
            y = bars.y + bars.height - (index + 0.5) * step - style.size * 0.35
            if self.layout.rtl:
                engine.draw_line(self.canv, line, self.width, y, "right")
            else:
                engine.draw_line(self.canv, line, room, y, "right")

    def _title_and_legend(self, names: list[str]) -> None:
        """The chart's title on top, the series' colours on a line under it."""
        engine = self.layout.engine
        canvas = self.canv
        rtl = self.layout.rtl
        title = engine.wrap(self.chart.title, SUBHEAD.scaled(0.9), self.width, None)
        if title:
            where, how = _anchor("start", rtl, 0, self.width)
            engine.draw_line(canvas, title[0], where, self.height - 10, how)
        if len(names) < 2:
            return
        y = self.height - 24
        position = 0.0
        for index, name in enumerate(names):
            lines = engine.wrap(name, SMALL, self.width / 3, None)
            if not lines:
                continue
            line = lines[0]
            canvas.setFillColor(SERIES[index % len(SERIES)])
            if rtl:
                box_x = self.width - position - 8
                canvas.rect(box_x, y, 8, 8, stroke=0, fill=1)
                engine.draw_line(canvas, line, box_x - 4, y + 1, "right")
            else:
                canvas.rect(position, y, 8, 8, stroke=0, fill=1)
                engine.draw_line(canvas, line, position + 12, y + 1, "left")
            position += line.width + 28


class Contents(Flowable):  # type: ignore[misc]
    """The contents: chapter titles and their pages, from the first pass."""

    def __init__(self, layout: _Layout, titles: Sequence[str]) -> None:
        super().__init__()
        self.layout, self.titles = layout, list(titles)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = len(self.titles) * 20
        return self.width, self.height

    def draw(self) -> None:
        if self.layout.measuring:
            return
        engine = self.layout.engine
        rtl = self.layout.rtl
        y = self.height
        for index, title in enumerate(self.titles):
            y -= 20
            page = self.layout.chapter_pages.get(index)
            lines = engine.wrap(title, BODY, self.width - 60, True if rtl else None)
            if not lines:
                continue
            where, how = _anchor("start", rtl, 0, self.width)
            engine.draw_line(self.canv, lines[0], where, y + 5, how)
            number = engine.wrap(str(page) if page else "", BODY, 50, None)
            if number:
                where, how = _anchor("end", rtl, 0, self.width)
                engine.draw_line(self.canv, number[0], where, y + 5, how)
            self.canv.setStrokeColor(RULE)
            self.canv.setDash(1, 2)
            self.canv.line(0, y + 2, self.width, y + 2)
            self.canv.setDash()
            self.canv.linkRect("", f"chapter-{index}", (0, y, self.width, y + 20), relative=1)


def _one_line(
    engine: TextEngine, texts: Sequence[str], style: Style, width: float, rtl: bool
) -> list[Line]:
    """The first of `texts` that fits on one line, smaller if need be: the running header
    is the office and the title, or the title alone, never cut short (its year is at the
    end of the title)."""
    direction = True if rtl else None
    for scale in (1.0, 0.9, 0.8):
        for text in texts:
            lines = engine.wrap(text, style.scaled(scale), width, direction)
            if len(lines) <= 1:
                return lines
    return engine.wrap(texts[-1], style.scaled(0.8), width, direction)[:2]


def _anchor(align: str, rtl: bool, left: float, width: float) -> tuple[float, str]:
    """Where to draw a line aligned to "start", "end" or "center" of a box."""
    if align == "center":
        return left + width / 2, "center"
    at_right = (align == "start") == rtl
    return (left + width, "right") if at_right else (left, "left")


def _nice_step(top: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 8:
            return step
    return float(10 ** len(str(int(top))))


def _change(figure_value: int, previous: int | None) -> str:
    if previous is None:
        return "—"
    delta = figure_value - previous
    if delta == 0:
        return "0"
    return f"+{delta:,}" if delta > 0 else f"−{-delta:,}"


def _block_flowables(layout: _Layout, block: Block) -> list[Flowable]:
    if isinstance(block, Paragraph):
        return [TextBlock(layout, block.text, BODY, space_after=6)]
    if isinstance(block, Note):
        return [TextBlock(layout, block.text, NOTE, space_after=8)]
    if isinstance(block, Subheading):
        return [
            CondPageBreak(90),
            TextBlock(layout, block.text, SUBHEAD, space_before=8, space_after=4),
        ]
    if isinstance(block, Facts):
        label_style = Style(Family.SANS, 8.5, True, MUTED, 1.3)
        return [
            # Label and value at fixed shares: the facts of one partner line up with the next.
            Grid(
                layout,
                (),
                block.pairs,
                (1, 2.4),
                header=False,
                first_column_style=label_style,
                fit=False,
            )
        ]
    if isinstance(block, Figures):
        rows = [
            (
                f.label,
                f"{f.value:,}",
                "" if f.previous is None else f"{f.previous:,}",
                _change(f.value, f.previous),
            )
            for f in block.figures
        ]
        # Fixed shares: short labels and numbers, and three number columns of one width.
        return [Grid(layout, block.columns, rows, (3.2, 1, 1, 1), numeric=(1, 2, 3), fit=False)]
    if isinstance(block, Chart):
        empty = not block.categories or not any(any(v) for _n, v in block.series)
        if empty:
            return [
                TextBlock(layout, block.title, SUBHEAD.scaled(0.9), space_before=4),
                TextBlock(layout, block.empty_text, SMALL, space_after=8),
            ]
        return [CondPageBreak(160), BarChart(layout, block)]
    if isinstance(block, Photos):
        return _photo_rows(layout, block)
    if isinstance(block, PartnerMap):
        # The title stays with the map: about the frame's width over 2.3, its legend and
        # the title's line.
        title = (
            [TextBlock(layout, block.title, SUBHEAD, space_before=8, space_after=4)]
            if block.title
            else []
        )
        return [CondPageBreak(MAP_ROOM), *title, WorldMapFlowable(layout, block)]
    if isinstance(block, Table):
        if not block.rows:
            return [TextBlock(layout, block.empty_text, SMALL, space_after=8)]
        return [
            Grid(
                layout,
                block.columns,
                block.rows,
                block.widths,
                numeric=block.numeric,
                muted=block.muted,
                strong=block.strong,
            )
        ]
    raise TypeError(block)


def _texts(report: Report) -> Iterable[str]:
    """Every text of the report, for the missing-glyph check before drawing."""
    yield from (report.title, report.subtitle, report.office, report.home_city)
    yield from (report.date_line, report.header, report.page_label, report.contents_title)
    yield from (report.foreword, report.foreword_title)
    for chapter in report.chapters:
        yield chapter.title
        for block in chapter.blocks:
            if isinstance(block, Paragraph | Subheading | Note):
                yield block.text
            elif isinstance(block, Facts):
                for pair in block.pairs:
                    yield from pair
            elif isinstance(block, Figures):
                yield from block.columns
                yield from (f.label for f in block.figures)
            elif isinstance(block, Chart):
                yield from (block.title, block.empty_text, *block.categories)
                yield from (name for name, _values in block.series)
            elif isinstance(block, Table):
                yield from block.columns
                yield block.empty_text
                for row in block.rows:
                    yield from row
            elif isinstance(block, Photos):
                for picture in block.pictures:
                    yield from (picture.caption, picture.detail)
            elif isinstance(block, PartnerMap):
                yield from (block.title, block.size_text, block.empty_text)
                yield from (text for _key, text in block.tiers)
                yield from (mark.label for mark in block.marks)


def check_report(report: Report, engine: TextEngine | None = None) -> None:
    """Raise MissingGlyphs naming the characters of the report that no font has."""
    engine = engine or TextEngine(font_library())
    texts = list(_texts(report))
    missing = engine.missing(texts, BODY) | engine.missing(texts, CELL_HEAD)
    if missing:
        raise MissingGlyphs(missing, report.record_label or report.title)


def render_report(
    report: Report,
    *,
    fonts: FontLibrary | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The report as PDF bytes. `progress(page, pages)` is called for every page of both
    passes, with `pages` 0 in the first, which only lays out (it may raise to cancel)."""
    # One engine for the check and both passes: what it learns of widths and lines is kept.
    engine = TextEngine(fonts or font_library())
    check_report(report, engine)
    layout = _Layout(engine, report.rtl, measuring=True, progress=progress)
    _build(report, layout)  # learns the chapters' pages and the page count
    layout.measuring = False
    return _build(report, layout)


def _build(report: Report, layout: _Layout) -> bytes:
    buffer = io.BytesIO()
    library = layout.engine.fonts
    library.register("Heebo")
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 8 * MM,
        bottomMargin=MARGIN + 4 * MM,
        title=report.title,
        author=report.office,
        creator=f"Exchange Desk {__version__}",
        initialFontName="Heebo",
        pageCompression=1,
        lang={"zh": "zh-CN", "en": "en", "he": "he"}.get(report.language, "en"),
    )
    width, height = A4
    frame_height = height - 2 * MARGIN - 12 * MM
    frame = Frame(MARGIN, MARGIN + 4 * MM, width - 2 * MARGIN, frame_height, id="body")
    pages = {"count": 0}

    def cover(canvas: Canvas, _doc: Any) -> None:
        pages["count"] += 1
        if not layout.measuring:
            _draw_cover(canvas, report, layout)
        _tick(layout, pages["count"])

    def body(canvas: Canvas, _doc: Any) -> None:
        pages["count"] += 1
        if not layout.measuring:
            _draw_header_footer(canvas, report, layout, pages["count"])
        _tick(layout, pages["count"])

    document.addPageTemplates(
        [
            PageTemplate(id="cover", frames=[frame], onPage=body if report.compact else cover),
            PageTemplate(id="body", frames=[frame], onPage=body),
        ]
    )
    story: list[Flowable] = []
    if report.compact:
        # A brief: no cover and no contents; its title stands on top of the first page.
        story.append(TitleBlock(layout, report))
    else:
        story += [NextPageTemplate("body"), Spacer(1, 1), PageBreak()]
        story.append(TextBlock(layout, report.contents_title, CHAPTER, space_after=12))
        story.append(Contents(layout, [chapter.title for chapter in report.chapters]))
        if report.foreword.strip():
            # The office's word to the reader: a short section of its own after the
            # contents, on the same page, not a chapter of the contents.
            story += [
                Spacer(1, 18),
                TextBlock(layout, report.foreword_title, SUBHEAD, space_after=6),
                TextBlock(layout, report.foreword.strip(), BODY, space_after=6),
            ]
    for index, chapter in enumerate(report.chapters):
        # A chapter starts a page of its own only when little of the current one is left:
        # a brief's short chapters would otherwise each take a page.
        if index == 0 and not report.compact:
            story.append(PageBreak())
        else:
            # A chapter that opens with photos keeps them with its heading (a page at most).
            photos = _photos_height(chapter.blocks, width - 2 * MARGIN)
            least = frame_height * (0.12 if report.compact else 0.3)
            if photos:
                least = max(least, min(photos + 60, frame_height * 0.95))
            story.append(CondPageBreak(least))
        if index:
            story.append(Spacer(1, 10 if report.compact else 14))
        story.append(ChapterHeading(layout, index, chapter.title, compact=report.compact))
        for block in chapter.blocks:
            story.extend(_block_flowables(layout, block))
    document.build(story)
    layout.pages = pages["count"]
    return buffer.getvalue()


def _tick(layout: _Layout, page: int) -> None:
    """Tell the caller (who may cancel) how far it is: in the layout pass the total is not
    known yet and is given as 0."""
    if layout.progress is not None:
        layout.progress(page, 0 if layout.measuring else layout.pages)


def _draw_cover(canvas: Canvas, report: Report, layout: _Layout) -> None:
    engine = layout.engine
    width, height = A4
    canvas.saveState()
    canvas.setFillColorRGB(*ACCENT)
    canvas.rect(0, height - 16 * MM, width, 16 * MM, stroke=0, fill=1)
    canvas.rect(0, 0, width, 6 * MM, stroke=0, fill=1)
    y = height * 0.70
    if report.logo:
        try:
            reader = ImageReader(io.BytesIO(report.logo))
            canvas.drawImage(
                reader,
                width / 2 - 30 * MM,
                y + 10 * MM,
                60 * MM,
                30 * MM,
                preserveAspectRatio=True,
                anchor="c",
                mask="auto",
            )
        except Exception:  # a broken logo must not stop the report; the cover stays plain
            pass
    items = (
        (report.title, Style(Family.SERIF, 30, True, ACCENT, 1.2), 14.0),
        (report.subtitle, Style(Family.SANS, 14, False, INK, 1.35), 40.0),
        (report.office, Style(Family.SANS, 12, True, INK, 1.35), 4.0),
        (report.home_city, Style(Family.SANS, 12, False, INK, 1.35), 60.0),
        (report.date_line, Style(Family.SANS, 9.5, False, MUTED, 1.3), 0.0),
    )
    for text, style, gap in items:
        for line in engine.wrap_balanced(text, style, width - 2 * MARGIN - 20 * MM, None):
            y -= line.height
            engine.draw_line(canvas, line, width / 2, y, "center")
        y -= gap
    canvas.restoreState()


def _draw_header_footer(canvas: Canvas, report: Report, layout: _Layout, page: int) -> None:
    engine = layout.engine
    width, height = A4
    canvas.saveState()
    top = height - MARGIN + 2 * MM
    header = _one_line(engine, (report.header, report.title), SMALL, width - 2 * MARGIN, layout.rtl)
    if header:
        where, how = _anchor("start", layout.rtl, MARGIN, width - 2 * MARGIN)
        engine.draw_line(canvas, header[0], where, top, how)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, top - 4, width - MARGIN, top - 4)
    total = layout.pages or page
    label = report.page_label.format(page=page, pages=total)
    footer = engine.wrap(label, SMALL, width - 2 * MARGIN, True if layout.rtl else None)
    if footer:
        engine.draw_line(canvas, footer[0], width / 2, MARGIN - 2 * MM, "center")
    canvas.restoreState()


__all__ = ["check_report", "render_report"]
