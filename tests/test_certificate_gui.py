"""The window's side of honours: warnings before printing, a received award refused in the
Certificate dialog, an organization's seal, the office's foreword and numeral dates. The
dialogs store through the services' use cases, off the GUI thread: OK is followed by a wait."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QDialogButtonBox

from exchange_desk.services.attachments import read_attachment
from exchange_desk.services.database import Database
from exchange_desk.services.office import office_profile
from exchange_desk.services.records import get_record, list_records
from exchange_desk.ui.certificate_dialog import CertificateDialog
from exchange_desk.ui.profile_dialog import ImageEdit, OfficeProfileDialog
from exchange_desk.ui.record_dialog import RecordDialog

JINAN_AWARD = 2
SEAL = Path(__file__).parent.parent / "resources" / "images" / "demo-seal.png"


@pytest.fixture(autouse=True)
def _no_work_left_behind() -> Any:
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)


def _ok(qtbot: Any, dialog: Any) -> None:
    box = dialog.findChild(QDialogButtonBox)
    box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.saving is None, timeout=20_000)


def _ambassador(database: Database) -> int:
    rows = list_records(database, "awards").rows
    return next(
        row.record.id
        for row in rows
        if row.record.title_en == "Title of Honorary Friendship Ambassador of Jinan"
    )


def test_the_dialog_warns_of_a_missing_signatory_name(qtbot: Any, demo_db: Database) -> None:
    dialog = CertificateDialog(demo_db, _ambassador(demo_db))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview_ready, timeout=20_000)
    assert dialog.pdf is not None
    assert not dialog.warning_label.isHidden()
    assert "signatory's name" in dialog.warning_label.text()
    assert dialog.print_button.isEnabled()  # a warning, not a refusal


def test_a_received_award_is_refused_in_the_dialog(qtbot: Any, demo_db: Database) -> None:
    dialog = CertificateDialog(demo_db, JINAN_AWARD)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview_ready, timeout=20_000)
    assert dialog.pdf is None
    assert "received by our city" in dialog.problem_label.text()  # a banner, not a caption
    assert not dialog.save_button.isEnabled()
    assert not dialog.print_button.isEnabled()


def test_an_organization_keeps_its_seal(qtbot: Any, demo_db: Database) -> None:
    award = get_record(demo_db, "awards", 1)
    giver = get_record(demo_db, "organizations", award.giver_organization_id)
    dialog = RecordDialog(demo_db, "organizations", giver)
    qtbot.addWidget(dialog)
    seal = dialog.editors["seal_attachment_id"]
    assert isinstance(seal, ImageEdit)
    assert seal.isEnabled()
    assert seal.load_file(SEAL)
    _ok(qtbot, dialog)
    stored = get_record(demo_db, "organizations", giver.id)
    assert stored.seal_attachment_id is not None
    assert read_attachment(demo_db, stored.seal_attachment_id) == SEAL.read_bytes()
    # A new organization has no id to attach an image to yet: the field says so.
    new = RecordDialog(demo_db, "organizations", None)
    qtbot.addWidget(new)
    assert not new.editors["seal_attachment_id"].isEnabled()  # type: ignore[attr-defined]


def test_the_office_profile_keeps_a_foreword_and_numeral_dates(
    qtbot: Any, demo_db: Database
) -> None:
    dialog = OfficeProfileDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.editors["foreword_zh"].set_value("2018年，济南市外事工作取得新进展。")
    dialog.editors["foreword_en"].set_value("In 2018 the office widened its partnerships.")
    dialog.numeral_dates.setChecked(True)
    _ok(qtbot, dialog)
    profile = office_profile(demo_db)
    assert profile.foreword_zh == "2018年，济南市外事工作取得新进展。"
    assert profile.foreword_en == "In 2018 the office widened its partnerships."
    assert profile.foreword_he == ""
    assert profile.chinese_numeral_dates is True


def test_the_scan_of_a_received_certificate_is_kept_with_the_award(
    qtbot: Any, demo_db: Database, tmp_path: Path
) -> None:
    """What the refusal to certify a received award tells the person to do can be done."""
    scan = tmp_path / "certificate-received.pdf"
    scan.write_bytes(b"%PDF-1.4\n% a scanned certificate\n")
    dialog = RecordDialog(demo_db, "awards", get_record(demo_db, "awards", JINAN_AWARD))
    qtbot.addWidget(dialog)
    field = dialog.editors["scan_attachment_id"]
    assert isinstance(field, ImageEdit)
    assert field.load_file(scan)
    assert field.preview.text() == "certificate-received.pdf"
    _ok(qtbot, dialog)
    stored = get_record(demo_db, "awards", JINAN_AWARD)
    assert stored.scan_attachment_id is not None
    assert read_attachment(demo_db, stored.scan_attachment_id) == scan.read_bytes()
