"""Files on every record: stored byte for byte with their hash on both backends, images made
smaller once, names that cannot hurt a Windows disk, the office's size limit (a 100 MB file is
refused before it is read), and removal that undo puts back whole."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from PIL import Image

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import GiftDirection
from exchange_desk.domain.errors import InvalidInput, NotFound, StorageUnavailable
from exchange_desk.domain.records import City, Gift, OfficeProfile
from exchange_desk.services import audit
from exchange_desk.services.attaching import (
    NewFile,
    attach_files,
    attach_paths,
    choose_photo,
    remove_file,
)
from exchange_desk.services.attachments import (
    MEGABYTE,
    PICTURE_SIDE,
    THUMBNAIL_SIDE,
    attachments_of,
    clean_name,
    get_attachment,
    make_preview,
    picture_of,
    read_attachment,
    safe_file_name,
    save_copy,
    size_limit,
    thumbnails_of,
)
from exchange_desk.services.editing import save_record
from exchange_desk.services.history_text import record_history
from exchange_desk.services.office import save_office_profile
from exchange_desk.services.records import create, get_record
from exchange_desk.storage import schema
from exchange_desk.storage.database import Database


def _photo(width: int, height: int, *, exif_rotated: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (30, 90, 160))
    for x in range(0, width, max(1, width // 8)):
        image.paste((240, 200, 60), (x, 0, x + max(1, width // 16), height))
    out = io.BytesIO()
    if exif_rotated:
        exif = Image.Exif()
        exif[0x0112] = 6  # the camera was turned: show it rotated 90 degrees
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def city(db: Database) -> int:
    found = create(db, City(name_en="Kfar Saba", country="IL")).id
    assert found is not None
    return found


def test_a_file_comes_back_byte_for_byte(db: Database, city: int) -> None:
    content = bytes(range(256)) * 4099 + b"\x00\xff" * 7  # every byte value, an odd length
    stored = attach_files(
        db,
        "cities",
        city,
        [NewFile("הסכם 协议.pdf", content, "Agreement", "协议扫描件", "סריקת ההסכם")],
    ).attachments[0]
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.media_type == "application/octet-stream" or stored.media_type.endswith("pdf")
    assert read_attachment(db, stored.id) == content
    found = attachments_of(db, "cities", city)
    assert [
        (a.file_name, a.size, a.caption("zh"), a.caption("he"), a.caption("en")) for a in found
    ] == [("הסכם 协议.pdf", len(content), "协议扫描件", "סריקת ההסכם", "Agreement")]
    # On the city's History, with the file's name and hash.
    line = next(e for e in audit.history(db, "cities", city) if e.action == audit.Action.ATTACH)
    assert line.details["file"] == "הסכם 协议.pdf"
    assert line.details["sha256"] == stored.sha256


def test_a_photo_is_made_smaller_once_and_turned_upright(db: Database, city: int) -> None:
    content = _photo(4000, 3000, exif_rotated=True)
    stored = attach_files(db, "cities", city, [NewFile("IMG_0001.JPG", content)]).attachments[0]
    assert stored.is_image
    assert stored.has_preview
    # The camera's orientation applied: portrait, as the photographer held it.
    assert (stored.width, stored.height) == (3000, 4000)
    thumbnail = Image.open(io.BytesIO(thumbnails_of(db, "cities", city)[stored.id]))
    assert max(thumbnail.size) == THUMBNAIL_SIDE
    assert thumbnail.size[0] < thumbnail.size[1]
    picture = picture_of(db, stored.id)
    assert picture is not None
    assert Image.open(io.BytesIO(picture)).size == (1200, PICTURE_SIDE)
    assert len(picture) < len(content)
    # The original is kept as it came.
    assert read_attachment(db, stored.id) == content


def test_what_is_not_an_image_gets_no_preview(db: Database, city: int) -> None:
    broken = attach_files(
        db, "cities", city, [NewFile("broken.jpg", b"\xff\xd8\xff not really a JPEG")]
    ).attachments[0]
    assert broken.media_type == "image/jpeg"
    assert not broken.has_preview
    assert picture_of(db, broken.id) is None
    assert thumbnails_of(db, "cities", city) == {}
    assert make_preview(b"%PDF-1.4") is None


@pytest.mark.parametrize(
    ("given", "kept", "on_disk"),
    [
        ("C:\\scans\\agreement.pdf", "agreement.pdf", "agreement.pdf"),
        ("../../etc/passwd", "passwd", "passwd"),
        ("..", "..", "attachment.pdf"),
        ("CON", "CON", "CON_"),
        ("con.PDF", "con.PDF", "con_.PDF"),
        ("LPT1.txt", "LPT1.txt", "LPT1_.txt"),
        ("a\x00b.pdf", "a\ufffdb.pdf", "a_b.pdf"),
        ('what?<>|"*.pdf', 'what?<>|"*.pdf', "what______.pdf"),
        ("report. ", "report.", "report"),
        ("协议 הסכם.pdf", "协议 הסכם.pdf", "协议 הסכם.pdf"),
    ],
)
def test_hostile_names_are_kept_for_showing_and_harmless_on_disk(
    sqlite_db: Database, tmp_path: Path, given: str, kept: str, on_disk: str
) -> None:
    city = create(sqlite_db, City(name_en="Ashdod", country="IL")).id
    assert city is not None
    stored = attach_files(
        sqlite_db, "cities", city, [NewFile(given, b"%PDF-1.4 x", media_type="application/pdf")]
    ).attachments[0]
    assert stored.file_name == kept
    assert clean_name(given) == kept
    assert safe_file_name(stored.file_name, stored.media_type) == on_disk
    folder = tmp_path / "copies"
    folder.mkdir()
    written = save_copy(sqlite_db, stored.id, folder)
    assert written.parent == folder  # never anywhere else
    assert written.name == on_disk
    assert written.read_bytes() == b"%PDF-1.4 x"
    assert [p.name for p in folder.iterdir()] == [on_disk]  # no ".part" left behind


def test_a_100_mb_file_is_refused_before_it_is_read(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = create(sqlite_db, City(name_en="Ashdod", country="IL")).id
    assert city is not None
    video = tmp_path / "reception.mp4"
    with video.open("wb") as out:
        out.truncate(100 * MEGABYTE)  # sparse: nothing is written
    small = tmp_path / "note.txt"
    small.write_text("hello", encoding="utf-8")

    def never(self: Path) -> bytes:
        raise AssertionError(f"{self.name} was read")

    monkeypatch.setattr(Path, "read_bytes", never)
    with pytest.raises(InvalidInput) as refused:
        attach_paths(sqlite_db, "cities", city, [small, video])
    (problem,) = refused.value.problems
    assert problem.message == (
        "reception.mp4 is 100 MB; the office accepts files of up to 20 MB "
        "(set in the office profile)."
    )
    # All or none: the small file was not stored either.
    assert attachments_of(sqlite_db, "cities", city) == []


def test_the_limit_is_the_offices(sqlite_db: Database) -> None:
    city = create(sqlite_db, City(name_en="Ashdod", country="IL")).id
    assert city is not None
    assert size_limit(sqlite_db) == 20 * MEGABYTE
    save_office_profile(sqlite_db, OfficeProfile(attachment_limit_mb=1))
    with pytest.raises(InvalidInput):
        attach_files(sqlite_db, "cities", city, [NewFile("big.bin", b"0" * (MEGABYTE + 1))])
    stored = attach_files(sqlite_db, "cities", city, [NewFile("ok.bin", b"0" * MEGABYTE)])
    assert stored.attachments[0].size == MEGABYTE


def test_missing_files_and_folders_are_named(sqlite_db: Database, tmp_path: Path) -> None:
    city = create(sqlite_db, City(name_en="Ashdod", country="IL")).id
    assert city is not None
    with pytest.raises(InvalidInput) as refused:
        attach_paths(sqlite_db, "cities", city, [tmp_path / "gone.pdf", tmp_path])
    messages = [p.message for p in refused.value.problems]
    assert messages[0].startswith("gone.pdf cannot be read")
    assert messages[1] == f"{tmp_path.name} is a folder, not a file."
    with pytest.raises(NotFound):
        attach_files(sqlite_db, "cities", 999, [NewFile("a.txt", b"a")])


def test_removing_a_photo_is_undone_whole(db: Database, city: int) -> None:
    gift = save_record(
        db,
        Gift(
            given_on=PartialDate.parse("2016"),
            direction=GiftDirection.GIVEN,
            description_en="Porcelain vase",
            partner_city_id=city,
        ),
    ).record
    content = _photo(800, 600)
    attached = attach_files(db, "gifts", gift.id, [NewFile("vase.jpg", content, "The vase")])
    photo = attached.attachments[0]
    chosen = choose_photo(db, "gifts", gift.id, photo.id)
    assert chosen.record.photo_attachment_id == photo.id

    removed = remove_file(db, photo.id)
    assert attachments_of(db, "gifts", gift.id) == []
    assert get_record(db, "gifts", gift.id).photo_attachment_id is None
    with db.reading() as session:  # nothing of it is left behind
        assert session.query(schema.attachment_blobs).count() == 0
        assert session.query(schema.attachment_previews).count() == 0

    removed.step.undo(db)
    back = get_attachment(db, photo.id)
    assert (back.file_name, back.description, back.has_preview) == ("vase.jpg", "The vase", True)
    assert read_attachment(db, photo.id) == content
    assert get_record(db, "gifts", gift.id).photo_attachment_id == photo.id

    removed.step.redo(db)
    assert attachments_of(db, "gifts", gift.id) == []
    # Undoing the attach itself, then redoing it, gives the same file the same id.
    removed.step.undo(db)
    attached.step.undo(db)
    assert attachments_of(db, "gifts", gift.id) == []
    attached.step.redo(db)
    assert [a.id for a in attachments_of(db, "gifts", gift.id)] == [photo.id]


def test_only_a_records_own_image_can_be_its_photo(db: Database, city: int) -> None:
    other = create(db, City(name_en="Wakayama", country="JP")).id
    assert other is not None
    theirs = attach_files(db, "cities", other, [NewFile("a.jpg", _photo(40, 30))]).attachments[0]
    scan = attach_files(db, "cities", city, [NewFile("scan.pdf", b"%PDF-1.4")]).attachments[0]
    with pytest.raises(NotFound):
        choose_photo(db, "cities", city, theirs.id)
    with pytest.raises(InvalidInput):
        choose_photo(db, "cities", city, scan.id)
    assert choose_photo(db, "cities", other, theirs.id).record.photo_attachment_id == theirs.id


def test_the_same_bytes_are_stored_once_and_kept_while_used(db: Database, city: int) -> None:
    content = _photo(100, 80)
    first, second = attach_files(
        db, "cities", city, [NewFile("a.jpg", content), NewFile("b.jpg", content)]
    ).attachments
    with db.reading() as session:
        assert session.query(schema.attachment_blobs).count() == 1
        assert session.query(schema.attachment_previews).count() == 1
    assert get_attachment(db, second.id).has_preview
    remove_file(db, first.id)
    assert read_attachment(db, second.id) == content
    assert thumbnails_of(db, "cities", city).keys() == {second.id}


def test_a_damaged_stored_file_is_reported(sqlite_db: Database) -> None:
    city = create(sqlite_db, City(name_en="Ashdod", country="IL")).id
    assert city is not None
    stored = attach_files(sqlite_db, "cities", city, [NewFile("a.txt", b"hello")]).attachments[0]
    with sqlite_db.unit_of_work() as session:
        session.execute(schema.attachment_blobs.update().values(content=b"jello"))
    with pytest.raises(StorageUnavailable) as damaged:
        read_attachment(sqlite_db, stored.id)
    assert "a.txt is damaged" in damaged.value.user_message()


def test_a_copy_that_cannot_be_written_says_why(sqlite_db: Database, tmp_path: Path) -> None:
    city = create(sqlite_db, City(name_en="Ashdod", country="IL")).id
    assert city is not None
    stored = attach_files(sqlite_db, "cities", city, [NewFile("a.txt", b"hello")]).attachments[0]
    with pytest.raises(InvalidInput) as refused:
        save_copy(sqlite_db, stored.id, tmp_path / "missing folder" / "a.txt")
    assert "cannot be written" in refused.value.problems[0].message
    assert not any(name.endswith(".part") for name in os.listdir(tmp_path))


def test_the_history_names_the_chosen_photo_by_its_file(db: Database, city: int) -> None:
    photo = attach_files(db, "cities", city, [NewFile("mayor.jpg", _photo(40, 30))]).attachments[0]
    choose_photo(db, "cities", city, photo.id)
    changes = [
        change
        for line in record_history(db, "cities", city)
        for change in line.changes
        if change.name == "photo_attachment_id"
    ]
    assert [(change.old, change.new) for change in changes] == [("—", "mayor.jpg")]
