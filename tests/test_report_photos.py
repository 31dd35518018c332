"""Photos in the reports: the annual report's highlights of the year in pictures (images
attached to the year's records, a dozen at most, captioned in the report's language, sample
records marked; no chapter without photos), the dossier's chosen photo of the partner city,
and the layout's photo grid (pictures read back from the PDF at their pixel sizes, mirrored
in Hebrew, never parted from their captions by a page break, captions checked for missing
characters like any text)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTComponent, LTContainer, LTImage
from PIL import Image, ImageDraw
from pypdf import PdfReader

from exchange_desk.documents.fonts import FontLibrary, MissingGlyphs
from exchange_desk.documents.report_pdf import render_report
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    DeclarationStatus,
    DelegationStatus,
    Direction,
    EventKind,
    GiftCategory,
    GiftDirection,
)
from exchange_desk.domain.records import City, CulturalEvent, Delegation, Gift
from exchange_desk.domain.reports import (
    Chapter,
    Note,
    Paragraph,
    Photos,
    Picture,
    Report,
)
from exchange_desk.services import reports
from exchange_desk.services.attaching import NewFile, attach_files, choose_photo
from exchange_desk.services.records import create
from exchange_desk.storage.database import Database

FONTS = FontLibrary(system_dirs=[])
YEAR = 2025
HIGHLIGHTS = {
    "en": "Highlights of the year in pictures",
}


def image(width: int, height: int, colour: tuple[int, int, int], *, png: bool = False) -> bytes:
    """A picture of `width` x `height` pixels: a colour with a lighter square, so no two
    are alike."""
    made = Image.new("RGBA" if png else "RGB", (width, height), colour)
    ImageDraw.Draw(made).rectangle(
        [width // 4, height // 4, width // 2, height // 2], fill=(250, 250, 240)
    )
    if png:
        made.putalpha(200)  # transparency keeps a PNG a PNG
    out = io.BytesIO()
    made.save(out, "PNG" if png else "JPEG", quality=90)
    return out.getvalue()


def attach(
    database: Database,
    kind: str,
    owner: int,
    content: bytes,
    *,
    name: str = "photo.jpg",
    en: str = "",
    zh: str = "",
    he: str = "",
) -> int:
    stored = attach_files(database, kind, owner, [NewFile(name, content, en, zh, he)])
    found = stored.attachments[0].id
    assert found is not None
    return found


def city(database: Database) -> int:
    stored = create(
        database,
        City(name_en="Kfar Saba", name_zh="克法尔萨巴", name_he="כפר סבא", country="IL"),
    )
    assert stored.id is not None
    return stored.id


def delegation(database: Database, city_id: int, start: str, **values: object) -> int:
    stored = create(
        database,
        Delegation(
            direction=Direction.INCOMING,
            city_id=city_id,
            start_date=PartialDate.parse(start),
            **values,  # type: ignore[arg-type]
        ),
    )
    assert stored.id is not None
    return stored.id


def event(database: Database, name: str, start: str) -> int:
    stored = create(
        database,
        CulturalEvent(
            name_en=name,
            name_zh=f"{name}（中文）",
            name_he=f"{name} עברית",
            kind=EventKind.EXHIBITION,
            start_date=PartialDate.parse(start),
        ),
    )
    assert stored.id is not None
    return stored.id


def photo_blocks(report: Report) -> list[Photos]:
    return [
        block
        for chapter in report.chapters
        for block in chapter.blocks
        if isinstance(block, Photos)
    ]


def image_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """The pixel sizes of the pictures drawn in the PDF (pypdf), page after page."""
    return [
        picture.image.size
        for page in PdfReader(io.BytesIO(pdf)).pages
        for picture in page.images
        if picture.image is not None
    ]


@pytest.fixture
def year_db(db: Database) -> Database:
    """A year with pictures: a visit with two (one captioned in Chinese only), an exhibition
    with one captioned in English, a sample gift with one, and pictures that must not show:
    a cancelled visit's, last year's, and a PDF. On SQLite and on PostgreSQL."""
    partner = city(db)
    visit = delegation(db, partner, f"{YEAR}-05-12")
    attach(db, "delegations", visit, image(800, 600, (30, 80, 150)), zh="友好访问的夜晚")
    attach(db, "delegations", visit, image(300, 500, (150, 40, 40), png=True), name="a.png")
    show = event(db, "Porcelain exhibition", f"{YEAR}-07")
    attach(db, "events", show, image(2400, 1200, (40, 120, 60)), en="Opening of the show")
    gift = create(
        db,
        Gift(
            given_on=PartialDate.parse(f"{YEAR}-09-01"),
            direction=GiftDirection.RECEIVED,
            description_en="Blue vase",
            description_zh="青花瓶",
            description_he="אגרטל כחול",
            category=GiftCategory.PORCELAIN,
            declaration_status=DeclarationStatus.TO_DECLARE,
            is_sample=True,
        ),
    )
    assert gift.id is not None
    attach(db, "gifts", gift.id, image(640, 480, (200, 160, 40)))
    cancelled = delegation(db, partner, f"{YEAR}-03-01", status=DelegationStatus.CANCELLED)
    attach(db, "delegations", cancelled, image(900, 900, (10, 10, 10)))
    earlier = delegation(db, partner, f"{YEAR - 1}-05-12")
    attach(db, "delegations", earlier, image(700, 700, (90, 90, 90)))
    attach(db, "delegations", visit, b"%PDF-1.4 not a picture", name="scan.pdf")
    return db


# --- the annual report ---------------------------------------------------------------------


def test_the_annual_report_shows_the_years_pictures_with_captions_in_its_language(
    year_db: Database,
) -> None:
    english = reports.annual_report(year_db, YEAR, "en")
    titles = [chapter.title for chapter in english.chapters]
    # After the key figures, before the charts.
    assert titles[:3] == ["Key figures", HIGHLIGHTS["en"], "Charts"]
    (grid,) = photo_blocks(english)
    assert grid.columns == 3
    shown = [(p.caption, p.detail, p.muted) for p in grid.pictures]
    assert shown == [
        # No English caption: the record's name, with its date under it.
        ("Delegation from Kfar Saba", "May 12, 2025", False),
        ("Delegation from Kfar Saba", "May 12, 2025", False),
        ("Opening of the show", "Jul 2025 · Porcelain exhibition", False),
        ("Blue vase*", "Sep 1, 2025 · Gift", True),
    ]
    chapter = english.chapters[1]
    assert isinstance(chapter.blocks[0], Paragraph)
    assert chapter.blocks[0].text == "The 4 photos attached to the records of 2025."
    assert isinstance(chapter.blocks[-1], Note)
    assert chapter.blocks[-1].text.startswith("* Sample record")

    chinese = reports.annual_report(year_db, YEAR, "zh")
    captions = [p.caption for p in photo_blocks(chinese)[0].pictures]
    # The Chinese caption where there is one; the English one is not passed off as Chinese.
    assert captions[0] == "友好访问的夜晚"
    assert captions[2] == "Porcelain exhibition（中文）"
    assert captions[3] == "青花瓶*"
    hebrew = reports.annual_report(year_db, YEAR, "he")
    assert [p.caption for p in photo_blocks(hebrew)[0].pictures][2:] == [
        "Porcelain exhibition עברית",
        "אגרטל כחול*",
    ]


@pytest.mark.parametrize("language", ["zh", "en", "he"])
def test_the_annual_reports_pictures_are_in_the_pdf_at_their_sizes(
    year_db: Database, language: str
) -> None:
    pdf = render_report(reports.annual_report(year_db, YEAR, language), fonts=FONTS)
    # Made document-sized when attached: the 2400 x 1200 photo is 1600 x 800.
    assert sorted(image_sizes(pdf)) == sorted([(800, 600), (300, 500), (1600, 800), (640, 480)])


def test_no_chapter_of_pictures_without_pictures(sqlite_db: Database) -> None:
    partner = city(sqlite_db)
    visit = delegation(sqlite_db, partner, f"{YEAR}-05-12")
    attach(sqlite_db, "delegations", visit, b"%PDF-1.4 a scan", name="scan.pdf")
    report = reports.annual_report(sqlite_db, YEAR, "en")
    assert HIGHLIGHTS["en"] not in [chapter.title for chapter in report.chapters]
    assert not photo_blocks(report)
    assert image_sizes(render_report(report, fonts=FONTS)) == []


def test_a_dozen_pictures_at_most_one_of_each_record_first(sqlite_db: Database) -> None:
    busy = event(sqlite_db, "Festival", f"{YEAR}-01-10")
    for number in range(14):
        attach(sqlite_db, "events", busy, image(64 + number, 48, (number * 15, 90, 120)))
    quiet = [event(sqlite_db, f"Exhibition {n}", f"{YEAR}-0{n + 2}-01") for n in range(2)]
    for number, record in enumerate(quiet):
        attach(
            sqlite_db, "events", record, image(40, 30 + number, (200, 30, 30)), en=f"Quiet {number}"
        )
    report = reports.annual_report(sqlite_db, YEAR, "en")
    (grid,) = photo_blocks(report)
    captions = [picture.caption for picture in grid.pictures]
    assert len(captions) == 12
    # The two quiet exhibitions' pictures are not crowded out by the festival's fourteen.
    assert captions[-2:] == ["Quiet 0", "Quiet 1"]
    assert captions.count("Festival") == 10
    lead = report.chapters[1].blocks[0]
    assert isinstance(lead, Paragraph)
    assert lead.text == "A selection of 12 of the 16 photos attached to the records of 2025."


# --- the dossier ---------------------------------------------------------------------------


def test_the_dossier_opens_with_the_citys_chosen_photo(sqlite_db: Database) -> None:
    partner = city(sqlite_db)
    attach(sqlite_db, "cities", partner, image(500, 500, (60, 60, 160)))  # not chosen
    chosen = attach(
        sqlite_db,
        "cities",
        partner,
        image(1200, 800, (200, 120, 60)),
        en="Kfar Saba at dusk",
        zh="黄昏时的克法尔萨巴",
        he="כפר סבא בערב",
    )
    choose_photo(sqlite_db, "cities", partner, chosen)
    for language, caption in (
        ("en", "Kfar Saba at dusk"),
        ("zh", "黄昏时的克法尔萨巴"),
        ("he", "כפר סבא בערב"),
    ):
        report = reports.city_dossier(sqlite_db, partner, language)
        first = report.chapters[0].blocks[0]
        assert isinstance(first, Photos)
        assert first.columns == 1
        assert [p.caption for p in first.pictures] == [caption]
        assert image_sizes(render_report(report, fonts=FONTS)) == [(1200, 800)]


def test_a_dossier_without_a_chosen_photo_has_none(sqlite_db: Database) -> None:
    partner = city(sqlite_db)
    attach(sqlite_db, "cities", partner, image(500, 500, (60, 60, 160)))
    report = reports.city_dossier(sqlite_db, partner, "en")
    assert not photo_blocks(report)
    assert image_sizes(render_report(report, fonts=FONTS)) == []


def test_a_chosen_photo_without_its_own_caption_is_captioned_with_the_citys_name(
    sqlite_db: Database,
) -> None:
    partner = city(sqlite_db)
    chosen = attach(sqlite_db, "cities", partner, image(400, 300, (60, 160, 60)))
    choose_photo(sqlite_db, "cities", partner, chosen)
    report = reports.city_dossier(sqlite_db, partner, "he")
    first = report.chapters[0].blocks[0]
    assert isinstance(first, Photos)
    assert first.pictures[0].caption == "כפר סבא"


# --- the layout ----------------------------------------------------------------------------


def _report(language: str, chapters: tuple[Chapter, ...]) -> Report:
    return Report(
        language=language,
        title="Pictures",
        subtitle="",
        office="Office",
        home_city="Jinan",
        date_line="",
        header="Pictures",
        page_label="{page}/{pages}",
        contents_title="Contents",
        chapters=chapters,
    )


def _walk(item: LTComponent) -> Iterator[LTComponent]:
    yield item
    if isinstance(item, LTContainer):
        for child in item:
            yield from _walk(child)


def _pages(pdf: bytes) -> list[tuple[list[LTImage], str]]:
    """Each page's pictures (with their places) and its text (pdfminer)."""
    found = []
    for page in extract_pages(io.BytesIO(pdf)):
        items = list(_walk(page))
        pictures = [item for item in items if isinstance(item, LTImage)]
        text = "".join(item.get_text() for item in items if isinstance(item, LTChar))
        found.append((pictures, text))
    return found


@pytest.mark.parametrize(("language", "first_on_the_right"), [("en", False), ("he", True)])
def test_the_grid_runs_from_the_reading_start(language: str, first_on_the_right: bool) -> None:
    pictures = tuple(
        Picture(image(400 + 20 * n, 300, (40 * n, 100, 160)), f"Picture {n}") for n in range(3)
    )
    pdf = render_report(_report(language, (Chapter("Photos", (Photos(pictures),)),)), fonts=FONTS)
    placed = [picture for pictures_, _text in _pages(pdf) for picture in pictures_]
    by_width = {picture.srcsize[0]: picture.x0 for picture in placed}
    xs = [by_width[400 + 20 * n] for n in range(3)]
    assert xs == sorted(xs, reverse=first_on_the_right)


def test_a_picture_is_never_parted_from_its_caption(tmp_path: Path) -> None:
    long_text = Paragraph("Words before the pictures. " * 120)
    pictures = tuple(
        Picture(image(300 + 10 * n, 225, (20 * n, 120, 90)), f"Picture {n}", f"Detail {n}")
        for n in range(10)
    )
    pdf = render_report(
        _report("en", (Chapter("Photos", (long_text, Photos(pictures, columns=2))),)),
        fonts=FONTS,
    )
    pages = _pages(pdf)
    assert sum(len(pictures_) for pictures_, _text in pages) == 10
    assert len([page for page in pages if page[0]]) >= 2  # the grid goes over a page
    for pictures_, text in pages:
        for picture in pictures_:
            number = (picture.srcsize[0] - 300) // 10
            # On the page of its caption, and wholly inside the page's frame.
            assert f"Picture {number}" in text
            assert f"Detail {number}" in text
            assert picture.y0 > 50
            assert picture.y1 < 800
    # Proportions kept: a 4:3 picture is drawn 4:3.
    for pictures_, _text in pages:
        for picture in pictures_:
            assert picture.width / picture.height == pytest.approx(
                picture.srcsize[0] / picture.srcsize[1], rel=0.01
            )


def test_a_caption_no_font_can_draw_is_named_before_drawing() -> None:
    pictures = (Picture(image(100, 80, (10, 20, 30)), "ภาพ", "detail"),)
    with pytest.raises(MissingGlyphs) as caught:
        render_report(_report("en", (Chapter("Photos", (Photos(pictures),)),)), fonts=FONTS)
    assert set(caught.value.characters) == {"ภ", "า", "พ"}


def test_a_damaged_picture_is_left_out_not_fatal() -> None:
    pictures = (
        Picture(b"not an image", "Broken"),
        Picture(image(120, 90, (10, 120, 30)), "Whole"),
    )
    pdf = render_report(_report("en", (Chapter("Photos", (Photos(pictures),)),)), fonts=FONTS)
    assert image_sizes(pdf) == [(120, 90)]
