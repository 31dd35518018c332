"""Letters on the office's letterhead as PDF: one language after the other, each starting on
a page of its own with the letterhead.

The page follows each language's practice. A Chinese letter (函) has the office's name in red
across the top over a red double rule (红头), the reference number at the right, the subject
as its centred title, paragraphs indented two characters, and the office's name and the date
at the lower right with the red seal stamped over them. An English letter has the logo and
the office at the top left, reference and date at the right, the recipient, a subject line,
and the signature at the left with the seal over it. A Hebrew letter is the English one
mirrored, with לכבוד over the recipient and הנדון before the subject.

All text goes through the text engine of `documents/text.py` (fonts by script, bidi lines, no
markup), so a name such as `R&D <Ltd>` prints as typed, Hebrew is right to left in logical
order, and a character no font has is reported before anything is drawn (`check_letter`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Indenter,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)

from exchange_desk import __version__
from exchange_desk.documents.certificates import UnreadableImage
from exchange_desk.documents.fonts import Family, FontLibrary, MissingGlyphs, font_library
from exchange_desk.documents.report_pdf import _anchor  # start/end/center in a box
from exchange_desk.documents.text import Color, Line, Style, TextEngine
from exchange_desk.domain.letters import LetterContent, LetterSide, LetterTable

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = A4
SIDE_MARGIN = 24 * MM
TOP_MARGIN = 16 * MM
BOTTOM_MARGIN = 20 * MM
TEXT_WIDTH = PAGE_WIDTH - 2 * SIDE_MARGIN

INK: Color = (0.09, 0.10, 0.12)
MUTED: Color = (0.36, 0.38, 0.42)
RULE: Color = (0.72, 0.74, 0.77)
# 红头: the red of Chinese official letterheads; the others take a dark blue.
RED: Color = (0.78, 0.07, 0.07)
NAVY: Color = (0.09, 0.20, 0.38)

SEAL_SIZE = 40 * MM  # an office's round seal (公章) is 40-42 mm across
LOGO_HEIGHT = 20 * MM
SIGNATURE_SPACE = 30.0  # points left for the handwritten signature


@dataclass(frozen=True, slots=True)
class _Look:
    """The styles of one language's letter."""

    body: Style
    title: Style
    office: Style
    details: Style
    meta: Style
    cell: Style
    cell_head: Style
    accent: Color


def _look(language: str) -> _Look:
    if language == "zh":
        # Chinese is set larger and looser than Latin text of the same size to read as easily.
        return _Look(
            body=Style(Family.SERIF, 12, False, INK, 1.7),
            title=Style(Family.SERIF, 20, True, INK, 1.3, char_space=6),
            office=Style(Family.SERIF, 21, True, RED, 1.25, char_space=1.5, outline=0.03),
            details=Style(Family.SANS, 8, False, MUTED, 1.4),
            meta=Style(Family.SERIF, 11, False, INK, 1.4),
            cell=Style(Family.SANS, 8.5, False, INK, 1.35),
            cell_head=Style(Family.SANS, 8.5, True, INK, 1.35),
            accent=RED,
        )
    return _Look(
        body=Style(Family.SERIF, 11, False, INK, 1.38),
        title=Style(Family.SERIF, 11, True, INK, 1.35),
        office=Style(Family.SANS, 12.5, True, NAVY, 1.25),
        details=Style(Family.SANS, 8, False, MUTED, 1.4),
        meta=Style(Family.SERIF, 11, False, INK, 1.4),
        cell=Style(Family.SANS, 8.5, False, INK, 1.3),
        cell_head=Style(Family.SANS, 8.5, True, INK, 1.3),
        accent=NAVY,
    )


# --- the page's parts --------------------------------------------------------------------


@dataclass(slots=True)
class _Images:
    """The logo and the seal, read once for the whole letter."""

    logo: ImageReader | None = None
    seal: ImageReader | None = None
    seal_size: tuple[int, int] = (1, 1)


def _reader(data: bytes | None) -> ImageReader | None:
    if not data:
        return None
    try:
        reader = ImageReader(io.BytesIO(data))
        reader.getSize()
    except Exception as exc:  # Pillow raises many kinds for a broken file
        raise UnreadableImage(str(exc)) from exc
    return reader


def _baseline(top: float, line: Line) -> float:
    """The baseline of a line whose box starts at `top` (y grows upwards)."""
    return top - line.height + (line.height - line.style.size) / 2 + line.style.size * 0.22


def _indented(text: str) -> str:
    """Keep a paragraph's leading ideographic spaces (首行缩进): the engine strips the
    whitespace around a paragraph, so a zero-width space goes before them; it is never drawn."""
    return "\n".join(
        "\u200b" + part if part.startswith("\u3000") else part for part in text.split("\n")
    )


@dataclass(slots=True)
class _Letterhead:
    """The top of a language's first page: logo, office, its address and contacts, rule."""

    engine: TextEngine
    side: LetterSide
    look: _Look
    images: _Images
    name_lines: list[Line] = field(default_factory=list)
    detail_lines: list[Line] = field(default_factory=list)
    height: float = 0.0

    def __post_init__(self) -> None:
        chinese = self.side.language == "zh"
        logo_room = 0.0 if chinese or self.images.logo is None else LOGO_HEIGHT * 1.25
        width = TEXT_WIDTH - logo_room
        if chinese:
            # The name stays centred clear of the logo on its left.
            width = TEXT_WIDTH - (2 * 18 * MM if self.images.logo is not None else 0)
            self.name_lines = self.engine.wrap_balanced(
                self.side.office, self.look.office, width, self.side.rtl
            )
        else:
            self.name_lines = self.engine.wrap(
                self.side.office, self.look.office, width, self.side.rtl
            )
        self.detail_lines = [
            line
            for detail in self.side.office_details
            for line in self.engine.wrap(detail, self.look.details, width, None)
        ]
        text_height = sum(line.height for line in self.name_lines) + 3
        text_height += sum(line.height for line in self.detail_lines)
        logo_height = LOGO_HEIGHT if self.images.logo is not None and not chinese else 0.0
        self.height = max(text_height, logo_height) + (9 if chinese else 7)

    def draw(self, canvas: Canvas) -> None:
        side, look, engine = self.side, self.look, self.engine
        top = PAGE_HEIGHT - TOP_MARGIN
        chinese = side.language == "zh"
        if self.images.logo is not None:
            size = 16 * MM if chinese else LOGO_HEIGHT
            x = SIDE_MARGIN + (TEXT_WIDTH - size if side.rtl else 0)
            canvas.drawImage(
                self.images.logo, x, top - size, size, size,
                preserveAspectRatio=True, anchor="c", mask="auto",
            )  # fmt: skip
        y = top
        if chinese:
            for line in self.name_lines:
                engine.draw_line(canvas, line, PAGE_WIDTH / 2, _baseline(y, line), "center")
                y -= line.height
            y -= 3
            for line in self.detail_lines:
                engine.draw_line(canvas, line, PAGE_WIDTH / 2, _baseline(y, line), "center")
                y -= line.height
        else:
            logo_room = LOGO_HEIGHT * 1.25 if self.images.logo is not None else 0.0
            left = SIDE_MARGIN + (0 if side.rtl else logo_room)
            width = TEXT_WIDTH - logo_room
            for lines, gap in ((self.name_lines, 3.0), (self.detail_lines, 0.0)):
                for line in lines:
                    x, how = _anchor("start", side.rtl, left, width)
                    engine.draw_line(canvas, line, x, _baseline(y, line), how)
                    y -= line.height
                y -= gap
        rule_y = PAGE_HEIGHT - TOP_MARGIN - self.height + 3
        canvas.setStrokeColorRGB(*look.accent)
        if chinese:
            # The red double rule of an official letterhead: a heavy line over a fine one.
            canvas.setLineWidth(2.2)
            canvas.line(SIDE_MARGIN, rule_y + 2.6, PAGE_WIDTH - SIDE_MARGIN, rule_y + 2.6)
            canvas.setLineWidth(0.6)
            canvas.line(SIDE_MARGIN, rule_y, PAGE_WIDTH - SIDE_MARGIN, rule_y)
        else:
            canvas.setLineWidth(1.1)
            canvas.line(SIDE_MARGIN, rule_y, PAGE_WIDTH - SIDE_MARGIN, rule_y)


class _Text(Flowable):  # type: ignore[misc]
    """Lines of the text engine in the side's direction, aligned to the start, the end or
    the centre; splits between lines across pages."""

    def __init__(
        self,
        engine: TextEngine,
        text: str,
        style: Style,
        rtl: bool,
        *,
        align: str = "start",
        space_before: float = 0,
        space_after: float = 0,
        balanced: bool = False,
        lines: list[Line] | None = None,
    ) -> None:
        super().__init__()
        self.engine, self.text, self.style, self.rtl = engine, text, style, rtl
        self.align, self.balanced = align, balanced
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self._lines = lines
        self._for_width = -1.0 if lines is None else None

    def _wrapped(self, width: float) -> list[Line]:
        if self._lines is None or (self._for_width is not None and self._for_width != width):
            wrap = self.engine.wrap_balanced if self.balanced else self.engine.wrap
            self._lines = wrap(_indented(self.text), self.style, width, self.rtl)
            self._for_width = width
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
        # A paragraph is not split to leave one line alone on either page.
        if count < 2 or len(lines) - count < 2:
            return []
        first = _Text(self.engine, "", self.style, self.rtl, align=self.align, lines=lines[:count])
        rest = _Text(self.engine, "", self.style, self.rtl, align=self.align, lines=lines[count:])
        first.spaceBefore, rest.spaceAfter = self.spaceBefore, self.spaceAfter
        return [first, rest]

    def draw(self) -> None:
        y = self.height
        for line in self._wrapped(self.width):
            x, how = _anchor(self.align, self.rtl, 0, self.width)
            self.engine.draw_line(self.canv, line, x, _baseline(y, line), how)
            y -= line.height


class _Table(Flowable):  # type: ignore[misc]
    """A block of the body: a ruled table (a rule over the header and under the last row,
    hairlines between rows) or an unruled list. Columns run from right to left in Hebrew;
    the header repeats on a following page."""

    PAD_X = 3.5
    PAD_Y = 2.6

    def __init__(
        self, engine: TextEngine, table: LetterTable, look: _Look, rtl: bool, *, header: bool = True
    ) -> None:
        super().__init__()
        self.engine, self.table, self.look, self.rtl = engine, table, look, rtl
        self.header = header and table.ruled and any(table.columns)
        self.rows = [list(row) for row in table.rows]
        self.spaceBefore, self.spaceAfter = 2, 8
        self._cache: tuple[float, list[float], list[list[list[Line]]], list[float]] | None = None

    def _style(self, index: int, column: int = 1) -> Style:
        if not self.table.ruled:
            # A list (the milestones) reads as part of the text: the body's face, the dates
            # in grey.
            body = self.look.body
            color = MUTED if column == 0 else INK
            return Style(body.family, body.size - 0.5, False, color, 1.4)
        return self.look.cell_head if self.header and index == 0 else self.look.cell

    def _widths(self, width: float) -> list[float]:
        """Narrow columns get their longest cell on one line (the header may wrap at its
        spaces); the others share the rest by the table's weights."""
        count = len(self.table.widths)
        pad = 2 * self.PAD_X
        sizes = [0.0] * count
        narrow = set(self.table.narrow)
        for column in narrow:
            cells = [row[column] for row in self.rows if column < len(row)]
            style = self._style(len(self.rows), column)
            need = max((self._longest(cell, style) for cell in cells), default=0.0)
            if self.header and column < len(self.table.columns):
                words = self.table.columns[column].split()
                need = max([need] + [self.engine.width(w, self.look.cell_head) for w in words])
            sizes[column] = need + pad + 1
        rest = max(width - sum(sizes), width * 0.3)
        weights = [w for c, w in enumerate(self.table.widths) if c not in narrow]
        total = sum(weights) or 1.0
        for column in range(count):
            if column not in narrow:
                sizes[column] = rest * self.table.widths[column] / total
        scale = width / sum(sizes)
        return [size * scale for size in sizes]

    def _longest(self, text: str, style: Style) -> float:
        return max((self.engine.width(part, style) for part in text.split("\n")), default=0.0)

    def _cells(self, width: float) -> tuple[list[float], list[list[list[Line]]], list[float]]:
        if self._cache is not None and self._cache[0] == width:
            return self._cache[1], self._cache[2], self._cache[3]
        widths = self._widths(width)
        rows = ([list(self.table.columns)] if self.header else []) + self.rows
        wrapped: list[list[list[Line]]] = []
        heights: list[float] = []
        for index, row in enumerate(rows):
            cells = []
            style = self._style(index)
            for column, text in enumerate(row):
                style = self._style(index, column)
                inner = max(widths[column] - 2 * self.PAD_X, 6.0)
                muted_rest = column > 0 and "\n" in text and not (self.header and index == 0)
                cells.append(self._cell_lines(text, style, inner, muted_rest))
            wrapped.append(cells)
            height = max((sum(line.height for line in cell) for cell in cells), default=0.0)
            heights.append(max(height, style.size * style.leading) + 2 * self.PAD_Y)
        self._cache = (width, widths, wrapped, heights)
        return widths, wrapped, heights

    def _cell_lines(self, text: str, style: Style, width: float, muted_rest: bool) -> list[Line]:
        """A cell's lines; in a cell of two parts (a position, then the employer; a passport
        name, then the name in the letter's script) the second part is grey."""
        if not text:
            return []
        if not muted_rest:
            return self.engine.wrap(text, style, width, None)
        first, _newline, rest = text.partition("\n")
        grey = Style(style.family, style.size, style.bold, MUTED, style.leading)
        return self.engine.wrap(first, style, width, None) + self.engine.wrap(
            rest, grey, width, None
        )

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        _widths, _cells, heights = self._cells(available_width)
        self.height = sum(heights)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        _widths, _cells, heights = self._cells(available_width)
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
        rows = self.table.rows
        first = _Table(self.engine, replace(self.table, rows=rows[:fit]), self.look, self.rtl)
        rest = _Table(self.engine, replace(self.table, rows=rows[fit:]), self.look, self.rtl)
        first.spaceAfter = 0
        return [first, rest]

    def draw(self) -> None:
        canvas = self.canv
        widths, cells, heights = self._cells(self.width)
        ruled = self.table.ruled
        y = self.height
        for index, (row, height) in enumerate(zip(cells, heights, strict=True)):
            top = y
            x = 0.0
            for column, lines in enumerate(row):
                cell_width = widths[column]
                left = self.width - x - cell_width if self.rtl else x
                line_top = top - self.PAD_Y
                for line in lines:
                    anchor, how = _anchor(
                        "start", self.rtl, left + self.PAD_X, cell_width - 2 * self.PAD_X
                    )
                    self.engine.draw_line(canvas, line, anchor, _baseline(line_top, line), how)
                    line_top -= line.height
                x += cell_width
            y -= height
            if ruled:
                header_row = self.header and index == 0
                canvas.setStrokeColorRGB(*(INK if header_row else RULE))
                canvas.setLineWidth(0.7 if header_row else 0.35)
                if index < len(cells) - 1:
                    canvas.line(0, y, self.width, y)
        if ruled:
            canvas.setStrokeColorRGB(*INK)
            canvas.setLineWidth(1.0)
            canvas.line(0, self.height, self.width, self.height)
            canvas.line(0, 0, self.width, 0)


class _Signature(Flowable):  # type: ignore[misc]
    """The signing block, with the seal stamped over it.

    Chinese: the lines (signer, office, and the date last) centred on a block at the right,
    the seal over the office's name and the date, as a stamp falls. Otherwise: a space for
    the handwritten signature, then the name, position and office at the reading start, the
    seal over the signature and the name. The seal's red multiplies with the ink under it,
    as a stamp's does, so the text stays legible through it."""

    def __init__(self, engine: TextEngine, side: LetterSide, look: _Look, images: _Images) -> None:
        super().__init__()
        self.engine, self.side, self.look, self.images = engine, side, look, images
        self.spaceBefore = 6
        self.sealed = side.sealed and images.seal is not None
        self._lines: list[tuple[Line, float]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        side, look = self.side, self.look
        chinese = side.language == "zh"
        texts = list(side.signature) + ([side.date] if chinese and side.date else [])
        room = available_width * (0.55 if chinese else 0.75)
        self._lines = []
        for index, text in enumerate(texts):
            bold = not chinese and index == 0  # the signer's name
            style = Style(look.body.family, look.body.size, bold, INK, 1.35)
            for line in self.engine.wrap(text, style, room, side.rtl):
                self._lines.append((line, 0.0))
        text_height = sum(line.height for line, _gap in self._lines)
        if chinese:
            # The seal may reach over the closing above, as a stamp does.
            self.height = max(text_height, SEAL_SIZE * 0.62 if self.sealed else 0.0) + 6
        else:
            self.height = SIGNATURE_SPACE + text_height
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        chinese = self.side.language == "zh"
        lines = [line for line, _gap in self._lines]
        text_height = sum(line.height for line in lines)
        widest = max((line.width for line in lines), default=0.0)
        if chinese:
            right = self.width - 6 * MM
            centre = right - widest / 2
            y = (self.height + text_height) / 2
            for line in lines:
                self.engine.draw_line(canvas, line, centre, _baseline(y, line), "center")
                y -= line.height
            seal_x, seal_y = centre, self.height / 2 - (lines[-1].height / 2 if lines else 0)
        else:
            y = text_height
            for line in lines:
                x, how = _anchor("start", self.side.rtl, 0, self.width)
                self.engine.draw_line(canvas, line, x, _baseline(y, line), how)
                y -= line.height
            # Beside the signature, over the end of its space and the office's name, where
            # a stamp goes: the signer's name stays clear of it.
            reach = 40 * MM
            seal_x = self.width - reach if self.side.rtl else reach
            seal_y = text_height * 0.5 + SIGNATURE_SPACE * 0.45
        if self.sealed:
            self._stamp(canvas, seal_x, seal_y, SEAL_SIZE if chinese else SEAL_SIZE * 0.9)

    def _stamp(self, canvas: Canvas, x: float, y: float, size: float) -> None:
        assert self.images.seal is not None
        canvas.saveState()
        canvas.setBlendMode("Multiply")
        canvas.drawImage(
            self.images.seal, x - size / 2, y - size / 2, size, size,
            preserveAspectRatio=True, anchor="c", mask="auto",
        )  # fmt: skip
        canvas.restoreState()


# --- the letter ------------------------------------------------------------------------------


def _texts(side: LetterSide) -> Iterable[tuple[str, str]]:
    """Every text of a side with where it stands, for the missing-glyph check."""
    yield "office", side.office
    for detail in side.office_details:
        yield "letterhead", detail
    yield "number", f"{side.number_label} {side.number}"
    yield "date", side.date
    for line in side.recipient:
        yield "recipient", line
    yield "subject", f"{side.subject_label} {side.subject}"
    for paragraph in side.body:
        if isinstance(paragraph, LetterTable):
            for text in (*paragraph.columns, *(cell for row in paragraph.rows for cell in row)):
                yield "body", text
        else:
            yield "body", paragraph
    for line in side.signature:
        yield "signature", line
    yield "header", side.continuation


def check_letter(content: LetterContent, engine: TextEngine | None = None) -> None:
    """Raise MissingGlyphs naming the characters of the letter that no font has, and where
    they are ("he:body"), before anything is drawn; UnreadableImage for a broken logo or
    seal."""
    engine = engine or TextEngine(font_library())
    missing: set[str] = set()
    places: list[str] = []
    for side in content.sides:
        look = _look(side.language)
        for place, text in _texts(side):
            lacking = set()
            for style in (look.body, look.cell_head, look.details):
                lacking |= engine.missing([text], style)
            if lacking:
                missing |= lacking
                places.append(f"{side.language}:{place}")
    if missing:
        raise MissingGlyphs(missing, content.record_label, dict.fromkeys(places))
    _reader(content.logo)
    _reader(content.seal)


def _side_story(engine: TextEngine, side: LetterSide, images: _Images) -> list[Flowable]:
    look = _look(side.language)
    rtl = side.rtl
    chinese = side.language == "zh"
    story: list[Flowable] = []
    number = f"{side.number_label}{'' if chinese else ' '}{side.number}"
    story.append(_Text(engine, number, look.meta, rtl, align="end"))
    if not chinese:
        story.append(_Text(engine, side.date, look.meta, rtl, align="end", space_after=10))
        if side.recipient:
            recipient = "\n".join(side.recipient)
            story.append(_Text(engine, recipient, look.body, rtl, space_after=12))
        subject = f"{side.subject_label} {side.subject}".strip()
        story.append(_Text(engine, subject, look.title, rtl, space_after=10))
    else:
        story.append(Spacer(1, 6))
        title = (
            look.title if len(side.subject) <= 8 else Style(look.title.family, 16, True, INK, 1.35)
        )
        story.append(
            _Text(engine, side.subject, title, rtl, align="center", balanced=True, space_after=14)
        )
    body: list[Flowable] = []
    for paragraph in side.body:
        if isinstance(paragraph, LetterTable) and not paragraph.ruled:
            # A list stands in from the text's start, as far as a paragraph's first line.
            indent = look.body.size * 2
            left, right = (0.0, indent) if rtl else (indent, 0.0)
            body += [
                Indenter(left, right),
                _Table(engine, paragraph, look, rtl),
                Indenter(-left, -right),
            ]
        elif isinstance(paragraph, LetterTable):
            body.append(_Table(engine, paragraph, look, rtl))
        else:
            gap = look.body.size * (0.45 if chinese else 0.7)
            body.append(_Text(engine, paragraph, look.body, rtl, space_after=gap))
    signature = _Signature(engine, side, look, images)
    # The closing (Yours sincerely, 此致敬礼) and the paragraph before it stay on the page of
    # the signature: a signature alone on a page is no letter.
    kept = 0
    while kept < min(2, len(body)) and isinstance(body[len(body) - 1 - kept], _Text):
        kept += 1
    story += body[: len(body) - kept]
    story.append(KeepTogether([*body[len(body) - kept :], signature]))
    return story


def render_letter(content: LetterContent, *, fonts: FontLibrary | None = None) -> bytes:
    """The letter as PDF bytes: each language from a new page, with its letterhead."""
    engine = TextEngine(fonts or font_library())
    check_letter(content, engine)
    images = _Images(_reader(content.logo), _reader(content.seal))
    library = engine.fonts
    library.register("Heebo")
    buffer = io.BytesIO()
    first = content.sides[0].language if content.sides else "en"
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=SIDE_MARGIN,
        rightMargin=SIDE_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=content.title,
        author=content.author,
        creator=f"Exchange Desk {__version__}",
        initialFontName="Heebo",
        pageCompression=1,
        lang={"zh": "zh-CN", "en": "en", "he": "he"}.get(first, "en"),
    )
    templates: list[PageTemplate] = []
    story: list[Flowable] = []
    pages = {"side": 0, "page": 0}
    for index, side in enumerate(content.sides):
        head = _Letterhead(engine, side, _look(side.language), images)
        first_height = PAGE_HEIGHT - TOP_MARGIN - head.height - 6 * MM - BOTTOM_MARGIN
        later_height = PAGE_HEIGHT - TOP_MARGIN - 12 * MM - BOTTOM_MARGIN
        templates += [
            PageTemplate(
                id=f"first-{index}",
                frames=[Frame(SIDE_MARGIN, BOTTOM_MARGIN, TEXT_WIDTH, first_height, 0, 0, 0, 0)],
                onPage=_first_page(head, pages, index),
            ),
            PageTemplate(
                id=f"next-{index}",
                frames=[Frame(SIDE_MARGIN, BOTTOM_MARGIN, TEXT_WIDTH, later_height, 0, 0, 0, 0)],
                onPage=_later_page(engine, side, pages),
            ),
        ]
        if index:
            story += [NextPageTemplate(f"first-{index}"), PageBreak()]
        story.append(NextPageTemplate(f"next-{index}"))
        story += _side_story(engine, side, images)
    document.addPageTemplates(templates)
    document.build(story)
    return buffer.getvalue()


def _first_page(head: _Letterhead, pages: dict[str, int], index: int) -> Any:
    def draw(canvas: Canvas, _document: Any) -> None:
        pages["side"], pages["page"] = index, 1
        canvas.saveState()
        head.draw(canvas)
        canvas.restoreState()

    return draw


def _later_page(engine: TextEngine, side: LetterSide, pages: dict[str, int]) -> Any:
    details = _look(side.language).details

    def draw(canvas: Canvas, _document: Any) -> None:
        pages["page"] += 1
        text = side.continuation.format(number=side.number, page=pages["page"])
        lines = engine.wrap(text, details, TEXT_WIDTH, side.rtl)
        canvas.saveState()
        top = PAGE_HEIGHT - TOP_MARGIN
        for line in lines[:1]:
            x, how = _anchor("end", side.rtl, SIDE_MARGIN, TEXT_WIDTH)
            engine.draw_line(canvas, line, x, _baseline(top, line), how)
        canvas.setStrokeColorRGB(*RULE)
        canvas.setLineWidth(0.5)
        canvas.line(SIDE_MARGIN, top - 14, PAGE_WIDTH - SIDE_MARGIN, top - 14)
        canvas.restoreState()

    return draw


__all__ = ["UnreadableImage", "check_letter", "render_letter"]
