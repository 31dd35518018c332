"""The declaration of gifts received in a year, as a report (PDF) and as a sheet (.xlsx), in
Chinese, English or Hebrew.

What is declared is decided by `services.gifts.declarations`: the gifts received in the year
at or above the office profile's threshold (in its currency), per official; those whose
value cannot be compared with the threshold (none estimated, or another currency) are listed
apart; without a threshold every gift received is declared. This module only says it in
the report's language:

- a summary: the threshold, how many gifts were received and are declared, their total
  value and how many are still to be declared, and a line per official;
- a chapter per official: each gift's date, description, giver, occasion, value, what became
  of it and where its declaration stands, and the official's total on a last row;
- the gifts whose value cannot be compared with the threshold.

Values are added up per currency: without a threshold, gifts valued in several currencies
have several totals, never one sum of different money.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import DeclarationStatus
from exchange_desk.domain.reports import Block, Chapter, Facts, Paragraph, Report, Table
from exchange_desk.i18n.catalog import _
from exchange_desk.i18n.document_language import DocumentLanguage
from exchange_desk.i18n.formatting import format_number
from exchange_desk.services.gifts import Declarations, DeclaredGift, OfficialGifts, declarations
from exchange_desk.services.names import Names
from exchange_desk.services.output import DocumentProblem, writable_problem
from exchange_desk.services.reports.annual import _check_year
from exchange_desk.services.reports.shared import (
    Marks,
    Progress,
    make_report,
    muted_rows,
    office_of,
    quiet,
    report_language,
)
from exchange_desk.services.spreadsheets import SheetColumn, SheetTable, write_xlsx
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

__all__ = [
    "gift_declaration",
    "gift_declaration_sheet",
    "write_gift_declaration_sheet",
]


# --- words -----------------------------------------------------------------------------------


def amount(w: DocumentLanguage, value: float, currency: str) -> str:
    """A value with its currency code, as "1,200 CNY" (the digits grouped as the language
    groups them); the code stays the ISO one in every language, as on the forms."""
    number = format_number(value, w.ui)
    return f"{number} {currency}" if currency else number


def totals(w: DocumentLanguage, gifts: Iterable[DeclaredGift]) -> str:
    """The gifts' values added up per currency: "1,200 CNY", or "1,200 CNY + 300 USD";
    "0" when none has a value."""
    per_currency: dict[str, float] = defaultdict(float)
    for gift in gifts:
        if gift.value is not None:
            per_currency[gift.currency] += gift.value
    if not per_currency:
        return format_number(0, w.ui)
    return " + ".join(
        amount(w, total, currency) for currency, total in sorted(per_currency.items())
    )


def official_name(w: DocumentLanguage, official: OfficialGifts) -> str:
    if official.official_id is None:
        return w.gettext("The office itself")
    return w.name(official.official)


def _officials_of(
    database: Database, w: DocumentLanguage, gifts: Sequence[DeclaredGift]
) -> dict[int, str]:
    """Who received each of `gifts` (the declaration lists the gifts it cannot compare
    without their official): the person's name, or the office itself."""
    if not gifts:
        return {}
    gift, person = s.gifts, s.persons
    with database.reading() as session:
        rows = session.execute(
            select(gift.c.id, person.c.name, person.c.name_zh, person.c.name_he)
            .select_from(gift.outerjoin(person, person.c.id == gift.c.official_person_id))
            .where(gift.c.id.in_([g.id for g in gifts]))
        ).all()
    return {
        row.id: w.name(Names.of(row[1:4])) if row.name else w.gettext("The office itself")
        for row in rows
    }


def _giver(w: DocumentLanguage, gift: DeclaredGift) -> str:
    """Who gave it, with their city when that is not the giver itself."""
    giver = w.name(gift.giver)
    city = w.name(gift.giver_city)
    if city and city != giver:
        return w.with_note(giver, city)
    return giver


def _occasion(w: DocumentLanguage, gift: DeclaredGift) -> str:
    event = w.name(gift.event)
    if event:
        return event
    city = w.name(gift.delegation_city)
    return w.gettext("Delegation visit, {city}").format(city=city) if city else ""


def _value(w: DocumentLanguage, gift: DeclaredGift, currency: str | None) -> str:
    """The value, without its currency when the column's title names it (`currency`)."""
    if gift.value is None:
        return w.gettext("not estimated")
    if currency is not None and gift.currency == currency:
        return format_number(gift.value, w.ui)
    return amount(w, gift.value, gift.currency)


def _declaration(w: DocumentLanguage, gift: DeclaredGift) -> str:
    """Where the declaration stands; when made, its date and reference on lines under."""
    when = w.date(PartialDate.from_date(gift.declared_on)) if gift.declared_on else ""
    return "\n".join(part for part in (w.label(gift.status), when, gift.reference) if part)


def _threshold(w: DocumentLanguage, found: Declarations) -> str:
    if found.threshold is None:
        return w.gettext("every gift received")
    return amount(w, found.threshold, found.currency)


# --- the report ------------------------------------------------------------------------------


def _gift_table(
    w: DocumentLanguage,
    gifts: Sequence[DeclaredGift],
    marks: Marks,
    *,
    officials: dict[int, str] | None = None,
    empty_text: str = "",
    total: bool = False,
) -> Table:
    """The gifts as rows; with `officials` (gift id to name) a column says whose each is,
    with `total` a last row adds their values up. When every value is in one currency the
    column's title names it and the cells hold the numbers alone; among the gifts that
    cannot be compared (`officials` given) the currency is what matters, and each cell says
    its own."""
    currencies = {gift.currency for gift in gifts if gift.value is not None}
    currency = currencies.pop() if len(currencies) == 1 and officials is None else None
    value_title = w.gettext("Value")
    if currency:
        value_title = w.with_note(value_title, currency)
    columns = [
        w.gettext("Date"),
        w.gettext("Gift"),
        w.gettext("Giver"),
        w.gettext("Occasion"),
        value_title,
        w.gettext("What became of it"),
        w.gettext("Declaration"),
    ]
    widths = [1.1, 2.6, 2.0, 1.8, 1.1, 1.5, 1.6]
    rows = []
    for gift in gifts:
        row = [
            w.date(gift.given_on),
            marks.sample_row(w.name(gift.description), gift.is_sample),
            _giver(w, gift),
            _occasion(w, gift),
            _value(w, gift, currency),
            w.label(gift.disposition),
            _declaration(w, gift),
        ]
        if officials is not None:
            row.insert(1, officials.get(gift.id, ""))
        rows.append(tuple(row))
    strong: frozenset[int] = frozenset()
    if total and gifts:
        added = (
            format_number(sum(gift.value or 0 for gift in gifts), w.ui)
            if currency
            else totals(w, gifts)
        )
        last = [w.gettext("Total"), "", "", "", added, "", ""]
        if officials is not None:
            last.insert(1, "")
        rows.append(tuple(last))
        strong = frozenset({len(rows) - 1})
    numeric = (4,)
    if officials is not None:
        columns.insert(1, w.gettext("Official"))
        widths.insert(1, 1.6)
        numeric = (5,)
    return Table(
        columns=tuple(columns),
        rows=tuple(rows),
        widths=tuple(widths),
        empty_text=empty_text,
        numeric=numeric,
        muted=muted_rows(gift.is_sample for gift in gifts),
        strong=strong,
    )


def _not_yet_declared(gifts: Iterable[DeclaredGift]) -> int:
    return sum(1 for gift in gifts if gift.status is DeclarationStatus.TO_DECLARE)


def _summary(w: DocumentLanguage, found: Declarations) -> Chapter:
    year = found.year
    listed = [gift for official in found.officials for gift in official.gifts]
    pairs = [
        (w.gettext("Threshold"), _threshold(w, found)),
        (w.gettext("Gifts received in {year}").format(year=year), w.number(found.received)),
        (w.gettext("Gifts to declare"), w.number(found.count)),
        (w.gettext("Total value"), totals(w, listed)),
        (w.gettext("Not yet declared"), w.number(_not_yet_declared(listed))),
    ]
    if found.threshold is not None:
        pairs.append(
            (
                w.gettext("Value cannot be compared with the threshold"),
                w.number(len(found.unvalued)),
            )
        )
    if found.threshold is None:
        rule = w.gettext(
            "No threshold is set in the office profile, so every gift received in {year} is "
            "listed, by the official who received it."
        ).format(year=year)
    else:
        rule = w.gettext(
            "Every gift received in {year} with an estimated value of {threshold} or more is "
            "listed, by the official who received it. Gifts with no estimated value, or "
            "valued in another currency, cannot be compared with the threshold and are "
            "listed at the end."
        ).format(year=year, threshold=_threshold(w, found))
    blocks: list[Block] = [Facts(tuple(pairs)), Paragraph(rule)]
    if not found.officials:
        blocks.append(
            Paragraph(w.gettext("No gift received in {year} is to be declared.").format(year=year))
        )
    else:
        blocks.append(
            Table(
                columns=(
                    w.gettext("Official"),
                    w.gettext("Gifts"),
                    w.gettext("Total value"),
                    w.gettext("Not yet declared"),
                ),
                rows=tuple(
                    (
                        official_name(w, official),
                        w.number(len(official.gifts)),
                        totals(w, official.gifts),
                        w.number(_not_yet_declared(official.gifts)),
                    )
                    for official in found.officials
                ),
                widths=(3.0, 1.0, 1.6, 1.2),
                numeric=(1, 2, 3),
            )
        )
    return Chapter(w.gettext("Summary"), tuple(blocks))


def _official_chapter(w: DocumentLanguage, official: OfficialGifts) -> Chapter:
    marks = Marks()
    table = _gift_table(w, official.gifts, marks, total=True)
    return Chapter(official_name(w, official), (table, *marks.notes(w)))


def _unvalued_chapter(w: DocumentLanguage, found: Declarations, whose: dict[int, str]) -> Chapter:
    marks = Marks()
    table = _gift_table(
        w,
        found.unvalued,
        marks,
        officials=whose,
        empty_text=w.gettext(
            "Every gift received in {year} has an estimated value in {currency}."
        ).format(year=found.year, currency=found.currency),
    )
    lead = Paragraph(
        w.gettext(
            "These gifts have no estimated value, or are valued in another currency than the "
            "threshold's ({currency}): whether they must be declared cannot be told from the "
            "record. Estimate their value in {currency} to decide."
        ).format(currency=found.currency)
    )
    return Chapter(
        w.gettext("Gifts whose value cannot be compared with the threshold"),
        (lead, table, *marks.notes(w)),
    )


def gift_declaration(
    database: Database,
    year: int,
    language: str | DocumentLanguage,
    *,
    progress: Progress | None = None,
) -> Report:
    """The declaration of the gifts received in `year`, in `language` ("zh", "en", "he")."""
    w = report_language(language)
    _check_year(year)
    step = progress or quiet
    step(_("Reading the gifts received…"))
    found = declarations(database, year)
    with database.reading() as session:
        office = office_of(database, session, w)
    chapters = [_summary(w, found)]
    chapters += [_official_chapter(w, official) for official in found.officials]
    if found.threshold is not None:
        whose = _officials_of(database, w, found.unvalued)
        chapters.append(_unvalued_chapter(w, found, whose))
    return make_report(
        w,
        office,
        title=w.gettext("Declaration of gifts received {year}").format(year=year),
        subtitle=w.gettext("Gifts received by the office and its officials"),
        chapters=chapters,
    )


# --- the sheet -------------------------------------------------------------------------------


def gift_declaration_sheet(
    database: Database, year: int, language: str | DocumentLanguage
) -> SheetTable:
    """The declaration as one sheet: a row per gift with its official, values as numbers
    and dates as dates; the gifts whose value cannot be compared with the threshold last,
    saying so."""
    w = report_language(language)
    _check_year(year)
    found = declarations(database, year)
    columns = (
        SheetColumn(w.gettext("Official"), "text"),
        SheetColumn(w.gettext("Date"), "date"),
        SheetColumn(w.gettext("Gift"), "names"),
        SheetColumn(w.gettext("Category"), "enum"),
        SheetColumn(w.gettext("Giver"), "text"),
        SheetColumn(w.gettext("Occasion"), "text"),
        SheetColumn(w.gettext("Value"), "number"),
        SheetColumn(w.gettext("Currency"), "text"),
        SheetColumn(w.gettext("What became of it"), "enum"),
        SheetColumn(w.gettext("Declaration"), "enum"),
        SheetColumn(w.gettext("Declared on"), "date"),
        SheetColumn(w.gettext("Reference"), "text"),
        SheetColumn(w.gettext("Note"), "text"),
    )
    cannot = w.gettext("value cannot be compared with the threshold")
    entries = [
        (official_name(w, official), gift, "")
        for official in found.officials
        for gift in official.gifts
    ]
    whose = _officials_of(database, w, found.unvalued)
    entries += [(whose.get(gift.id, ""), gift, cannot) for gift in found.unvalued]
    rows = [
        (
            name,
            gift.given_on,
            w.name(gift.description),
            w.label(gift.category),
            _giver(w, gift),
            _occasion(w, gift),
            gift.value,
            gift.currency if gift.value is not None else "",
            w.label(gift.disposition),
            w.label(gift.status),
            gift.declared_on,
            gift.reference,
            note,
        )
        for name, gift, note in entries
    ]
    return SheetTable(
        name=w.gettext("Gifts {year}").format(year=year),
        columns=columns,
        rows=rows,
        sample=[gift.is_sample for _name, gift, _note in entries],
        sample_header=w.gettext("Sample"),
        title=w.gettext("Declaration of gifts received {year}").format(year=year),
    )


def write_gift_declaration_sheet(
    database: Database, year: int, language: str | DocumentLanguage, target: Path
) -> Path:
    """Write the declaration's sheet to `target` (".xlsx" added if missing), whole or not
    at all; DocumentProblem when the folder cannot be written."""
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    problem = writable_problem(target)
    if problem:
        raise DocumentProblem(problem)
    w = report_language(language)
    table = gift_declaration_sheet(database, year, w)
    write_xlsx([table], target, right_to_left=w.is_rtl, language=w.ui)
    return target
