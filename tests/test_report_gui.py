"""The report dialog and the window's report actions, offscreen: the PDF is written in the
background, Cancel leaves no file, and the actions sit where the records are."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QMessageBox

from exchange_desk.i18n.catalog import set_language
from exchange_desk.services.report_choices import (
    default_report_year,
    report_language_of,
    report_years,
)
from exchange_desk.storage.database import Database

# The offscreen platform's complaint when a window is shown; harmless.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

KFAR_SABA_CITY = 2
KFAR_SABA_PARTNERSHIP = 1
GOVERNMENT_VISIT = 1


@pytest.fixture(autouse=True)
def _no_work_left_behind() -> Any:
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)


@pytest.fixture(autouse=True)
def _quiet_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notices are non-blocking boxes; offscreen they are not shown at all."""
    monkeypatch.setattr(QMessageBox, "open", lambda box: None)


def make_dialog(qtbot: Any, database: Database, kind: str, **options: Any) -> Any:
    from exchange_desk.ui.report_dialog import ReportDialog

    dialog = ReportDialog(database, kind, **options)
    dialog.open_when_done = False
    qtbot.addWidget(dialog)
    return dialog


def wait_finished(qtbot: Any, dialog: Any) -> None:
    """Until the report is written or a notice says why not."""
    qtbot.waitUntil(
        lambda: dialog.result_path is not None or bool(dialog.last_notice), timeout=60_000
    )


# --- the choices -------------------------------------------------------------------------


def test_the_years_with_records_newest_first(demo_db: Database, sqlite_db: Database) -> None:
    years = report_years(demo_db)
    assert years[0] == 2018
    assert years == sorted(years, reverse=True)
    assert 2009 in years
    assert report_years(sqlite_db) == []
    assert default_report_year(years) == 2018
    assert default_report_year([2027, 2018], dt.date(2026, 5, 1)) == 2018
    assert default_report_year([], dt.date(2026, 5, 1)) == 2026


@pytest.mark.parametrize(
    ("code", "expected"), [("en", "en"), ("zh_CN", "zh"), ("zh", "zh"), ("he", "he")]
)
def test_the_report_language_of_the_window(code: str, expected: str) -> None:
    assert report_language_of(code) == expected


# --- the dialog ----------------------------------------------------------------------------


def test_the_annual_dialog_offers_the_years_and_the_window_language(
    qtbot: Any, demo_db: Database
) -> None:
    set_language("he")
    dialog = make_dialog(qtbot, demo_db, "annual")
    assert dialog.year() == 2018
    assert dialog.language() == "he"
    assert [dialog.language_box.itemText(i) for i in range(3)] == ["中文", "English", "עברית"]
    set_language("en")
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("en"))
    assert dialog.suggested_file_name() == "Annual report 2018 (en).pdf"
    empty_year = make_dialog(qtbot, demo_db, "annual", year=1990)
    assert empty_year.year() == 1990


def test_the_annual_report_in_hebrew_is_written(
    qtbot: Any, demo_db: Database, tmp_path: Path
) -> None:
    dialog = make_dialog(qtbot, demo_db, "annual", year=2018)
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("he"))
    target = tmp_path / "annual-he"
    dialog.start(target)
    wait_finished(qtbot, dialog)
    assert dialog.last_notice == ""
    assert dialog.result_path == tmp_path / "annual-he.pdf"
    assert len(PdfReader(dialog.result_path).pages) > 1
    assert QSettings().value("reports/folder") == str(tmp_path)
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize(
    ("kind", "record_id", "shown"),
    [("city", KFAR_SABA_CITY, "Kfar Saba"), ("delegation", GOVERNMENT_VISIT, "Kfar Saba")],
)
def test_the_dossier_and_the_brief_are_written(
    qtbot: Any, demo_db: Database, tmp_path: Path, kind: str, record_id: int, shown: str
) -> None:
    dialog = make_dialog(qtbot, demo_db, kind, record_id=record_id)
    assert dialog.subject_label is not None
    assert shown in dialog.subject_label.text()
    assert dialog.suggested_file_name().endswith("(en).pdf")
    dialog.start(tmp_path / f"{kind}.pdf")
    wait_finished(qtbot, dialog)
    assert dialog.result_path == tmp_path / f"{kind}.pdf"
    assert len(PdfReader(dialog.result_path).pages) >= 1


def test_cancelling_writes_nothing(qtbot: Any, demo_db: Database, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, demo_db, "annual", year=2018)
    folder = tmp_path / "reports"
    folder.mkdir()
    dialog.start(folder / "cancelled.pdf")
    assert dialog.progress_dialog is not None
    dialog.progress_dialog.canceled.emit()  # what the Cancel button does
    qtbot.waitUntil(lambda: bool(dialog.last_notice), timeout=60_000)
    assert dialog.last_notice == "Cancelled: nothing was written."
    assert dialog.result_path is None
    assert list(folder.iterdir()) == []


def test_a_failure_is_told_and_writes_nothing(
    qtbot: Any, demo_db: Database, tmp_path: Path
) -> None:
    dialog = make_dialog(qtbot, demo_db, "annual", year=2018)
    dialog.start(tmp_path / "no such folder" / "annual.pdf")
    assert "no such folder" in dialog.last_notice  # told at once, before any work
    assert dialog.progress_dialog is None
    assert not (tmp_path / "no such folder").exists()


def test_an_unknown_record_is_refused(qtbot: Any, demo_db: Database) -> None:
    from exchange_desk.domain.errors import NotFound

    with pytest.raises(NotFound):
        make_dialog(qtbot, demo_db, "city", record_id=999)
    with pytest.raises(NotFound):
        make_dialog(qtbot, demo_db, "delegation", record_id=999)


# --- the window ------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot: Any, demo_db: Database, tmp_path: Path) -> Any:
    from exchange_desk.ui.main_window import MainWindow

    main_window = MainWindow(
        demo_db, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(main_window)
    return main_window


def wait_tab(qtbot: Any, window: Any, key: str) -> Any:
    tab = window.tab(key)
    window.tabs.setCurrentWidget(window._pages[key])
    qtbot.waitUntil(lambda: tab.complete, timeout=20_000)
    return tab


def test_the_report_actions_are_in_the_menu_and_on_the_records(window: Any) -> None:
    documents = window.menu_documents.actions()
    assert documents.index(window.act_annual_report) < documents.index(window.act_city_dossier)
    assert documents.index(window.act_city_dossier) < documents.index(window.act_delegation_brief)
    assert window.act_city_dossier in window.context_actions("partnerships")
    assert window.act_delegation_brief in window.context_actions("delegations")
    assert window.act_delegation_brief not in window.context_actions("partnerships")
    assert window.act_annual_report.text() == "A&nnual report…"


def test_the_dossier_of_the_selected_partnership(qtbot: Any, window: Any) -> None:
    tab = wait_tab(qtbot, window, "partner_cities")
    assert tab.model.table.kind == "partnerships"
    assert tab.select_record(KFAR_SABA_PARTNERSHIP)
    dialog = window.city_dossier_of_current()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.kind == "city"
    assert dialog.record_id == KFAR_SABA_CITY
    dialog.close()


def test_the_brief_of_the_selected_delegation(qtbot: Any, window: Any) -> None:
    tab = wait_tab(qtbot, window, "delegations")
    assert tab.select_record(GOVERNMENT_VISIT)
    dialog = window.delegation_brief_of_current()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert (dialog.kind, dialog.record_id) == ("delegation", GOVERNMENT_VISIT)
    dialog.close()
    annual = window.annual_report()
    qtbot.addWidget(annual)
    assert annual.kind == "annual"
    annual.close()


def test_without_a_selection_the_action_shows_where_to_choose(
    qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    wait_tab(qtbot, window, "awards")
    assert window.delegation_brief_of_current() is None
    assert window.tabs.currentWidget() is window._pages["delegations"]
    wait_tab(qtbot, window, "awards")
    assert window.city_dossier_of_current() is None
    assert window.tabs.currentWidget() is window._pages["partner_cities"]
    assert len(told) == 2
    assert "Delegations tab" in told[0]
