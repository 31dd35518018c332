"""The certificate register dialog and the numbering pattern in the Office profile dialog
(offscreen, through pytest-qt; no dialog is run with exec() but the modal register). Both read
and write through operations off the GUI thread: the tests wait for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from exchange_desk.domain.enums import Design, LanguageMode
from exchange_desk.domain.errors import StorageProblem, StorageUnavailable
from exchange_desk.i18n.catalog import set_language
from exchange_desk.services import certificate_register
from exchange_desk.services.certificate_register import issue_or_reprint, next_certificate_number
from exchange_desk.services.database import Database
from exchange_desk.services.office import office_profile
from exchange_desk.services.records import ListQuery, list_records
from exchange_desk.ui import register_dialog
from exchange_desk.ui.profile_dialog import OfficeProfileDialog
from exchange_desk.ui.register_dialog import (
    AWARD,
    ISSUED_ON,
    NUMBER,
    RECIPIENT,
    CertificateRegisterDialog,
    show_certificate_register,
)

CIFCC_AWARD = "Award of the China International Friendship Cities Conference 2018"
SJK_AWARD = "Award of the 20th Sino-Japan-South Korea Friendship City Exchange Conference"


def _award_id(database: Database, title: str) -> int:
    [found] = [
        listed.record.id
        for listed in list_records(database, "awards", ListQuery(search=title)).rows
        if listed.record.title_en == title
    ]
    return int(found)


@pytest.fixture
def issued(demo_db: Database) -> dict[str, int]:
    """The demo's two 2018 awards with their certificates: the CIFCC one issued in 2018 and
    reprinted once, the Sino-Japan-Korea one issued in January 2019."""
    cifcc = _award_id(demo_db, CIFCC_AWARD)
    sjk = _award_id(demo_db, SJK_AWARD)
    issue_or_reprint(
        demo_db, cifcc, LanguageMode.ZH_EN, Design.FORMAL, "Li Wei", on=dt.date(2018, 11, 16)
    )
    issue_or_reprint(
        demo_db, sjk, LanguageMode.ZH_EN_HE, Design.MODERN, "Wang Fang", on=dt.date(2019, 1, 10)
    )
    issue_or_reprint(demo_db, cifcc, LanguageMode.HE_EN, Design.MODERN, "Wang Fang")
    return {"cifcc": cifcc, "sjk": sjk}


def ok(qtbot: Any, dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None
    button.click()
    qtbot.waitUntil(lambda: getattr(dialog, "saving", None) is None, timeout=20_000)


def opened(qtbot: Any, database: Database, **options: Any) -> CertificateRegisterDialog:
    """The register dialog once it has read the register."""
    dialog = CertificateRegisterDialog(database, **options)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        pass
    return dialog


def test_the_register_shows_the_issued_certificates(
    qtbot: Any, demo_db: Database, issued: dict[str, int]
) -> None:
    dialog = opened(qtbot, demo_db)
    assert dialog.windowTitle() == "Certificate register"
    assert dialog.shown_rows() == [
        [
            "JN-2018-0001",
            CIFCC_AWARD,  # awarded in November: its certificate was issued first
            "Kfar Saba",
            "Chinese and English",
            "Formal",
            "Nov 16, 2018",
            "1",
        ],
        [
            "JN-2018-0002",
            SJK_AWARD,
            "Jinan",
            "Chinese, English and Hebrew",
            "Modern",
            "Jan 10, 2019",
            "0",
        ],
    ]
    assert dialog.count_label.text() == "2 certificates"
    assert [dialog.year.itemText(i) for i in range(dialog.year.count())] == [
        "All years",
        "2019",
        "2018",
    ]
    # The newest certificate is chosen, so its printings show at once.
    newest = dialog.current_entry()
    assert newest is not None
    assert newest.certificate.number == dialog.shown_rows()[-1][NUMBER]
    assert len(dialog.shown_printings()) == len(newest.printings)

    dialog.year.setCurrentIndex(2)  # 2018: the year of issue, not of the award
    assert [row[NUMBER] for row in dialog.shown_rows()] == ["JN-2018-0001"]
    assert dialog.count_label.text() == "1 certificate"
    dialog.year.setCurrentIndex(0)
    assert len(dialog.shown_rows()) == 2


def test_choosing_a_certificate_lists_its_printings(
    qtbot: Any, demo_db: Database, issued: dict[str, int]
) -> None:
    dialog = opened(qtbot, demo_db)
    dialog.select_row(0)
    entry = dialog.current_entry()
    assert entry is not None
    assert entry.certificate.number == "JN-2018-0001"
    assert dialog.printings_title.text() == "Printings of certificate JN-2018-0001:"
    printings = dialog.shown_printings()
    assert [row[1:] for row in printings] == [
        ["Li Wei", "Chinese and English", "Formal", "first print"],
        ["Wang Fang", "Hebrew and English", "Modern", "reprint"],
    ]
    # When: today, in local time, to the minute.
    assert all(str(dt.date.today().year) in row[0] for row in printings)


def test_the_register_opens_on_the_award_asked_for(
    qtbot: Any, demo_db: Database, issued: dict[str, int]
) -> None:
    dialog = opened(qtbot, demo_db, award_id=issued["sjk"])
    entry = dialog.current_entry()
    assert entry is not None
    assert entry.certificate.number == "JN-2018-0002"
    assert [row[4] for row in dialog.shown_printings()] == ["first print"]
    # From a year that does not show it, the register goes back to all years.
    dialog.year.setCurrentIndex(2)
    assert dialog.select_award(issued["sjk"])
    assert dialog.year.currentText() == "All years"
    assert not dialog.select_award(999)


def test_sorting_keeps_the_chosen_certificate(
    qtbot: Any, demo_db: Database, issued: dict[str, int]
) -> None:
    dialog = opened(qtbot, demo_db)
    tester = QAbstractItemModelTester(
        dialog.model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    dialog.select_award(issued["cifcc"])
    dialog.view.sortByColumn(RECIPIENT, Qt.SortOrder.AscendingOrder)
    assert [row[RECIPIENT] for row in dialog.shown_rows()] == ["Jinan", "Kfar Saba"]
    dialog.view.sortByColumn(ISSUED_ON, Qt.SortOrder.DescendingOrder)
    assert [row[NUMBER] for row in dialog.shown_rows()] == ["JN-2018-0002", "JN-2018-0001"]
    entry = dialog.current_entry()
    assert entry is not None
    assert entry.certificate.award_id == issued["cifcc"]
    # Reading the register again keeps the order chosen.
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        dialog.refresh()
    assert [row[NUMBER] for row in dialog.shown_rows()] == ["JN-2018-0002", "JN-2018-0001"]
    assert dialog.model.data(QModelIndex()) is None
    assert dialog.model.rowCount(dialog.model.index(0, 0)) == 0
    del tester


def test_the_register_follows_the_language(
    qtbot: Any, demo_db: Database, issued: dict[str, int]
) -> None:
    set_language("zh_CN")
    dialog = opened(qtbot, demo_db, award_id=issued["cifcc"])
    first = dialog.shown_rows()[0]
    assert first[AWARD] == "2018中国国际友好城市大会奖项"
    assert first[RECIPIENT] == "克法尔萨巴"
    assert first[ISSUED_ON] == "2018年11月16日"


def test_an_empty_register_says_so(qtbot: Any, demo_db: Database) -> None:
    dialog = opened(qtbot, demo_db)
    assert dialog.shown_rows() == []
    assert dialog.count_label.text() == "No certificate has been issued yet."
    assert dialog.year.count() == 1


# The register opens (modally) before its read fails: the offscreen plugin says this then.
@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
def test_an_unreadable_database_is_reported(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, demo_db: Database
) -> None:
    def locked(*_args: Any, **_kwargs: Any) -> Any:
        raise StorageUnavailable(StorageProblem.LOCKED, "The database is locked.")

    shown: list[str] = []
    monkeypatch.setattr(register_dialog, "register", locked)
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, _title, text: shown.append(text) or 0
    )
    show_certificate_register(None, demo_db)
    assert shown == ["The database is locked."]


# --- the numbering pattern in the Office profile -------------------------------------------


def test_the_profile_saves_the_numbering_pattern(qtbot: Any, demo_db: Database) -> None:
    dialog = OfficeProfileDialog(demo_db)
    qtbot.addWidget(dialog)
    pattern = dialog.editors["certificate_number_pattern"]
    assert pattern.text() == "JN-{year}-{seq:04}"
    year = dt.date.today().year
    assert dialog.pattern.example.text() == f"Next number looks like: JN-{year}-0001"
    pattern.setText("JNFAO/{year}/{seq:03}")
    assert dialog.pattern.example.text() == f"Next number looks like: JNFAO/{year}/001"
    ok(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert office_profile(demo_db).certificate_number_pattern == "JNFAO/{year}/{seq:03}"
    cifcc = _award_id(demo_db, CIFCC_AWARD)
    assert next_certificate_number(demo_db, cifcc) == "JNFAO/2018/001"
    assert certificate_register.register(demo_db) == []  # asking reserved nothing


def test_the_profile_refuses_a_pattern_without_a_running_number(
    qtbot: Any, demo_db: Database
) -> None:
    dialog = OfficeProfileDialog(demo_db)
    qtbot.addWidget(dialog)
    pattern = dialog.editors["certificate_number_pattern"]
    pattern.setText("JN-{year}")
    # Said at once under the field, before OK...
    assert "{seq}" in dialog.pattern.example.text()
    ok(qtbot, dialog)
    # ...and again when OK is refused; what was typed stays.
    assert "{seq}" in dialog.problems.text("certificate_number_pattern")
    assert dialog.saved_profile is None
    assert pattern.text() == "JN-{year}"
    assert office_profile(demo_db).certificate_number_pattern == "JN-{year}-{seq:04}"
    # Typing again clears the stale message; the example takes over.
    pattern.setText("JN-{year}-{seq}")
    assert dialog.problems.text("certificate_number_pattern") == ""
    assert dialog.pattern.example.text().startswith("Next number looks like: JN-")
