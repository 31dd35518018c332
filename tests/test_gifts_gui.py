"""Gifts in the window: the form's warning of what the partner received before (following
the form as it is typed in), a new gift valued in the office's currency, the fields a gift
given does not have, and the office profile's threshold, currency and file size limit.

Dialogs are never run with exec(): the tests press their buttons and wait for what the
buttons started (off the GUI thread)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import DeclarationStatus, GiftDirection
from exchange_desk.domain.records import City, Gift, OfficeProfile, Person
from exchange_desk.i18n.catalog import set_language
from exchange_desk.services import records
from exchange_desk.services.database import Database
from exchange_desk.services.editing import new_values, save_record
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.records import create
from exchange_desk.ui.main_window import MainWindow
from exchange_desk.ui.operations import pending
from exchange_desk.ui.profile_dialog import OfficeProfileDialog
from exchange_desk.ui.record_dialog import RecordDialog

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints"),
]


@pytest.fixture
def partners(sqlite_db: Database) -> dict[str, int]:
    save_office_profile(sqlite_db, OfficeProfile(gift_threshold=200, gift_currency="CNY"))
    kfar_saba = create(
        sqlite_db, City(name_en="Kfar Saba", name_zh="克法尔萨巴", name_he="כפר סבא", country="IL")
    ).id
    wakayama = create(sqlite_db, City(name_en="Wakayama", country="JP")).id
    mayor = create(sqlite_db, Person(name="Rafi Saar", city_id=kfar_saba)).id
    assert kfar_saba is not None
    assert wakayama is not None
    assert mayor is not None
    for year, what, zh in (("2016", "Porcelain vase", "青花瓷瓶"), ("2017", "Silk scroll", "")):
        save_record(
            sqlite_db,
            Gift(
                given_on=PartialDate.parse(year),
                direction=GiftDirection.GIVEN,
                description_en=what,
                description_zh=zh,
                partner_city_id=kfar_saba,
            ),
        )
    return {"kfar_saba": kfar_saba, "wakayama": wakayama, "mayor": mayor}


def settle(qtbot: QtBot, dialog: RecordDialog) -> None:
    """Let the form's pause after typing pass, then wait for the read it started."""
    panel = dialog.gift_history
    assert panel is not None
    qtbot.waitUntil(lambda: not panel.timer.isActive(), timeout=5_000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: pending() == 0 and panel.reading is None, timeout=20_000)  # type: ignore[attr-defined]


def gift_dialog(qtbot: QtBot, database: Database, record: Any = None) -> RecordDialog:
    initial = new_values(database, "gifts") if record is None else None
    dialog = RecordDialog(database, "gifts", record, initial=initial)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_form_warns_of_a_gift_the_partner_has_had(
    qtbot: QtBot, sqlite_db: Database, partners: dict[str, int]
) -> None:
    dialog = gift_dialog(qtbot, sqlite_db)
    panel: Any = dialog.gift_history
    assert panel is not None
    assert not panel.isVisible()  # no partner yet: nothing to say
    dialog.editors["direction"].set_value(GiftDirection.GIVEN)
    dialog.editors["partner_city_id"].set_value(partners["kfar_saba"])
    settle(qtbot, dialog)
    assert panel.isVisible()
    assert panel.title.text() == "Given to this partner before:"
    assert panel.text.text() == "Kfar Saba, 2016: Porcelain vase; 2017: Silk scroll"

    dialog.editors["description_zh"].setText("青花瓷花瓶")
    settle(qtbot, dialog)
    assert panel.title.text() == "This partner has received a gift like this before:"
    assert panel.accessibleName() == "Repeat gift warning"

    # Another partner, who has had nothing from us: no panel.
    dialog.editors["partner_city_id"].set_value(partners["wakayama"])
    settle(qtbot, dialog)
    assert not panel.isVisible()
    # A gift received is not checked against what we gave.
    dialog.editors["partner_city_id"].set_value(partners["kfar_saba"])
    dialog.editors["direction"].set_value(GiftDirection.RECEIVED)
    settle(qtbot, dialog)
    assert not panel.isVisible()


def test_the_warning_speaks_the_window_language(
    qtbot: QtBot, sqlite_db: Database, partners: dict[str, int]
) -> None:
    set_language("zh_CN")
    dialog = gift_dialog(qtbot, sqlite_db)
    dialog.editors["direction"].set_value(GiftDirection.GIVEN)
    dialog.editors["partner_city_id"].set_value(partners["kfar_saba"])
    dialog.editors["description_en"].setText("vase")
    settle(qtbot, dialog)
    panel: Any = dialog.gift_history
    assert panel.text.text() == "克法尔萨巴，2016：青花瓷瓶；2017：Silk scroll"
    assert "以前" in panel.title.text() or "曾" in panel.title.text()


def test_a_new_gift_is_valued_in_the_offices_currency_and_saved(
    qtbot: QtBot, sqlite_db: Database, partners: dict[str, int]
) -> None:
    dialog = gift_dialog(qtbot, sqlite_db)
    assert dialog.editors["currency"].value() == "CNY"
    dialog.editors["given_on"].set_value(PartialDate.parse("2025-03-02"))
    dialog.editors["direction"].set_value(GiftDirection.RECEIVED)
    dialog.editors["description_en"].setText("Dead Sea ceramics plate")
    dialog.editors["estimated_value"].set_value(350)
    dialog.editors["declaration_status"].set_value(DeclarationStatus.TO_DECLARE)
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.saving is None, timeout=20_000)
    stored = dialog.saved_record
    assert stored is not None
    assert (stored.estimated_value, stored.currency) == (350, "CNY")
    assert records.get_record(sqlite_db, "gifts", stored.id).declaration_status is (
        DeclarationStatus.TO_DECLARE
    )


def test_a_gift_given_has_no_fate_or_declaration_fields(
    qtbot: QtBot, sqlite_db: Database, partners: dict[str, int]
) -> None:
    dialog = gift_dialog(qtbot, sqlite_db)
    dialog.editors["direction"].set_value(GiftDirection.GIVEN)
    for name in ("disposition", "declared_on", "declaration_reference"):
        assert not dialog.field_widgets[name].isEnabled(), name
    dialog.editors["direction"].set_value(GiftDirection.RECEIVED)
    for name in ("disposition", "declared_on", "declaration_reference"):
        assert dialog.field_widgets[name].isEnabled(), name


def test_the_profile_keeps_the_threshold_currency_and_file_limit(
    qtbot: QtBot, sqlite_db: Database, partners: dict[str, int]
) -> None:
    dialog = OfficeProfileDialog(sqlite_db)
    qtbot.addWidget(dialog)
    assert dialog.editors["gift_threshold"].value() == 200
    assert dialog.editors["gift_currency"].value() == "CNY"
    assert dialog.editors["attachment_limit_mb"].value() == 20
    dialog.editors["gift_threshold"].setText("abc")
    assert dialog.save() is False
    assert dialog.problems.text("gift_threshold") == "Not a number: abc"
    dialog.editors["gift_threshold"].setText("500,5")
    dialog.editors["gift_currency"].set_value("ILS")
    dialog.editors["attachment_limit_mb"].set_value(50)
    assert dialog.save() is True
    qtbot.waitUntil(lambda: dialog.saving is None, timeout=20_000)
    profile = office_profile(sqlite_db)
    assert (profile.gift_threshold, profile.gift_currency, profile.attachment_limit_mb) == (
        500.5,
        "ILS",
        50,
    )


def test_the_gifts_tab_lists_from_and_to(
    qtbot: QtBot, sqlite_db: Database, partners: dict[str, int]
) -> None:
    window = MainWindow(sqlite_db, remember=False)
    qtbot.addWidget(window)
    window.show()
    tab = window.tab("gifts")
    window.tabs.setCurrentWidget(window._pages["gifts"])
    tab.load_all()
    qtbot.waitUntil(lambda: tab.complete, timeout=20_000)
    model = tab.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:5] == ["Date", "Given / received", "Gift", "Giver", "Receiver"]
    rows = {
        model.index(r, 2).data(): [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    }
    assert rows["Porcelain vase"][1] == "given"
    assert rows["Porcelain vase"][4] == "Kfar Saba"
