"""Documents ▸ Anniversaries…: the partnerships that reach a round anniversary (5, 10, 15 …
years) in a chosen year, as a table: partner city, country, tier, since when, years.

The year is next year until another is chosen (this year's letters are usually written
already). The list is read off the GUI thread (`services.statistics.anniversaries`, a
`QueryOp`) for each year chosen, and again when a change touches partnerships or cities;
headers sort it (years as numbers, "since" by date, names in the language's order), Export…
writes it as .xlsx or .csv, Copy puts it on the clipboard, and a double click (or Enter) on
a row asks the main window to show that partnership (`open_partnership`). One window per
main window (`open_anniversaries`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.countries import country_name
from exchange_desk.domain.dates import MAX_YEAR, MIN_YEAR
from exchange_desk.i18n.catalog import N_, _, ngettext
from exchange_desk.i18n.formatting import format_number
from exchange_desk.services.changes import Changes
from exchange_desk.ui.bidi import isolated
from exchange_desk.ui.collation import rank_keys
from exchange_desk.ui.errors import error_text
from exchange_desk.ui.formatting import babel_locale
from exchange_desk.ui.operations import QueryOp, change_hub
from exchange_desk.ui.statistics_window import FigureColumn, FigureTable, TableButtons, save_tables
from exchange_desk.ui.translated import Retranslating
from exchange_desk.ui.visit_dialog import one_window

if TYPE_CHECKING:
    from exchange_desk.services.database import Database
    from exchange_desk.services.statistics import Anniversary

__all__ = ["AnniversariesWindow", "open_anniversaries"]

YEARS = 4  # the column of the years reached
_SHOWS = ("partnerships", "cities")  # what the list shows: a change to these reads it again


class AnniversariesWindow(Retranslating, QDialog):
    """The round anniversaries of a year. `loaded` fires each time a year's list has been
    read and shown; `open_partnership(id)` when a row is double-clicked."""

    loaded = Signal()
    open_partnership = Signal(int)

    def __init__(
        self, database: Database, parent: QWidget | None = None, *, year: int | None = None
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.found: list[Anniversary] | None = None
        self.shown_year: int | None = None
        self._reading: QueryOp[tuple[int, list[Anniversary]]] | None = None
        self._again = False
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        self.year = QSpinBox()
        self.year.setRange(MIN_YEAR, MAX_YEAR)
        # No "2,019": a year is written as a year in every language.
        self.year.setGroupSeparatorShown(False)
        self.year.setValue(year if year is not None else dt.date.today().year + 1)
        self.year.setKeyboardTracking(False)  # typing "2019" reads once, not for "2", "20"…
        self.year.valueChanged.connect(lambda _value: self.refresh())
        self.year_label = QLabel()
        self.year_label.setBuddy(self.year)
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.year_label)
        bar.addWidget(self.year)
        bar.addSpacing(12)
        bar.addWidget(self.count_label, 1)

        self.table = FigureTable(
            [
                FigureColumn(N_("Partner city")),
                FigureColumn(N_("Country")),
                FigureColumn(N_("Tier")),
                FigureColumn(N_("Since"), "date"),
                FigureColumn(N_("Years"), "number"),
            ]
        )
        self.table.title.hide()  # the window's title and the year say what it is
        self.table.set_title(N_("Anniversaries"))
        self.table.view.activated.connect(self._activated)
        # The longest friendships first, as the annual report lists them.
        self.table.sort_by(YEARS, Qt.SortOrder.DescendingOrder)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.hide()

        bottom = self.bar = TableButtons(self, export=self.export, copy=self.copy)
        self.note, self.export_button, self.copy_button = bottom.note, bottom.export, bottom.copy
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        layout.addLayout(bottom)
        self.resize(760, 520)

        self.translate_now()
        self.refresh()
        change_hub().changed.connect(self._data_changed)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Anniversaries"))
        self.year_label.setText(_("&Year:"))
        self.export_button.setText(_("&Export…"))
        self.copy_button.setText(_("&Copy"))
        self.copy_button.setToolTip(
            _("Copy the list (or its selected rows) with its headers, to paste into Excel")
        )
        self.table.view.setToolTip(_("Double-click a partnership to show it in its tab"))
        self.legend.setText(_("Grey rows are sample records, invented for the demo."))
        if self.found is not None and self.shown_year is not None:
            self._show(self.shown_year, self.found)

    # --- reading -----------------------------------------------------------------------------

    def refresh(self) -> QueryOp[tuple[int, list[Anniversary]]] | None:
        """Read the chosen year's anniversaries off the GUI thread (None: a read is on its
        way; another follows it, for the year chosen then)."""
        if self._reading is not None:
            self._again = True
            return None
        year = self.year.value()

        def read(database: Database) -> tuple[int, list[Anniversary]]:
            from exchange_desk.services.statistics import anniversaries

            return year, anniversaries(database, year)

        self._reading = QueryOp(self, read).success(self._arrived).failure(self._failed)
        return self._reading.run_in_background()

    def _data_changed(self, changes: Changes) -> None:
        if changes.touches_any(_SHOWS):
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        self._reading = None
        self._again = False
        QMessageBox.warning(self, _("Anniversaries"), error_text(error))

    def _arrived(self, result: tuple[int, list[Anniversary]]) -> None:
        self._reading = None
        if self._again:
            self._again = False
            self.refresh()  # another year was chosen, or something changed, meanwhile
            return
        year, found = result
        self.found = found
        self.shown_year = year
        self._show(year, found)
        self.loaded.emit()

    def _show(self, year: int, found: list[Anniversary]) -> None:
        locale = babel_locale()
        # By name in the window's language underneath: the years' sort keeps that order
        # among partners of the same years.
        places = rank_keys(anniversary.city.best() for anniversary in found)
        found = sorted(found, key=lambda anniversary: places[anniversary.city.best()])
        self.table.set_rows(
            [
                (
                    anniversary.city.best(),
                    country_name(anniversary.country, locale) if anniversary.country else "",
                    anniversary.tier.label,
                    anniversary.established,
                    anniversary.years,
                )
                for anniversary in found
            ],
            sample=[anniversary.is_sample for anniversary in found],
            keys=[anniversary.partnership_id for anniversary in found],
        )
        if found:
            self.count_label.setText(
                ngettext(
                    "{count} partnership reaches a round anniversary in {year}.",
                    "{count} partnerships reach a round anniversary in {year}.",
                    len(found),
                ).format(count=format_number(len(found)), year=year)
            )
        else:
            self.count_label.setText(
                _("No partnership reaches a round anniversary in {year}.").format(year=year)
            )
        self.legend.setVisible(any(anniversary.is_sample for anniversary in found))

    # --- choosing and out ------------------------------------------------------------------------

    def _activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        key = self.table.key_at(index)
        if key is not None:
            self.open_partnership.emit(int(key))

    def export(self, path: str | Path | None = None) -> QueryOp[Path] | None:
        """Export…: the list as shown, as an .xlsx or .csv file."""
        if self.found is None or self.shown_year is None:
            return None
        title = _("Round anniversaries in {year}").format(year=self.shown_year)
        sheet = self.table.sheet(title)
        return save_tables(
            self,
            self.database,
            [sheet],
            sheet,
            title=_("Export anniversaries"),
            stem=f"{_('Anniversaries')} {self.shown_year}",
            path=path,
            done=self._exported,
        )

    def _exported(self, path: Path) -> None:
        self.note.setText(_("Exported to {path}").format(path=isolated(path)))

    def copy(self) -> str:
        """Copy: the list (its selected rows, or all) with its headers."""
        text = self.table.copy_text()
        QGuiApplication.clipboard().setText(text)
        self.note.setText(_("Copied to the clipboard."))
        return text


_open: dict[int, AnniversariesWindow] = {}


def open_anniversaries(main: Any) -> AnniversariesWindow:
    """Show the anniversaries window of the main window `main` (the one open already, if
    any); a double-clicked row shows that partnership in the main window."""

    def make() -> AnniversariesWindow:
        window = AnniversariesWindow(main.database, main)
        window.open_partnership.connect(lambda record_id: main.go_to("partnerships", record_id))
        return window

    return one_window(_open, id(main), make)


def main(argv: list[str] | None = None) -> int:
    """Show the window on its own; `--screenshot FILE` saves a picture once the list is
    read, and quits."""
    from exchange_desk.ui.visit_dialog import show_alone

    parser = argparse.ArgumentParser(prog="python -m exchange_desk.ui.anniversaries_window")
    parser.add_argument("--year", type=int, help="the year (default: next year)")
    return show_alone(
        parser,
        argv,
        lambda database, options: AnniversariesWindow(database, year=options.year),
        ready=lambda window: window.found is not None,
    )


if __name__ == "__main__":
    sys.exit(main())
