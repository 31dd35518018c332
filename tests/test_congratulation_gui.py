"""Records ▸ Letter of congratulation…: a partnership's anniversary letter from the window,
previewed in the office's wording, saved as PDF or Word with its reference number."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from exchange_desk.domain.roles import Role
from exchange_desk.services import records
from exchange_desk.services.database import Database
from exchange_desk.services.records import ListQuery
from exchange_desk.ui.congratulation_dialog import CongratulationDialog
from exchange_desk.ui.language import apply_language
from exchange_desk.ui.operations import pending
from visit_data import VisitIds, make_visit

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _english(qapp: QApplication) -> Iterator[None]:
    apply_language("en")
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()


@pytest.fixture
def visit(sqlite_db: Database) -> VisitIds:
    return make_visit(sqlite_db)


def opened(qtbot: Any, database: Database, partnership_id: int) -> CongratulationDialog:
    dialog = CongratulationDialog(database, partnership_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: pending() == 0, timeout=20_000)
    QApplication.processEvents()
    return dialog


def test_the_letter_is_previewed_in_the_first_language_ticked(
    qtbot: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = opened(qtbot, sqlite_db, visit.partnership)
    # Jinan writes to Kfar Saba: Chinese and Hebrew are ticked, Chinese first.
    assert dialog.languages() == ["zh", "he"]
    assert "2009" in dialog.preview.toPlainText()
    assert "Kfar Saba" in dialog.heading.text()
    dialog.language_boxes["zh"].setChecked(False)
    qtbot.waitUntil(lambda: pending() == 0, timeout=20_000)
    QApplication.processEvents()
    text = dialog.preview.toPlainText()
    assert "2009" in text
    assert any("\u0590" <= ch <= "\u05ff" for ch in text)  # the Hebrew letter now


def test_saving_numbers_registers_and_writes_the_letter(
    qtbot: Any, sqlite_db: Database, visit: VisitIds, tmp_path: Path
) -> None:
    dialog = opened(qtbot, sqlite_db, visit.partnership)
    target = tmp_path / "congratulation.docx"
    dialog.save(target)
    qtbot.waitUntil(lambda: pending() == 0 and target.exists(), timeout=30_000)
    letters = records.list_records(sqlite_db, "letters", ListQuery()).rows
    assert [row.record.partnership_id for row in letters] == [visit.partnership]
    assert letters[0].record.number in dialog.note.text()
    from docx import Document

    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "2009" in text


def test_a_viewer_may_not_write_the_letter(
    qtbot: Any, sqlite_db: Database, visit: VisitIds, tmp_path: Path
) -> None:
    sqlite_db._role = Role.VIEWER  # type: ignore[attr-defined]
    dialog = opened(qtbot, sqlite_db, visit.partnership)
    assert not dialog.save_button.isEnabled()
    assert dialog.save(tmp_path / "letter.pdf") is None
    assert dialog.runner.message is not None
    assert "editor" in dialog.runner.message.text()
    dialog.runner.message.close()
    assert not (tmp_path / "letter.pdf").exists()


def test_the_window_offers_it_on_a_partnership(
    qtbot: Any, sqlite_db: Database, visit: VisitIds, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from exchange_desk.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(sqlite_db, settings)
    qtbot.addWidget(window)
    window.show()
    assert window.act_congratulation in window.context_actions("partnerships")
    tab = window.tab("partner_cities")
    window.tabs.setCurrentWidget(window._pages["partner_cities"])
    qtbot.waitUntil(lambda: tab.complete, timeout=20_000)
    assert tab.select_record(visit.partnership)
    dialog = window.congratulation_of_current()
    assert isinstance(dialog, CongratulationDialog)
    assert dialog.partnership_id == visit.partnership
    qtbot.waitUntil(lambda: pending() == 0, timeout=20_000)
    dialog.close()
