"""Certificates of honor as PDF: two designs, A4 either way, one to three languages a page.

The layout is computed, not fixed: every text block is wrapped at the width it will be
drawn with, and the middle of the page is fitted between the titles and the signing band.
The honour and the citation of every language are set to one common measure, so that
three languages read as one page rather than lines of unequal length; when room runs short
the page reflows (a wider measure, tighter spacing, smaller titles, then smaller names)
before any citation goes below 10 pt. A long name is first allowed two lines, then made
smaller on its own; a word wider than the page is broken. Nothing is drawn outside the
inner frame, and the modern design leaves the 5 mm that office printers cannot print.

A certificate in Chinese alone is signed the Chinese way: the conferring body and the date
at the lower right with the seal stamped over them, and no signature line. A preview
carries a large diagonal mark and, instead of a number, a note saying when it gets one.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from exchange_desk import __version__
from exchange_desk.documents.fonts import Family, FontLibrary, MissingGlyphs, font_library
from exchange_desk.documents.text import Color, Line, Style, TextEngine
from exchange_desk.domain.certificates import CertificateContent, CertificateSide
from exchange_desk.domain.enums import Design, Orientation

MM = 72 / 25.4
# Office printers leave this much of the paper's edge unprinted.
UNPRINTABLE = 5 * MM
# No citation (nor honour) goes below this size on A4; titles and names give way first.
BODY_FLOOR = 10.0
# Titles and names giving way to the citations stop at these sizes (points).
TITLE_FLOOR = 14.0
NAME_FLOOR = 15.0
# The mark across a preview, in the three languages a certificate can carry.
PREVIEW_MARK = "样张 · PREVIEW · דוגמה"
# Fake bold of a Chinese face (no bold cut exists): outline width as a share of the size.
# The engine's own outline is 0.025; a recipient's name needs more to stand as heavy as the
# bold Latin and Hebrew faces beside it.
HEAVY_OUTLINE = {Family.SERIF: 0.055, Family.SANS: 0.04}

# Roles of the blocks of the middle: fitting treats them differently.
TITLE = "title"
NAME = "name"
TEXT = "text"  # honour and citation: one common measure, never below BODY_FLOOR
LEAD = "lead"  # "This certificate is presented to"


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


def _mix(a: Color, b: Color, share: float) -> Color:
    """`share` of colour b over colour a."""
    return (
        a[0] + (b[0] - a[0]) * share,
        a[1] + (b[1] - a[1]) * share,
        a[2] + (b[2] - a[2]) * share,
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
    role: str = ""  # TITLE, NAME, TEXT, LEAD or "" (fitting treats them differently)
    heavy: bool = False  # a name: Chinese drawn with a heavier outline (HEAVY_OUTLINE)
    # Set by fitting: the block's scale on top of own_scale, and the width it wraps at.
    scale: float = 1.0
    width: float = 0.0
    measure_key: tuple[object, ...] | None = None  # see CertificateRenderer._key


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


SEAL = "seal"
EMBLEM = "emblem"


@dataclass(frozen=True, slots=True)
class _Stamp:
    """A seal (its box) or the emblem standing in for one (centre in x, y; radius as
    width), stamped on the signing band of each page."""

    kind: str
    box: Box
    alpha: float = 1.0


@dataclass(frozen=True, slots=True)
class _Scales:
    """One try of the fitting: a scale for each role, for the gaps, and the measure of
    the honours and citations as a share of the box's width."""

    title: float
    name: float
    body: float
    gap: float
    measure: float
    floors: bool = False  # titles and names keep to TITLE_FLOOR and NAME_FLOOR points

    def of(self, block: Block) -> float:
        if block.role == TITLE:
            if self.floors:
                return max(self.title, TITLE_FLOOR / block.style.size)
            return self.title
        if block.role == NAME:
            if self.floors:
                return max(self.name, NAME_FLOOR / block.style.size)
            return self.name
        return self.body


_NORMAL_MEASURE = 0.82
_WIDE_MEASURE = 1.0
_MIN_TITLE = 0.5
_MIN_NAME = 0.5
_CACHE_LIMIT = 60_000


class CertificateRenderer:
    """Draws certificates into one PDF. Reuse one renderer for a batch: fonts load once,
    and lines measured for one page are not measured again for the next."""

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
        # Measuring, remembered across the pages of a batch: the fixed wording repeats.
        self._counts: dict[tuple[object, ...], int] = {}
        self._balanced: dict[tuple[object, ...], float] = {}
        self._wraps: dict[tuple[object, ...], tuple[Line, ...]] = {}
        self._known_characters: dict[Family, set[str]] = {}
        self._singles: dict[tuple[object, ...], tuple[float, Line | None]] = {}
        self._bands: dict[tuple[object, ...], tuple[str, list[DrawnText], list[_Stamp]]] = {}
        self._fits: dict[tuple[object, ...], tuple[_Scales, tuple[float, ...]]] = {}

    # -- public --------------------------------------------------------------------------
    def check(self, content: CertificateContent, design: Design) -> None:
        """Raise MissingGlyphs naming the characters no font has, before anything is drawn."""
        family = Family.SERIF if design is Design.FORMAL else Family.SANS
        places = {
            "number": content.number,
            "number_label": content.number_label,
            "number_note": content.number_note,
        }
        for side in content.sides:
            for name, text in zip(SIDE_FIELDS, _side_texts(side), strict=True):
                places[f"{side.language}:{name}"] = text
        # Characters already found in a font are not looked up again: a batch repeats
        # its wording, and its names share most of their letters.
        known = self._known_characters.setdefault(family, set())
        unknown = set().union(*places.values()) - known
        missing: set[str] = set()
        if unknown:
            sample = "".join(sorted(unknown))
            for bold in (False, True):
                missing |= self.text.missing([sample], Style(family, 10, bold))
            known |= unknown - missing
        if missing:
            where = [place for place, text in places.items() if missing & set(text)]
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
        numbered = [c.number for c in contents if c.number and not c.preview]
        numbers = f"{numbered[0]} – {numbered[-1]}" if len(numbered) > 1 else ""
        canvas.setTitle(title or numbers or (numbered[0] if numbered else ""))
        canvas.setCreator(f"Exchange Desk {__version__}")
        canvas.setAuthor(_first(side.issuer for c in contents[:1] for side in c.sides))
        self.pages = []
        self._forms = {}
        self._bands = {}
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
        if content.preview:
            self._preview_mark(canvas, frame, family, palette)

        # Bottom band: the conferring body, place and date, the signatory, the seal.
        band_height = inner.height * (0.22 if portrait else 0.25)
        band = Box(inner.x, inner.y + 14, inner.width, band_height - 14)
        if content.preview:
            number_line = content.number_note
        else:
            number_line = f"{content.number_label} {content.number}".strip()
        self._fit_and_draw(
            canvas,
            record,
            [Block(number_line, Style(family, 8.5, False, palette.muted))],
            Box(inner.x, inner.y - 4, inner.width, 12),
            valign="bottom",
        )
        self._signing(canvas, record, content, band, family, palette, formal)

        # The middle: titles, then each language's presentation, recipient, honour and
        # citation.
        middle = Box(inner.x, band.top + 6, inner.width, inner.top - band.top - 6)
        blocks = self._middle_blocks(content, family, palette, portrait, formal)
        self._fit_and_draw(
            canvas, record, blocks, middle, grow=1.4 if portrait else 1.12, floor=BODY_FLOOR
        )

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

    def _preview_mark(self, canvas: Canvas, frame: Box, family: Family, palette: Palette) -> None:
        """The diagonal PREVIEW mark, light, under the text: drawn by the text engine, so
        its Hebrew word reads right to left and its fonts are embedded like the rest. It
        stays inside the frame, turned as well."""
        style = Style(family, 100, True, _mix(palette.paper, palette.accent, 0.13), 1.0)
        line = self.text.wrap(PREVIEW_MARK, style, 1e6, rtl=False)[0]
        angle = math.atan2(frame.height, frame.width)
        along = line.width / style.size  # length of the mark at size 1
        size = 0.86 * min(
            frame.width / (along * math.cos(angle) + math.sin(angle)),
            frame.height / (along * math.sin(angle) + math.cos(angle)),
        )
        line = self.text.wrap(PREVIEW_MARK, style.scaled(size / style.size), 1e6, rtl=False)[0]
        canvas.saveState()
        canvas.translate(frame.centre, frame.y + frame.height / 2)
        canvas.rotate(math.degrees(angle))
        self.text.draw_line(canvas, line, 0, -size * 0.32, "center")
        canvas.restoreState()

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

    def _emblem(
        self,
        canvas: Canvas,
        x: float,
        y: float,
        radius: float,
        palette: Palette,
        alpha: float = 1.0,
    ) -> None:
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
        if alpha < 1:
            canvas.setFillAlpha(alpha)
            canvas.setStrokeAlpha(alpha)
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
            text, spacing = side.title, 0.0
            if side.language == "zh" and index == 0 and len(text) <= 6 and " " not in text:
                # A short Chinese title is set spaced, as is customary: by the spacing of
                # its characters, so that it stays one word a reader can search for.
                spacing = 0.32 * size
            elif side.language == "en" and formal:
                text, spacing = text.upper(), 0.06 * size
            blocks.append(
                Block(
                    text,
                    Style(family, size, True, palette.accent, 1.2, spacing),
                    rtl=side.language == "he",
                    space_before=0 if not blocks else 2,
                    max_lines=1,
                    role=TITLE,
                )
            )
        # Sizes fall with the number of languages; the fitting below does the rest.
        name_size = {1: 34.0, 2: 27.0, 3: 23.0}[min(count, 3)]
        body_size = {1: 15.0, 2: 12.5, 3: 11.0}[min(count, 3)]
        if portrait:
            name_size *= 0.9
        honour_colour = _mix(palette.ink, palette.accent, 0.55)
        for index, side in enumerate(sides):
            rtl = side.language == "he"
            first = True
            gap = 22.0 if index == 0 else 16.0
            parts = (
                (side.presented_to, Style(family, body_size, False, palette.muted), 0, LEAD, 4),
                (side.recipient, Style(family, name_size, True, palette.ink, 1.15), 2, NAME, 4),
                (side.honour, Style(family, body_size, False, honour_colour, 1.35), 0, TEXT, 6),
                (side.citation, Style(family, body_size, False, palette.ink, 1.4), 0, TEXT, 4),
            )
            for text, style, max_lines, role, space in parts:
                if not text:
                    continue
                blocks.append(
                    Block(
                        text,
                        style,
                        rtl=None if role == NAME else rtl,
                        space_before=gap if first else space,
                        max_lines=max_lines,
                        measure=_NORMAL_MEASURE if role == TEXT else 1.0,
                        role=role,
                        heavy=role == NAME,
                    )
                )
                first = False
        return blocks

    # -- the signing band ----------------------------------------------------------------
    def _signing(
        self,
        canvas: Canvas,
        record: PageRecord,
        content: CertificateContent,
        band: Box,
        family: Family,
        palette: Palette,
        formal: bool,
    ) -> None:
        """The signing band, then the seal or emblem stamped on it. The band's text is the
        same on every page of a batch: it is laid out and drawn once per PDF, as a form
        every page shows (on pre-printed stock, which must carry no forms, each page draws
        it). The seal is stamped per page: it is the certificate's own."""
        chinese_only = [side.language for side in content.sides] == ["zh"]
        draw = self._chinese_band if chinese_only else self._band
        key = (
            band,
            formal,
            bool(content.seal_image),
            tuple(_band_texts(side) for side in content.sides),
        )
        known = self._bands.get(key)
        if self.text_only:
            stamps = draw(canvas, record, content, band, family, palette, formal)
        elif known is None:
            name = f"band-{len(self._bands)}"
            start = len(record.lines)
            canvas.beginForm(name)
            stamps = draw(canvas, record, content, band, family, palette, formal)
            canvas.endForm()
            self._bands[key] = (name, record.lines[start:], stamps)
            canvas.doForm(name)
        else:
            name, lines, stamps = known
            record.lines.extend(lines)
            canvas.doForm(name)
        for stamp in stamps:
            if stamp.kind == SEAL and content.seal_image:
                self._seal(canvas, content.seal_image, stamp.box)
            elif stamp.kind == EMBLEM and formal and not self.text_only:
                box = stamp.box
                self._emblem(canvas, box.x, box.y, box.width, palette, alpha=stamp.alpha)

    def _band(
        self,
        canvas: Canvas,
        record: PageRecord,
        content: CertificateContent,
        band: Box,
        family: Family,
        palette: Palette,
        formal: bool,
    ) -> list[_Stamp]:
        """Western practice: the conferring body, place and date where reading starts; a
        signature line on the other side, the signatory's title and name under it."""
        count = len(content.sides)
        size = {1: 12.0, 2: 10.5, 3: 9.5}[min(count, 3)]
        rtl_first = content.sides[0].language == "he"
        column = band.width * 0.42
        start = Box(band.x, band.y, column, band.height)
        end = Box(band.x + band.width - column, band.y, column, band.height)
        # The conferring body stands where reading starts: on the right of a Hebrew page.
        issuer_box, signature_box = (end, start) if rtl_first else (start, end)
        issuer_blocks: list[Block] = []
        signatory_blocks: list[Block] = []
        for side in content.sides:
            rtl = side.language == "he"
            if side.issuer:
                issuer_blocks.append(
                    Block(side.issuer, Style(family, size, True, palette.ink, 1.25), rtl, 4)
                )
            if side.place_and_date:
                issuer_blocks.append(
                    Block(side.place_and_date, Style(family, size, False, palette.muted), rtl)
                )
            space = 4.0
            if side.signatory_title:
                signatory_blocks.append(
                    Block(
                        side.signatory_title,
                        Style(family, size, False, palette.muted, 1.15),
                        rtl,
                        3,
                    )
                )
                space = 0.0
            if side.signatory:
                signatory_blocks.append(
                    Block(
                        side.signatory,
                        Style(family, size * 1.05, True, palette.ink, 1.2),
                        None,
                        space,
                    )
                )
        if not signatory_blocks:
            return self._unsigned_band(canvas, record, content, band, family, palette, size)
        # On behalf of another body: a small line in each language under the conferring body.
        behalf = _behalf_blocks(content, family, palette)
        if behalf:
            used = self._fit_and_draw(canvas, record, behalf, issuer_box, valign="bottom")
            issuer_box = Box(
                issuer_box.x,
                issuer_box.y + used + 5,
                issuer_box.width,
                issuer_box.height - used - 5,
            )
        self._fit_and_draw(canvas, record, issuer_blocks, issuer_box, valign="bottom")
        # The signature line sits above the signatory's title and name, with room to sign.
        room = min(34.0 if count < 3 else 26.0, signature_box.height * 0.4)
        names_box = Box(
            signature_box.x, signature_box.y, signature_box.width, signature_box.height - room
        )
        names_height = self._fit_and_draw(
            canvas, record, signatory_blocks, names_box, valign="bottom"
        )
        line_y = signature_box.y + names_height + 5
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
            return [_Stamp(SEAL, seal_box)]
        radius = min(band.height * 0.8, 70.0) / 2
        return [_Stamp(EMBLEM, Box(band.centre, band.y + band.height / 2, radius, radius))]

    def _unsigned_band(
        self,
        canvas: Canvas,
        record: PageRecord,
        content: CertificateContent,
        band: Box,
        family: Family,
        palette: Palette,
        size: float,
    ) -> list[_Stamp]:
        """Another body's honour, printed by the office: nobody of ours signs it, so there
        is no signature line. The body and the place and date stand side by side, a column
        per language in reading order, the note of whose behalf it is printed on under
        them across the width, and the body's seal (or the emblem) at the end."""
        rtl_first = content.sides[0].language == "he"
        stamp_width = min(band.height + 10, 110.0)
        text_width = band.width - stamp_width - 12
        text_x = band.x + (stamp_width + 12 if rtl_first else 0)
        behalf = _behalf_blocks(content, family, palette)
        used = 0.0
        if behalf:
            below = Box(text_x, band.y, text_width, band.height * 0.45)
            used = self._fit_and_draw(canvas, record, behalf, below, valign="bottom") + 6
        count = len(content.sides)
        column = text_width / count
        for index, side in enumerate(content.sides):
            rtl = side.language == "he"
            blocks = [
                Block(text, style, rtl, space)
                for text, style, space in (
                    (side.issuer, Style(family, size, True, palette.ink, 1.25), 0.0),
                    (side.place_and_date, Style(family, size, False, palette.muted), 2.0),
                )
                if text
            ]
            slot = count - 1 - index if rtl_first else index
            box = Box(
                text_x + slot * column + 6,
                band.y + used,
                column - 12,
                band.height - used,
            )
            self._fit_and_draw(canvas, record, blocks, box, valign="bottom")
        stamp_x = band.x if rtl_first else band.x + band.width - stamp_width
        middle = band.y + band.height / 2
        centre = stamp_x + stamp_width / 2
        if content.seal_image:
            seal = min(96.0, band.height, stamp_width)
            return [_Stamp(SEAL, Box(centre - seal / 2, middle - seal / 2, seal, seal))]
        radius = min(band.height * 0.8, 70.0) / 2
        return [_Stamp(EMBLEM, Box(centre, middle, radius, radius))]

    def _chinese_band(
        self,
        canvas: Canvas,
        record: PageRecord,
        content: CertificateContent,
        band: Box,
        family: Family,
        palette: Palette,
        formal: bool,
    ) -> list[_Stamp]:
        """Chinese practice: the conferring body and the date at the lower right, the seal
        stamped over them, no signature line; the signatory, if any, at the lower left."""
        side = content.sides[0]
        column = band.width * 0.4
        right = Box(band.x + band.width - column, band.y, column, band.height)
        left = Box(band.x, band.y, column, band.height)
        if side.on_behalf:
            note = Block(side.on_behalf, Style(family, 8.5, False, palette.muted))
            used = self._fit_and_draw(canvas, record, [note], right, valign="bottom")
            right = Box(right.x, right.y + used + 4, right.width, right.height - used - 4)
        stamped = [
            Block(text, style, False, space)
            for text, style, space in (
                (side.issuer, Style(family, 16.0, True, palette.ink, 1.35), 0.0),
                (side.place_and_date, Style(family, 14.0, False, palette.ink, 1.35), 4.0),
            )
            if text
        ]
        # The seal falls over the body's name and the date, as a stamp does, and stays
        # inside the frame: the name and date stand high enough for it.
        frame = record.frame
        size = min(40 * MM, band.height + 24, column)
        middle_y = max(right.y + 30, frame.y + 4 + size / 2)
        reach = min(middle_y - right.y, right.top - middle_y)
        height = self._fit_and_draw(
            canvas,
            record,
            stamped,
            Box(right.x, middle_y - reach, right.width, 2 * reach),
            valign="centre",
        )
        signatory = [
            Block(text, style, False, space)
            for text, style, space in (
                (side.signatory_title, Style(family, 13.0, False, palette.muted), 0.0),
                (side.signatory, Style(family, 15.0, True, palette.ink, 1.3), 2.0),
            )
            if text
        ]
        self._fit_and_draw(
            canvas,
            record,
            signatory,
            Box(left.x, middle_y - height / 2, left.width, band.top - middle_y + height / 2),
            valign="bottom",
        )
        x = min(max(right.centre - size / 2, frame.x), frame.x + frame.width - size)
        y = min(max(middle_y - size / 2, frame.y), frame.y + frame.height - size)
        if content.seal_image:
            return [_Stamp(SEAL, Box(x, y, size, size))]
        radius = min(size, 80.0) / 2
        # The stand-in is drawn light over the text: it is no seal, and the text reads on.
        return [_Stamp(EMBLEM, Box(right.centre, middle_y, radius, radius), alpha=0.45)]

    # -- measuring, remembered -----------------------------------------------------------
    # Fitting a page tries many scales, and a batch repeats its wording on every page: each
    # (text, size, width) is measured once, and a line that clearly fits is not broken at
    # all. The keys hold plain numbers, not styles, which are slow to build and hash.
    def _key(self, block: Block, factor: float, width: float) -> tuple[object, ...]:
        base = block.measure_key
        if base is None:
            # Built once per block: hashing the style's enum is Python code, and fitting
            # asks for a key a few hundred times a page.
            style = block.style
            base = (block.text, style.family.value, style.bold, style.size, style.char_space)
            block.measure_key = (*base, block.rtl)
        return (block.measure_key, block.style.size * factor, width)

    def _count(self, block: Block, factor: float, width: float) -> int:
        """Lines the block takes at `factor` times its size, `width` wide."""
        key = self._key(block, factor, width)
        found = self._counts.get(key)
        if found is None:
            if len(self._counts) > _CACHE_LIMIT:
                self._counts.clear()
            natural = self._natural(block)
            # 3 % spare: the engine breaks at 99 % of the width, and may choose a neutral
            # character's font differently when it knows the paragraph's direction.
            if natural and natural * block.style.size * factor <= width * 0.97:
                found = 1
            else:
                style = block.style.scaled(factor)
                found = self.text.line_count(block.text, style, width, block.rtl)
            self._counts[key] = found
        return found

    def _natural(self, block: Block) -> float:
        """The block's width on one line at size 1 (0 for text with line breaks)."""
        return self._single(block)[0]

    def _single(self, block: Block) -> tuple[float, Line | None]:
        """The block set on one line at its own size, and that line's width at size 1;
        (0, None) for text with line breaks. A line that fits is this one, rescaled: a new
        name on every page of a batch is then wrapped once, not once per size."""
        style = block.style
        key = (block.text, style.family, style.bold, style.char_space / style.size, block.rtl)
        found = self._singles.get(key)
        if found is None:
            if len(self._singles) > _CACHE_LIMIT:
                self._singles.clear()
            found = (0.0, None)
            if "\n" not in block.text:
                lines = self.text.wrap(block.text, style, 1e9, block.rtl)
                if len(lines) == 1:
                    found = (lines[0].width / style.size, lines[0])
            self._singles[key] = found
        return found

    def _balanced_width(self, block: Block, factor: float, width: float) -> float:
        """The narrowest width that needs no more lines than `width` does: a centred
        paragraph then does not end on a lonely word (or one Chinese character)."""
        key = self._key(block, factor, width)
        found = self._balanced.get(key)
        if found is None:
            count = self._count(block, factor, width)
            found = width
            if count > 1:
                low, high = width * 0.4, width
                for _ in range(7):
                    middle = (low + high) / 2
                    if self._count(block, factor, middle) > count:
                        low = middle
                    else:
                        high = middle
                found = high
            if len(self._balanced) > _CACHE_LIMIT:
                self._balanced.clear()
            self._balanced[key] = found
        return found

    def _lines(self, block: Block, factor: float, width: float) -> list[Line]:
        key = self._key(block, factor, width)
        found = self._wraps.get(key)
        if found is None:
            if len(self._wraps) > _CACHE_LIMIT:
                self._wraps.clear()
            style = block.style.scaled(factor)
            natural, line = self._single(block)
            if line is not None and natural * style.size <= width * 0.97:
                found = (_rescaled(line, style),)
            else:
                found = tuple(self.text.wrap(block.text, style, width, block.rtl))
            self._wraps[key] = found
        return list(found)

    # -- fitting -------------------------------------------------------------------------
    def _settle(self, block: Block, width: float, scale: float) -> None:
        """A block allowed few lines (a title, a name) first shrinks on its own to keep to
        them, at the largest scale the page may use."""
        block.own_scale = 1.0
        if not block.max_lines:
            return
        while (
            self._count(block, scale * block.own_scale, width * block.measure) > block.max_lines
            and block.own_scale > 0.45
        ):
            block.own_scale -= 0.05

    def _arrange(self, blocks: list[Block], width: float, scales: _Scales) -> float:
        """Give every block its scale and width for this try; the blocks' total height.

        The honours and citations of all languages share one measure: the balanced width
        of the longest of them (the one taking most lines), so a Chinese or Hebrew citation
        wraps like the English one instead of running on as one long line.
        """
        longest = (1, 0.0)
        for block in blocks:
            block.scale = scales.of(block)
            if block.role == TEXT:
                block.width = width * scales.measure
                factor = block.scale * block.own_scale
                count = self._count(block, factor, block.width)
                if count > 1:
                    longest = max(
                        longest, (count, self._balanced_width(block, factor, block.width))
                    )
            else:
                block.width = width * block.measure
        common = longest[1]
        total = 0.0
        for block in blocks:
            if common and block.role == TEXT:
                # A little over the common measure where that saves a line: three short
                # lines beside two long ones look less alike than two slightly longer.
                factor = block.scale * block.own_scale
                longer = min(common * 1.12, block.width)
                if self._count(block, factor, longer) < self._count(block, factor, common):
                    block.width = longer
                else:
                    block.width = common
            factor = block.scale * block.own_scale
            lines = self._count(block, factor, block.width)
            style = block.style
            total += lines * style.size * factor * style.leading + block.space_before * scales.gap
        return total

    def _largest(
        self,
        blocks: list[Block],
        box: Box,
        make: Callable[[float], _Scales],
        low: float,
        high: float,
        limit: Callable[[float], float],
        steps: int = 7,
    ) -> float | None:
        """The largest x in [low, high] whose scales fit (None if even `low` does not)."""
        if self._arrange(blocks, box.width, make(low)) > limit(low):
            return None
        if self._arrange(blocks, box.width, make(high)) <= limit(high):
            return high
        for _ in range(steps):
            middle = (low + high) / 2
            if self._arrange(blocks, box.width, make(middle)) > limit(middle):
                high = middle
            else:
                low = middle
        return low

    def _fit(self, blocks: list[Block], box: Box, grow: float, floor: float) -> _Scales:
        """The scales the blocks are drawn at, remembered for blocks met before: the
        signing band of a batch is the same on every page, and its middle differs only by
        names that take one line whatever the scale, which is all the fitting asks."""
        high = max(grow, 1.0)
        key = (
            tuple(
                (
                    None if self._one_line(b, box.width, high) else b.text,
                    b.style,
                    b.rtl,
                    b.space_before,
                    b.max_lines,
                    b.measure,
                    b.role,
                )
                for b in blocks
            ),
            box.width,
            box.height,
            grow,
            floor,
        )
        found = self._fits.get(key)
        if found is None:
            scales = self._search(blocks, box, grow, floor)
            if len(self._fits) > _CACHE_LIMIT // 10:
                self._fits.clear()
            found = self._fits[key] = (scales, tuple(b.own_scale for b in blocks))
        scales, own = found
        for block, own_scale in zip(blocks, own, strict=True):
            block.own_scale = own_scale
        return scales

    def _one_line(self, block: Block, width: float, high: float) -> bool:
        """Whether the block takes one line at every scale fitting may try (not for the
        honours and citations, whose measure follows the others')."""
        if block.role == TEXT:
            return False
        bound = high
        if block.role == TITLE:
            bound = max(high, TITLE_FLOOR / block.style.size)
        elif block.role == NAME:
            bound = max(high, NAME_FLOOR / block.style.size)
        natural = self._natural(block) * block.style.size * bound
        return 0 < natural <= width * block.measure * 0.97

    def _search(self, blocks: list[Block], box: Box, grow: float, floor: float) -> _Scales:
        """First one scale for all (growing up to `grow` where a portrait page has room,
        filling at most 80 % of it); if that would put an honour or citation below `floor`
        points, reflow instead: a wider measure and tighter spacing, then smaller titles,
        then smaller names."""
        high = max(grow, 1.0)
        for block in blocks:
            self._settle(block, box.width, high)

        def limit(scale: float) -> float:
            return box.height * (0.8 if scale > 1 else 1.0)

        def uniform(measure: float, gaps: float) -> Callable[[float], _Scales]:
            return lambda s: _Scales(s, s, s, s * gaps, measure)

        texts = [b for b in blocks if b.role == TEXT]
        b = max((floor / t.style.size for t in texts), default=0.0)
        b = min(b, high)
        normal = uniform(_NORMAL_MEASURE, 1.0)
        scale = self._largest(blocks, box, normal, max(b, 0.05), high, limit, 8)
        if scale is not None or b <= 0:
            return normal(scale if scale is not None else 0.05)
        wide = uniform(_WIDE_MEASURE, 0.5)
        scale = self._largest(blocks, box, wide, b, high, limit, 8)
        if scale is not None:
            return wide(scale)

        def titles(t: float) -> _Scales:
            return _Scales(t, b, b, b * 0.5, _WIDE_MEASURE, floors=True)

        def names(n: float) -> _Scales:
            return _Scales(_MIN_TITLE, n, b, b * 0.5, _WIDE_MEASURE, floors=True)

        found = self._largest(blocks, box, titles, min(_MIN_TITLE, b), b, limit)
        if found is not None:
            return titles(found)
        found = self._largest(blocks, box, names, min(_MIN_NAME, b), b, limit)
        if found is not None:
            return names(found)
        # Nothing else gives way (a name of hundreds of characters): all of it shrinks.
        scale = self._largest(blocks, box, wide, 0.05, b, limit, 8)
        return wide(scale if scale is not None else 0.05)

    def _fit_and_draw(
        self,
        canvas: Canvas,
        record: PageRecord,
        blocks: list[Block],
        box: Box,
        *,
        valign: str = "middle",
        grow: float = 1.0,
        floor: float = 0.0,
    ) -> float:
        """Fit the blocks to the box (see `_search`), then draw them centred; their height.

        With `grow` above 1 they may also grow up to that factor where the box has room
        (a portrait page would otherwise leave its lower half empty). `valign` is "middle"
        (centred, spare room partly spread over the gaps), "centre" (centred as they are)
        or "bottom".
        """
        blocks = [b for b in blocks if b.text]
        if not blocks:
            return 0.0
        scales = self._fit(blocks, box, grow, floor)
        self._arrange(blocks, box.width, scales)
        total = 0.0
        for block in blocks:
            factor = block.scale * block.own_scale
            width = block.width
            if self._count(block, factor, width) > 1:
                width = self._balanced_width(block, factor, width)
            block.lines = self._lines(block, factor, width)
            block.space_before *= scales.gap
            total += sum(line.height for line in block.lines) + block.space_before
        if valign == "bottom":
            top = box.y + total
        else:
            if valign == "middle":
                # Spread what room is left over the gaps, within reason.
                gaps = [b for b in blocks[1:] if b.space_before]
                spare = box.height - total
                extra = min(spare * 0.5 / len(gaps), 20.0) if gaps and spare > 0 else 0.0
                for block in gaps:
                    block.space_before += extra
                total += extra * len(gaps)
            top = box.top - (box.height - total) / 2
        self._draw_blocks(canvas, record, blocks, box, top)
        return total

    def _draw_blocks(
        self,
        canvas: Canvas,
        record: PageRecord,
        blocks: list[Block],
        box: Box,
        top: float,
    ) -> None:
        y = top
        for block in blocks:
            y -= block.space_before
            for line in block.lines:
                size = line.style.size
                # The baseline sits so that ascenders and descenders share the line height.
                baseline = y - line.height + (line.height - size) / 2 + size * 0.22
                if block.heavy and any(run.fake_bold for run in line.runs):
                    heavy = replace(line.style, outline=HEAVY_OUTLINE[line.style.family])
                    line = replace(line, style=heavy)
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
    "honour",
    "citation",
    "issuer",
    "place_and_date",
    "signatory",
    "signatory_title",
    "on_behalf",
)


def _rescaled(line: Line, style: Style) -> Line:
    """A line drawn at another size: every advance (and character spacing, which scales
    with the style) grows by the same factor, so it is the line the engine would make."""
    factor = style.size / line.style.size
    runs = tuple(replace(run, width=run.width * factor) for run in line.runs)
    return replace(line, runs=runs, width=line.width * factor, style=style)


def _side_texts(side: CertificateSide) -> Iterable[str]:
    return (getattr(side, name) for name in SIDE_FIELDS)


def _behalf_blocks(content: CertificateContent, family: Family, palette: Palette) -> list[Block]:
    """The small note, a line per language, that the office printed another body's honour
    on its behalf (each its own line: a sentence wrapped into the next language's would
    read as one)."""
    return [
        Block(side.on_behalf, Style(family, 7.5, False, palette.muted, 1.2), side.language == "he")
        for side in content.sides
        if side.on_behalf
    ]


def _band_texts(side: CertificateSide) -> tuple[str, ...]:
    """What a side prints in the signing band."""
    return (
        side.language,
        side.issuer,
        side.place_and_date,
        side.signatory_title,
        side.signatory,
        side.on_behalf,
    )


def _first(values: Iterable[str]) -> str:
    return next((v for v in values if v), "")


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
    """An accent band on the reading side and a hairline frame on white paper; the inner
    box. Nothing comes within UNPRINTABLE of the paper's edge: office printers leave it
    blank, and a band bleeding off the edge would come out cut short and uneven."""
    p = MODERN
    edge = UNPRINTABLE
    band = 7 * MM
    stripe = 1.4 * MM
    canvas.setFillColorRGB(*p.accent)
    band_x = width - edge - band if rtl_first else edge
    canvas.rect(band_x, edge, band, height - 2 * edge, stroke=0, fill=1)
    canvas.setFillColorRGB(0.85, 0.66, 0.27)
    stripe_x = band_x - stripe if rtl_first else edge + band
    canvas.rect(stripe_x, edge, stripe, height - 2 * edge, stroke=0, fill=1)
    margin = 10 * MM
    left = margin + (0 if rtl_first else 9 * MM)
    right = width - margin - (9 * MM if rtl_first else 0)
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
