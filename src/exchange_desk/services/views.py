"""A list as it is shown: the rows, columns and values of a tab after its filters, search and
sort, in one language, ready to be written to a sheet, a CSV file or a printed list.

The window builds it from what its table shows (`view_of` with the rows and columns in their
on-screen order); the command line from a tab with a year and a search (`tab_view`). Both
then hand it to the same writers (`services.spreadsheets`, `documents.list_pdf`), so the
file is the list the user sees.

Values keep their type, so a sheet gets real dates and numbers: names, kinds and countries
are text in the view's language; a date is a `PartialDate`; numbers and years are numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from exchange_desk.domain.countries import country_name
from exchange_desk.domain.dates import PartialDate
from exchange_desk.i18n.catalog import translator
from exchange_desk.i18n.languages import find_language
from exchange_desk.services.tables import RecordTable, load_table, tab_spec, tab_specs

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

Cell = str | int | float | PartialDate | None


@dataclass(frozen=True, slots=True)
class ViewColumn:
    """A column as shown: its header in the view's language and what it shows (`text`,
    `names`, `date`, `number`, `year`, `enum`, `country`; see `tables.TableColumn`)."""

    header: str
    shows: str

    @property
    def numeric(self) -> bool:
        return self.shows in ("number", "year")


@dataclass(frozen=True, slots=True)
class ListedView:
    """What a tab shows, in one language."""

    kind: str  # the kind of record listed
    tab: str  # the tab's key
    title: str  # the tab's title in `language`
    language: str  # a language code ("zh_CN", "en", "he")
    columns: tuple[ViewColumn, ...]
    rows: Sequence[tuple[Cell, ...]]
    sample: Sequence[bool]  # per row: an invented record of the demo data
    ids: Sequence[int] = ()  # per row: the record's id
    # What narrowed the list, in `language` ("Year: 2018", "Search: Augsburg"); empty if all.
    conditions: tuple[str, ...] = field(default=())

    @property
    def right_to_left(self) -> bool:
        language = find_language(self.language)
        return bool(language and language.is_rtl)

    def __len__(self) -> int:
        return len(self.rows)


def _cell(shows: str, value: Any, language: str, gettext: Any, locale: str) -> Cell:
    if value is None or value == "":
        return None
    if shows == "names":
        return str(value.best(language)) or None
    if shows == "date":
        return PartialDate.parse(str(value))
    if shows in ("number", "year"):
        return value if isinstance(value, int | float) else None
    if shows == "enum":
        return str(value.label_in(gettext))
    if shows == "country":
        return country_name(str(value), locale)
    return str(value)


def view_of(
    table: RecordTable,
    rows: Sequence[int],
    columns: Sequence[int],
    *,
    language: str,
    conditions: tuple[str, ...] = (),
) -> ListedView:
    """The `rows` (row numbers of `table`, in the order shown) and `columns` (column numbers,
    in the order shown) of a loaded tab, in `language`."""
    found = find_language(language)
    if found is None:
        raise ValueError(language)
    gettext = translator(found.code).gettext
    locale = found.babel_locale
    spec = tab_spec(table.tab)
    shown = [table.columns[c] for c in columns]
    data = [table.data[c] for c in columns]
    cells = [
        tuple(
            _cell(column.shows, values[row], found.code, gettext, locale)
            for column, values in zip(shown, data, strict=True)
        )
        for row in rows
    ]
    return ListedView(
        kind=table.kind,
        tab=table.tab,
        title=gettext(spec.title),
        language=found.code,
        columns=tuple(ViewColumn(gettext(column.header), column.shows) for column in shown),
        rows=cells,
        sample=[table.sample[row] for row in rows],
        ids=[table.ids[row] for row in rows],
        conditions=conditions,
    )


def tab_for(name: str) -> str:
    """The tab a command-line name means: a tab's key, its CLI name or its kind's name
    (`cities` is the partner cities' tab); KeyError if none."""
    for spec in tab_specs():
        if name in (spec.key, spec.cli_name, spec.kind):
            return spec.key
    raise KeyError(name)


def tab_view(
    database: Database,
    tab: str,
    *,
    language: str,
    year: int | None = None,
    search: str = "",
) -> ListedView:
    """A tab's records in its own order, narrowed to `year` and `search` as the window's
    year filter and search field narrow them: the command line's export."""
    found = find_language(language)
    if found is None:
        raise ValueError(language)
    gettext = translator(found.code).gettext
    table = load_table(database, tab)
    filters: dict[str, Any] = {}
    conditions: list[str] = []
    if year is not None:
        if "year" not in table.facet_values:
            raise KeyError("year")
        filters["year"] = year
        conditions.append(gettext("Year: {year}").format(year=year))
    if search.strip():
        conditions.append(gettext("Search: {text}").format(text=search.strip()))
    rows = table.matching(range(len(table)), search, filters)
    return view_of(
        table,
        rows,
        range(len(table.columns)),
        language=found.code,
        conditions=tuple(conditions),
    )
