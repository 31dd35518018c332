"""Name badges on label sheets, folded place cards, and the seating plan of a table, as PDF.

What is printed for a visit's people (`../shared/docs/protocol.md`): each person's name in
their own script large (王喆 family name first, יהודה בן חמו right to left), the other
side's script below it, their position in both, their organization and the city whose
delegation they belong to. Everything is drawn with the text engine (`documents/text.py`:
fonts by script, bidi lines, no markup), so `R&D <Ltd>` prints as typed and a character no
font has is named before anything is drawn.

Badges are laid out on the label sheets of `STOCKS`, with the published geometry of each
(margins and pitch), and never print outside their label: text is clipped to it and crop
marks stand only in the sheet's margins and the gutters between labels. A name too long
for its badge is made smaller down to a size still read at a pace and a half (1.5 m); if
it does not fit then, it goes on two lines and smaller still, and the caller is told at
what size it was printed (`Drawn.shrunk`), to warn the office.

Place cards are table tents, two to an A4 sheet: each card is cut out along its crop
marks and folded along its dashed middle line, and shows the name on both faces, the upper
face turned upside down so that both read upright once folded. The seating plan draws a
long table from above, the host's side at the bottom of the page, with each seat's number
in the order of honour and a legend.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.pdfgen.canvas import Canvas

from exchange_desk import __version__
from exchange_desk.documents.certificates import new_canvas
from exchange_desk.documents.fonts import Family, MissingGlyphs, font_library
from exchange_desk.documents.text import Color, Line, Style, TextEngine
from exchange_desk.domain.messages import N_

MM = 72 / 25.4
INCH = 72.0

INK: Color = (0.11, 0.13, 0.16)
MUTED: Color = (0.38, 0.42, 0.46)
WHITE: Color = (1.0, 1.0, 1.0)
# The delegation's people and the receiving side's are told apart by their accent colour.
GUEST_ACCENT: Color = (0.04, 0.29, 0.45)
HOST_ACCENT: Color = (0.55, 0.10, 0.10)
MARK_COLOUR: Color = (0.0, 0.0, 0.0)
MARK_WIDTH = 0.3

# A badge is read at a pace and a half (1.5 m): a name is set at NAME_SIZE, may shrink to
# NAME_READABLE on one line without comment, and below that it is wrapped and shrunk down
# to NAME_FLOOR, and the office is told.
NAME_SIZE = 28.0
NAME_READABLE = 24.0
NAME_FLOOR = 11.0
# A place card is read across a table.
CARD_NAME_SIZE = 40.0
CARD_NAME_READABLE = 28.0
CARD_NAME_FLOOR = 14.0


# --- geometry ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle in PDF points, from its lower left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    def inset(self, dx: float, dy: float | None = None) -> Rect:
        dy = dx if dy is None else dy
        return Rect(self.x + dx, self.y + dy, self.width - 2 * dx, self.height - 2 * dy)

    def contains(self, x: float, y: float, tolerance: float = 0.01) -> bool:
        return (
            self.x - tolerance <= x <= self.right + tolerance
            and self.y - tolerance <= y <= self.top + tolerance
        )


@dataclass(frozen=True, slots=True)
class LabelStock:
    """A sheet of labels (or of perforated badge inserts) as its maker publishes it: the
    sheet, the labels across and down, a label's size, the margins from the sheet's left
    and top edges to the first label, and the pitch from one label's edge to the next's.
    Lengths in points."""

    key: str
    label: str  # msgid (N_): how the office sees the stock in a list
    product: str  # the sheets it fits
    page_size: tuple[float, float]
    columns: int
    rows: int
    label_size: tuple[float, float]
    margins: tuple[float, float]  # left, top
    pitch: tuple[float, float]  # across, down
    radius: float = 0.0  # die-cut labels have rounded corners

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def cells(self) -> tuple[Rect, ...]:
        """Every label of a sheet in the order they are filled: left to right, top down."""
        width, height = self.label_size
        _page_width, page_height = self.page_size
        left, top = self.margins
        across, down = self.pitch
        return tuple(
            Rect(left + column * across, page_height - top - row * down - height, width, height)
            for row in range(self.rows)
            for column in range(self.columns)
        )


def _stock(
    key: str,
    label: str,
    product: str,
    page: tuple[float, float],
    grid: tuple[int, int],
    size: tuple[float, float],
    margins: tuple[float, float],
    pitch: tuple[float, float],
    unit: float,
    radius: float,
) -> LabelStock:
    return LabelStock(
        key,
        label,
        product,
        page,
        grid[0],
        grid[1],
        (size[0] * unit, size[1] * unit),
        (margins[0] * unit, margins[1] * unit),
        (pitch[0] * unit, pitch[1] * unit),
        radius * unit,
    )


# The makers' published templates (Avery's; other makers sell the same sizes under other
# numbers). Sheets of 99.1 mm labels have 4.65 mm side margins and a 2.5 mm gutter.
STOCKS: dict[str, LabelStock] = {
    stock.key: stock
    for stock in (
        _stock(
            "a4-8",
            N_("A4, 8 a sheet: 99.1 × 67.7 mm (Avery L7165)"),
            "Avery L7165",
            A4,
            (2, 4),
            (99.1, 67.7),
            (4.65, 13.1),
            (101.6, 67.7),
            MM,
            1.5,
        ),
        _stock(
            "a4-10",
            N_("A4, 10 a sheet: 99.1 × 57 mm (Avery L7173)"),
            "Avery L7173",
            A4,
            (2, 5),
            (99.1, 57.0),
            (4.65, 6.0),
            (101.6, 57.0),
            MM,
            1.5,
        ),
        _stock(
            "a4-4",
            N_("A4, 4 a sheet, large: 99.1 × 139 mm (Avery L7169)"),
            "Avery L7169",
            A4,
            (2, 2),
            (99.1, 139.0),
            (4.65, 9.5),
            (101.6, 139.0),
            MM,
            1.5,
        ),
        _stock(
            "letter-6",
            N_("US Letter, 6 a sheet: 4 × 3 in badge inserts (Avery 5392)"),
            "Avery 5392",
            LETTER,
            (2, 3),
            (4.0, 3.0),
            (0.25, 1.0),
            (4.0, 3.0),
            INCH,
            0.0,
        ),
        _stock(
            "letter-8",
            N_("US Letter, 8 a sheet: 3⅜ × 2⅓ in (Avery 5395)"),
            "Avery 5395",
            LETTER,
            (2, 4),
            (3.375, 2.333333),
            (0.6875, 0.583333),
            (3.75, 2.5),
            INCH,
            0.1875,
        ),
    )
}
DEFAULT_STOCK = "a4-8"

# Place cards: two to an A4 sheet, each 190 × 130 mm flat and folded along its middle to a
# tent with two faces of 190 × 65 mm. The margins leave room for the crop marks.
CARD_SIZE = (190 * MM, 130 * MM)
CARD_MARGIN_TOP = 12 * MM
CARD_GAP = 13 * MM
CARDS_PER_SHEET = 2


def card_cells() -> tuple[Rect, ...]:
    """The two place cards of an A4 sheet, top one first."""
    width, height = CARD_SIZE
    page_width, page_height = A4
    left = (page_width - width) / 2
    top = Rect(left, page_height - CARD_MARGIN_TOP - height, width, height)
    bottom = Rect(left, top.y - CARD_GAP - height, width, height)
    return (top, bottom)


Segment = tuple[float, float, float, float]  # x0, y0, x1, y1

CROP_OFFSET = 1.5 * MM  # marks start this far from the corner, so a cut leaves no trace
CROP_LENGTH = 5 * MM
CROP_MINIMUM = 1.0 * MM  # a mark shorter than this (in a narrow gutter) is left out


def crop_marks(
    cells: Sequence[Rect],
    page_size: tuple[float, float],
    *,
    marked: Iterable[int] | None = None,
) -> list[Segment]:
    """Crop marks at the corners of the cells (those of `marked`, else all): short lines
    continuing each edge outwards from its corner, as far as the gutter, the margin or the
    next cell allows, so that no mark is ever drawn on a label."""
    found: dict[tuple[float, ...], Segment] = {}
    indices = range(len(cells)) if marked is None else marked
    for index in indices:
        cell = cells[index]
        for corner_x, dx in ((cell.x, -1.0), (cell.right, 1.0)):
            for corner_y, dy in ((cell.y, -1.0), (cell.top, 1.0)):
                for direction in ((dx, 0.0), (0.0, dy)):
                    free = _free_run(cells, index, corner_x, corner_y, direction, page_size)
                    end = min(CROP_OFFSET + CROP_LENGTH, free - CROP_OFFSET)
                    if end - CROP_OFFSET < CROP_MINIMUM:
                        continue
                    ux, uy = direction
                    segment = (
                        corner_x + ux * CROP_OFFSET,
                        corner_y + uy * CROP_OFFSET,
                        corner_x + ux * end,
                        corner_y + uy * end,
                    )
                    found.setdefault(tuple(round(v, 2) for v in segment), segment)
    return list(found.values())


def _free_run(
    cells: Sequence[Rect],
    own: int,
    x: float,
    y: float,
    direction: tuple[float, float],
    page_size: tuple[float, float],
) -> float:
    """How far from (x, y) one can go in `direction` (along an axis) before meeting
    another cell (its edge counts) or the sheet's edge."""
    ux, uy = direction
    page_width, page_height = page_size
    if ux > 0:
        free = page_width - x
    elif ux < 0:
        free = x
    elif uy > 0:
        free = page_height - y
    else:
        free = y
    tolerance = 0.01
    for index, cell in enumerate(cells):
        if index == own:
            continue
        if ux:
            if not cell.y - tolerance <= y <= cell.top + tolerance:
                continue
            near, far = (cell.x - x, cell.right - x) if ux > 0 else (x - cell.right, x - cell.x)
        else:
            if not cell.x - tolerance <= x <= cell.right + tolerance:
                continue
            near, far = (cell.y - y, cell.top - y) if uy > 0 else (y - cell.top, y - cell.y)
        if far > tolerance:  # the cell lies ahead (touching the start point is no block)
            free = min(free, max(near, 0.0))
    return free


def _draw_marks(canvas: Canvas, segments: Iterable[Segment]) -> None:
    canvas.saveState()
    canvas.setStrokeColorRGB(*MARK_COLOUR)
    canvas.setLineWidth(MARK_WIDTH)
    for x0, y0, x1, y1 in segments:
        canvas.line(x0, y0, x1, y1)
    canvas.restoreState()


# --- what is printed -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameCard:
    """What a badge or a place card says of one person, each text as its script writes
    it: the name in the person's own script, the name in the other side's script, the
    position in both, the organization and the delegation (its city)."""

    person: str  # how a warning names the person
    name: str
    second_name: str = ""
    titles: tuple[str, ...] = ()
    organization: str = ""
    delegation: str = ""
    host: bool = False  # of the receiving side: another accent colour

    def texts(self) -> tuple[str, ...]:
        return (self.name, self.second_name, *self.titles, self.organization, self.delegation)


@dataclass(frozen=True, slots=True)
class Shrunk:
    """A name made smaller than is read at a distance: whose, and at what size."""

    person: str
    size: float


@dataclass(frozen=True, slots=True)
class Drawn:
    content: bytes
    shrunk: tuple[Shrunk, ...] = ()


@dataclass(frozen=True, slots=True)
class Seat:
    """One seat of a seating plan: its number in the order of honour, who sits there."""

    number: int
    name: str
    title: str = ""
    host: bool = False


@dataclass(frozen=True, slots=True)
class SeatingWords:
    """The plan's fixed words, in its language."""

    hosts: str
    guests: str
    order: str  # heading of the legend: "Order of honour"
    number: str  # column heads of the legend
    name: str
    position: str
    not_seated: str
    note: str  # how the numbers go: the host 1, the guest of honour 2, then by rank


@dataclass(frozen=True, slots=True)
class SeatingSheet:
    """A long table seen from above: `far` the guest of honour's side (top of the page),
    `near` the host's side (bottom), each left to right as the page shows them (None: an
    empty seat); `legend` the seated in the order of honour."""

    title: str
    subtitle: str
    far: tuple[Seat | None, ...]
    near: tuple[Seat | None, ...]
    legend: tuple[Seat, ...]
    unseated: tuple[Seat, ...]
    words: SeatingWords
    rtl: bool = False


# --- fitting -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Block:
    """Lines to draw one under the other, centred, with space above them."""

    lines: list[Line]
    space_before: float = 0.0

    @property
    def height(self) -> float:
        return sum(line.height for line in self.lines) + (self.space_before if self.lines else 0)


def _sized(style: Style, size: float) -> Style:
    return style.scaled(size / style.size)


def _half_down(size: float) -> float:
    return math.floor(size * 2) / 2


def fit_text(
    engine: TextEngine,
    text: str,
    style: Style,
    width: float,
    *,
    readable: float,
    floor: float,
    max_lines: int = 2,
    max_height: float = math.inf,
) -> tuple[list[Line], float]:
    """`text` at the largest size from `style.size` down that fits `width`: on one line
    down to `readable`; then on up to `max_lines` lines (never larger than `readable`)
    down to `floor`; at `floor` on as many lines as it takes when nothing else fits.
    Returns the lines and their size."""
    if not text.strip():
        return [], style.size
    full = engine.width(text, style)
    one = style.size if full <= width * 0.985 else _half_down(style.size * width * 0.985 / full)
    while one >= readable:
        sized = _sized(style, one)
        lines = engine.wrap(text, sized, width)
        if len(lines) == 1 and lines[0].height <= max_height + 0.01:
            return lines, one
        one -= 0.5
    size = _half_down(min(readable, style.size))
    while size >= floor:
        sized = _sized(style, size)
        count = engine.line_count(text, sized, width)
        if count <= max_lines and count * size * style.leading <= max_height + 0.01:
            return engine.wrap_balanced(text, sized, width), size
        size -= 0.5
    sized = _sized(style, floor)
    return engine.wrap(text, sized, width), floor


def _draw_blocks(
    engine: TextEngine, canvas: Canvas, blocks: Sequence[_Block], centre_x: float, top: float
) -> float:
    """Draw the blocks from `top` down, each line centred on `centre_x`; returns the
    bottom reached."""
    y = top
    for block in blocks:
        if not block.lines:
            continue
        y -= block.space_before
        for line in block.lines:
            size = line.style.size
            # Ascenders and descenders share the line's height (as on certificates).
            baseline = y - line.height + (line.height - size) / 2 + size * 0.22
            engine.draw_line(canvas, line, centre_x, baseline, "center")
            y -= line.height
    return y


def _check(engine: TextEngine, texts: Iterable[tuple[str, str]], styles: Sequence[Style]) -> None:
    """Raise MissingGlyphs for the first record (person) with characters no font has."""
    for record, text in texts:
        missing: set[str] = set()
        for style in styles:
            missing |= engine.missing([text], style)
        if missing:
            raise MissingGlyphs(missing, record)


def _begin(title: str, page_size: tuple[float, float]) -> tuple[io.BytesIO, Canvas]:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, page_size, font_library())
    canvas.setTitle(title)
    canvas.setCreator(f"Exchange Desk {__version__}")
    return buffer, canvas


def _is_short_chinese(text: str) -> bool:
    """A Chinese name of two to four characters, which badges space out (王 喆)."""
    stripped = text.strip()
    return 2 <= len(stripped) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in stripped)


def _name_style(base: Style, text: str) -> Style:
    if _is_short_chinese(text):
        # Two or three ideographs stand as wide as a Latin name only when spaced out.
        return Style(base.family, base.size, base.bold, base.color, base.leading, base.size * 0.18)
    return base


# --- badges --------------------------------------------------------------------------------


BADGE_FAMILY = Family.SANS


@dataclass(frozen=True, slots=True)
class _BadgeStyles:
    band: Style
    name: Style
    second: Style
    title: Style
    organization: Style
    padding: float
    band_height: float
    band_inset: float


def _badge_styles(stock: LabelStock) -> _BadgeStyles:
    width, height = stock.label_size
    # Sizes are set for a 99.1 mm label and follow a narrower one; a tall label (the
    # large badges) sets the name larger.
    k = max(0.8, min(1.0, width / (99.1 * MM)))
    tall = 1.2 if height > width else 1.0
    return _BadgeStyles(
        band=Style(BADGE_FAMILY, 8.5 * k * tall, True, WHITE, 1.15),
        name=Style(BADGE_FAMILY, NAME_SIZE * k * tall, True, INK, 1.12),
        second=Style(BADGE_FAMILY, 14.5 * k * tall, False, INK, 1.2),
        title=Style(BADGE_FAMILY, 9.5 * k * tall, False, INK, 1.25),
        organization=Style(BADGE_FAMILY, 8 * k * tall, False, MUTED, 1.25),
        padding=4.5 * MM * k,
        band_height=(7.5 if tall == 1.0 else 10.0) * MM * k,
        band_inset=2.2 * MM,
    )


def render_badges(
    cards: Sequence[NameCard], stock: LabelStock, *, title: str = "", first_label: int = 0
) -> Drawn:
    """Badges for `cards`, in their order, filling the labels of `stock` left to right
    and top down, from label `first_label` of the first sheet (a sheet partly used
    already). MissingGlyphs names a person with characters no font has, before drawing."""
    engine = TextEngine(font_library())
    styles = _badge_styles(stock)
    _check(
        engine,
        ((card.person, text) for card in cards for text in card.texts()),
        [styles.name, styles.title],
    )
    buffer, canvas = _begin(title, stock.page_size)
    cells = stock.cells()
    shrunk: list[Shrunk] = []
    # Slots counted over all sheets: badge i goes on label first_label + i.
    sheets = max(1, math.ceil((first_label + len(cards)) / stock.per_sheet))
    for sheet in range(sheets):
        used: list[int] = []
        for index, card in enumerate(cards):
            slot = first_label + index
            if slot // stock.per_sheet != sheet:
                continue
            used.append(slot % stock.per_sheet)
            size = _draw_badge(engine, canvas, cells[slot % stock.per_sheet], card, stock)
            if size is not None:
                shrunk.append(Shrunk(card.person, size))
        _draw_marks(canvas, crop_marks(cells, stock.page_size, marked=used))
        canvas.showPage()
    canvas.save()
    return Drawn(buffer.getvalue(), tuple(shrunk))


def _draw_badge(
    engine: TextEngine, canvas: Canvas, cell: Rect, card: NameCard, stock: LabelStock
) -> float | None:
    """One badge inside `cell`; returns the name's size when it had to be printed smaller
    than is read at a distance."""
    accent = HOST_ACCENT if card.host else GUEST_ACCENT
    styles = _badge_styles(stock)
    canvas.saveState()
    # Nothing leaves the label, whatever the text.
    clip = canvas.beginPath()
    clip.roundRect(cell.x, cell.y, cell.width, cell.height, stock.radius)
    canvas.clipPath(clip, stroke=0, fill=0)

    band = Rect(
        cell.x + styles.band_inset,
        cell.top - styles.band_inset - styles.band_height,
        cell.width - 2 * styles.band_inset,
        styles.band_height,
    )
    inner_width = cell.width - 2 * styles.padding
    if card.delegation:
        canvas.setFillColorRGB(*accent)
        canvas.roundRect(band.x, band.y, band.width, band.height, 1.2 * MM, stroke=0, fill=1)
        lines, _size = fit_text(
            engine,
            card.delegation,
            styles.band,
            band.width - 2 * styles.padding,
            readable=styles.band.size * 0.8,
            floor=6,
            max_lines=1,
        )
        if lines:
            line = lines[0]
            size = line.style.size
            baseline = band.y + (band.height - size * 0.72) / 2
            engine.draw_line(canvas, line, band.centre_x, baseline, "center")
        top = band.y - 1.5 * MM
    else:
        canvas.setStrokeColorRGB(*accent)
        canvas.setLineWidth(1.6)
        canvas.line(band.x, band.top - 0.8, band.right, band.top - 0.8)
        top = band.top - 2.5 * MM

    organization, _ = fit_text(
        engine,
        card.organization,
        styles.organization,
        inner_width,
        readable=styles.organization.size,
        floor=6.0,
        max_lines=2,
    )
    bottom = cell.y + styles.padding * 0.8
    org_block = _Block(organization)
    org_top = bottom + org_block.height
    if organization:
        _draw_blocks(engine, canvas, [org_block], cell.centre_x, org_top)
        # A hairline in the accent colour sets the organization apart.
        canvas.setStrokeColorRGB(*accent)
        canvas.setLineWidth(0.5)
        rule_y = org_top + 1.6 * MM
        canvas.line(cell.centre_x - 9 * MM, rule_y, cell.centre_x + 9 * MM, rule_y)
    # The organization's place is kept on every badge, so that the names of a sheet stand
    # at one height whether or not they have one.
    one_line = styles.organization.size * styles.organization.leading
    org_top = max(org_top, bottom + one_line) + 2.8 * MM
    region = top - org_top - 1 * MM  # height for the name, second name and titles

    title_blocks: list[_Block] = []
    for index, text in enumerate(card.titles):
        lines, _ = fit_text(
            engine,
            text,
            styles.title,
            inner_width,
            readable=styles.title.size * 0.85,
            floor=6.5,
            max_lines=2,
        )
        gap = styles.title.size * (0.55 if index == 0 else 0.05)
        title_blocks.append(_Block(lines, gap))
    second_lines, _ = fit_text(
        engine,
        card.second_name,
        _name_style(styles.second, card.second_name),
        inner_width,
        readable=styles.second.size * 0.75,
        floor=8.0,
        max_lines=2,
    )
    second = _Block(second_lines, styles.second.size * 0.1)
    # The name takes what is left: titles give up their second lines, then themselves,
    # before the name is made smaller for want of height.
    name_style = _name_style(styles.name, card.name)
    while True:
        others = second.height + sum(block.height for block in title_blocks)
        room = region - others
        if room >= NAME_FLOOR * name_style.leading * 1.0 or not title_blocks:
            break
        last = title_blocks[-1]
        if len(last.lines) > 1:
            last.lines = last.lines[:1]
        else:
            title_blocks.pop()
    readable = min(NAME_READABLE, name_style.size)
    name_lines, size = fit_text(
        engine,
        card.name,
        name_style,
        inner_width,
        readable=readable,
        floor=NAME_FLOOR,
        max_lines=2,
        max_height=max(room, NAME_FLOOR * name_style.leading),
    )
    blocks = [_Block(name_lines), second, *title_blocks]
    total = sum(block.height for block in blocks)
    # The usual badge (a name, a second name, two titles on a line each) sits a little
    # above the middle of the space; the others start where it starts, so the names of a
    # sheet line up; a fuller one moves up as far as it needs.
    usual = (
        name_style.size * name_style.leading
        + styles.second.size * (styles.second.leading + 0.1)
        + styles.title.size * (2 * styles.title.leading + 0.6)
    )
    drop = min(max(0.0, region - usual) * 0.42, max(0.0, region - total))
    _draw_blocks(engine, canvas, blocks, cell.centre_x, top - drop)
    canvas.restoreState()
    return size if size < readable - 0.01 else None


# --- place cards ---------------------------------------------------------------------------


CARD_FAMILY = Family.SANS
CARD_NAME = Style(CARD_FAMILY, CARD_NAME_SIZE, True, INK, 1.12)
CARD_SECOND = Style(CARD_FAMILY, 20, False, INK, 1.2)
CARD_TITLE = Style(CARD_FAMILY, 9.5, False, MUTED, 1.3)
CARD_PADDING = 10 * MM


def render_place_cards(cards: Sequence[NameCard], *, title: str = "") -> Drawn:
    """Folded place cards for `cards`, two to an A4 sheet (see `CARD_SIZE`): the name on
    both faces, the upper face turned upside down; the fold line dashed, crop marks at
    the corners. MissingGlyphs names a person with characters no font has."""
    engine = TextEngine(font_library())
    _check(
        engine,
        ((card.person, text) for card in cards for text in card.texts()),
        [CARD_NAME, CARD_TITLE],
    )
    buffer, canvas = _begin(title, A4)
    cells = card_cells()
    shrunk: list[Shrunk] = []
    for start in range(0, max(len(cards), 1), CARDS_PER_SHEET):
        on_sheet = cards[start : start + CARDS_PER_SHEET]
        for cell, card in zip(cells, on_sheet, strict=False):
            size = _draw_place_card(engine, canvas, cell, card)
            if size is not None:
                shrunk.append(Shrunk(card.person, size))
        _draw_marks(canvas, crop_marks(cells, A4, marked=range(len(on_sheet))))
        canvas.showPage()
    canvas.save()
    return Drawn(buffer.getvalue(), tuple(shrunk))


def _draw_place_card(
    engine: TextEngine, canvas: Canvas, cell: Rect, card: NameCard
) -> float | None:
    face_height = cell.height / 2
    fold = cell.y + face_height
    # The fold: a dashed line along the middle, in grey so it does not show once folded.
    canvas.saveState()
    canvas.setStrokeColorRGB(0.62, 0.65, 0.68)
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 2.5)
    canvas.line(cell.x, fold, cell.right, fold)
    canvas.restoreState()
    size = None
    for upside_down in (False, True):
        canvas.saveState()
        if upside_down:
            # The face above the fold, turned about its centre: once folded it stands
            # upright on the far side of the tent.
            canvas.translate(cell.right, cell.top)
            canvas.rotate(180)
        else:
            canvas.translate(cell.x, cell.y)
        size = _draw_face(engine, canvas, Rect(0, 0, cell.width, face_height), card)
        canvas.restoreState()
    return size


def _draw_face(engine: TextEngine, canvas: Canvas, face: Rect, card: NameCard) -> float | None:
    accent = HOST_ACCENT if card.host else GUEST_ACCENT
    width = face.width - 2 * CARD_PADDING
    name_style = _name_style(CARD_NAME, card.name)
    readable = min(CARD_NAME_READABLE, name_style.size)
    title_text = "  ·  ".join(t for t in card.titles if t)
    title_lines, _ = fit_text(
        engine, title_text, CARD_TITLE, width, readable=8.5, floor=7, max_lines=1
    )
    second_lines, _ = fit_text(
        engine,
        card.second_name,
        _name_style(CARD_SECOND, card.second_name),
        width,
        readable=14,
        floor=9,
        max_lines=1,
    )
    room = face.height - 2 * 7 * MM - _Block(second_lines).height - _Block(title_lines).height
    name_lines, size = fit_text(
        engine,
        card.name,
        name_style,
        width,
        readable=readable,
        floor=CARD_NAME_FLOOR,
        max_lines=2,
        max_height=room,
    )
    blocks = [
        _Block(name_lines),
        _Block(second_lines, CARD_SECOND.size * 0.15),
        _Block(title_lines, CARD_TITLE.size * 0.9),
    ]
    total = sum(block.height for block in blocks)
    # A little above the middle: the lower part of a tent is hidden behind the glasses.
    top = face.y + face.height / 2 + total / 2 + 2.5 * MM
    top = min(top, face.top - 5 * MM)
    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(face.x, face.y, face.width, face.height)
    canvas.clipPath(clip, stroke=0, fill=0)
    _draw_blocks(engine, canvas, blocks, face.centre_x, top)
    # The side's colour, as a short rule near the table's edge.
    canvas.setStrokeColorRGB(*accent)
    canvas.setLineWidth(1.4)
    canvas.line(face.centre_x - 12 * MM, face.y + 6 * MM, face.centre_x + 12 * MM, face.y + 6 * MM)
    canvas.restoreState()
    return size if size < readable - 0.01 else None


# --- seating plan --------------------------------------------------------------------------


PLAN_FAMILY = Family.SANS
PLAN_TITLE = Style(PLAN_FAMILY, 18, True, INK, 1.2)
PLAN_SUBTITLE = Style(PLAN_FAMILY, 11, False, MUTED, 1.3)
SEAT_NAME = Style(PLAN_FAMILY, 9, True, INK, 1.2)
SEAT_TITLE = Style(PLAN_FAMILY, 7, False, MUTED, 1.2)
SEAT_NUMBER = Style(PLAN_FAMILY, 8.5, True, WHITE, 1.0)
LEGEND = Style(PLAN_FAMILY, 8.5, False, INK, 1.3)
LEGEND_HEAD = Style(PLAN_FAMILY, 8.5, True, INK, 1.3)
LEGEND_MUTED = Style(PLAN_FAMILY, 8, False, MUTED, 1.3)
PLAN_MARGIN = 15 * MM
LEGEND_WIDTH = 150 * MM
TABLE_COLOUR: Color = (0.93, 0.91, 0.86)
TABLE_EDGE: Color = (0.62, 0.57, 0.48)


def render_seating_plan(sheet: SeatingSheet) -> bytes:
    """The seating plan on one A4 landscape page (the legend goes on as many more as it
    needs). MissingGlyphs names the plan when a character has no font."""
    engine = TextEngine(font_library())
    seats = [*sheet.legend, *sheet.unseated]
    words = sheet.words
    texts = [
        sheet.title,
        sheet.subtitle,
        *(s.name for s in seats),
        *(s.title for s in seats),
        *(getattr(words, name) for name in SeatingWords.__slots__),
    ]
    missing = engine.missing(texts, SEAT_NAME) | engine.missing(texts, LEGEND)
    if missing:
        raise MissingGlyphs(missing, sheet.title)
    page = landscape(A4)
    buffer, canvas = _begin(f"{sheet.title} – {sheet.subtitle}", page)
    width, height = page
    content = Rect(PLAN_MARGIN, PLAN_MARGIN, width - 2 * PLAN_MARGIN, height - 2 * PLAN_MARGIN)
    y = _draw_plan_heading(engine, canvas, sheet, content, (PLAN_TITLE, PLAN_SUBTITLE))
    y = _draw_table(engine, canvas, sheet, Rect(content.x, y - 88 * MM, content.width, 88 * MM))
    rest, y = _draw_legend(
        engine,
        canvas,
        sheet,
        list(sheet.legend),
        Rect(content.x, content.y, content.width, y - content.y),
        True,
    )
    # A long table's legend goes on over more pages, under the plan's title.
    while rest or (sheet.unseated and y - content.y < 30):
        canvas.showPage()
        y = _draw_plan_heading(engine, canvas, sheet, content, (PLAN_SUBTITLE, PLAN_SUBTITLE))
        rest, y = _draw_legend(
            engine,
            canvas,
            sheet,
            rest,
            Rect(content.x, content.y, content.width, y - content.y),
            False,
        )
    _draw_unseated(engine, canvas, sheet, Rect(content.x, content.y, content.width, y - content.y))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_plan_heading(
    engine: TextEngine,
    canvas: Canvas,
    sheet: SeatingSheet,
    content: Rect,
    styles: tuple[Style, Style],
) -> float:
    """The title and the reception's name and day, a rule under them; returns the y
    below."""
    align = "right" if sheet.rtl else "left"
    anchor = content.right if sheet.rtl else content.x
    y = content.top
    for text, style in zip((sheet.title, sheet.subtitle), styles, strict=True):
        for line in engine.wrap(text, style, content.width, sheet.rtl or None):
            y -= line.height
            engine.draw_line(canvas, line, anchor, y + line.height * 0.22, align)
    canvas.saveState()
    canvas.setStrokeColorRGB(*GUEST_ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(content.x, y - 2 * MM, content.right, y - 2 * MM)
    canvas.restoreState()
    return y - 6 * MM


def _draw_table(engine: TextEngine, canvas: Canvas, sheet: SeatingSheet, area: Rect) -> float:
    """The table and its seats in `area`; returns the bottom used."""
    per_side = max(len(sheet.far), len(sheet.near), 1)
    pitch = min(38 * MM, area.width / per_side)
    table_width = pitch * per_side + 6 * MM
    table_height = 20 * MM
    table = Rect(
        area.centre_x - table_width / 2,
        area.y + area.height / 2 - table_height / 2,
        table_width,
        table_height,
    )
    canvas.saveState()
    canvas.setFillColorRGB(*TABLE_COLOUR)
    canvas.setStrokeColorRGB(*TABLE_EDGE)
    canvas.setLineWidth(0.8)
    canvas.roundRect(table.x, table.y, table.width, table.height, 2.5 * MM, stroke=1, fill=1)
    canvas.restoreState()
    radius = 3.6 * MM
    label_width = pitch - 2 * MM
    start = table.centre_x - pitch * (per_side - 1) / 2
    for row, side_y, above in (
        (sheet.far, table.top, True),
        (sheet.near, table.y, False),
    ):
        offset = (per_side - len(row)) / 2  # a shorter side is centred
        labels = [_seat_label(engine, seat, label_width) for seat in row]
        # The names of a side stand on one line: above the table, a longer position
        # (two lines) takes its room between the name and the seat, not above the name.
        tallest = max((sum(b.height for b in label) for label in labels), default=0.0)
        gap = radius * 1.25 + 1.5 * MM
        for index, (seat, label) in enumerate(zip(row, labels, strict=True)):
            x = start + (index + offset) * pitch
            cy = side_y + (radius + 1.2 * MM) * (1 if above else -1)
            _draw_seat(canvas, engine, seat, x, cy, radius)
            _draw_blocks(engine, canvas, label, x, cy + gap + tallest if above else cy - gap)
    return area.y


def _seat_label(engine: TextEngine, seat: Seat | None, width: float) -> list[_Block]:
    """The name and position written at a seat (nothing at an empty one)."""
    if seat is None:
        return []
    name_lines, _ = fit_text(engine, seat.name, SEAT_NAME, width, readable=8, floor=6, max_lines=3)
    title_lines, _ = fit_text(
        engine, seat.title, SEAT_TITLE, width, readable=6.5, floor=5.5, max_lines=2
    )
    return [_Block(name_lines), _Block(title_lines, 0.8)]


def _draw_seat(
    canvas: Canvas, engine: TextEngine, seat: Seat | None, x: float, cy: float, radius: float
) -> None:
    """A seat: a disc in its side's colour with its number in the order of honour (the
    host's and the guest of honour's larger); an empty seat a dashed circle."""
    canvas.saveState()
    if seat is None:
        canvas.setStrokeColorRGB(*MUTED)
        canvas.setLineWidth(0.6)
        canvas.setDash(1.5, 1.5)
        canvas.circle(x, cy, radius, stroke=1, fill=0)
        canvas.restoreState()
        return
    canvas.setFillColorRGB(*(HOST_ACCENT if seat.host else GUEST_ACCENT))
    canvas.circle(x, cy, radius * (1.18 if seat.number <= 2 else 1.0), stroke=0, fill=1)
    canvas.restoreState()
    number = engine.wrap(str(seat.number), SEAT_NUMBER, radius * 4)[0]
    engine.draw_line(canvas, number, x, cy - SEAT_NUMBER.size * 0.36, "center")


def _draw_legend(
    engine: TextEngine,
    canvas: Canvas,
    sheet: SeatingSheet,
    entries: list[Seat],
    area: Rect,
    first: bool,
) -> tuple[list[Seat], float]:
    """The seated in the order of honour, in two lists side by side for a long table,
    as many as `area` holds (the heading, the note and the colours' key on the `first`
    page); returns those left over and the y below."""
    words = sheet.words
    rtl = sheet.rtl
    align = "right" if rtl else "left"
    y = area.top
    if first:
        heading = engine.wrap(words.order, LEGEND_HEAD, area.width)[:1]
        note = engine.wrap(words.note, LEGEND_MUTED, area.width)
        for line in [*heading, *note]:
            y -= line.height
            engine.draw_line(
                canvas, line, area.right if rtl else area.x, y + line.height * 0.25, align
            )
        y -= 1.5 * MM
        _draw_key(engine, canvas, words, area, y, rtl)
        y -= LEGEND.size * LEGEND.leading + 2 * MM
    row_height = LEGEND.size * LEGEND.leading
    room = max(1, int((y - area.y) / row_height) - 1)  # rows under the column heads
    halves = 2 if len(entries) > 8 else 1
    per_half = min(math.ceil(len(entries) / halves), room) if entries else 0
    gutter = 10 * MM
    half_width = min(LEGEND_WIDTH, (area.width - gutter * (halves - 1)) / halves)
    for half in range(halves):
        part = entries[half * per_half : (half + 1) * per_half]
        left = area.x + half * (half_width + gutter)
        if rtl:
            left = area.right - (half + 1) * half_width - half * gutter
        _draw_legend_rows(engine, canvas, part, Rect(left, area.y, half_width, y - area.y), sheet)
    y -= (per_half + 1) * row_height + 2 * MM
    return entries[per_half * halves :], y


def _draw_unseated(engine: TextEngine, canvas: Canvas, sheet: SeatingSheet, area: Rect) -> None:
    """Those the table has no room for, in the plan's warning colour."""
    if not sheet.unseated:
        return
    words = sheet.words
    joiner = "、" if any("\u4e00" <= c <= "\u9fff" for c in words.not_seated) else ", "
    text = f"{words.not_seated} {joiner.join(s.name for s in sheet.unseated)}"
    style = Style(PLAN_FAMILY, 8.5, True, HOST_ACCENT, 1.3)
    y = area.top
    for line in engine.wrap(text, style, area.width, sheet.rtl or None):
        y -= line.height
        anchor = area.right if sheet.rtl else area.x
        engine.draw_line(
            canvas, line, anchor, y + line.height * 0.25, "right" if sheet.rtl else "left"
        )


def _draw_key(
    engine: TextEngine, canvas: Canvas, words: SeatingWords, area: Rect, top: float, rtl: bool
) -> None:
    """Which colour is which side: a dot and a word for each."""
    baseline = top - LEGEND.size
    x = area.right if rtl else area.x
    step = -1.0 if rtl else 1.0
    for word, colour in ((words.hosts, HOST_ACCENT), (words.guests, GUEST_ACCENT)):
        canvas.setFillColorRGB(*colour)
        radius = 1.6 * MM
        canvas.circle(x + step * radius, baseline + LEGEND.size * 0.33, radius, stroke=0, fill=1)
        x += step * (2 * radius + 1.5 * MM)
        line = engine.wrap(word, LEGEND, area.width / 3)[0]
        engine.draw_line(canvas, line, x, baseline, "right" if rtl else "left")
        x += step * (line.width + 6 * MM)


def _draw_legend_rows(
    engine: TextEngine, canvas: Canvas, seats: Sequence[Seat], area: Rect, sheet: SeatingSheet
) -> None:
    words = sheet.words
    rtl = sheet.rtl
    shares = (0.08, 0.40, 0.52)
    heads = (words.number, words.name, words.position)
    lefts: list[float] = []
    x = area.x
    widths = [area.width * s for s in shares]
    if rtl:
        x = area.right
        for width in widths:
            x -= width
            lefts.append(x)
    else:
        for width in widths:
            lefts.append(x)
            x += width
    row_height = LEGEND.size * LEGEND.leading
    y = area.top - row_height
    canvas.saveState()
    canvas.setStrokeColorRGB(0.80, 0.83, 0.85)
    canvas.setLineWidth(0.5)
    canvas.line(area.x, y - 1.2, area.right, y - 1.2)
    canvas.restoreState()
    for column, text in enumerate(heads):
        _cell(engine, canvas, text, LEGEND_HEAD, lefts[column], widths[column], y, rtl)
    for seat in seats:
        y -= row_height
        if y < area.y:
            break
        accent = HOST_ACCENT if seat.host else GUEST_ACCENT
        number_style = Style(PLAN_FAMILY, LEGEND.size, True, accent, LEGEND.leading)
        _cell(engine, canvas, str(seat.number), number_style, lefts[0], widths[0], y, rtl)
        _cell(engine, canvas, seat.name, LEGEND, lefts[1], widths[1], y, rtl)
        _cell(engine, canvas, seat.title, LEGEND_MUTED, lefts[2], widths[2], y, rtl)


def _cell(
    engine: TextEngine,
    canvas: Canvas,
    text: str,
    style: Style,
    left: float,
    width: float,
    baseline: float,
    rtl: bool,
) -> None:
    """One line of a legend cell, shortened to its width."""
    if not text:
        return
    lines, _ = fit_text(
        engine, text, style, width - 2 * MM, readable=style.size * 0.85, floor=6, max_lines=1
    )
    if not lines:
        return
    line = lines[0]
    if rtl:
        engine.draw_line(canvas, line, left + width - 1 * MM, baseline, "right")
    else:
        engine.draw_line(canvas, line, left, baseline, "left")
