"""A tab's list as a printed table: "Print list…" and "Save list as PDF…".

The list is a `services.views.ListedView` (what a tab shows, in one language); documents/ may
not import services/, so it is read here through the `PrintableList` protocol, which that
class fits. Everything the sheet says is in the list's own language (`translator` of
`i18n`), whatever language the window speaks.

Drawing reuses the annual report's machinery (`report_pdf`): its text engine (fonts by
script, bidi lines, no markup, the missing-glyph check), its `Grid`'s fitting of columns to
their content, its styles and its helpers. What a list adds:

- the page turns to landscape when the columns' natural widths do not fit across a
  portrait page;
- sample records are grey and slanted (Latin and Hebrew; Chinese characters stay upright,
  as Chinese typesetting keeps them beside italic Latin), with a legend at the end drawn in
  that same style;
- numbers stand at the end of their cell (right, or left in Hebrew, as the window shows
  them), set as a block right-aligned within the widest number of the column, so units
  stay under units in both directions;
- the list is wrapped once and cut into pages by bisection of the rows' running heights,
  the header row repeated on every page (`ListTable`): 10,000 rows take seconds;
- "Page x of y" is drawn when the document is saved (`_NumberedCanvas`), so the list is laid
  out once, not twice as the report is.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from exchange_desk import __version__
from exchange_desk.documents.fonts import (
    Family,
    FontLibrary,
    MissingGlyphs,
    Script,
    font_library,
    script_of,
)
from exchange_desk.documents.report_pdf import (
    ACCENT,
    ACCENT_RULE,
    CELL,
    CELL_HEAD,
    CELL_MUTED,
    HEAD,
    INK,
    MM,
    RULE,
    SMALL,
    STRIPE,
    Grid,
    _anchor,
    _Layout,
    _one_line,
)
from exchange_desk.documents.text import Line, Style, TextEngine
from exchange_desk.domain.dates import PartialDate
from exchange_desk.i18n.document_language import DocumentLanguage, document_language
from exchange_desk.i18n.formatting import format_number

Cell = str | int | float | PartialDate | None

PAGE_SIZES = {"a4": A4, "letter": LETTER}
MARGIN = 14 * MM
FOOTER = 9 * MM  # room under the frame for the footer line
TITLE = Style(Family.SERIF, 16, True, ACCENT, 1.25)
CONDITIONS = Style(Family.SANS, 10, False, INK, 1.35)
# A cell's lines at most: a row stays shorter than a landscape page's frame.
MAX_LINES = 30
GUTTER = 6.0  # extra room after a number column that text follows
# A sample record's slant: about 10°, as a sans oblique. Chinese characters are not slanted.
SLANT = math.tan(math.radians(10))
# A column's natural width is its longest line, up to this share of a portrait page's frame:
# longer texts wrap anyway and must not by themselves turn the page.
NATURAL_CAP = 0.4


class ListColumn(Protocol):
    """A column of a printable list (`services.views.ViewColumn`)."""

    @property
    def header(self) -> str: ...

    @property
    def shows(self) -> str: ...


class PrintableList(Protocol):
    """What a printed list reads of `services.views.ListedView`."""

    @property
    def title(self) -> str: ...

    @property
    def language(self) -> str: ...

    @property
    def columns(self) -> Sequence[ListColumn]: ...

    @property
    def rows(self) -> Sequence[tuple[Cell, ...]]: ...

    @property
    def sample(self) -> Sequence[bool]: ...

    @property
    def conditions(self) -> tuple[str, ...]: ...

    @property
    def right_to_left(self) -> bool: ...


# --- cells -----------------------------------------------------------------------------------


def _numeric(column: ListColumn) -> bool:
    return column.shows in ("number", "year")


def cell_text(value: Cell, shows: str, w: DocumentLanguage) -> str:
    """A value as the list prints it in `w`'s language: dates as the language writes them
    (a month alone as "Nov 2018", "2018年11月"), numbers grouped, years as they are."""
    if value is None:
        return ""
    if isinstance(value, PartialDate):
        return w.date(value)
    if isinstance(value, bool):  # a bool is an int: never printed as 1 or 0 by accident
        return str(value)
    if isinstance(value, int | float):
        if shows == "year" and float(value).is_integer():
            return str(int(value))
        if isinstance(value, int):
            return w.number(value)
        return format_number(value, w.ui)
    return str(value)


def _joined(parts: Sequence[str]) -> str:
    """Parts of a line joined with " · ", each a bidi isolate (FSI...PDI): an English office
    name before "83 רשומות" would otherwise take the 83 into its own left-to-right run."""
    return " · ".join(f"\u2068{part}\u2069" for part in parts if part)


class _Words:
    """The sheet's own words in the list's language: existing messages of the catalog,
    which are translated in every language Exchange Desk speaks."""

    def __init__(self, w: DocumentLanguage, view: PrintableList, office: str, day: dt.date):
        count = len(view.rows)
        self.title = view.title
        self.conditions = _joined(view.conditions)
        self.count = w.ngettext("{count} record", "{count} records", count).format(
            count=w.number(count)
        )
        self.made = w.gettext("Made on {date}").format(date=w.long_date(day))
        self.byline = _joined((office, self.count, self.made))
        self.page_label = w.gettext("Page {page} of {pages}")
        self.legend = w.gettext("Sample record: invented for the demo, not a fact")
        self.footer = _joined((view.title, *view.conditions))


# --- flowables -------------------------------------------------------------------------------


def _draw_slanted(
    engine: TextEngine, canvas: Canvas, line: Line, x: float, y: float, how: str
) -> None:
    """A line of a sample record: each run drawn by the engine, slanted about its baseline,
    except the runs of Chinese faces (a slanted Chinese character is a distorted one)."""
    left = x - line.width if how == "right" else x - line.width / 2 if how == "center" else x
    for run in line.runs:
        single = Line((run,), run.width, line.style)
        if any(script_of(char) is Script.HAN for char in run.text):
            engine.draw_line(canvas, single, left, y, "left")
        else:
            canvas.saveState()
            canvas.transform(1, 0, SLANT, 1, -SLANT * y, 0)
            engine.draw_line(canvas, single, left, y, "left")
            canvas.restoreState()
        left += run.width


@dataclass(frozen=True, slots=True)
class _Wrapped:
    """A whole list wrapped at one width: the header's lines and height, each row's cells'
    lines and height, and the running total of the rows' heights (`tops[i]` is the height
    of rows 0..i-1), which every part of the table shares."""

    width: float
    header: list[list[Line]]
    header_height: float
    cells: list[list[list[Line]]]
    heights: list[float]
    tops: list[float]


class ListTable(Grid):
    """The report's `Grid` (columns fitted to their content) with what a list adds: slanted
    sample rows, numbers set as a right-aligned block at the end of their cell, a gutter
    after a number column, and progress told as it goes.

    The list is wrapped once; each page's part is rows `start`..`end` of the same wrapped
    list, found by bisection in the rows' running heights. The report's `Grid` copies the
    rest of its rows at every page break, which grows with the square of a 100,000-row
    list."""

    PAD = 5.0  # beside the text: the gutter between two columns is twice this
    VPAD = 3.0  # above and below

    def __init__(
        self,
        layout: _Layout,
        columns: Sequence[str],
        rows: list[list[str]],
        widths: Sequence[float],
        *,
        numeric: Sequence[int],
        sample: set[int],
        number_widths: dict[int, float],
        fit: bool = True,
        start: int = 0,
        end: int | None = None,
        wrapped: _Wrapped | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        # The base class copies every row it is given: it is given none.
        super().__init__(layout, columns, (), widths, numeric=numeric, fit=fit)
        self.count = len(self.columns)
        self.rows = rows
        shares = list(widths) if len(widths) == self.count else [1.0] * self.count
        self.weights = [share / (sum(shares) or 1.0) for share in shares]
        self.shares = list(self.weights)
        self.muted = sample  # rows (of the whole list) drawn as sample records
        self.number_widths = number_widths
        self.start, self.end = start, len(rows) if end is None else end
        self.wrapped = wrapped
        self.progress = progress
        self.spaceBefore, self.spaceAfter = 4, 6
        # A number at the end of its cell followed by text at the start of the next one
        # would read as one phrase ("17 Sample leader"): those number columns keep a
        # gutter at their end.
        self.gutters = {
            column
            for column in self.numeric
            if column + 1 < self.count and column + 1 not in self.numeric
        }

    def _fit_shares(self, width: float) -> None:
        fresh = self.fit and self._fitted != width
        super()._fit_shares(width)
        if not fresh or not self.gutters:
            return
        sizes = [share * width for share in self.shares]
        wordy = [c for c in range(self.count) if c not in self.numeric] or list(range(self.count))
        donor = max(wordy, key=lambda c: sizes[c])
        taken = GUTTER * len(self.gutters)
        if sizes[donor] - taken < sizes[donor] * 0.7:
            return  # too tight a table to give anything away
        sizes[donor] -= taken
        for column in self.gutters:
            sizes[column] += GUTTER
        self.shares = [size / width for size in sizes]

    def _wrap_all(self, width: float) -> _Wrapped:
        """Every cell of the list wrapped at its column's width, with less room above and
        below a line than beside it; progress told every 500 rows."""
        if self.wrapped is not None and self.wrapped.width == width:
            return self.wrapped
        self._fit_shares(width)
        engine = self.layout.engine
        inners = [max(width * share - 2 * self.PAD, 8) for share in self.shares]
        least = CELL.size * CELL.leading
        total = len(self.rows)
        # A list repeats its dates, kinds, cities and statuses thousands of times: each is
        # wrapped once per column and style (lines are immutable, so they can be shared).
        known: dict[tuple[str, Style, int], list[Line]] = {}

        def wrapped_row(row: Sequence[str], row_index: int) -> tuple[list[list[Line]], float]:
            cells: list[list[Line]] = []
            for column, text in enumerate(row):
                if not text:
                    cells.append([])
                    continue
                style = self._style(row_index, column)
                key = (text, style, column)
                lines = known.get(key)
                if lines is None:
                    lines = engine.wrap(text, style, inners[column], None)
                    if len(lines) > MAX_LINES:
                        # A row must fit on a page: a text longer than that ends in "…".
                        lines = lines[: MAX_LINES - 1] + engine.wrap("…", style, inners[column])
                    known[key] = lines
                cells.append(lines)
            height = max((sum(line.height for line in cell) for cell in cells), default=0)
            return cells, max(height, least) + 2 * self.VPAD

        header, header_height = wrapped_row(self.columns, 0)
        cells: list[list[list[Line]]] = []
        heights: list[float] = []
        tops = [0.0]
        for index, row in enumerate(self.rows):
            if self.progress is not None and index % 500 == 0:
                self.progress(index, 2 * total)
            row_cells, height = wrapped_row(row, index + 1)
            cells.append(row_cells)
            heights.append(height)
            tops.append(tops[-1] + height)
        self.wrapped = _Wrapped(width, header, header_height, cells, heights, tops)
        return self.wrapped

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        done = self._wrap_all(available_width)
        self.height = done.header_height + done.tops[self.end] - done.tops[self.start]
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        done = self._wrap_all(available_width)
        room = available_height - done.header_height
        # The last row whose bottom is within the room (a hair of tolerance for sums).
        last = bisect.bisect_right(done.tops, done.tops[self.start] + room + 1e-6, self.start)
        fit = min(last - 1, self.end) - self.start
        if fit <= 0 or self.start + fit >= self.end:
            return []
        middle = self.start + fit
        return [self._part(self.start, middle), self._part(middle, self.end)]

    def _part(self, start: int, end: int) -> ListTable:  # type: ignore[override]
        return ListTable(
            self.layout,
            self.columns,
            self.rows,
            self.shares,
            numeric=sorted(self.numeric),
            sample=self.muted,
            number_widths=self.number_widths,
            fit=False,
            start=start,
            end=end,
            wrapped=self.wrapped,
            progress=self.progress,
        )

    def draw(self) -> None:
        canvas = self.canv
        done = self._wrap_all(self.width)
        y = self.height - done.header_height
        canvas.setFillColor(HEAD)
        canvas.rect(0, y, self.width, done.header_height, stroke=0, fill=1)
        self._draw_row(done.header, y, done.header_height, header=True, sample=False)
        for index in range(self.start, self.end):
            height = done.heights[index]
            y -= height
            if (index - self.start) % 2 == 1:
                canvas.setFillColor(STRIPE)
                canvas.rect(0, y, self.width, height, stroke=0, fill=1)
            self._draw_row(done.cells[index], y, height, header=False, sample=index in self.muted)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(0, 0, self.width, 0)
        rule = self.height - done.header_height
        canvas.line(0, rule, self.width, rule)
        if self.progress is not None:
            total = len(self.rows)
            self.progress(total + self.end, 2 * total)

    def _draw_row(
        self, row: list[list[Line]], y: float, height: float, *, header: bool, sample: bool
    ) -> None:
        canvas = self.canv
        engine = self.layout.engine
        rtl = self.layout.rtl
        x = 0.0
        for column, lines in enumerate(row):
            cell_width = self.width * self.shares[column]
            left = self.width - x - cell_width if rtl else x
            x += cell_width
            inner_left, inner = left + self.PAD, cell_width - 2 * self.PAD
            if column in self.gutters:
                inner -= GUTTER
                if rtl:
                    inner_left += GUTTER
            line_y = y + height - self.VPAD
            for line in lines:
                line_y -= line.height
                baseline = line_y + (line.height - line.style.size) / 2 + line.style.size * 0.22
                if column not in self.numeric:
                    anchor, how = _anchor("start", rtl, inner_left, inner)
                elif rtl and not header:
                    # The block of numbers stands at the left, its digits right-aligned
                    # within the widest number of the column: units under units.
                    block = min(self.number_widths.get(column, line.width), inner)
                    anchor, how = inner_left + block, "right"
                else:
                    anchor, how = _anchor("end", rtl, inner_left, inner)
                if sample:
                    _draw_slanted(engine, canvas, line, anchor, baseline, how)
                else:
                    engine.draw_line(canvas, line, anchor, baseline, how)


class _Lines(Flowable):  # type: ignore[misc]
    """Lines of text of the top of the first page or the legend at the end, each
    (text, style, gap after, slanted), aligned to the reading start; a rule under them
    when `rule`."""

    def __init__(
        self, layout: _Layout, items: Sequence[tuple[str, Style, float, bool]], *, rule: bool
    ) -> None:
        super().__init__()
        self.layout, self.items, self.rule = layout, list(items), rule
        self._wrapped: list[tuple[list[Line], float, bool]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        engine = self.layout.engine
        self._wrapped = [
            # The document's own lines run in its direction: a Hebrew byline that starts
            # with the office's English name is still a Hebrew sentence.
            (engine.wrap(text, style, self.width, self.layout.rtl), gap, slanted)
            for text, style, gap, slanted in self.items
            if text
        ]
        self.height = sum(
            sum(line.height for line in lines) + gap for lines, gap, _s in self._wrapped
        )
        return self.width, self.height

    def draw(self) -> None:
        engine = self.layout.engine
        y = self.height
        for lines, gap, slanted in self._wrapped:
            for line in lines:
                y -= line.height
                baseline = y + (line.height - line.style.size) / 2 + line.style.size * 0.22
                x, how = _anchor("start", self.layout.rtl, 0, self.width)
                if slanted:
                    _draw_slanted(engine, self.canv, line, x, baseline, how)
                else:
                    engine.draw_line(self.canv, line, x, baseline, how)
            y -= gap
        if self.rule:
            self.canv.setStrokeColor(ACCENT_RULE)
            self.canv.setLineWidth(1.2)
            self.canv.line(0, 2, self.width, 2)


# --- the document ----------------------------------------------------------------------------


def _texts(view: PrintableList, words: _Words, office: str, cells: list[list[str]]) -> list[str]:
    """Every text of the sheet, for the missing-glyph check before drawing."""
    found = [words.title, words.conditions, office, words.byline, words.page_label, words.legend]
    found += [column.header for column in view.columns]
    seen: set[str] = set()
    for row in cells:
        for text in row:
            if text and text not in seen:
                seen.add(text)
                found.append(text)
    return found


def check_list(
    view: PrintableList, engine: TextEngine, words: _Words, office: str, cells: list[list[str]]
) -> None:
    """Raise MissingGlyphs naming the characters of the list that no font has."""
    texts = _texts(view, words, office, cells)
    missing = engine.missing(texts, CELL) | engine.missing(texts, CELL_HEAD)
    missing |= engine.missing([words.title], TITLE)
    if missing:
        raise MissingGlyphs(missing, view.title)


def _natural_width(
    layout: _Layout, headers: Sequence[str], cells: list[list[str]], cap: float
) -> float:
    """The width the columns take with every cell on one line (a long text counts up to
    `cap`), pads included: what decides between portrait and landscape."""
    total = 0.0
    for column, header in enumerate(headers):
        widest, _line = layout.measure(header, CELL_HEAD, cap)
        widest = max(widest, min(_line, cap))
        seen: set[str] = set()
        for row in cells:
            text = row[column]
            if text and text not in seen:
                seen.add(text)
                low, high = layout.measure(text, CELL, cap)
                widest = max(widest, low, min(high, cap))
        total += widest + 2 * ListTable.PAD
    return total


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """A canvas that keeps its pages until it is saved, then draws each page's footer with
    the page count known ("Page 3 of 41"): a single pass over a long list."""

    footer: Callable[[Canvas, int, int], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._kept.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._kept)
        for number, state in enumerate(self._kept, start=1):
            self.__dict__.update(state)
            if self.footer is not None:
                self.footer(self, number, total)
            Canvas.showPage(self)
        Canvas.save(self)


def list_pdf(
    view: PrintableList,
    *,
    office: str = "",
    printed_on: dt.date | None = None,
    page_size: str = "A4",
    fonts: FontLibrary | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The list as PDF bytes: A4 or Letter, landscape when the columns need it.

    `progress(done, steps)` is told how far the work is: the rows are wrapped (steps
    0 to n, every 500 rows) and then placed on pages (n to 2n, after each page); it may
    raise to cancel. MissingGlyphs is raised, before anything is drawn, for characters no font has.
    """
    size = PAGE_SIZES.get(page_size.strip().lower())
    if size is None:
        raise ValueError(page_size)
    w = document_language(view.language)
    rtl = view.right_to_left
    engine = TextEngine(fonts or font_library())
    layout = _Layout(engine, rtl)
    words = _Words(w, view, office, printed_on or dt.date.today())
    columns = list(view.columns)
    headers = [column.header for column in columns]
    cells = [
        [cell_text(value, column.shows, w) for value, column in zip(row, columns, strict=True)]
        for row in view.rows
    ]
    check_list(view, engine, words, office, cells)

    portrait_room = size[0] - 2 * MARGIN
    natural = _natural_width(layout, headers, cells, portrait_room * NATURAL_CAP)
    page = landscape(size) if natural > portrait_room else size
    width, height = page
    room = width - 2 * MARGIN

    numeric = [index for index, column in enumerate(columns) if _numeric(column)]
    number_widths = {
        index: max(
            (engine.width(text, CELL) for text in {row[index] for row in cells}), default=0.0
        )
        * 1.01
        for index in numeric
    }
    # Spare width goes to the columns of free text and names, not to dates and numbers.
    weights = [2.0 if column.shows in ("text", "names") else 1.0 for column in columns]
    table = ListTable(
        layout,
        headers,
        cells,
        weights,
        numeric=numeric,
        sample={index for index, flag in enumerate(view.sample) if flag},
        number_widths=number_widths,
        progress=progress,
    )

    sample_style = CELL_MUTED
    story: list[Flowable] = [
        _Lines(
            layout,
            (
                (words.title, TITLE, 3, False),
                (words.conditions, CONDITIONS, 2, False),
                (words.byline, SMALL, 6, False),
            ),
            rule=True,
        ),
        table,
    ]
    if any(view.sample):
        story.append(_Lines(layout, ((words.legend, sample_style, 0, True),), rule=False))

    buffer = io.BytesIO()
    library = engine.fonts
    library.register("Heebo")
    document = BaseDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER,
        title=view.title,
        author=office,
        creator=f"Exchange Desk {__version__}",
        initialFontName="Heebo",
        pageCompression=1,
        lang={"zh": "zh-CN", "en": "en", "he": "he"}.get(w.code, "en"),
    )
    frame = Frame(
        MARGIN,
        MARGIN + FOOTER,
        room,
        height - 2 * MARGIN - FOOTER,
        id="list",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    document.addPageTemplates([PageTemplate(id="list", frames=[frame])])

    def footer(canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        y = MARGIN + 1.5 * MM
        label = words.page_label.format(page=number, pages=total)
        numbers = engine.wrap(label, SMALL, room * 0.3, True if rtl else None)
        used = 0.0
        if numbers:
            where, how = _anchor("end", rtl, MARGIN, room)
            engine.draw_line(canvas, numbers[0], where, y, how)
            used = numbers[0].width + 12
        title = _one_line(engine, (words.footer, words.title), SMALL, room - used, rtl)
        if title:
            where, how = _anchor("start", rtl, MARGIN, room - used)
            if rtl:
                where += used
            engine.draw_line(canvas, title[0], where, y, how)
        canvas.restoreState()

    class Numbered(_NumberedCanvas):
        pass

    Numbered.footer = staticmethod(footer)
    document.build(story, canvasmaker=Numbered)
    return buffer.getvalue()


__all__ = ["ListTable", "PrintableList", "cell_text", "check_list", "list_pdf"]
