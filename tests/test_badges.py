"""Badges, place cards and seating plans, read back from the PDF: the names in each script
and in the right order (王喆, Hebrew in logical order once read right to left), badges in
the delegation's order of precedence inside the labels of each stock, place cards with the
name on both faces, a long name shrunk with a warning, crop marks off the labels, the host
and the guest of honour facing each other, and no character without its glyph."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from exchange_desk.documents.badges import (
    CARD_SIZE,
    NAME_FLOOR,
    NAME_READABLE,
    Rect,
    card_cells,
    crop_marks,
)
from exchange_desk.documents.text import visual_order
from exchange_desk.domain import records as r
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction, OrganizationKind
from exchange_desk.domain.errors import InvalidInput
from exchange_desk.services import badges, records
from exchange_desk.services.database import Database
from exchange_desk.services.output import DocumentProblem
from pdf_checks import assert_every_character_in_its_font, chars, chars_of_page
from visit_data import VisitIds, make_visit

MM = 72 / 25.4

HEAD = "יהודה בן חמו"
HEAD_ZH = "耶胡达·本-哈莫"
DEPUTY = "נתלי אפרה"
MEMBER = "אבי כהן"
INTERPRETER = "王喆"
STAFF = "דנה לוי"
HOST = "孙述涛"
HOST_DEPUTY = "刘强"
MEMBERS = (HEAD, DEPUTY, MEMBER, INTERPRETER, STAFF)


@pytest.fixture
def visit_db(sqlite_db: Database) -> tuple[Database, VisitIds]:
    return sqlite_db, make_visit(sqlite_db)


def _visual(text: str) -> str:
    """How a line of `text` reads on paper, left to right."""
    return visual_order(text, rtl=text[:1] >= "\u0590" and text[:1] <= "\u05ff")


# --- reading the PDF back --------------------------------------------------------------------


def _pages(pdf: bytes) -> list[list[LTChar]]:
    return [list(chars_of_page(page)) for page in extract_pages(io.BytesIO(pdf))]


def _inside(char: LTChar, cell: Rect, tolerance: float = 0.5) -> bool:
    return (
        cell.x - tolerance <= char.x0
        and char.x1 <= cell.right + tolerance
        and cell.y - tolerance <= char.y0
        and char.y1 <= cell.top + tolerance
    )


def _lines(found: list[LTChar], *, upside_down: bool = False) -> list[str]:
    """The lines these characters make, top line first, each as it reads on paper (for
    text turned upside down: as it reads with the page turned round)."""
    rows: dict[float, list[LTChar]] = {}
    for char in found:
        if (char.matrix[0] < 0) != upside_down:
            continue
        rows.setdefault(round(char.matrix[5], 1), []).append(char)
    ordered = sorted(rows.items(), reverse=not upside_down)
    return [
        "".join(c.get_text() for c in sorted(row, key=lambda c: c.x0, reverse=upside_down)).strip()
        for _y, row in ordered
    ]


def _cell_lines(pdf: bytes, cells: tuple[Rect, ...]) -> list[list[str]]:
    """The lines of every filled cell, sheet after sheet."""
    found = []
    for page in _pages(pdf):
        for cell in cells:
            inside = [c for c in page if _inside(c, cell)]
            if inside:
                found.append(_lines(inside))
    return found


def _segments(pdf: bytes) -> list[list[tuple[float, float, float, float]]]:
    """The straight lines stroked on each page (`x0 y0 m x1 y1 l S`)."""
    pattern = re.compile(rb"(-?[\d.]+) (-?[\d.]+) m (-?[\d.]+) (-?[\d.]+) l S")
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        data = page.get_contents().get_data()  # type: ignore[union-attr]
        pages.append([tuple(float(v) for v in m.groups()) for m in pattern.finditer(data)])
    return pages  # type: ignore[return-value]


# --- stocks ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(badges.STOCKS))
def test_stocks_fit_their_sheets_as_published(key: str) -> None:
    stock = badges.STOCKS[key]
    cells = stock.cells()
    width, height = stock.page_size
    assert len(cells) == stock.per_sheet == stock.columns * stock.rows
    for cell in cells:
        assert cell.x > 0
        assert cell.right < width
        assert cell.y > 0
        assert cell.top < height
    for index, first in enumerate(cells):
        for second in cells[index + 1 :]:
            overlap_x = min(first.right, second.right) - max(first.x, second.x)
            overlap_y = min(first.top, second.top) - max(first.y, second.y)
            assert overlap_x <= 0.01 or overlap_y <= 0.01
    # The makers' sheets are symmetric: as much margin right as left, below as above.
    left = cells[0].x
    right = width - max(c.right for c in cells)
    top = height - cells[0].top
    bottom = min(c.y for c in cells)
    assert right == pytest.approx(left, abs=0.5)
    assert bottom == pytest.approx(top, abs=0.5)


def test_the_default_stock_is_eight_labels_of_avery_l7165() -> None:
    stock = badges.STOCKS[badges.DEFAULT_STOCK]
    assert badges.DEFAULT_STOCK == "a4-8"
    assert stock.per_sheet == 8
    assert (stock.label_size[0] / MM, stock.label_size[1] / MM) == pytest.approx((99.1, 67.7))
    assert (stock.margins[0] / MM, stock.margins[1] / MM) == pytest.approx((4.65, 13.1))
    assert (stock.pitch[0] / MM, stock.pitch[1] / MM) == pytest.approx((101.6, 67.7))
    assert "L7165" in stock.label


# --- badges ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(badges.STOCKS))
def test_badges_in_precedence_order_each_inside_its_label(
    visit_db: tuple[Database, VisitIds], key: str
) -> None:
    database, ids = visit_db
    stock = badges.STOCKS[key]
    made = badges.badges_pdf(database, ids.delegation, stock=key)
    assert made.warnings == []
    pages = _pages(made.content)
    assert len(pages) == -(-len(MEMBERS) // stock.per_sheet)
    cells = stock.cells()
    for page in pages:
        for char in page:
            assert any(_inside(char, cell) for cell in cells), (key, char.get_text(), char.bbox)
    # The big line of each filled label, sheet by sheet, label by label.
    names = [lines[1] for lines in _cell_lines(made.content, cells)]
    assert names == [_visual(name) for name in MEMBERS]


def test_each_script_as_it_writes_names(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    made = badges.badges_pdf(database, ids.delegation)
    head, deputy, member, interpreter, staff = _cell_lines(
        made.content, badges.STOCKS["a4-8"].cells()
    )
    # The band (the delegation's city in both scripts), the name in the person's own
    # script, the host's script below it, the positions in both, the organization.
    assert head[1] == _visual(HEAD)
    assert head[1][::-1] == HEAD  # Hebrew read right to left is the name as typed
    assert head[2] == HEAD_ZH
    assert head[3:5] == [_visual("ראש עיריית כפר סבא"), "克法尔萨巴市市长"]
    assert "克法尔萨巴市政府" in head[5]
    assert "עיריית כפר סבא"[::-1] in head[5]
    assert "כפר סבא"[::-1] in head[0]
    assert "克法尔萨巴" in head[0]
    # The Chinese interpreter: family name first (王喆, not 喆王), Latin letters below (she
    # has no Hebrew name).
    assert interpreter[1] == INTERPRETER
    assert interpreter[2] == "Zhe Wang"
    assert interpreter[3:5] == ["翻译", "Interpreter"]
    # No Chinese name: the Latin one stands in for the host's script.
    assert member[1:3] == [_visual(MEMBER), "Avi Cohen"]
    assert deputy[2] == "娜塔莉·阿夫拉"
    assert staff[1:3] == [_visual(STAFF), "Dana Levi"]


def test_hosts_after_the_members_in_their_own_colour(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    made = badges.badges_pdf(database, ids.delegation, hosts=True)
    found = _cell_lines(made.content, badges.STOCKS["a4-8"].cells())
    assert [lines[1] for lines in found] == [*(_visual(n) for n in MEMBERS), "孙述涛", "刘强"]
    sun = found[5]
    assert "济南" in sun[0]
    assert "Jinan" in sun[0]
    # The host has no Hebrew name: Latin letters under the Chinese.
    assert sun[2] == "Sun Shutao"
    assert "济南市市长" in sun


def test_host_language_chooses_the_second_script(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    made = badges.badges_pdf(database, ids.delegation, host_language="en")
    head = _cell_lines(made.content, badges.STOCKS["a4-8"].cells())[0]
    assert head[1:3] == [_visual(HEAD), "Yehuda Ben-Hamo"]
    assert "Mayor of Kfar Saba" in head


def test_a_delegation_sent_reads_the_partners_script(sqlite_db: Database) -> None:
    """Our people going to Kfar Saba: the Chinese name large, the Hebrew below it."""
    ids = make_visit(sqlite_db)
    sent = records.create(
        sqlite_db,
        r.Delegation(
            direction=Direction.OUTGOING,
            city_id=ids.partner_city,
            start_date=PartialDate(2019, 9, 1),
        ),
    )
    person = records.create(
        sqlite_db,
        r.Person(name="Li Hua", name_zh="李华", name_he="לי חואה", title="Director", rank=3),
    )
    records.create(sqlite_db, r.DelegationMember(delegation_id=sent.id, person_id=person.id))
    made = badges.badges_pdf(sqlite_db, sent.id)
    lines = _cell_lines(made.content, badges.STOCKS["a4-8"].cells())[0]
    assert lines[1:3] == ["李华", _visual("לי חואה")]
    assert "济南" in lines[0]


def test_badges_start_at_a_chosen_label(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    stock = badges.STOCKS["a4-8"]
    made = badges.badges_pdf(database, ids.delegation, start_label=7)
    pages = _pages(made.content)
    assert len(pages) == 2
    cells = stock.cells()
    first = [c for c in pages[0] if _inside(c, cells[6])]
    assert _lines(first)[1] == _visual(HEAD)
    assert not [c for c in pages[0] if _inside(c, cells[0])]


def test_a_name_too_long_shrinks_and_warns(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    long_name = "Maximiliane Alexandra von Hohenberg-Schwarzenstein-Lichtenfels"
    person = records.create(database, r.Person(name=long_name, rank=6))
    records.create(
        database,
        r.DelegationMember(delegation_id=ids.delegation, person_id=person.id),
    )
    made = badges.badges_pdf(database, ids.delegation)
    assert len(made.warnings) == 1
    warning = made.warnings[0]
    assert long_name in warning
    assert "too long for the badge" in warning
    size = float(re.search(r"printed at ([\d.]+) pt", warning).group(1))  # type: ignore[union-attr]
    assert NAME_FLOOR <= size < NAME_READABLE
    stock = badges.STOCKS["a4-8"]
    cell = stock.cells()[3]  # after the head, the deputy and Avi Cohen (rank 5)
    inside = [c for c in _pages(made.content)[0] if _inside(c, cell)]
    name_chars = [c for c in inside if round(c.size, 1) == pytest.approx(size, abs=0.2)]
    text = "".join(
        "".join(c.get_text() for c in sorted(row, key=lambda c: c.x0)) for row in _rows(name_chars)
    )
    assert text.replace(" ", "") == long_name.replace(" ", "")
    assert all(_inside(c, cell) for c in inside)
    # The others keep their size: at least the readable one.
    head = [c for c in _pages(made.content)[0] if _inside(c, stock.cells()[0])]
    assert max(c.size for c in head) >= NAME_READABLE


def _rows(found: list[LTChar]) -> list[list[LTChar]]:
    rows: dict[float, list[LTChar]] = {}
    for char in found:
        rows.setdefault(round(char.matrix[5], 1), []).append(char)
    return [row for _y, row in sorted(rows.items(), reverse=True)]


@pytest.mark.parametrize("key", list(badges.STOCKS))
def test_crop_marks_stand_off_the_labels(visit_db: tuple[Database, VisitIds], key: str) -> None:
    database, ids = visit_db
    stock = badges.STOCKS[key]
    cells = stock.cells()
    marks = crop_marks(cells, stock.page_size)
    assert marks
    for x0, y0, x1, y1 in marks:
        for cell in cells:
            # No point of a mark inside a label (its edge continued is outside it).
            for t in (0.0, 0.25, 0.5, 0.75, 1.0):
                x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
                assert not (
                    cell.x + 0.1 < x < cell.right - 0.1 and cell.y + 0.1 < y < cell.top - 0.1
                )
    # The four corners of the sheet's block of labels have a mark each.
    top_left, top_right = cells[0], cells[stock.columns - 1]
    bottom_left, bottom_right = cells[-stock.columns], cells[-1]
    for x, y in (
        (top_left.x, top_left.top),
        (top_right.right, top_right.top),
        (bottom_left.x, bottom_left.y),
        (bottom_right.right, bottom_right.y),
    ):
        assert any(_near((x, y), mark) for mark in marks), (key, x, y)
    # The PDF draws them: each mark of the labels used is a stroked line of the page.
    made = badges.badges_pdf(database, ids.delegation, stock=key)
    drawn = _segments(made.content)[0]
    used = crop_marks(cells, stock.page_size, marked=range(min(len(MEMBERS), stock.per_sheet)))
    for mark in used:
        assert any(
            all(abs(a - b) < 0.05 for a, b in zip(mark, line, strict=True)) for line in drawn
        )


def _near(corner: tuple[float, float], mark: tuple[float, float, float, float]) -> bool:
    """A mark continues an edge from this corner."""
    x, y = corner
    x0, y0, x1, y1 = mark
    on_line = (abs(x0 - x) < 0.05 and abs(x1 - x) < 0.05) or (
        abs(y0 - y) < 0.05 and abs(y1 - y) < 0.05
    )
    return on_line and min(abs(x0 - x) + abs(y0 - y), abs(x1 - x) + abs(y1 - y)) < 3 * MM


def _drawn(mark: tuple[float, float, float, float], lines: list[tuple[float, ...]]) -> bool:
    return any(all(abs(a - b) < 0.05 for a, b in zip(mark, line, strict=True)) for line in lines)


def test_no_glyph_missing_and_fonts_embedded(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    drawn = assert_every_character_in_its_font(
        badges.badges_pdf(database, ids.delegation, hosts=True).content
    )
    assert any(ord("王") in codes for codes in drawn.values())
    assert any(ord("ח") in codes for codes in drawn.values())
    assert_every_character_in_its_font(
        badges.place_cards_pdf(database, delegation_id=ids.delegation).content
    )
    for language in ("en", "zh", "he"):
        assert_every_character_in_its_font(
            badges.seating_plan_pdf(
                database, seats=6, programme_item_id=ids.banquet, language=language
            ).content
        )


def test_a_character_no_font_has_is_named_before_printing(
    visit_db: tuple[Database, VisitIds],
) -> None:
    database, ids = visit_db
    person = records.get_record(database, "persons", ids.member)
    person.title = "Director of Culture \U0001f3ad"
    records.update(database, person)
    with pytest.raises(DocumentProblem) as raised:
        badges.badges_pdf(database, ids.delegation)
    assert "Avi Cohen" in raised.value.user_message()
    assert "U+1F3AD" in raised.value.user_message()


def test_markup_prints_as_typed(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    organization = records.create(
        database, r.Organization(name_en="R&D <Ltd>", kind=OrganizationKind.GOVERNMENT_BUREAU)
    )
    person = records.create(
        database,
        r.Person(name="Ann Lee", title="<b>Chief</b> & co", organization_id=organization.id),
    )
    records.create(database, r.DelegationMember(delegation_id=ids.delegation, person_id=person.id))
    made = badges.badges_pdf(database, ids.delegation, host_language="en")
    text = [
        line for lines in _cell_lines(made.content, badges.STOCKS["a4-8"].cells()) for line in lines
    ]
    assert "<b>Chief</b> & co" in text
    assert "R&D <Ltd>" in text


def test_bad_requests_are_refused(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    with pytest.raises(InvalidInput):
        badges.badges_pdf(database, ids.delegation, stock="a3-1")
    with pytest.raises(InvalidInput):
        badges.badges_pdf(database, ids.delegation, host_language="fr")
    with pytest.raises(InvalidInput):
        badges.badges_pdf(database, ids.delegation, start_label=9)
    with pytest.raises(InvalidInput):
        badges.place_cards_pdf(database, delegation_id=ids.delegation, event_id=ids.event)
    with pytest.raises(InvalidInput):
        badges.place_cards_pdf(database)
    with pytest.raises(InvalidInput):
        badges.seating_plan_pdf(database, seats=1, programme_item_id=ids.banquet)
    empty = records.create(
        database, r.Delegation(direction=Direction.INCOMING, city_id=ids.partner_city)
    )
    with pytest.raises(DocumentProblem):
        badges.badges_pdf(database, empty.id)


def test_files_are_written_whole(visit_db: tuple[Database, VisitIds], tmp_path: Path) -> None:
    database, ids = visit_db
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    made = badges.write_badges(database, ids.delegation, tmp_path / "badges")
    assert (tmp_path / "badges.pdf").read_bytes() == made.content
    made = badges.write_place_cards(database, tmp_path / "cards.pdf", event_id=ids.event)
    assert (tmp_path / "cards.pdf").read_bytes().startswith(b"%PDF")
    badges.write_seating_plan(
        database, tmp_path / "plan.pdf", seats=8, programme_item_id=ids.banquet
    )
    assert (tmp_path / "plan.pdf").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["badges.pdf", "cards.pdf", "plan.pdf"]


# --- place cards -----------------------------------------------------------------------------


def _faces(pdf: bytes) -> list[tuple[list[str], list[str]]]:
    """Each card's lower face (upright) and upper face (read with the card turned)."""
    found = []
    for page in _pages(pdf):
        for cell in card_cells():
            inside = [c for c in page if _inside(c, cell)]
            if not inside:
                continue
            fold = cell.y + cell.height / 2
            lower = [c for c in inside if c.y1 <= fold + 0.5]
            upper = [c for c in inside if c.y0 >= fold - 0.5]
            assert len(lower) + len(upper) == len(inside)  # nothing across the fold
            assert all(c.matrix[0] > 0 for c in lower)
            assert all(c.matrix[0] < 0 for c in upper)  # turned upside down
            found.append((_lines(lower), _lines(upper, upside_down=True)))
    return found


def test_place_cards_have_the_name_on_both_faces(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    made = badges.place_cards_pdf(database, delegation_id=ids.delegation)
    faces = _faces(made.content)
    # The members in precedence order, then the hosts of its reception.
    assert [front[0] for front, _back in faces] == [
        *(_visual(n) for n in MEMBERS),
        HOST,
        HOST_DEPUTY,
    ]
    for front, back in faces:
        assert front == back
    head_front, _ = faces[0]
    assert head_front[:2] == [_visual(HEAD), HEAD_ZH]
    assert pytest.approx((190 * MM, 130 * MM)) == CARD_SIZE
    assert len(_pages(made.content)) == 4  # two cards a sheet


def test_place_cards_of_an_event_follow_its_guest_list(
    visit_db: tuple[Database, VisitIds],
) -> None:
    database, ids = visit_db
    made = badges.place_cards_pdf(database, event_id=ids.event)
    faces = _faces(made.content)
    # The guest first, then the host; the host (Kfar Saba's mayor, the event is in Kfar
    # Saba) in Hebrew with the guests' Chinese below.
    assert [front[:2] for front, _back in faces] == [
        [HOST_DEPUTY, "Liu Qiang"],
        [_visual(HEAD), HEAD_ZH],
    ]


def test_place_cards_of_a_reception(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    made = badges.place_cards_pdf(database, programme_item_id=ids.banquet)
    names = [front[0] for front, _back in _faces(made.content)]
    assert names == [
        _visual(HEAD),
        _visual(DEPUTY),
        _visual(MEMBER),
        INTERPRETER,
        HOST,
        HOST_DEPUTY,
    ]


def test_place_card_marks_and_fold(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    made = badges.place_cards_pdf(database, event_id=ids.event)
    cells = card_cells()
    drawn = _segments(made.content)[0]
    for mark in crop_marks(cells, A4):
        assert any(
            all(abs(a - b) < 0.05 for a, b in zip(mark, line, strict=True)) for line in drawn
        )
    data = PdfReader(io.BytesIO(made.content)).pages[0].get_contents().get_data()  # type: ignore[union-attr]
    assert b"[3 2.5] 0 d" in data  # the fold, dashed


# --- seating ---------------------------------------------------------------------------------


def _positions(pdf: bytes) -> dict[str, tuple[float, float]]:
    """Where each line of the page starts: its text → (x centre, baseline)."""
    found: dict[str, tuple[float, float]] = {}
    for row in _rows(chars(pdf, [0])):
        row.sort(key=lambda c: c.x0)
        # A row may hold several seats: split where the characters stand apart.
        piece: list[LTChar] = []
        for char in [*row, None]:
            if char is None or (piece and char.x0 - piece[-1].x1 > 6):
                if piece:
                    words = "".join(c.get_text() for c in piece).strip()
                    found.setdefault(words, ((piece[0].x0 + piece[-1].x1) / 2, piece[0].matrix[5]))
                piece = []
            if char is not None:
                piece.append(char)
    return found


def test_seating_host_and_guest_of_honour_face_each_other(
    visit_db: tuple[Database, VisitIds],
) -> None:
    database, ids = visit_db
    made = badges.seating_plan_pdf(database, seats=6, programme_item_id=ids.banquet)
    assert made.warnings == []
    at = _positions(made.content)
    host, honour = at["Sun Shutao"], at["Yehuda Ben-Hamo"]
    assert host[0] == pytest.approx(honour[0], abs=1)  # facing, in the middle
    assert honour[1] > host[1]  # the guest of honour across the table, the host near
    second_guest = at["Natali Afra"]
    assert second_guest[1] == pytest.approx(host[1], abs=1)
    assert second_guest[0] > host[0] + 20  # on the host's right
    second_host = at["Liu Qiang"]
    assert second_host[1] == pytest.approx(honour[1], abs=1)
    assert second_host[0] < honour[0] - 20  # on the guest of honour's right
    text = "\n".join(at)
    assert "Seating plan" in text
    assert "Welcome banquet" in text
    assert "Order of honour" in text


def test_seating_lists_and_warns_of_the_unseated(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    made = badges.seating_plan_pdf(database, seats=4, programme_item_id=ids.banquet)
    assert len(made.warnings) == 1
    assert "2 people have no seat at a table of 4" in made.warnings[0]
    assert "Avi Cohen" in made.warnings[0]
    assert "Zhe Wang" in made.warnings[0]
    lines = list(_positions(made.content))
    assert any(line.startswith("Not seated:") and "Avi Cohen" in line for line in lines)


def test_seating_in_chinese_and_hebrew(visit_db: tuple[Database, VisitIds]) -> None:
    database, ids = visit_db
    chinese = _positions(
        badges.seating_plan_pdf(database, seats=6, event_id=ids.event, language="zh").content
    )
    assert "刘强" in chinese
    hebrew = _positions(
        badges.seating_plan_pdf(
            database, seats=6, programme_item_id=ids.banquet, language="he"
        ).content
    )
    assert _visual(HEAD) in hebrew
    # A name with no Hebrew is printed as recorded in English.
    assert "Liu Qiang" in hebrew
