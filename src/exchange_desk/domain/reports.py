"""A report as data: a cover, then chapters of paragraphs, facts, key figures, charts,
tables, photos and a map of the partners, every text already in the report's own language.

The services build one (the annual report, a partner city's dossier, a delegation's brief)
and `documents/` lays it out; the layout knows nothing of what the report is about, and the
services nothing of pages. The report's language is its own, not the window's: a Hebrew
report can be made from a Chinese window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exchange_desk.domain.world_map import World


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Subheading:
    text: str


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote in small print under a table or chart: what a mark in it means, or what
    a figure counts."""

    text: str


@dataclass(frozen=True, slots=True)
class Facts:
    """Label and value pairs, laid out as a two-column list (a partner's tier, since when)."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class KeyFigure:
    label: str
    value: int
    previous: int | None = None  # the year before; None where there is no comparison


@dataclass(frozen=True, slots=True)
class Figures:
    """Key figures with the change from the year before.

    `columns` are the four column titles: what, this year, the year before, change.
    """

    columns: tuple[str, str, str, str]
    figures: tuple[KeyFigure, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A bar chart: one bar group per category, one bar per series.

    `horizontal` draws long category names (countries, areas) down the side.
    """

    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]  # (series name, one value per category)
    horizontal: bool = False
    empty_text: str = ""  # shown instead of an empty chart


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of text under column titles. The layout sizes the columns from their content
    (header words and cell words are not split); `widths` only weigh how the room left
    over is shared."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()
    empty_text: str = ""  # shown instead of an empty table
    numeric: tuple[int, ...] = ()  # columns holding numbers (aligned to the end)
    muted: frozenset[int] = frozenset()  # rows of sample records, printed in grey
    strong: frozenset[int] = frozenset()  # rows printed bold under a rule (a total)


@dataclass(frozen=True, slots=True)
class Picture:
    """A photo or scan with its caption, already in the report's language. `image` is the
    file's bytes (JPEG or PNG, made document-sized when attached); `detail` is a second,
    quieter line under the caption (the record and its date, a credit); `muted` prints
    the caption in grey, as the rows of sample records are."""

    image: bytes
    caption: str
    detail: str = ""
    muted: bool = False


@dataclass(frozen=True, slots=True)
class Photos:
    """Pictures in a grid of `columns` (1 to 3) with their captions under them; the layout
    keeps each picture's proportions and never splits one from its caption across pages.
    A single column is a figure: one picture at a readable size, not the page's width."""

    pictures: tuple[Picture, ...]
    columns: int = 3


@dataclass(frozen=True, slots=True)
class MapMark:
    """A partner city on a `PartnerMap`: its name as printed (in the report's language,
    marked when it is sample data), where it is, the value its circle's area shows, its
    tier (a `PartnershipTier` value: the colour) and whether it is printed in grey."""

    label: str
    longitude: float
    latitude: float
    value: int
    tier: str
    muted: bool = False


@dataclass(frozen=True, slots=True)
class PartnerMap:
    """A world map of partner cities, the page's width: circles sized by `value`, coloured
    by tier, the busiest `most_labels` named (fewer when they would overlap), and a legend
    under it: each tier's colour with its name (`tiers`: tier value and text, in order),
    and `size_text` beside circles of one and of the largest value. `world` is the
    countries' outline, projected (`services.partner_map.load_world`); `title` is printed
    over the map as a subheading, kept on its page; `empty_text` is printed over the map
    when there is no mark."""

    world: World
    marks: tuple[MapMark, ...]
    tiers: tuple[tuple[str, str], ...]
    size_text: str
    title: str = ""
    empty_text: str = ""
    most_labels: int = 8


Block = Paragraph | Subheading | Note | Facts | Figures | Chart | Table | Photos | PartnerMap


@dataclass(frozen=True, slots=True)
class Chapter:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Report:
    """A whole document. `page_label` has the placeholders {page} and {pages}."""

    language: str  # "zh", "en" or "he"
    title: str
    subtitle: str
    office: str
    home_city: str
    date_line: str  # "Made on 30 November 2026", in the report's language
    header: str  # the running header of every page after the cover
    page_label: str
    contents_title: str
    chapters: tuple[Chapter, ...]
    logo: bytes | None = None
    # The office's foreword in the report's language, printed after the contents ("" for
    # none), under `foreword_title`.
    foreword: str = ""
    foreword_title: str = ""
    # A short document (the delegation brief): no cover and no contents, the title on top
    # of the first page and the chapters flowing on.
    compact: bool = False
    record_label: str = ""  # names the record in messages about missing characters
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def rtl(self) -> bool:
        return self.language == "he"
