"""The delegation brief with the visit told in full, read back from the PDF in Chinese,
English and Hebrew: the members in the order of precedence (in the brief's script, with the
name as in the passport where it reads differently), the programme day by day (time,
activity, place, host), no passport data anywhere, a Gifts section only when there are
gifts, and still two pages at most."""

from __future__ import annotations

import bidi
import pytest

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction, MemberRole
from exchange_desk.domain.protocol import best_name, passport_name, title_in
from exchange_desk.domain.records import Delegation
from exchange_desk.domain.reports import Chapter, Paragraph, Report, Subheading, Table
from exchange_desk.i18n.document_language import document_language
from exchange_desk.services import reports, visits
from exchange_desk.services.records import ListQuery, create, list_records
from exchange_desk.services.report_output import report_pdf
from exchange_desk.services.reports import brief
from exchange_desk.storage.database import Database
from pdf_checks import page_lines
from visit_data import make_visit

LANGUAGES = ("zh", "en", "he")
MEMBERS_TITLE = "Members of the delegation"


def shown(text: str, language: str) -> str:
    """A text as it reads on paper, left to right."""
    return bidi.get_display(text, base_dir="R") if language == "he" else text


def lines_of(report: Report) -> list[str]:
    return [line for page in page_lines(report_pdf(report)) for line in page]


def told_delegations(database: Database) -> dict[Direction, int]:
    """The demo's two visits told in full, by direction."""
    ids = {
        row.record.delegation_id
        for row in list_records(database, "delegation_members", ListQuery()).rows
    }
    found = {}
    for delegation_id in ids:
        told = visits.visit(database, delegation_id)
        found[told.delegation.direction] = delegation_id
    return found


def chapter(report: Report, title: str) -> Chapter:
    (found,) = [c for c in report.chapters if c.title == title]
    return found


def english_titles(report: Report) -> list[str]:
    return [c.title for c in report.chapters]


def after(lines: list[str], heading: str) -> list[str]:
    """The lines from the first that holds `heading` on."""
    start = next(i for i, line in enumerate(lines) if heading in line)
    return lines[start:]


def check_members_in_order(database: Database, delegation_id: int, language: str) -> None:
    told = visits.visit(database, delegation_id)
    w = document_language(language)
    report = reports.delegation_brief(database, delegation_id, language)
    lines = lines_of(report)
    heading = shown(w.gettext(MEMBERS_TITLE), language)
    members_on = after(lines, heading)
    positions = []
    for member in told.members:
        name = shown(best_name(member.person, language), language)
        positions.append(next(i for i, line in enumerate(members_on) if name in line))
    # Precedence: head, deputy head, members by rank, interpreter, staff.
    assert positions == sorted(positions), [m.person.name for m in told.members]
    roles = [m.member.role for m in told.members]
    assert roles[0] is MemberRole.HEAD
    assert roles[1] is MemberRole.DEPUTY_HEAD
    # The table says the same, cell by cell.
    table = next(
        b for b in chapter(report, w.gettext(MEMBERS_TITLE)).blocks if isinstance(b, Table)
    )
    assert len(table.rows) == len(told.members)
    for row, member in zip(table.rows, told.members, strict=True):
        assert row[0].startswith(best_name(member.person, language))
        name, latin = best_name(member.person, language), passport_name(member.person)
        if sorted(name.casefold().split()) != sorted(latin.casefold().split()):
            # Another script: the name as in the passport beside it.
            assert latin in row[0]
        else:  # Ronen Dagan is not followed by (DAGAN Ronen)
            assert "(" not in row[0]
            assert "（" not in row[0]
        assert row[1] == w.label(member.member.role)
        assert row[2].startswith(title_in(member.person, language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_demo_visits_list_their_members_in_precedence_order(
    demo_db: Database, language: str
) -> None:
    for delegation_id in told_delegations(demo_db).values():
        check_members_in_order(demo_db, delegation_id, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shared_visit_lists_its_members_in_precedence_order(
    sqlite_db: Database, language: str
) -> None:
    ids = make_visit(sqlite_db)
    told = visits.visit(sqlite_db, ids.delegation)
    assert tuple(m.person.id for m in told.members) == ids.members
    check_members_in_order(sqlite_db, ids.delegation, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_programme_day_by_day(demo_db: Database, language: str) -> None:
    w = document_language(language)
    for delegation_id in told_delegations(demo_db).values():
        told = visits.visit(demo_db, delegation_id)
        assert len(told.days) == 2
        report = reports.delegation_brief(demo_db, delegation_id, language)
        programme = chapter(report, w.gettext("Programme"))
        headings = [b.text for b in programme.blocks if isinstance(b, Subheading)]
        assert headings == [w.long_date(day) for day in told.days]
        lines = lines_of(report)
        on = after(lines, shown(w.gettext("Programme"), language))
        for day in told.days:
            assert any(shown(w.long_date(day), language) in line for line in on), day
        for entry in told.programme:
            item = entry.item
            activity = {"en": item.activity_en, "zh": item.activity_zh, "he": item.activity_he}
            # The start of the activity in the brief's language: a cell may wrap.
            start = " ".join(activity[language].split()[:2])[:10]
            assert any(shown(start, language) in line for line in on), start
            assert any(item.starts_at is not None and item.starts_at in line for line in on), (
                item.starts_at
            )
            assert entry.host is not None
            host = shown(best_name(entry.host, language), language)
            assert any(host in line for line in on), host


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_passport_data_in_the_brief(demo_db: Database, language: str) -> None:
    w = document_language(language)
    checked = 0
    for delegation_id in told_delegations(demo_db).values():
        told = visits.visit(demo_db, delegation_id)
        text = "\n".join(lines_of(reports.delegation_brief(demo_db, delegation_id, language)))
        for member in told.members:
            person = member.person
            assert person.passport_number.startswith("S0")
            assert person.passport_number not in text
            assert person.date_of_birth is not None
            born = person.date_of_birth
            for form in (born.isoformat(), shown(w.long_date(born), language), str(born.year)):
                assert form not in text, (person.name, form)
            checked += 1
    assert checked == 13


def test_the_shared_visits_passports_are_not_printed(sqlite_db: Database) -> None:
    ids = make_visit(sqlite_db)
    for language in LANGUAGES:
        text = "\n".join(lines_of(reports.delegation_brief(sqlite_db, ids.delegation, language)))
        for number in ("31234567", "32345678", "33456789", "E12345678"):
            assert number not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_leader_is_the_head_in_the_briefs_script(demo_db: Database, language: str) -> None:
    w = document_language(language)
    for delegation_id in told_delegations(demo_db).values():
        told = visits.visit(demo_db, delegation_id)
        assert told.head is not None
        report = reports.delegation_brief(demo_db, delegation_id, language)
        facts = dict(report.chapters[0].blocks[1].pairs)  # type: ignore[union-attr]
        assert facts[w.gettext("Leader")] == best_name(told.head.person, language)
        assert facts[w.gettext("Members")] == w.number(len(told.members))


def test_sections_follow_the_visit_and_a_sheet_without_members_is_as_before(
    demo_db: Database,
) -> None:
    told = told_delegations(demo_db)
    full = reports.delegation_brief(demo_db, told[Direction.INCOMING], "en")
    assert english_titles(full) == [
        "The visit",
        MEMBERS_TITLE,
        "Programme",
        "Organizations",
        "The partner city",
        "Previous exchanges with Kfar Saba",
    ]
    members = chapter(full, MEMBERS_TITLE).blocks[0]
    assert isinstance(members, Table)
    assert members.columns == ("Name", "Role in the delegation", "Position", "Organization")
    # Sample members and items are marked and grey, as every sample row of a report.
    assert members.muted == frozenset(range(len(members.rows)))
    assert all(row[0].endswith(" *") for row in members.rows)
    kfar_saba = visits.visit(demo_db, told[Direction.INCOMING]).city.id
    bare = next(
        row.record.id
        for row in list_records(
            demo_db, "delegations", ListQuery(filters={"city_id": kfar_saba})
        ).rows
        if row.record.id not in told.values()
    )
    assert english_titles(reports.delegation_brief(demo_db, bare, "en")) == [
        "The visit",
        "Organizations",
        "The partner city",
        "Previous exchanges with Kfar Saba",
    ]


def test_gifts_appear_only_when_there_are_some(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    delegation_id = told_delegations(demo_db)[Direction.OUTGOING]
    assert brief.gift_blocks(demo_db, document_language("en"), delegation_id) == ()
    assert "Gifts" not in english_titles(reports.delegation_brief(demo_db, delegation_id, "en"))
    given = (Paragraph("A celadon vase from the Mayor of Jinan."),)
    monkeypatch.setattr(brief, "gift_blocks", lambda *_args: given)
    report = reports.delegation_brief(demo_db, delegation_id, "en")
    titles = english_titles(report)
    assert titles.index("Gifts") == titles.index("Programme") + 1
    assert chapter(report, "Gifts").blocks == given
    assert any("celadon vase" in line for line in lines_of(report))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_busy_partners_full_brief_stays_within_two_pages(
    demo_db: Database, language: str
) -> None:
    told = told_delegations(demo_db)
    kfar_saba = visits.visit(demo_db, told[Direction.INCOMING]).city.id
    assert kfar_saba is not None
    for index in range(40):
        create(
            demo_db,
            Delegation(
                direction=Direction.INCOMING,
                city_id=kfar_saba,
                start_date=PartialDate(2000 + index % 18, 1 + index % 12, 1 + index % 28),
                members=index,
                purpose="文化、教育和经贸交流，洽谈友好学校结对与技术合作项目" * (1 + index % 3),
            ),
        )
    for delegation_id in told.values():
        report = reports.delegation_brief(demo_db, delegation_id, language)
        assert len(page_lines(report_pdf(report))) <= brief.MAX_PAGES
        previous = next(b for b in report.chapters[-1].blocks if isinstance(b, Table))
        assert brief.MIN_PREVIOUS_EXCHANGES <= len(previous.rows) < brief.MAX_PREVIOUS_EXCHANGES


def test_the_demo_brief_keeps_what_room_allows(demo_db: Database) -> None:
    """Fitted to the sheet, not cut to the minimum: more earlier exchanges than the least."""
    delegation_id = told_delegations(demo_db)[Direction.INCOMING]
    report = reports.delegation_brief(demo_db, delegation_id, "en")
    previous = next(b for b in report.chapters[-1].blocks if isinstance(b, Table))
    assert len(previous.rows) > brief.MIN_PREVIOUS_EXCHANGES
    assert len(page_lines(report_pdf(report))) == 2
