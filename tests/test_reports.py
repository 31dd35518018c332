"""The data of the three reports (`services.reports`): the annual report's figures against
independent counts of the services, in Chinese, English and Hebrew; next year's anniversaries;
an empty year; the rules behind the figures (partners at the end of a year, awards received
and given); the partner city's dossier and the delegation's brief; refused input.

The figures are checked against other services (`statistics`, `list_records`), never against
the helpers that made them. `test_reports_on_both_backends` runs on PostgreSQL too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import TypeVar

import pytest

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    DelegationStatus,
    Direction,
    PartnershipStatus,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.domain.errors import InvalidInput, NotFound
from exchange_desk.domain.records import Award, City, Delegation
from exchange_desk.domain.reports import (
    Chapter,
    Chart,
    Facts,
    Figures,
    KeyFigure,
    Paragraph,
    Report,
    Subheading,
    Table,
)
from exchange_desk.i18n.catalog import active_language, translator
from exchange_desk.services import reports
from exchange_desk.services.demo import add_scale_load, fill_demo
from exchange_desk.services.office import office_profile
from exchange_desk.services.records import ListQuery, create, list_records, update
from exchange_desk.services.statistics import anniversaries, statistics
from exchange_desk.storage.database import Database

LANGUAGES = ("zh", "en", "he")
KFAR_SABA = {"zh": "克法尔萨巴", "en": "Kfar Saba", "he": "כפר סבא"}
# The key figures in the order the report gives them.
FIGURES = (
    "sister_cities",
    "friendly_cities",
    "new_partnerships",
    "sent",
    "received",
    "members_sent",
    "members_received",
    "events",
    "agreements_signed",
    "agreements_expiring",
    "awards_received",
    "awards_given",
)
B = TypeVar("B")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_HEBREW = re.compile(r"[\u0590-\u05ff]")


# --- helpers -------------------------------------------------------------------------------


def _blocks(report: Report, kind: type[B]) -> list[B]:
    return [
        block for chapter in report.chapters for block in chapter.blocks if isinstance(block, kind)
    ]


def _figures(report: Report) -> dict[str, KeyFigure]:
    (figures,) = _blocks(report, Figures)
    assert len(figures.figures) == len(FIGURES)
    return dict(zip(FIGURES, figures.figures, strict=True))


def _texts(chapter: Chapter) -> Iterator[str]:
    """Every text of a chapter: its title, paragraphs, facts, cells, chart labels."""
    yield chapter.title
    for block in chapter.blocks:
        if isinstance(block, Paragraph | Subheading):
            yield block.text
        elif isinstance(block, Facts):
            for label, value in block.pairs:
                yield label
                yield value
        elif isinstance(block, Figures):
            yield from block.columns
            yield from (figure.label for figure in block.figures)
        elif isinstance(block, Chart):
            yield block.title
            yield block.empty_text
            yield from block.categories
            yield from (name for name, _values in block.series)
        elif isinstance(block, Table):
            yield from block.columns
            yield block.empty_text
            for row in block.rows:
                yield from row


def _labels(report: Report) -> list[str]:
    """The report's own words (not data): titles, column titles, labels, empty texts."""
    found = [report.contents_title, report.page_label]
    for chapter in report.chapters:
        found.append(chapter.title)
        for block in chapter.blocks:
            if isinstance(block, Facts):
                found.extend(label for label, _value in block.pairs)
            elif isinstance(block, Figures):
                found.extend(c for c in block.columns if not c.isdigit())
                found.extend(figure.label for figure in block.figures)
            elif isinstance(block, Chart):
                found.extend((block.title, block.empty_text))
                found.extend(name for name, _values in block.series)
            elif isinstance(block, Table):
                found.extend(block.columns)
                found.append(block.empty_text)
    return [text for text in found if text]


def _check_well_formed(report: Report) -> None:
    """Everything the layout needs is there, and every shape fits."""
    for text in (
        report.title,
        report.subtitle,
        report.office,
        report.home_city,
        report.date_line,
        report.header,
        report.contents_title,
    ):
        assert text.strip(), report
    assert "{page}" in report.page_label
    assert "{pages}" in report.page_label
    assert report.chapters
    for chapter in report.chapters:
        assert chapter.title.strip()
        for block in chapter.blocks:
            if isinstance(block, Table):
                assert all(column.strip() for column in block.columns)
                assert all(len(row) == len(block.columns) for row in block.rows)
                assert not block.widths or len(block.widths) == len(block.columns)
                assert all(0 <= index < len(block.columns) for index in block.numeric)
                if not block.rows:
                    assert block.empty_text.strip()
            elif isinstance(block, Chart):
                assert block.title.strip()
                assert block.empty_text.strip()
                for name, values in block.series:
                    assert name.strip()
                    assert len(values) == len(block.categories)
                    assert all(value >= 0 for value in values)
            elif isinstance(block, Facts):
                assert all(label.strip() and value.strip() for label, value in block.pairs)
            elif isinstance(block, Figures):
                assert all(column.strip() for column in block.columns)
            elif isinstance(block, Paragraph | Subheading):
                assert block.text.strip()
        for text in _texts(chapter):
            # A placeholder left unformatted would print as "{count}".
            assert not re.search(r"\{[a-z_]*\}", text), (chapter.title, text)


def _check_language(report: Report, english: Report) -> None:
    """A Chinese or Hebrew report speaks its language: none of its own words are English."""
    script = _CJK if report.language == "zh" else _HEBREW
    own = _labels(report)
    assert len(own) == len(_labels(english))
    for text, source in zip(own, _labels(english), strict=True):
        assert text != source or not re.search("[A-Za-z]", source), (report.language, text)
        assert script.search(text), (report.language, text)
    assert script.search(report.title)
    assert script.search(report.date_line)


def _kfar_saba(database: Database) -> int:
    (row,) = list_records(database, "cities", ListQuery(search="Kfar Saba")).rows
    city_id = row.record.id
    assert isinstance(city_id, int)
    return city_id


def _expected_figures(database: Database, year: int) -> dict[str, int]:
    """The annual figures, counted with the list and statistics services."""
    figures = statistics(database)
    delegations = [
        row.record
        for row in list_records(database, "delegations", ListQuery(year=year)).rows
        if row.record.status is not DelegationStatus.CANCELLED
    ]
    partnerships = [row.record for row in list_records(database, "partnerships").rows]
    at_end = [
        p
        for p in partnerships
        if p.established is not None
        and p.established.year <= year
        and (p.ended.year > year if p.ended else p.status is not PartnershipStatus.ENDED)
    ]
    agreements = [row.record for row in list_records(database, "agreements").rows]
    awards = [row.record for row in list_records(database, "awards", ListQuery(year=year)).rows]
    home = office_profile(database).home_city_id
    home_organizations = {
        row.record.id
        for row in list_records(
            database, "organizations", ListQuery(filters={"city_id": home})
        ).rows
    }
    received = [
        a
        for a in awards
        if a.recipient_city_id == home or a.recipient_organization_id in home_organizations
    ]
    sent = [d for d in delegations if d.direction is Direction.OUTGOING]
    came = [d for d in delegations if d.direction is Direction.INCOMING]
    return {
        "sister_cities": sum(1 for p in at_end if p.tier is PartnershipTier.SISTER_CITY),
        "friendly_cities": sum(
            1 for p in at_end if p.tier is PartnershipTier.FRIENDLY_COOPERATIVE_CITY
        ),
        "new_partnerships": list_records(database, "partnerships", ListQuery(year=year)).total,
        "sent": len(sent),
        "received": len(came),
        "members_sent": sum(d.members or 0 for d in sent),
        "members_received": sum(d.members or 0 for d in came),
        "events": figures.events_by_year.get(year, 0),
        "agreements_signed": list_records(database, "agreements", ListQuery(year=year)).total,
        "agreements_expiring": sum(
            1 for a in agreements if a.expires_on is not None and a.expires_on.year == year
        ),
        "awards_received": len(received),
        "awards_given": figures.awards_by_year.get(year, 0) - len(received),
    }


# --- the translation plumbing --------------------------------------------------------------


def test_a_translator_speaks_its_language_whatever_the_window_speaks() -> None:
    assert translator("zh").gettext("sister city") == "友好城市"
    assert translator("zh_CN") is translator("zh")
    assert translator("he").gettext("sister city") == "עיר תאומה"
    assert translator("en").gettext("sister city") == "sister city"
    assert translator("he").ngettext("delegation", "delegations", 2) == "משלחות"
    assert PartnershipTier.SISTER_CITY.label_in(translator("he").gettext) == "עיר תאומה"
    assert active_language() == "en"
    assert PartnershipTier.SISTER_CITY.label == "sister city"
    with pytest.raises(ValueError, match="fr"):
        translator("fr")


# --- the annual report ---------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_2018_key_figures_equal_the_services(demo_db: Database, language: str) -> None:
    report = reports.annual_report(demo_db, 2018, language)
    figures = _figures(report)
    now = _expected_figures(demo_db, 2018)
    before = _expected_figures(demo_db, 2017)
    assert {name: f.value for name, f in figures.items()} == now
    assert {name: f.previous for name, f in figures.items()} == before
    # The seed's facts: 25 sister cities and 45 more friendly cooperative cities in 2018;
    # Jinan rewarded in October, Kfar Saba (for which Jinan is the nominator) in November.
    assert (now["sister_cities"], now["friendly_cities"]) == (25, 45)
    # The demo adds sample honours of its own: two received and two given.
    assert (now["awards_received"], now["awards_given"]) == (3, 3)
    stats = statistics(demo_db)
    assert now["sent"] == stats.delegations_by_year[2018][Direction.OUTGOING]
    assert now["received"] == stats.delegations_by_year[2018][Direction.INCOMING]
    (figures_block,) = _blocks(report, Figures)
    assert figures_block.columns[1:3] == ("2018", "2017")
    assert report.language == language
    assert report.rtl is (language == "he")
    _check_well_formed(report)


def test_the_charts_count_the_years_records(demo_db: Database) -> None:
    report = reports.annual_report(demo_db, 2018, "en")
    month, country, area = _blocks(report, Chart)
    delegations = [
        row.record for row in list_records(demo_db, "delegations", ListQuery(year=2018)).rows
    ]
    for name, direction in (("Sent", Direction.OUTGOING), ("Received", Direction.INCOMING)):
        expected = tuple(
            sum(
                1
                for d in delegations
                if d.direction is direction and d.start_date and d.start_date.month == number
            )
            for number in range(1, 13)
        )
        assert dict(month.series)[name] == expected
    assert month.categories[0] == "Jan"
    # Partners at the end of 2018 by continent: all 70, most of them in Asia and Europe.
    assert sum(sum(values) for _name, values in country.series) == 70
    assert set(country.categories) <= {"Asia", "Europe", "Africa", "Americas", "Oceania"}
    assert country.categories[0] in {"Asia", "Europe"}
    assert country.title == "Partner cities by continent at the end of 2018"
    # Delegations under the areas of cooperation of their partner city's partnership.
    partnerships = {
        row.record.city_id: row.record for row in list_records(demo_db, "partnerships").rows
    }
    expected_areas = Counter(
        value.label for d in delegations for value in partnerships[d.city_id].areas
    )
    assert dict(zip(area.categories, dict(area.series)["Delegations"], strict=True)) == dict(
        expected_areas
    )


@pytest.mark.parametrize("language", ["zh", "he"])
def test_the_report_speaks_its_own_language(demo_db: Database, language: str) -> None:
    english = reports.annual_report(demo_db, 2018, "en")
    report = reports.annual_report(demo_db, 2018, language)
    _check_language(report, english)
    # The data is named in the report's language too: partners, countries, months.
    assert KFAR_SABA[language] in {s.text for s in _blocks(report, Subheading)}
    charts = _blocks(report, Chart)
    assert all(_CJK.search(c) or _HEBREW.search(c) for c in charts[0].categories)
    # The window's language is left alone.
    assert active_language() == "en"


def test_the_same_numbers_in_every_language(demo_db: Database) -> None:
    made = {language: reports.annual_report(demo_db, 2018, language) for language in LANGUAGES}

    def numbers(report: Report) -> tuple[object, ...]:
        figures = [(f.value, f.previous) for f in _figures(report).values()]
        charts = [[values for _name, values in chart.series] for chart in _blocks(report, Chart)]
        tables = [len(table.rows) for table in _blocks(report, Table)]
        return figures, charts, tables

    assert numbers(made["zh"]) == numbers(made["en"]) == numbers(made["he"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_2018_report_names_kfar_sabas_10th_anniversary_in_2019(
    demo_db: Database, language: str
) -> None:
    report = reports.annual_report(demo_db, 2018, language)
    (chapter,) = [c for c in report.chapters if "2019" in c.title]
    (lead,) = [b.text for b in chapter.blocks if isinstance(b, Paragraph)]
    assert "2019" in lead
    # A table (partner, country, tier, since, years), not a sentence per partnership.
    (table,) = [b for b in chapter.blocks if isinstance(b, Table)]
    assert len(table.columns) == 5
    assert table.rows[0][0] == KFAR_SABA[language]  # facts before sample records
    assert table.rows[0][3:] == ("2009", "10")
    assert len(table.rows) == len(anniversaries(demo_db, 2019))
    for index, row in enumerate(table.rows):
        assert row[0].endswith(" *") == (index in table.muted)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_empty_year_gives_a_short_correct_report(demo_db: Database, language: str) -> None:
    report = reports.annual_report(demo_db, 1950, language)
    assert all(f.value == 0 and f.previous == 0 for f in _figures(report).values())
    charts = _blocks(report, Chart)
    assert len(charts) == 3
    assert all(not chart.categories and chart.empty_text for chart in charts)
    tables = _blocks(report, Table)
    assert tables
    assert all(not table.rows and table.empty_text for table in tables)
    partners = report.chapters[2]
    assert [type(block) for block in partners.blocks] == [Paragraph]
    _check_well_formed(report)


def test_partners_are_counted_as_they_stood_at_the_end_of_the_year(demo_db: Database) -> None:
    def counts(year: int) -> tuple[int, int]:
        figures = _figures(reports.annual_report(demo_db, year, "en"))
        return figures["sister_cities"].value, figures["friendly_cities"].value

    assert counts(2018) == (25, 45)
    friendly = next(
        row.record
        for row in list_records(
            demo_db, "partnerships", ListQuery(filters={"tier": "friendly_cooperative_city"})
        ).rows
        if row.record.established and row.record.established.year < 2015
    )
    # Upgraded in 2019: a friendly cooperative city at the end of 2018, a sister city in 2019.
    update(
        demo_db,
        replace(friendly, tier=PartnershipTier.SISTER_CITY),
        tier_changed_on=PartialDate(2019, 5),
    )
    assert counts(2018) == (25, 45)
    assert counts(2019) == (26, 44)
    # Ended in 2018: no longer a partner at the end of 2018, still one at the end of 2017.
    kfar_saba = next(
        row.record
        for row in list_records(
            demo_db, "partnerships", ListQuery(filters={"city_id": _kfar_saba(demo_db)})
        ).rows
    )
    before = counts(2017)
    update(demo_db, replace(kfar_saba, status=PartnershipStatus.ENDED, ended=PartialDate(2018, 6)))
    assert counts(2018) == (24, 45)
    assert counts(2017) == before


def test_awards_to_the_home_citys_organizations_are_received(demo_db: Database) -> None:
    school = next(
        row.record
        for row in list_records(demo_db, "organizations", ListQuery(search="Yuying")).rows
    )
    before = _figures(reports.annual_report(demo_db, 2018, "en"))
    create(
        demo_db,
        Award(
            title_en="Friendship school award",
            awarded_on=PartialDate(2018, 12),
            recipient_kind=RecipientKind.ORGANIZATION,
            recipient_organization_id=school.id,
        ),
    )
    figures = _figures(reports.annual_report(demo_db, 2018, "en"))
    assert figures["awards_received"].value == before["awards_received"].value + 1
    assert figures["awards_given"].value == before["awards_given"].value
    assert figures["awards_received"].value == _expected_figures(demo_db, 2018)["awards_received"]


def test_cancelled_delegations_count_nowhere(demo_db: Database) -> None:
    before = _figures(reports.annual_report(demo_db, 2018, "en"))
    create(
        demo_db,
        Delegation(
            direction=Direction.OUTGOING,
            city_id=_kfar_saba(demo_db),
            start_date=PartialDate(2018, 3, 1),
            members=9,
            status=DelegationStatus.CANCELLED,
        ),
    )
    report = reports.annual_report(demo_db, 2018, "en")
    assert _figures(report) == before
    delegations = next(c for c in report.chapters if c.title == "Delegations")
    table = next(b for b in delegations.blocks if isinstance(b, Table))
    assert len(table.rows) == before["sent"].value + before["received"].value


def test_the_year_of_a_busy_database_names_the_busiest_partners_only(demo_db: Database) -> None:
    add_scale_load(demo_db, 10_000)
    stages: list[str] = []
    report = reports.annual_report(demo_db, 2015, "en", progress=stages.append)
    assert len(stages) >= 3
    assert all(stages)
    partners = report.chapters[2]
    headings = [b for b in partners.blocks if isinstance(b, Subheading)]
    assert len(headings) == reports.MAX_PARTNER_SECTIONS
    last = [b for b in partners.blocks if isinstance(b, Paragraph)][-1]
    assert "more partner cities" in last.text
    # The busiest first: no partner section has fewer exchanges than the one after it.
    sizes = [b.rows for b in partners.blocks if isinstance(b, Table)]
    assert [len(rows) for rows in sizes] == sorted((len(rows) for rows in sizes), reverse=True)
    figures = _figures(report)
    assert {name: f.value for name, f in figures.items()} == _expected_figures(demo_db, 2015)
    (_country, area_chart) = [c for c in _blocks(report, Chart) if c.horizontal]
    assert 1 <= len(_country.categories) <= 6  # the continents, and "Other" if need be
    assert area_chart.title
    _check_well_formed(report)


def test_a_progress_callback_can_cancel(demo_db: Database) -> None:
    class Cancelled(Exception):
        pass

    def cancel(_message: str) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        reports.annual_report(demo_db, 2018, "en", progress=cancel)
    with pytest.raises(Cancelled):
        reports.city_dossier(demo_db, _kfar_saba(demo_db), "en", progress=cancel)


# --- the partner city's dossier ------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dossier_of_kfar_saba(demo_db: Database, language: str) -> None:
    city_id = _kfar_saba(demo_db)
    report = reports.city_dossier(demo_db, city_id, language)
    assert KFAR_SABA[language] in report.title
    titles = [c.title for c in report.chapters]
    assert len(titles) == 7
    delegations = list_records(demo_db, "delegations", ListQuery(filters={"city_id": city_id}))
    facts, table = report.chapters[1].blocks[:2]
    assert isinstance(table, Table)
    assert isinstance(facts, Facts)
    assert len(table.rows) == delegations.total > 20
    sent = sum(1 for r in delegations.rows if r.record.direction is Direction.OUTGOING)
    assert [value for _label, value in facts.pairs] == [
        str(sent),
        str(delegations.total - sent),
    ]
    events = {
        row.record.id
        for column in ("city_id", "partner_city_id")
        for row in list_records(demo_db, "events", ListQuery(filters={column: city_id})).rows
    }
    (events_table,) = report.chapters[2].blocks
    assert isinstance(events_table, Table)
    assert len(events_table.rows) == len(events) == 4
    (agreements_table,) = report.chapters[3].blocks
    assert isinstance(agreements_table, Table)
    assert len(agreements_table.rows) == 2
    awards_table = next(b for b in report.chapters[4].blocks if isinstance(b, Table))
    # The conference's award, and the demo's sample honours of Kfar Saba, marked as such.
    assert len(awards_table.rows) >= 1
    for index, row in enumerate(awards_table.rows):
        assert row[1].endswith(" *") == (index in awards_table.muted)
    contacts = report.chapters[5]
    organizations = next(b for b in contacts.blocks if isinstance(b, Table))
    assert len(organizations.rows) == 4  # the municipality, its two divisions, the choir
    (anniversary,) = report.chapters[6].blocks
    assert isinstance(anniversary, Paragraph)
    assert KFAR_SABA[language] in anniversary.text
    _check_well_formed(report)
    if language != "en":
        _check_language(report, reports.city_dossier(demo_db, city_id, "en"))


def test_a_city_without_partnership_has_a_dossier(demo_db: Database) -> None:
    city = create(demo_db, City(name_en="Lonely Town", name_he="עיר בודדה", country="FR"))
    assert city.id is not None
    report = reports.city_dossier(demo_db, city.id, "he")
    assert "עיר בודדה" in report.title
    assert report.subtitle == "צרפת"
    relationship = report.chapters[0]
    assert any(isinstance(b, Paragraph) and "עיר בודדה" in b.text for b in relationship.blocks)
    tables = [b for c in report.chapters for b in c.blocks if isinstance(b, Table)]
    assert all(not t.rows and t.empty_text for t in tables)


# --- the delegation's brief ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_brief_of_a_delegation(demo_db: Database, language: str) -> None:
    city_id = _kfar_saba(demo_db)
    delegations = [
        row.record
        for row in list_records(
            demo_db, "delegations", ListQuery(filters={"city_id": city_id})
        ).rows
    ]
    visit = next(d for d in delegations if len(d.organization_ids) == 2)  # Sinotruk and the zone
    assert visit.id is not None
    assert visit.start_date is not None
    report = reports.delegation_brief(demo_db, visit.id, language)
    assert KFAR_SABA[language] in report.title
    assert str(visit.start_date.year) in report.title
    facts = next(b for b in report.chapters[0].blocks if isinstance(b, Facts))
    assert str(visit.members) in dict(facts.pairs).values()
    organizations = next(b for b in report.chapters[1].blocks if isinstance(b, Table))
    assert len(organizations.rows) == 2
    previous = next(b for b in report.chapters[3].blocks if isinstance(b, Table))
    earlier = [
        d
        for d in delegations
        if d.id != visit.id
        and d.start_date is not None
        and d.start_date.isoformat() < visit.start_date.isoformat()
    ]
    assert len(previous.rows) == min(len(earlier), reports.MAX_PREVIOUS_EXCHANGES)
    assert KFAR_SABA[language] in report.chapters[3].title
    _check_well_formed(report)
    if language != "en":
        _check_language(report, reports.delegation_brief(demo_db, visit.id, "en"))


def test_the_brief_title_says_from_or_to_and_the_month(demo_db: Database) -> None:
    city_id = _kfar_saba(demo_db)
    incoming = create(
        demo_db,
        Delegation(
            direction=Direction.INCOMING,
            city_id=city_id,
            start_date=PartialDate(2015, 3, 12),
            members=5,
        ),
    )
    outgoing = create(demo_db, Delegation(direction=Direction.OUTGOING, city_id=city_id, members=3))
    assert incoming.id is not None
    assert outgoing.id is not None
    assert reports.delegation_brief(demo_db, incoming.id, "en").title == (
        "Delegation from Kfar Saba, March 2015"
    )
    assert reports.delegation_brief(demo_db, outgoing.id, "en").title == "Delegation to Kfar Saba"
    assert "2015" in reports.delegation_brief(demo_db, incoming.id, "zh").title


# --- refused input -------------------------------------------------------------------------


def test_unknown_records_are_not_found(demo_db: Database) -> None:
    with pytest.raises(NotFound):
        reports.city_dossier(demo_db, 999_999, "en")
    with pytest.raises(NotFound):
        reports.delegation_brief(demo_db, 999_999, "en")


def test_an_unknown_language_is_refused(demo_db: Database) -> None:
    for make, record_id in (
        (reports.annual_report, 2018),
        (reports.city_dossier, _kfar_saba(demo_db)),
        (reports.delegation_brief, 1),
    ):
        with pytest.raises(InvalidInput) as refused:
            make(demo_db, record_id, "fr")
        assert refused.value.for_field("language")
    assert reports.REPORT_LANGUAGES == ("zh", "en", "he")
    # The window's code for Chinese is understood too, and gives a "zh" report.
    assert reports.annual_report(demo_db, 2018, "zh_CN").language == "zh"


def test_a_year_out_of_range_is_refused(demo_db: Database) -> None:
    with pytest.raises(InvalidInput) as refused:
        reports.annual_report(demo_db, 99, "en")
    assert refused.value.for_field("year")


# --- both backends -------------------------------------------------------------------------


def test_reports_on_both_backends(db: Database) -> None:
    fill_demo(db)
    report = reports.annual_report(db, 2018, "zh")
    assert {name: f.value for name, f in _figures(report).items()} == _expected_figures(db, 2018)
    assert {name: f.previous for name, f in _figures(report).items()} == _expected_figures(db, 2017)
    charts = _blocks(report, Chart)
    month = charts[0]
    stats = statistics(db).delegations_by_year[2018]
    assert [sum(values) for _name, values in month.series] == [
        stats[Direction.OUTGOING],
        stats[Direction.INCOMING],
    ]
    country = charts[1]
    assert sum(sum(values) for _name, values in country.series) == 70
    _check_well_formed(report)
    city_id = _kfar_saba(db)
    dossier = reports.city_dossier(db, city_id, "he")
    table = dossier.chapters[1].blocks[1]
    assert isinstance(table, Table)
    assert (
        len(table.rows)
        == list_records(db, "delegations", ListQuery(filters={"city_id": city_id})).total
    )
    delegation = list_records(db, "delegations", ListQuery(filters={"city_id": city_id})).rows[-1]
    assert delegation.record.id is not None
    brief = reports.delegation_brief(db, delegation.record.id, "en")
    _check_well_formed(brief)
