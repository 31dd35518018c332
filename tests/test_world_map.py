"""The partners' world map: the bundled outline, the projection, the partners' points and
their exchanges, the window's widget (clicks, tooltips, the mirrored legend) and the map on
the annual report's partners page."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4

from exchange_desk.documents.fonts import FontLibrary
from exchange_desk.documents.report_pdf import render_report
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    DelegationStatus,
    Direction,
    EventKind,
    PartnershipStatus,
    PartnershipTier,
)
from exchange_desk.domain.records import Agreement, City, CulturalEvent, Delegation, Partnership
from exchange_desk.domain.reports import PartnerMap, Report
from exchange_desk.domain.world_map import (
    BOUNDS,
    NORTH,
    SOUTH,
    Frame,
    LabelBox,
    labelled_count,
    place_labels,
    project,
)
from exchange_desk.i18n.catalog import translator
from exchange_desk.paths import resources_dir
from exchange_desk.services import reports
from exchange_desk.services.partner_map import (
    MapPoints,
    PartnerPoint,
    load_world,
    partner_points,
)
from exchange_desk.services.records import all_records, create
from exchange_desk.storage.database import Database
from exchange_desk.ui.language import apply_language
from exchange_desk.ui.world_map import WorldMap
from pdf_checks import chars_of_page

FONTS = FontLibrary(system_dirs=[])
WORLD_FILE = resources_dir() / "maps" / "world-110m.json"


# --- the bundled outline -------------------------------------------------------------------


def test_the_outline_is_small_rounded_and_has_the_worlds_countries() -> None:
    text = WORLD_FILE.read_text(encoding="utf-8")
    assert len(text.encode()) < 150 * 1024
    data = json.loads(text)
    assert "Natural Earth" in data["source"]
    codes = [country["a2"] for country in data["countries"]]
    assert len(codes) == len(set(codes)) >= 170
    assert {"CN", "IL", "FR", "NO", "XK", "US", "BR", "AU"} <= set(codes)
    assert "AQ" not in codes  # Antarctica is left out
    for country in data["countries"]:
        for ring in country["rings"]:
            assert len(ring) % 2 == 0
            assert len(ring) >= 6
            # Rounded to 0.1 degree: no number carries a second decimal.
            assert all(round(value, 1) == value for value in ring)


def test_the_world_is_projected_inside_the_maps_bounds() -> None:
    world = load_world()
    assert load_world() is world  # read once
    assert len(world.countries) >= 170
    for code in ("CN", "IL"):
        country = world.country(code)
        assert country is not None
        assert country.rings
        for ring in country.rings:
            xs, ys = ring[0::2], ring[1::2]
            assert BOUNDS.west <= min(xs) <= max(xs) <= BOUNDS.east
            assert BOUNDS.south <= min(ys) <= max(ys) <= BOUNDS.north
    # Israel lies where it is: east of the prime meridian, north of the equator, west of China.
    israel, china = world.country("IL"), world.country("CN")
    assert israel is not None
    assert china is not None
    assert 0 < min(israel.rings[0][0::2]) < max(china.rings[0][0::2])
    assert all(y > 0 for y in israel.rings[0][1::2])
    everything = [v for c in world.countries for ring in c.rings for v in ring[1::2]]
    assert BOUNDS.south <= min(everything)
    assert max(everything) <= BOUNDS.north


# --- the projection ------------------------------------------------------------------------


def test_the_projection_centre_east_and_north() -> None:
    assert project(0, 0) == (0.0, 0.0)
    assert project(180, 0) == pytest.approx((1.0, 0.0))
    assert project(-180, 0) == pytest.approx((-1.0, 0.0))
    east, north = project(30, 0), project(0, 30)
    assert east[0] > 0
    assert east[1] == 0
    assert north[1] > 0
    assert north[0] == 0
    assert project(10, 0)[0] < project(20, 0)[0]
    assert project(0, 50)[1] < project(0, 60)[1]
    # Meridians bend inwards towards the poles (Equal Earth's rounded sides).
    assert project(180, 60)[0] < project(180, 0)[0]
    # In a box (y down): the centre is in the middle across; north is up, east is right.
    frame = Frame.fit(900, 450)
    centre = frame.locate(0, 0)
    assert centre[0] == pytest.approx(450)
    assert frame.locate(0, 45)[1] < centre[1] < frame.locate(0, -45)[1]
    assert frame.locate(-90, 0)[0] < centre[0] < frame.locate(90, 0)[0]
    assert frame.width / frame.height == pytest.approx(BOUNDS.aspect)
    assert BOUNDS.north == pytest.approx(project(0, NORTH)[1])
    assert BOUNDS.south == pytest.approx(project(0, SOUTH)[1])


def _area(west: float, south: float, east: float, north: float) -> float:
    """The projected area of a cell of longitude and latitude (its edges sampled finely)."""
    steps = 50
    ring = [project(west + (east - west) * i / steps, south) for i in range(steps)]
    ring += [project(east, south + (north - south) * i / steps) for i in range(steps)]
    ring += [project(east - (east - west) * i / steps, north) for i in range(steps)]
    ring += [project(west, north - (north - south) * i / steps) for i in range(steps)]
    return (
        abs(
            sum(
                x0 * y1 - x1 * y0
                for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
            )
        )
        / 2
    )


def test_the_projection_keeps_areas_true() -> None:
    """Equal Earth is equal-area: cells of 10 by 10 degrees at the equator and at 60° N
    are as large on the map as on the globe."""
    at_equator = _area(0, 0, 10, 10)
    at_sixty = _area(0, 60, 10, 70)
    on_globe = (math.sin(math.radians(70)) - math.sin(math.radians(60))) / math.sin(
        math.radians(10)
    )
    assert at_sixty / at_equator == pytest.approx(on_globe, rel=2e-3)


def test_labels_are_given_to_the_busiest_and_never_to_one_of_equals() -> None:
    assert labelled_count([28, 2, 2, 2, 1], 3) == 1
    assert labelled_count([28, 2, 2, 2, 1], 4) == 4
    assert labelled_count([5, 4, 3, 2, 1], 3) == 3
    assert labelled_count([3, 0, 0], 6) == 1
    assert labelled_count([], 6) == 0
    # A label that would cover another, or leave the area, goes to another side or none.
    boxes = [LabelBox(1, 50, 50, 5, 30, 10), LabelBox(2, 95, 50, 5, 30, 10)]
    placed = place_labels(boxes, area=(0, 0, 200, 100))
    assert placed[1][0] > 55  # right of its circle
    assert placed[2][0] >= 100
    assert placed[1][2] <= placed[2][0]
    crowded = place_labels(
        [LabelBox(1, 10, 10, 5, 300, 10)], area=(0, 0, 200, 100), circles=((10, 10, 5),)
    )
    assert crowded == {}


# --- the partners' points ------------------------------------------------------------------


def _kfar_saba(found: MapPoints) -> PartnerPoint:
    (point,) = [p for p in found if p.names.en == "Kfar Saba"]
    return point


def test_the_demos_partners_with_their_exchanges(demo_db: Database) -> None:
    found = partner_points(demo_db)
    assert found.without_place == 0
    assert len(found) == 70
    kfar_saba = _kfar_saba(found)
    assert (kfar_saba.country, kfar_saba.tier) == ("IL", PartnershipTier.SISTER_CITY)
    assert kfar_saba.names.he == "כפר סבא"
    assert kfar_saba.names.zh == "克法尔萨巴"
    assert (kfar_saba.latitude, kfar_saba.longitude) == (32.18, 34.91)
    assert kfar_saba.is_sample is False
    assert all(p.is_sample for p in found if p is not kfar_saba)
    # Counted again from the records as the services list them.
    city = kfar_saba.city_id
    delegations = sum(
        1
        for d in all_records(demo_db, "delegations")
        if d.city_id == city and d.status != DelegationStatus.CANCELLED
    )
    events = sum(
        1
        for e in all_records(demo_db, "events")
        if (e.partner_city_id if e.partner_city_id is not None else e.city_id) == city
    )
    agreements = sum(1 for a in all_records(demo_db, "agreements") if a.city_id == city)
    assert delegations
    assert events
    assert agreements
    assert kfar_saba.exchanges == delegations + events + agreements
    # The busiest first.
    values = [p.exchanges for p in found]
    assert values == sorted(values, reverse=True)
    assert found.points[0] == kfar_saba


def _city(database: Database, name: str, place: tuple[float, float] | None) -> int:
    latitude, longitude = place if place else (None, None)
    stored = create(
        database,
        City(name_en=name, country="FR", latitude=latitude, longitude=longitude),
    )
    assert stored.id is not None
    return stored.id


def _partnership(
    database: Database, city_id: int, status: PartnershipStatus = PartnershipStatus.ACTIVE
) -> int:
    stored = create(
        database,
        Partnership(
            city_id=city_id,
            tier=PartnershipTier.FRIENDLY_COOPERATIVE_CITY,
            established=PartialDate.parse("2010"),
            status=status,
            ended=PartialDate.parse("2015") if status == PartnershipStatus.ENDED else None,
        ),
    )
    assert stored.id is not None
    return stored.id


def test_what_counts_and_a_city_without_a_place(db: Database) -> None:
    nantes = _city(db, "Nantes", (47.22, -1.55))
    nowhere = _city(db, "Nowhere", None)
    ended = _city(db, "Lyon", (45.76, 4.84))
    nantes_partnership = _partnership(db, nantes)
    _partnership(db, nowhere)
    _partnership(db, ended, PartnershipStatus.ENDED)
    for status in (DelegationStatus.DONE, DelegationStatus.DONE, DelegationStatus.CANCELLED):
        create(
            db,
            Delegation(
                direction=Direction.INCOMING,
                city_id=nantes,
                start_date=PartialDate.parse("2020-05"),
                status=status,
            ),
        )
    # An event with the partner, wherever it took place; one held there naming none.
    create(db, CulturalEvent(name_en="Week", kind=EventKind.ARTS_FESTIVAL, partner_city_id=nantes))
    create(db, CulturalEvent(name_en="Show", kind=EventKind.EXHIBITION, city_id=nantes))
    create(db, Agreement(title_en="MOU", city_id=nantes))
    create(db, Agreement(title_en="Other", city_id=nowhere))

    found = partner_points(db)
    assert [p.names.en for p in found] == ["Nantes"]
    (point,) = found.points
    assert point.partnership_id == nantes_partnership
    assert point.exchanges == 2 + 2 + 1  # the cancelled visit is not counted
    assert point.tier == PartnershipTier.FRIENDLY_COOPERATIVE_CITY
    assert found.without_place == 1  # Nowhere: skipped and counted
    with_ended = partner_points(db, include_ended=True)
    assert sorted(p.names.en for p in with_ended) == ["Lyon", "Nantes"]


# --- the widget ----------------------------------------------------------------------------


@pytest.fixture
def english_window(qapp: QApplication) -> Iterator[None]:
    """The window's language for the test, and English (left to right) again after it."""
    apply_language("en")
    yield
    apply_language("en")


@pytest.fixture
def world_map(qtbot: QtBot, demo_db: Database, english_window: None) -> WorldMap:
    found = partner_points(demo_db)
    widget = WorldMap()
    qtbot.addWidget(widget)
    widget.set_points(found.points, load_world(), without_place=found.without_place)
    widget.resize(900, 450)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _clickable(widget: WorldMap, point: PartnerPoint) -> QPoint:
    """A pixel of the point's circle where it, not a smaller neighbour drawn over it, is
    hit."""
    centre = widget.point_position(point.partnership_id)
    assert centre is not None
    for dx in range(-12, 13, 2):
        for dy in range(-12, 13, 2):
            spot = QPointF(centre.x() + dx, centre.y() + dy)
            found = widget.point_at(spot)
            if found is not None and found.partnership_id == point.partnership_id:
                return spot.toPoint()
    raise AssertionError(f"{point.names.en} cannot be clicked")


def test_a_click_on_a_partner_names_its_partnership(world_map: WorldMap, qtbot: QtBot) -> None:
    kfar_saba = _kfar_saba(MapPoints(tuple(world_map.points())))
    spot = _clickable(world_map, kfar_saba)
    with qtbot.waitSignal(world_map.partner_chosen, timeout=1000) as chosen:
        qtbot.mouseClick(world_map, Qt.MouseButton.LeftButton, pos=spot)
    assert chosen.args == [kfar_saba.partnership_id]
    # A small partner elsewhere, and the sea, which names nobody.
    other = next(p for p in world_map.points() if p.names.en == "Sacramento")
    with qtbot.waitSignal(world_map.partner_chosen, timeout=1000) as chosen:
        qtbot.mouseClick(world_map, Qt.MouseButton.LeftButton, pos=_clickable(world_map, other))
    assert chosen.args == [other.partnership_id]
    sea = QPoint(int(world_map.map_rect().left() + 60), int(world_map.map_rect().bottom() - 20))
    assert world_map.point_at(QPointF(sea)) is None
    with qtbot.assertNotEmitted(world_map.partner_chosen):
        qtbot.mouseClick(world_map, Qt.MouseButton.LeftButton, pos=sea)


# The offscreen platform cannot raise the tooltip's window; the tooltip is shown all the same.
@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")
def test_hovering_a_partner_shows_its_tooltip(world_map: WorldMap, qtbot: QtBot) -> None:
    kfar_saba = _kfar_saba(MapPoints(tuple(world_map.points())))
    text = world_map.tooltip_text(kfar_saba)
    assert text.splitlines() == [
        "Kfar Saba · Israel",
        "Sister city",
        f"{kfar_saba.exchanges} exchanges",
    ]
    sample = next(p for p in world_map.points() if p.is_sample)
    assert world_map.tooltip_text(sample).splitlines()[-1].startswith("Sample record")
    spot = _clickable(world_map, kfar_saba)
    qtbot.mouseMove(world_map, spot)
    assert world_map.cursor().shape() == Qt.CursorShape.PointingHandCursor
    event = QHelpEvent(QEvent.Type.ToolTip, spot, world_map.mapToGlobal(spot))
    QApplication.sendEvent(world_map, event)
    assert QToolTip.text() == text
    QToolTip.hideText()


def test_the_busiest_partner_is_named_in_the_windows_language(world_map: WorldMap) -> None:
    assert world_map.labelled() == ["Kfar Saba"]
    apply_language("zh_CN")  # the open map follows the switch
    assert world_map.labelled() == ["克法尔萨巴"]
    tooltip = world_map.tooltip_text(_kfar_saba(MapPoints(tuple(world_map.points()))))
    assert tooltip.splitlines()[:2] == ["克法尔萨巴 · 以色列", "友好城市"]


def test_the_legend_is_mirrored_in_hebrew_but_the_map_is_not(world_map: WorldMap) -> None:
    english_legend = world_map.legend_rect()
    english_map = world_map.map_rect()
    kfar_saba = _kfar_saba(MapPoints(tuple(world_map.points())))
    english_place = world_map.point_position(kfar_saba.partnership_id)
    # Under the map, at its right end.
    assert english_legend.top() >= english_map.bottom()
    assert english_legend.right() == pytest.approx(english_map.right(), abs=1)
    assert english_legend.center().x() > english_map.center().x()

    apply_language("he")
    assert world_map.isRightToLeft()
    hebrew_legend = world_map.legend_rect()
    assert hebrew_legend.left() == pytest.approx(world_map.map_rect().left(), abs=1)
    assert hebrew_legend.center().x() < world_map.map_rect().center().x()
    assert hebrew_legend.right() < english_legend.right() - 100
    assert world_map.labelled() == ["כפר סבא"]
    # Geography stays: Israel is where it was, east of the centre.
    assert world_map.point_position(kfar_saba.partnership_id) == english_place
    assert english_place is not None
    assert english_place.x() > world_map.map_rect().center().x()


def test_the_map_keeps_its_proportions(world_map: WorldMap) -> None:
    for width, height in ((900, 450), (600, 600), (1400, 400)):
        world_map.resize(width, height)
        shown = world_map.map_rect()
        assert shown.width() / shown.height() == pytest.approx(BOUNDS.aspect, rel=1e-6)
        assert shown.width() <= width
        assert shown.bottom() <= height
    assert world_map.heightForWidth(900) > 900 / BOUNDS.aspect


def test_an_empty_map_says_so(qtbot: QtBot, english_window: None) -> None:
    widget = WorldMap()
    qtbot.addWidget(widget)
    widget.set_points([], load_world(), without_place=2)
    widget.resize(600, 300)
    widget.grab()  # paints without a partner
    assert widget.point_at(QPointF(300, 150)) is None
    assert widget.labelled() == []


# --- the annual report ---------------------------------------------------------------------


def _partner_map(report: Report) -> PartnerMap:
    (found,) = [
        block
        for chapter in report.chapters
        for block in chapter.blocks
        if isinstance(block, PartnerMap)
    ]
    return found


def test_the_annual_reports_map_shows_the_years_partners(demo_db: Database) -> None:
    later = _city(demo_db, "Nantes", (47.22, -1.55))
    create(
        demo_db,
        Partnership(
            city_id=later, tier=PartnershipTier.SISTER_CITY, established=PartialDate.parse("2020")
        ),
    )
    report = reports.annual_report(demo_db, 2018, "en")
    block = _partner_map(report)
    (chapter,) = [c for c in report.chapters if block in c.blocks]
    assert chapter.title == "Partner cities"
    assert block.title == "Our partners in the world"
    assert [text for _key, text in block.tiers] == ["Sister city", "Friendly cooperative city"]
    # The partners at the end of 2018, with the year's exchanges: Kfar Saba's two visits.
    (kfar_saba,) = [m for m in block.marks if m.label == "Kfar Saba"]
    city = _kfar_saba(partner_points(demo_db)).city_id
    in_2018 = sum(
        1
        for d in all_records(demo_db, "delegations")
        if d.city_id == city
        and d.status != DelegationStatus.CANCELLED
        and d.start_date is not None
        and d.start_date.year == 2018
    )
    in_2018 += sum(
        1
        for e in all_records(demo_db, "events")
        if (e.partner_city_id if e.partner_city_id is not None else e.city_id) == city
        and e.start_date is not None
        and e.start_date.year == 2018
    )
    in_2018 += sum(
        1
        for a in all_records(demo_db, "agreements")
        if a.city_id == city and a.signed_on is not None and a.signed_on.year == 2018
    )
    assert kfar_saba.value == in_2018 > 0
    assert (kfar_saba.tier, kfar_saba.muted) == ("sister_city", False)
    # Sample partners are marked as the tables mark them.
    assert all(m.label.endswith("*") and m.muted for m in block.marks if m is not kfar_saba)
    # A partner established after 2018 is not on 2018's map; the rest are.
    assert len(block.marks) == len(partner_points(demo_db)) - 1 == 70
    assert not any(m.label.startswith("Nantes") for m in block.marks)


def _printed_lines(pdf: bytes) -> list[tuple[int, str, list[float]]]:
    """Every printed line: its page (0-based), its text as read on paper (left to right,
    so a Hebrew line comes out reversed) and its glyphs' x."""
    found = []
    for page, layout in enumerate(extract_pages(io.BytesIO(pdf))):
        rows: dict[float, list[LTChar]] = {}
        for char in chars_of_page(layout):
            rows.setdefault(round(char.matrix[5], 1), []).append(char)
        for row in rows.values():
            ordered = sorted(row, key=lambda c: c.x0)
            found.append((page, "".join(c.get_text() for c in ordered), [c.x0 for c in ordered]))
    return found


@pytest.mark.parametrize("language", ["he", "zh"])
def test_the_annual_reports_partners_page_has_the_map_in_its_language(
    demo_db: Database, language: str
) -> None:
    report = reports.annual_report(demo_db, 2018, language)
    block = _partner_map(report)
    words = translator(language)
    tiers = [PartnershipTier.SISTER_CITY.label_in(words.gettext)]
    tiers.append(PartnershipTier.FRIENDLY_COOPERATIVE_CITY.label_in(words.gettext))
    assert [text for _key, text in block.tiers] == tiers
    pdf = render_report(report, fonts=FONTS)
    lines = _printed_lines(pdf)
    # On paper a Hebrew line reads from right to left: its letters come out reversed.
    title = words.gettext("Partner cities")
    (page,) = [
        page for page, text, _xs in lines if text == (title[::-1] if language == "he" else title)
    ]
    paper = [text[::-1] for text in tiers] if language == "he" else tiers
    (xs,) = [xs for other, text, xs in lines if other == page and all(w in text for w in paper)]
    # The legend stands at the map's end: the left in Hebrew, the right in Chinese (the
    # page's frame runs from 20 mm to 190 mm).
    if language == "he":
        assert min(xs) < 70
        assert max(xs) < A4[0] - 150
    else:
        assert max(xs) > A4[0] - 80
        assert min(xs) > 150
