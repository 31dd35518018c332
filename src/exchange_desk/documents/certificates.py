"""Certificates of honor as PDF: two designs, A4 either way, one to three languages a page.

The layout is computed, not fixed: every text block is wrapped at the width it will be
drawn with, and the whole middle of the page shrinks until it fits between the title and the
signature band. A long name is first allowed two lines, then made smaller on its own; a
word wider than the page is broken. Nothing is drawn outside the inner frame.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from exchange_desk import __version__
from exchange_desk.documents.fonts import Family, FontLibrary, MissingGlyphs, font_library
from exchange_desk.documents.text import Color, Line, Style, TextEngine
from exchange_desk.domain.certificates import CertificateContent, CertificateSide
from exchange_desk.domain.enums import Design, Orientation

MM = 72 / 25.4


@dataclass(frozen=True, slots=True)
class Palette:
    paper: Color
    ink: Color
    accent: Color
    muted: Color
    ornament: Color


FORMAL = Palette(
    paper=(0.992, 0.980, 0.949),
    ink=(0.13, 0.11, 0.10),
    accent=(0.55, 0.09, 0.09),
    muted=(0.33, 0.29, 0.25),
    ornament=(0.72, 0.57, 0.26),
)
MODERN = Palette(
    paper=(1.0, 1.0, 1.0),
    ink=(0.10, 0.13, 0.16),
    accent=(0.0, 0.40, 0.44),
    muted=(0.36, 0.40, 0.44),
    ornament=(0.0, 0.40, 0.44),
)


@dataclass(slots=True)
class Block:
    """A paragraph of the page: its text, style, direction and the space above it."""

    text: str
    style: Style
    rtl: bool | None = None
    space_before: float = 0.0
    max_lines: int = 0  # 0: as many as needed; else shrink this block alone to fit
    measure: float = (
        1.0  # share of the box's width a line may take (long text reads better narrower)
    )
    own_scale: float = 1.0  # this block's own shrinking, on top of the page's
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in PDF points, from its lower left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True, slots=True)
class DrawnText:
    """Where a line was drawn: lets tests and previews check that it stays in its box."""

    text: str
    left: float
    right: float
    baseline: float
    size: float


@dataclass(slots=True)
class PageRecord:
    """What one page holds, for checking: its frame and every line drawn."""

    frame: Box
    lines: list[DrawnText] = field(default_factory=list)


class CertificateRenderer:
    """Draws certificates into one PDF. Reuse one renderer for a batch: fonts load once."""

    def __init__(self, fonts: FontLibrary | None = None, *, text_only: bool = False) -> None:
        """`text_only` leaves out the paper colour, the border and the emblem: for
        certificate stock that has them printed already. The text stands where it would
        stand inside the border."""
        self.fonts = fonts or font_library()
        self.text_only = text_only
        self.text = TextEngine(self.fonts)
        self.pages: list[PageRecord] = []
        self._forms: dict[int, dict[str, Box]] = {}
        self._images: dict[int, ImageReader] = {}

    # -- public --------------------------------------------------------------------------
    def check(self, content: CertificateContent, design: Design) -> None:
        """Raise MissingGlyphs naming the characters no font has, before anything is drawn."""
        family = Family.SERIF if design is Design.FORMAL else Family.SANS
        places = {"number": content.number, "number_label": content.number_label}
        for side in content.sides:
            for name, text in zip(SIDE_FIELDS, _side_texts(side), strict=True):
                places[f"{side.language}:{name}"] = text
        missing: set[str] = set()
        where: list[str] = []
        for place, text in places.items():
            lacking = set()
            for bold in (False, True):
                lacking |= self.text.missing([text], Style(family, 10, bold))
            if lacking:
                missing |= lacking
                where.append(place)
        if missing:
            raise MissingGlyphs(missing, content.record_label, where)
        if content.seal_image:
            self._image(content.seal_image)

    def _image(self, data: bytes) -> ImageReader:
        """An image read once per batch (every page has the same seal); UnreadableImage if
        the bytes are no image ReportLab can draw."""
        key = hash(data)
        reader = self._images.get(key)
        if reader is None:
            try:
                reader = ImageReader(io.BytesIO(data))
                reader.getSize()
            except Exception as exc:  # Pillow raises many kinds for a broken file
                raise UnreadableImage(str(exc)) from exc
            self._images[key] = reader
        return reader

    def render(
        self,
        contents: Sequence[CertificateContent],
        design: Design,
        orientation: Orientation,
        *,
        progress: Callable[[int], bool] | None = None,
        title: str = "",
    ) -> bytes:
        """One PDF with a page per certificate. `progress(done)` returning False cancels.

        Every certificate is checked for missing glyphs before the first page is drawn.
        """
        for content in contents:
            self.check(content, design)
        buffer = io.BytesIO()
        page_size = landscape(A4) if orientation is Orientation.LANDSCAPE else A4
        canvas = new_canvas(buffer, page_size, self.fonts)
        numbers = f"{contents[0].number} – {contents[-1].number}" if len(contents) > 1 else ""
        canvas.setTitle(title or numbers or contents[0].number)
        canvas.setCreator(f"Exchange Desk {__version__}")
        canvas.setAuthor(_first(side.issuer for c in contents[:1] for side in c.sides))
        self.pages = []
        self._forms = {}
        for done, content in enumerate(contents, start=1):
            self._page(canvas, content, design, page_size)
            canvas.showPage()
            if progress is not None and not progress(done):
                raise CancelledError
        canvas.save()
        return buffer.getvalue()

    # -- one page ------------------------------------------------------------------------
    def _page(
        self,
        canvas: Canvas,
        content: CertificateContent,
        design: Design,
        page_size: tuple[float, float],
    ) -> None:
        width, height = page_size
        formal = design is Design.FORMAL
        palette = FORMAL if formal else MODERN
        family = Family.SERIF if formal else Family.SANS
        frame = self._frame(canvas, design, width, height, content.sides[0].language == "he")
        record = PageRecord(frame)
        self.pages.append(record)
        portrait = height > width
        inner = Box(frame.x + 14, frame.y + 10, frame.width - 28, frame.height - 20)

        # Bottom band: issuer, place and date on one side; signatory on the other.
        band_height = inner.height * (0.22 if portrait else 0.25)
        band = Box(inner.x, inner.y + 14, inner.width, band_height - 14)
        number_line = f"{content.number_label} {content.number}".strip()
        self._fit_and_draw(
            canvas,
            record,
            [Block(number_line, Style(family, 8.5, False, palette.muted))],
            Box(inner.x, inner.y - 4, inner.width, 12),
            valign="bottom",
        )
        self._band(canvas, record, content, band, family, palette, formal)

        # The middle: titles, then each language's presentation, recipient and citation.
        middle = Box(inner.x, band.top + 6, inner.width, inner.top - band.top - 6)
        blocks = self._middle_blocks(content, family, palette, portrait, formal)
        self._fit_and_draw(canvas, record, blocks, middle, grow=1.3 if portrait else 1.12)

    def _frame(
        self, canvas: Canvas, design: Design, width: float, height: float, rtl_first: bool
    ) -> Box:
        """The paper and its border, drawn once per PDF as a form and reused on every page:
        a batch of a thousand pages then carries the ornament once, not a thousand times."""
        name = f"frame-{design.value}-{round(width)}x{round(height)}-{int(rtl_first)}"
        known = self._forms.get(id(canvas), {})
        if name not in known:
            # On pre-printed stock the frame is only measured, on a canvas thrown away.
            target = Canvas(io.BytesIO()) if self.text_only else canvas
            if not self.text_only:
                canvas.beginForm(name)
            if design is Design.FORMAL:
                known[name] = _draw_formal_frame(target, width, height)
            else:
                known[name] = _draw_modern_frame(target, width, height, rtl_first=rtl_first)
            if not self.text_only:
                canvas.endForm()
            self._forms[id(canvas)] = known
        if not self.text_only:
            canvas.doForm(name)
        return known[name]

    def _seal(self, canvas: Canvas, data: bytes, box: Box) -> None:
        """The seal, embedded once per PDF as a form: ReportLab would otherwise decode and
        fingerprint the whole image again on every page of a batch."""
        name = f"seal-{hash(data) & 0xFFFFFFFF:x}-{round(box.width * 10)}"
        known = self._forms.setdefault(id(canvas), {})
        if name not in known:
            canvas.beginForm(name, lowerx=0, lowery=0, upperx=box.width, uppery=box.height)
            canvas.drawImage(
                self._image(data),
                0,
                0,
                box.width,
                box.height,
                mask="auto",
                preserveAspectRatio=True,
                anchor="c",
            )
            canvas.endForm()
            known[name] = box
        canvas.saveState()
        canvas.translate(box.x, box.y)
        canvas.doForm(name)
        canvas.restoreState()

    def _emblem(self, canvas: Canvas, x: float, y: float, radius: float, palette: Palette) -> None:
        name = f"emblem-{round(radius * 10)}"
        known = self._forms.setdefault(id(canvas), {})
        if name not in known:
            canvas.beginForm(
                name, lowerx=-radius - 2, lowery=-radius - 2, upperx=radius + 2, uppery=radius + 2
            )
            _draw_emblem(canvas, 0, 0, radius, palette)
            canvas.endForm()
            known[name] = Box(0, 0, 0, 0)
        canvas.saveState()
        canvas.translate(x, y)
        canvas.doForm(name)
        canvas.restoreState()

    def _middle_blocks(
        self,
        content: CertificateContent,
        family: Family,
        palette: Palette,
        portrait: bool,
        formal: bool,
    ) -> list[Block]:
        sides = content.sides
        count = len(sides)
        blocks: list[Block] = []
        title_sizes = (40.0, 22.0, 18.0) if count > 1 else (44.0,)
        for index, side in enumerate(sides):
            if not side.title:
                continue
            size = title_sizes[min(index, len(title_sizes) - 1)]
            text = _spaced(side.title) if side.language == "zh" and index == 0 else side.title
            if side.language == "en" and formal:
                text = text.upper()
            blocks.append(
                Block(
                    text,
                    Style(family, size, True, palette.accent, 1.2),
                    rtl=side.language == "he",
                    space_before=0 if not blocks else 2,
                    max_lines=1,
                )
            )
        # Sizes fall with the number of languages; the fitting below does the rest.
        name_size = {1: 34.0, 2: 27.0, 3: 23.0}[min(count, 3)]
        body_size = {1: 15.0, 2: 12.5, 3: 11.0}[min(count, 3)]
        if portrait:
            name_size *= 0.9
        for index, side in enumerate(sides):
            rtl = side.language == "he"
            first = True
            gap = 22.0 if index == 0 else 16.0
            for text, style, max_lines, own_rtl, measure in (
                (side.presented_to, Style(family, body_size, False, palette.muted), 0, rtl, 1.0),
                (side.recipient, Style(family, name_size, True, palette.ink, 1.15), 2, None, 1.0),
                (side.citation, Style(family, body_size, False, palette.ink, 1.4), 0, rtl, 0.82),
            ):
                if not text:
                    continue
                blocks.append(
                    Block(
                        text,
                        style,
                        rtl=own_rtl,
                        space_before=gap if first else 4,
                        max_lines=max_lines,
                        measure=measure,
                    )
                )
                first = False
        return blocks

    def _band(
        self,
        canvas: Canvas,
        record: PageRecord,
        content: CertificateContent,
        band: Box,
        family: Family,
        palette: Palette,
        formal: bool,
    ) -> None:
        column = band.width * 0.42
        start = Box(band.x, band.y, column, band.height)
        end = Box(band.x + band.width - column, band.y, column, band.height)
        # The issuing office stands where reading starts: on the right of a Hebrew page.
        issuer_box, signature_box = (
            (end, start) if content.sides[0].language == "he" else (start, end)
        )
        count = len(content.sides)
        size = {1: 12.0, 2: 10.5, 3: 9.5}[min(count, 3)]
        issuer_blocks: list[Block] = []
        signatory_blocks: list[Block] = []
        for side in content.sides:
            rtl = side.language == "he"
            if side.issuer:
                issuer_blocks.append(
                    Block(side.issuer, Style(family, size, True, palette.ink, 1.25), rtl, 3)
                )
            if side.place_and_date:
                issuer_blocks.append(
                    Block(side.place_and_date, Style(family, size, False, palette.muted), rtl)
                )
            who = " ".join(t for t in (side.signatory_title, side.signatory) if t)
            if who:
                signatory_blocks.append(
                    Block(who, Style(family, size, False, palette.ink, 1.25), rtl, 2)
                )
        self._fit_and_draw(canvas, record, issuer_blocks, issuer_box, valign="bottom")
        # The signature line sits above the signatory's names, with room to sign.
        names_height = self._fit_and_draw(
            canvas, record, signatory_blocks, signature_box, valign="bottom"
        )
        line_y = signature_box.y + names_height + 6
        canvas.setStrokeColorRGB(*palette.ornament)
        canvas.setLineWidth(0.8)
        canvas.line(
            signature_box.x + 20, line_y, signature_box.x + signature_box.width - 20, line_y
        )
        # The seal sits on the signature line, as a stamp does, above the signatory's names
        # and below the band's top, so it covers no text.
        seal_size = max(min(96.0, (band.top + 4 - line_y) / 0.88), 36.0)
        seal_box = Box(
            signature_box.centre - seal_size / 2, line_y - seal_size * 0.12, seal_size, seal_size
        )
        if content.seal_image:
            self._seal(canvas, content.seal_image, seal_box)
        elif formal and not self.text_only:
            emblem = min(band.height * 0.8, 70.0)
            self._emblem(canvas, band.centre, band.y + band.height / 2, emblem / 2, palette)

    # -- fitting -------------------------------------------------------------------------
    def _height(self, block: Block, width: float, scale: float) -> float:
        """The block's height at this scale (line counts only: no lines are built)."""
        width *= block.measure
        style = block.style.scaled(scale * block.own_scale)
        count = self.text.line_count(block.text, style, width)
        return count * style.size * style.leading + block.space_before * scale

    def _settle(self, block: Block, width: float, scale: float) -> None:
        """A block allowed few lines (a title, a name) first shrinks on its own to keep to
        them, at the largest scale the page may use."""
        block.own_scale = 1.0
        if not block.max_lines:
            return
        while (
            self.text.line_count(
                block.text, block.style.scaled(scale * block.own_scale), width * block.measure
            )
            > block.max_lines
            and block.own_scale > 0.45
        ):
            block.own_scale -= 0.05

    def _wrap(self, block: Block, width: float, scale: float) -> float:
        style = block.style.scaled(scale * block.own_scale)
        block.lines = self.text.wrap_balanced(block.text, style, width * block.measure, block.rtl)
        return sum(line.height for line in block.lines) + block.space_before * scale

    def _fit_and_draw(
        self,
        canvas: Canvas,
        record: PageRecord,
        blocks: list[Block],
        box: Box,
        *,
        valign: str = "middle",
        grow: float = 1.0,
    ) -> float:
        """Shrink the blocks together until they fit the box, then draw them centred.

        With `grow` above 1 they may also grow up to that factor where the box has room
        (a portrait page would otherwise leave its lower half empty).
        """
        if not blocks:
            return 0.0
        for block in blocks:
            self._settle(block, box.width, max(grow, 1.0))
        scale = 1.0
        if grow > 1 and sum(self._height(b, box.width, grow) for b in blocks) <= box.height * 0.8:
            scale = grow
        elif grow > 1 and sum(self._height(b, box.width, 1.0) for b in blocks) < box.height * 0.8:
            low, high = 1.0, grow
            for _ in range(6):
                middle = (low + high) / 2
                if sum(self._height(b, box.width, middle) for b in blocks) > box.height * 0.8:
                    high = middle
                else:
                    low = middle
            scale = low
        elif sum(self._height(b, box.width, scale) for b in blocks) > box.height:
            low, high = 0.05, 1.0
            for _ in range(8):
                scale = (low + high) / 2
                if sum(self._height(b, box.width, scale) for b in blocks) > box.height:
                    high = scale
                else:
                    low = scale
            scale = low
        total = sum(self._wrap(b, box.width, scale) for b in blocks)
        if valign == "bottom":
            top = box.y + total
        else:
            # Spread what room is left over the gaps, within reason, then centre.
            gaps = [b for b in blocks[1:] if b.space_before]
            spare = box.height - total
            extra = min(spare * 0.5 / len(gaps), 14.0) if gaps and spare > 0 else 0.0
            for block in gaps:
                block.space_before += extra / scale
            total += extra * len(gaps)
            top = box.top - (box.height - total) / 2
        self._draw_blocks(canvas, record, blocks, box, top, scale)
        return total

    def _draw_blocks(
        self,
        canvas: Canvas,
        record: PageRecord,
        blocks: list[Block],
        box: Box,
        top: float,
        scale: float,
    ) -> None:
        y = top
        for block in blocks:
            y -= block.space_before * scale
            for line in block.lines:
                size = line.style.size
                # The baseline sits so that ascenders and descenders share the line height.
                baseline = y - line.height + (line.height - size) / 2 + size * 0.22
                left = self.text.draw_line(canvas, line, box.centre, baseline, "center")
                record.lines.append(DrawnText(line.text, left, left + line.width, baseline, size))
                y -= line.height


def new_canvas(buffer: io.BytesIO, page_size: tuple[float, float], fonts: FontLibrary) -> Canvas:
    """A canvas whose initial font is an embedded one: ReportLab's default, Helvetica, would
    otherwise be listed in every page as a font the PDF does not carry."""
    fonts.register("Heebo")
    return Canvas(buffer, pagesize=page_size, pageCompression=1, initialFontName="Heebo")


class CancelledError(Exception):
    """The person cancelled a batch."""


class UnreadableImage(Exception):
    """The seal's bytes are not an image that can be drawn."""


SIDE_FIELDS = (
    "title",
    "presented_to",
    "recipient",
    "citation",
    "issuer",
    "place_and_date",
    "signatory",
    "signatory_title",
)


def _side_texts(side: CertificateSide) -> Iterable[str]:
    return (getattr(side, name) for name in SIDE_FIELDS)


def _first(values: Iterable[str]) -> str:
    return next((v for v in values if v), "")


def _spaced(title: str) -> str:
    """A short Chinese title is set with spaces between its characters, as is customary."""
    return " ".join(title) if len(title) <= 6 and " " not in title else title


# -- ornament ----------------------------------------------------------------------------
def _draw_formal_frame(canvas: Canvas, width: float, height: float) -> Box:
    """Paper, a double frame with corner rosettes and a chain of lozenges; the inner box."""
    p = FORMAL
    canvas.setFillColorRGB(*p.paper)
    canvas.rect(0, 0, width, height, stroke=0, fill=1)
    outer = 11 * MM
    canvas.setStrokeColorRGB(*p.accent)
    canvas.setLineWidth(3.2)
    canvas.rect(outer, outer, width - 2 * outer, height - 2 * outer)
    canvas.setStrokeColorRGB(*p.ornament)
    canvas.setLineWidth(0.9)
    gap = 4.2 * MM
    canvas.rect(outer + gap, outer + gap, width - 2 * (outer + gap), height - 2 * (outer + gap))
    band = outer + gap / 2
    # A chain of small lozenges along the band between the frames.
    canvas.setFillColorRGB(*p.ornament)
    step = 9.0
    for x in _steps(band + 14, width - band - 14, step):
        _lozenge(canvas, x, band, 1.6)
        _lozenge(canvas, x, height - band, 1.6)
    for y in _steps(band + 14, height - band - 14, step):
        _lozenge(canvas, band, y, 1.6)
        _lozenge(canvas, width - band, y, 1.6)
    for x, y in (
        (band, band),
        (width - band, band),
        (band, height - band),
        (width - band, height - band),
    ):
        canvas.setFillColorRGB(*p.paper)
        canvas.circle(x, y, 9, stroke=0, fill=1)
        canvas.setStrokeColorRGB(*p.accent)
        canvas.setLineWidth(1.2)
        canvas.circle(x, y, 7, stroke=1, fill=0)
        canvas.setFillColorRGB(*p.ornament)
        canvas.circle(x, y, 3.2, stroke=0, fill=1)
    inner = outer + gap + 3 * MM
    canvas.setStrokeColorRGB(*p.ornament)
    canvas.setLineWidth(0.35)
    canvas.rect(inner, inner, width - 2 * inner, height - 2 * inner)
    return Box(inner, inner, width - 2 * inner, height - 2 * inner)


def _draw_modern_frame(canvas: Canvas, width: float, height: float, *, rtl_first: bool) -> Box:
    """White paper, an accent band on the reading side and a hairline frame; the inner box."""
    p = MODERN
    band = 9 * MM
    canvas.setFillColorRGB(*p.accent)
    band_x = width - band if rtl_first else 0
    canvas.rect(band_x, 0, band, height, stroke=0, fill=1)
    canvas.setFillColorRGB(0.85, 0.66, 0.27)
    stripe_x = width - band - 1.6 * MM if rtl_first else band
    canvas.rect(stripe_x, 0, 1.6 * MM, height, stroke=0, fill=1)
    margin = 10 * MM
    left = margin + (0 if rtl_first else band)
    right = width - margin - (band if rtl_first else 0)
    canvas.setStrokeColorRGB(0.78, 0.82, 0.84)
    canvas.setLineWidth(0.6)
    canvas.rect(left, margin, right - left, height - 2 * margin)
    canvas.setStrokeColorRGB(*p.accent)
    canvas.setLineWidth(2.4)
    if rtl_first:
        canvas.line(right - 38 * MM, height - margin, right, height - margin)
    else:
        canvas.line(left, height - margin, left + 38 * MM, height - margin)
    inner = 4 * MM
    return Box(
        left + inner, margin + inner, right - left - 2 * inner, height - 2 * margin - 2 * inner
    )


def _draw_emblem(canvas: Canvas, x: float, y: float, radius: float, palette: Palette) -> None:
    """A gold rosette: rings and a sixteen-point star. Decoration, not an official seal."""
    import math

    canvas.setStrokeColorRGB(*palette.ornament)
    canvas.setFillColorRGB(*palette.ornament)
    canvas.setLineWidth(1.4)
    canvas.circle(x, y, radius, stroke=1, fill=0)
    canvas.setLineWidth(0.5)
    canvas.circle(x, y, radius * 0.88, stroke=1, fill=0)
    for index in range(48):
        angle = 2 * math.pi * index / 48
        canvas.circle(
            x + math.cos(angle) * radius * 0.94, y + math.sin(angle) * radius * 0.94, 0.7, 0, 1
        )
    path = canvas.beginPath()
    points = 16
    for index in range(points * 2):
        angle = math.pi / 2 + math.pi * index / points
        r = radius * (0.72 if index % 2 == 0 else 0.42)
        px, py = x + math.cos(angle) * r, y + math.sin(angle) * r
        if index == 0:
            path.moveTo(px, py)
        else:
            path.lineTo(px, py)
    path.close()
    canvas.setFillColorRGB(*palette.ornament)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.setFillColorRGB(*palette.accent)
    canvas.circle(x, y, radius * 0.3, stroke=0, fill=1)
    canvas.setFillColorRGB(*palette.paper)
    canvas.circle(x, y, radius * 0.2, stroke=0, fill=1)
    canvas.setFillColorRGB(*palette.ornament)
    canvas.circle(x, y, radius * 0.12, stroke=0, fill=1)


def _lozenge(canvas: Canvas, x: float, y: float, r: float) -> None:
    path = canvas.beginPath()
    path.moveTo(x, y + r)
    path.lineTo(x + r, y)
    path.lineTo(x, y - r)
    path.lineTo(x - r, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _steps(start: float, end: float, step: float) -> list[float]:
    count = int((end - start) / step)
    if count <= 0:
        return []
    spread = (end - start) / count
    return [start + i * spread for i in range(count + 1)]
