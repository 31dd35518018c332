"""Letters: the invitation and the visa invitation for a delegation, the congratulation on a
partnership's anniversary. Read back from the PDF and the .docx: every member's passport data
in the visa letter, names in each script's order, Hebrew in logical order, no character
without its font; a member without passport data refused by name before anything is numbered
or written; reference numbers counting up; the office's own template used where stored, and a
bad placeholder refused at its field.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import insert

from exchange_desk.documents import fonts
from exchange_desk.documents.text import visual_order
from exchange_desk.domain import records as r
from exchange_desk.domain.enums import LetterKind, LetterLanguage
from exchange_desk.domain.errors import FieldProblem, InvalidInput
from exchange_desk.domain.letters import (
    LANGUAGES,
    PLACEHOLDERS,
    default_wording,
    fill,
    template_problems,
)
from exchange_desk.i18n.catalog import set_language
from exchange_desk.services import letters, records
from exchange_desk.services.attachments import attach
from exchange_desk.services.letters import (
    MissingVisaData,
    make_letter,
    placeholders,
    preview,
    template_for,
    write_letter,
)
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.output import DocumentProblem
from exchange_desk.storage import schema as s
from exchange_desk.storage.database import Database
from pdf_checks import assert_every_character_in_its_font, chars, page_lines
from visit_data import VisitIds, make_visit

INVITATION, VISA, CONGRATULATION = LetterKind.INVITATION, LetterKind.VISA, LetterKind.CONGRATULATION
TODAY = dt.date(2019, 5, 2)  # before the May 2019 visit: the letters of its preparation


@pytest.fixture(autouse=True)
def _letter_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letters, "_today", lambda: TODAY)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder for the letters written, apart from the database's files."""
    made = tmp_path / "letters"
    made.mkdir()
    return made


@pytest.fixture
def visit(sqlite_db: Database) -> VisitIds:
    """The May 2019 visit, every member with passport data."""
    return make_visit(sqlite_db, with_incomplete_member=False)


def _text(pdf: bytes) -> str:
    """Every line of every page as drawn (left to right), one after the other."""
    return "\n".join(line for page in page_lines(pdf) for line in page)


def _registered(database: Database) -> list[r.Letter]:
    return [row.record for row in records.list_records(database, "letters").rows]


def _png(color: tuple[int, int, int, int], size: int = 120) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((4, 4, size - 4, size - 4), outline=color, width=8)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _with_seal_and_logo(database: Database) -> None:
    profile = office_profile(database)
    profile.seal_attachment_id = attach(
        database, "office", 1, "seal.png", _png((200, 20, 20, 255))
    ).id
    profile.logo_attachment_id = attach(
        database, "office", 1, "logo.png", _png((20, 40, 90, 255))
    ).id
    save_office_profile(database, profile)


def _docx_texts(data: bytes) -> tuple[list[str], list[list[str]]]:
    """The paragraphs' texts and every table's rows (cells' texts) of a .docx."""
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return paragraphs, rows


# --- the visa letter --------------------------------------------------------------------------


PASSPORTS = {
    "BEN-HAMO Yehuda": "31234567",
    "AFRA Natali": "32345678",
    "COHEN Avi": "33456789",
    "WANG Zhe": "E12345678",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_visa_letter_lists_every_member_as_in_the_passport(
    sqlite_db: Database, visit: VisitIds, language: str
) -> None:
    made = make_letter(sqlite_db, VISA, visit.delegation, [language])
    text = _text(made.content)
    for name, number in PASSPORTS.items():
        assert name in text
        assert number in text
    # Dates of birth and nationalities in the letter's language.
    expected = {
        "zh": ("1960年3月14日", "以色列", "中国"),
        "en": ("Mar 14, 1960", "Israel", "China"),
        "he": (visual_order("14 במרץ 1960", True), "לארשי", "ןיס"),
    }[language]
    for piece in expected:
        assert piece in text
    # The members in order of precedence: head, deputy, member, interpreter.
    order = [text.index(name) for name in PASSPORTS]
    assert order == sorted(order)
    assert_every_character_in_its_font(made.content)


def test_the_visa_letter_says_what_a_consulate_asks(sqlite_db: Database, visit: VisitIds) -> None:
    text = _text(make_letter(sqlite_db, VISA, visit.delegation, ["en"]).content)
    assert "The Embassy or Consulate General of China in Israel" in text
    assert "Purpose of the visit: Tenth anniversary of the sister-city relationship" in text
    assert "Dates of entry and exit: May 20, 2019 to May 21, 2019" in text
    assert "Jinan (City Hall, Room 3; Shandong Hotel; Jinan Yuying Middle School)" in text
    assert "board, lodging and local transport" in text  # who pays
    assert "Welcome banquet" in text  # the programme
    assert "Foreign Affairs Office of Jinan Municipal People's Government" in text
    assert "+86 531 5165 0000" in text
    assert "fao@jinan.gov.cn" in text
    assert "Li Ming" in text
    assert "Director" in text
    assert "L2019-001" in text
    assert "May 2, 2019" in text


def test_a_member_without_passport_data_is_named_and_nothing_is_written(
    sqlite_db: Database, folder: Path
) -> None:
    visit = make_visit(sqlite_db)  # Dana Levi has no passport data
    target = folder / "visa.pdf"
    with pytest.raises(MissingVisaData) as refused:
        write_letter(sqlite_db, VISA, visit.delegation, ["zh", "en"], target)
    message = refused.value.user_message()
    assert "Dana Levi" in message
    for lacking in ("passport number", "nationality", "date of birth", "sex"):
        assert lacking in message
    # Only she is named: the others have all a consulate asks.
    assert [name for name, _what in refused.value.lacking] == ["Dana Levi"]
    assert isinstance(refused.value, InvalidInput)
    assert not target.exists()
    assert list(folder.iterdir()) == []  # no temporary file either
    assert _registered(sqlite_db) == []
    with pytest.raises(MissingVisaData):
        make_letter(sqlite_db, VISA, visit.delegation, ["en"], fmt="docx")
    assert _registered(sqlite_db) == []
    # An invitation needs no passport: it is written, and she is on it.
    made = make_letter(sqlite_db, INVITATION, visit.delegation, ["en"])
    assert "Dana Levi" in _text(made.content)


def test_the_refusal_speaks_the_users_language(sqlite_db: Database) -> None:
    visit = make_visit(sqlite_db)
    set_language("he")
    with pytest.raises(MissingVisaData) as refused:
        make_letter(sqlite_db, VISA, visit.delegation, ["en"])
    # Named as the window's language names her.
    assert "דנה לוי" in refused.value.user_message()


# --- numbers ----------------------------------------------------------------------------------


def test_reference_numbers_count_up_and_are_registered(
    sqlite_db: Database, visit: VisitIds, folder: Path
) -> None:
    first = make_letter(sqlite_db, INVITATION, visit.delegation, ["zh", "en"])
    second = write_letter(sqlite_db, VISA, visit.delegation, ["en"], folder / "visa.docx")
    third = make_letter(sqlite_db, CONGRATULATION, visit.partnership, ["he"])
    assert [first.number, second.number, third.number] == ["L2019-001", "L2019-002", "L2019-003"]
    stored = {letter.number: letter for letter in _registered(sqlite_db)}
    assert set(stored) == {"L2019-001", "L2019-002", "L2019-003"}
    assert stored["L2019-001"].languages == "zh+en"
    assert stored["L2019-001"].delegation_id == visit.delegation
    assert stored["L2019-003"].partnership_id == visit.partnership
    assert stored["L2019-002"].letter is VISA
    assert stored["L2019-001"].issued_on == TODAY
    assert stored["L2019-001"].subject == "邀请函"
    assert (folder / "visa.docx").is_file()
    assert second.changes.created["letters"]


def test_the_office_pattern_numbers_letters(sqlite_db: Database, visit: VisitIds) -> None:
    profile = office_profile(sqlite_db)
    profile.letter_number_pattern = "JN-W/{year}/{seq:02}"
    save_office_profile(sqlite_db, profile)
    numbers = [make_letter(sqlite_db, INVITATION, visit.delegation, ["en"]).number for _ in "ab"]
    assert numbers == ["JN-W/2019/01", "JN-W/2019/02"]
    # Letters numbered by the earlier pattern do not count against the new one, and no
    # number is given twice.
    assert len({letter.number for letter in _registered(sqlite_db)}) == 2


def test_a_number_typed_by_hand_is_counted(sqlite_db: Database, visit: VisitIds) -> None:
    records.create(
        sqlite_db,
        r.Letter(number="L2019-041", letter=INVITATION, languages="en", issued_on=TODAY),
    )
    assert make_letter(sqlite_db, INVITATION, visit.delegation, ["en"]).number == "L2019-042"


# --- names, scripts, order --------------------------------------------------------------------


def test_chinese_names_keep_the_family_name_first(sqlite_db: Database, visit: VisitIds) -> None:
    zh = _text(make_letter(sqlite_db, INVITATION, visit.delegation, ["zh"]).content)
    assert "尊敬的耶胡达·本-哈莫先生：" in zh
    assert "王喆" in zh
    assert "喆王" not in zh
    assert "邀 请 函" in zh or "邀请函" in zh.replace(" ", "")
    assert "以色列克法尔萨巴市代表团一行4人" in zh
    assert "2019年5月20日至2019年5月21日" in zh
    assert "此致" in zh
    assert "敬礼！" in zh
    # The visa letter gives the passport's name and, under it, the Chinese one.
    visa = _text(make_letter(sqlite_db, VISA, visit.delegation, ["zh"]).content)
    assert visa.index("WANG Zhe") < visa.index("王喆")
    # In English the given name comes first, as the person writes it.
    en = _text(make_letter(sqlite_db, INVITATION, visit.delegation, ["en"]).content)
    assert "Dear Mr Yehuda Ben-Hamo," in en
    assert "Zhe Wang" in en


def test_hebrew_is_right_to_left_in_logical_order(sqlite_db: Database, visit: VisitIds) -> None:
    made = make_letter(sqlite_db, INVITATION, visit.delegation, ["he"])
    lines = page_lines(made.content)[0]
    for logical in (
        "לכבוד",
        "מר יהודה בן חמו",
        "ראש עיריית כפר סבא",
        "שלום רב,",
        "הנדון: הזמנה לביקור רשמי בעיר ג'ינאן",
    ):
        assert visual_order(logical, True) in lines
    text = "\n".join(lines)
    assert (
        visual_order("מטרת הביקור: Tenth anniversary of the sister-city relationship", True) in text
    )
    # A telephone number keeps its groups in order inside Hebrew text.
    assert "+86 531 5165 0000" in text
    # Mirrored: the recipient stands at the right, the reference at the left.
    reader = PdfReader(io.BytesIO(made.content))
    assert len(reader.pages) >= 1

    glyphs = chars(made.content, pages=[0])
    width = float(reader.pages[0].mediabox.width)
    recipient = [g for g in glyphs if g.get_text() == "ל" and g.x1 > width * 0.8]
    reference = [g for g in glyphs if g.get_text() == "L" and g.x0 < width * 0.3]
    assert recipient
    assert reference


@pytest.mark.parametrize("kind", list(LetterKind))
def test_three_languages_one_after_the_other_with_every_glyph(
    sqlite_db: Database, visit: VisitIds, kind: LetterKind
) -> None:
    _with_seal_and_logo(sqlite_db)
    target = visit.partnership if kind is CONGRATULATION else visit.delegation
    made = make_letter(sqlite_db, kind, target, ["zh", "en", "he"])
    pages = page_lines(made.content)
    # Each language starts a page with its letterhead: the office's, or the city's for a
    # letter the mayor signs.
    if kind is CONGRATULATION:
        names = ("济南市人民政府", "Jinan Municipal People's Government", "עיריית ג'ינאן")
    else:
        names = (
            "济南市人民政府外事办公室",
            "Foreign Affairs Office of Jinan Municipal People's Government",
            "המחלקה לקשרי חוץ, עיריית ג'ינאן",
        )
    zh, en, he = names[0], names[1], visual_order(names[2], True)
    firsts = [
        next(i for i, page in enumerate(pages) if page and page[0].strip() == name)
        for name in (zh, en, he)
    ]
    assert firsts[0] == 0
    assert firsts[0] < firsts[1] < firsts[2]
    for name in (zh, en, he):  # a letterhead once per language: later pages have none
        assert sum(1 for page in pages if page and page[0].strip() == name) == 1
    assert_every_character_in_its_font(made.content)
    # The seal and the logo on every language's first page.
    reader = PdfReader(io.BytesIO(made.content))
    for page in firsts:
        assert len(reader.pages[page].images) >= 1


# --- templates --------------------------------------------------------------------------------


def test_the_programs_templates_are_good_and_use_only_their_placeholders() -> None:
    for kind in LetterKind:
        known = {p.name for p in PLACEHOLDERS[kind]}
        for language in LANGUAGES:
            subject, body = default_wording(kind, language)
            template = r.LetterTemplate(
                letter=kind, language=LetterLanguage(language), subject=subject, body=body
            )
            assert template_problems(template) == [], (kind, language)
            _filled, missing = fill(body, dict.fromkeys(known, "x"))
            assert missing == []
    names = [name for name, _description in placeholders(VISA)]
    assert {"members", "costs", "consulate", "programme", "places"} <= set(names)
    assert all(description for _name, description in placeholders(CONGRATULATION))


def test_a_stored_template_is_used_instead_of_the_programs(
    sqlite_db: Database, visit: VisitIds
) -> None:
    records.create(
        sqlite_db,
        r.LetterTemplate(
            letter=INVITATION,
            language=LetterLanguage.EN,
            subject="Come to {home_city}",
            body="Dear {head_addressed},\n\nR&D <Ltd> {{braces}} stay as typed.\n\n{members}",
        ),
    )
    assert template_for(sqlite_db, INVITATION, "en").subject == "Come to {home_city}"
    assert template_for(sqlite_db, INVITATION, "zh").subject == "邀请函"  # no Chinese one
    made = make_letter(sqlite_db, INVITATION, visit.delegation, ["en"])
    text = _text(made.content)
    assert "Subject: Come to Jinan" in text
    assert "R&D <Ltd> {braces} stay as typed." in text
    assert "Natali Afra" in text  # the members' table
    assert "I have the honour" not in text
    rendered = preview(sqlite_db, INVITATION, visit.delegation, "en")
    assert rendered.subject == "Come to Jinan"
    assert rendered.body.startswith("Dear Mr Yehuda Ben-Hamo,")


def test_a_bad_placeholder_is_a_field_problem() -> None:
    def problems(subject: str, body: str) -> list[FieldProblem]:
        return template_problems(
            r.LetterTemplate(
                letter=INVITATION, language=LetterLanguage.EN, subject=subject, body=body
            )
        )

    [unknown] = problems("", "Dear {mayor_of_mars},")
    assert unknown.field == "body"
    assert "{mayor_of_mars}" in unknown.message
    assert "{head_addressed}" in unknown.message  # says which it knows
    [unbalanced] = problems("Visit of {partner_city", "Text")
    assert unbalanced.field == "subject"
    assert "{{" in unbalanced.message
    [formatted] = problems("", "{arrival:%Y}")
    assert "{arrival}" in formatted.message
    [block] = problems("{members}", "Text")
    assert block.field == "subject"
    # A placeholder of another letter is unknown to this one.
    assert problems("", "{milestones}")
    assert problems("Literal {{braces}}", "{{}} and {partner_city}") == []


def test_a_bad_template_is_refused_at_its_field_when_stored(sqlite_db: Database) -> None:
    bad = r.LetterTemplate(letter=VISA, language=LetterLanguage.ZH, body="尊敬的{nobody}：")
    with pytest.raises(InvalidInput) as refused:
        records.create(sqlite_db, bad)
    [message] = refused.value.for_field("body")
    assert "{nobody}" in message
    assert records.list_records(sqlite_db, "letter_templates").rows == []


def test_a_stored_bad_template_stops_the_letter_before_a_number(
    sqlite_db: Database, visit: VisitIds
) -> None:
    # Stored around the rules (by an older version, or by hand in the database).
    with sqlite_db.unit_of_work() as session:
        session.execute(
            insert(s.letter_templates).values(
                letter=INVITATION, language=LetterLanguage.HE, subject="", body="שלום {nobody}"
            )
        )
    with pytest.raises(InvalidInput) as refused:
        make_letter(sqlite_db, INVITATION, visit.delegation, ["en", "he"])
    assert refused.value.for_field("body")
    assert _registered(sqlite_db) == []
    # The editor's preview shows the problem instead of a letter.
    shown = preview(sqlite_db, INVITATION, visit.delegation, "he")
    assert shown.problems
    assert "{nobody}" in shown.problems[0]


def test_a_placeholder_without_a_value_is_shown_and_said(
    sqlite_db: Database, visit: VisitIds
) -> None:
    delegation = records.get_record(sqlite_db, "delegations", visit.delegation)
    delegation.purpose = ""
    records.update(sqlite_db, delegation)
    shown = preview(sqlite_db, INVITATION, visit.delegation, "en")
    assert shown.missing == ["purpose"]
    assert "Purpose of the visit: {purpose}" in shown.body
    made = make_letter(sqlite_db, INVITATION, visit.delegation, ["en"])
    assert any("{purpose}" in warning for warning in made.warnings)


def test_the_visa_preview_shows_who_lacks_what_without_refusing(sqlite_db: Database) -> None:
    visit = make_visit(sqlite_db)
    shown = preview(sqlite_db, VISA, visit.delegation, "en")
    assert any("Dana Levi" in warning for warning in shown.warnings)
    assert "BEN-HAMO Yehuda" in shown.body


# --- congratulation ---------------------------------------------------------------------------


def test_the_congratulation_names_the_year_and_the_anniversary(
    sqlite_db: Database, visit: VisitIds
) -> None:
    en = make_letter(sqlite_db, CONGRATULATION, visit.partnership, ["en"])
    text = _text(en.content)
    assert (
        "Subject: Congratulations on the 10th anniversary of our sister-city relationship" in text
    )
    assert "in 2009" in text
    assert "These 10 years" in text
    # Milestones: the partnership's establishment and the arts festival of 2018.
    assert "June 2009" in text
    assert "Establishment of the sister-city relationship" in text
    assert "July 2018" in text
    assert "Kfar Saba Arts Festival" in text
    # From the mayor to the partner mayor, as the records know them.
    assert "Dear Mr Yehuda Ben-Hamo," in text
    assert "Sun Shutao" in text
    assert "Mayor of Jinan" in text
    assert en.warnings == []
    zh = _text(make_letter(sqlite_db, CONGRATULATION, visit.partnership, ["zh"]).content)
    assert "建立友好城市关系10周年之际" in zh
    assert "自2009年两市建立友好城市关系以来" in zh
    assert "贺 信" in zh or "贺信" in zh.replace(" ", "")
    he = _text(make_letter(sqlite_db, CONGRATULATION, visit.partnership, ["he"]).content)
    assert visual_order("בשנת 2009", True) in he
    assert visual_order("מלאת 10 שנים", True) in he


def test_a_year_without_a_round_anniversary_is_said(
    sqlite_db: Database, visit: VisitIds, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(letters, "_today", lambda: dt.date(2021, 3, 1))
    made = make_letter(sqlite_db, CONGRATULATION, visit.partnership, ["en"])
    assert any("2024" in warning and "15" in warning for warning in made.warnings)
    assert "12th anniversary" in _text(made.content)


# --- Word ---------------------------------------------------------------------------------------


def test_the_docx_has_the_letter_with_east_asian_fonts_and_hebrew_right_to_left(
    sqlite_db: Database, visit: VisitIds, folder: Path
) -> None:
    _with_seal_and_logo(sqlite_db)
    target = folder / "visa.docx"
    made = write_letter(sqlite_db, VISA, visit.delegation, ["zh", "en", "he"], target)
    data = target.read_bytes()
    assert data == made.content
    paragraphs, rows = _docx_texts(data)
    cells = [cell for row in rows for cell in row]
    for name, number in PASSPORTS.items():
        assert any(cell.startswith(name) for cell in cells), name
        assert number in cells
    assert "王喆" in "\n".join(cells)
    assert "邀请函" in paragraphs
    assert "L2019-001" in "\n".join(paragraphs)
    document = Document(io.BytesIO(data))
    body = document.element.body
    # Chinese runs name the East Asian font; Hebrew paragraphs and their Hebrew runs are
    # right to left, in logical order.
    chinese = [
        run for run in body.iter(qn("w:r")) if "济南市人民政府外事办公室" in "".join(run.itertext())
    ]
    assert chinese
    fonts = chinese[0].find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
    hebrew = [p for p in document.paragraphs if p.text == "א.ג.נ.,"]
    assert len(hebrew) == 1
    properties = hebrew[0]._p.pPr
    assert properties is not None
    assert properties.find(qn("w:bidi")) is not None
    run_properties = [run._r.rPr for run in hebrew[0].runs]
    assert all(p is not None and p.find(qn("w:rtl")) is not None for p in run_properties)
    assert "בכבוד רב," in paragraphs
    # The Hebrew members' table runs from right to left.
    assert body.findall(f".//{qn('w:bidiVisual')}")
    # The seal floats over the signature (three languages: three seals), the logo is in line.
    anchors = body.findall(
        ".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}anchor"
    )
    assert len(anchors) == 3
    # A section per language: each starts a new page.
    assert len(document.sections) == 3


# --- what stops a letter ------------------------------------------------------------------------


def test_a_character_no_font_has_stops_the_letter_before_a_number(
    sqlite_db: Database, visit: VisitIds, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    delegation = records.get_record(sqlite_db, "delegations", visit.delegation)
    # A Thai letter no bundled font has (and no system font: they are left out here).
    monkeypatch.setattr(fonts, "_shared", fonts.FontLibrary(system_dirs=[]))
    delegation.purpose = "Friendship ก"
    records.update(sqlite_db, delegation)
    target = folder / "letter.pdf"
    with pytest.raises(DocumentProblem) as refused:
        write_letter(sqlite_db, INVITATION, visit.delegation, ["en"], target)
    assert "ก (U+0E01)" in refused.value.message
    assert "en:body" in refused.value.message
    assert not target.exists()
    assert list(folder.iterdir()) == []
    assert _registered(sqlite_db) == []


def test_an_unreadable_seal_stops_the_letter(sqlite_db: Database, visit: VisitIds) -> None:
    profile = office_profile(sqlite_db)
    profile.seal_attachment_id = attach(sqlite_db, "office", 1, "seal.png", b"not a picture").id
    save_office_profile(sqlite_db, profile)
    for fmt in ("pdf", "docx"):
        with pytest.raises(DocumentProblem, match="seal"):
            make_letter(sqlite_db, INVITATION, visit.delegation, ["zh"], fmt=fmt)
    assert _registered(sqlite_db) == []


def test_a_file_that_cannot_be_written_takes_no_number(
    sqlite_db: Database, visit: VisitIds, folder: Path
) -> None:
    with pytest.raises(DocumentProblem):
        write_letter(sqlite_db, INVITATION, visit.delegation, ["en"], folder / "nowhere" / "a.pdf")
    with pytest.raises(DocumentProblem, match=r"\.docx"):
        write_letter(sqlite_db, INVITATION, visit.delegation, ["en"], folder / "a.txt")
    assert _registered(sqlite_db) == []


def test_a_rename_failing_after_the_commit_takes_the_number_back(
    sqlite_db: Database, visit: VisitIds, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(partial: Path, path: Path) -> None:
        raise DocumentProblem(f"Cannot write {path}: locked")

    monkeypatch.setattr(letters, "put_in_place", refuse)
    with pytest.raises(DocumentProblem, match="taken back"):
        write_letter(sqlite_db, INVITATION, visit.delegation, ["en"], folder / "a.pdf")
    assert _registered(sqlite_db) == []
    assert list(folder.iterdir()) == []
    monkeypatch.undo()
    monkeypatch.setattr(letters, "_today", lambda: TODAY)
    assert make_letter(sqlite_db, INVITATION, visit.delegation, ["en"]).number == "L2019-001"


def test_languages_are_checked(sqlite_db: Database, visit: VisitIds) -> None:
    for wrong in ([], ["en", "en"], ["fr"], "zh+xx"):
        with pytest.raises(InvalidInput):
            make_letter(sqlite_db, INVITATION, visit.delegation, wrong)
    assert make_letter(sqlite_db, INVITATION, visit.delegation, "he+en").number == "L2019-001"
