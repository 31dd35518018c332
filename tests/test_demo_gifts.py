"""The demo's gifts register and the files on its records: sample gifts given and received
around the Kfar Saba exchanges, in three languages, declared as the office's threshold asks;
a scan on the MOU on cultural exchange; photos on visits, events, gifts and Kfar Saba's
dossier, each saying it is an illustration; the files small, shipped, and the same on
PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import DeclarationStatus, GiftDirection, GiftDisposition
from exchange_desk.domain.records import Gift
from exchange_desk.paths import resources_dir
from exchange_desk.services import demo_gifts
from exchange_desk.services.attachments import attachments_of, read_attachment
from exchange_desk.services.database import check_database
from exchange_desk.services.demo import fill_demo
from exchange_desk.services.gifts import declarations, gift_history
from exchange_desk.services.names import Names
from exchange_desk.services.office import office_profile
from exchange_desk.services.records import ListQuery, get_record, list_records
from exchange_desk.storage.database import Database, open_database

ROOT = Path(__file__).resolve().parents[1]
DEMO_FILES = ROOT / "resources" / "demo"
HAN = re.compile(r"[\u4e00-\u9fff]")
HEBREW = re.compile(r"[\u05d0-\u05ea]")


def _gifts(db: Database) -> list[Gift]:
    return [row.record for row in list_records(db, "gifts").rows]


def _one(db: Database, kind: str, english: str) -> Any:
    found = [
        row.record
        for row in list_records(db, kind, ListQuery(search=english)).rows
        if english in (getattr(row.record, "name_en", None), getattr(row.record, "title_en", None))
    ]
    assert len(found) == 1, (kind, english)
    return found[0]


def _person(db: Database, person_id: int | None) -> Any:
    assert person_id is not None
    return get_record(db, "persons", person_id)


# --- the register ----------------------------------------------------------------------------


def test_gifts_both_ways_all_samples_in_three_languages(demo_db: Database) -> None:
    gifts = _gifts(demo_db)
    assert len(gifts) == len(demo_gifts.GIFTS) == 10
    directions = [gift.direction for gift in gifts]
    assert directions.count(GiftDirection.GIVEN) == 5
    assert directions.count(GiftDirection.RECEIVED) == 5
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    jinan = _one(demo_db, "cities", "Jinan")
    for gift in gifts:
        assert gift.is_sample, gift.description_en
        assert HAN.search(gift.description_zh), gift.description_en
        assert not HEBREW.search(gift.description_zh)
        assert HEBREW.search(gift.description_he), gift.description_en
        assert not HAN.search(gift.description_he)
        assert gift.partner_city_id == kfar_saba.id
        # Our side is always one of Jinan's people; theirs, where named, Kfar Saba's.
        assert _person(demo_db, gift.official_person_id).city_id == jinan.id
        if gift.partner_person_id is not None:
            assert _person(demo_db, gift.partner_person_id).city_id == kfar_saba.id
        assert (gift.delegation_id is None) != (gift.event_id is None)
        if gift.direction is GiftDirection.GIVEN:
            assert gift.disposition is None
            assert gift.declaration_status is DeclarationStatus.NOT_REQUIRED


def test_jinan_gave_kfar_saba_a_vase_in_2016_and_a_scroll_in_2017(demo_db: Database) -> None:
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    history = gift_history(demo_db, partner_city_id=kfar_saba.id)
    given = [(gift.given_on.year, gift.description.en) for gift in history.gifts]
    assert given[:2] == [
        (2016, "Blue-and-white porcelain vase"),
        (2017, "Silk scroll with a landscape of mountains and water"),
    ]
    sentence = history.sentence("en")
    assert sentence.startswith(
        "Kfar Saba, 2016: Blue-and-white porcelain vase; "
        "2017: Silk scroll with a landscape of mountains and water"
    )
    # Another porcelain vase for Kfar Saba would be warned of as a repeat.
    again = gift_history(
        demo_db, partner_city_id=kfar_saba.id, description=Names(en="Porcelain vase, blue")
    )
    assert [gift.description.en for gift in again.repeats] == ["Blue-and-white porcelain vase"]
    # Each at a visit of ours to Kfar Saba, in the year of the visit.
    for gift in history.gifts[:2]:
        stored = get_record(demo_db, "gifts", gift.id)
        visit = get_record(demo_db, "delegations", stored.delegation_id)
        assert visit.direction.value == "outgoing"
        assert visit.start_date.year == gift.given_on.year


def test_the_dead_sea_plate_was_received_declared_and_handed_over(demo_db: Database) -> None:
    [plate] = [g for g in _gifts(demo_db) if "Dead Sea" in g.description_en]
    assert plate.direction is GiftDirection.RECEIVED
    assert plate.description_zh == "死海风景彩绘陶瓷盘"
    assert plate.description_he == "צלחת קרמיקה מצוירת בנוף ים המלח"
    assert plate.given_on == PartialDate(2017, 6, 18)
    assert plate.estimated_value is not None
    assert plate.estimated_value >= 200
    assert plate.declaration_status is DeclarationStatus.DECLARED
    assert plate.declared_on is not None
    assert plate.declared_on.year == 2017
    assert plate.disposition is GiftDisposition.HANDED_OVER
    assert _person(demo_db, plate.official_person_id).name == "Zhang Huimin"
    assert _person(demo_db, plate.partner_person_id).name == "Ronen Dagan"


def test_values_currencies_and_declarations_are_varied(demo_db: Database) -> None:
    profile = office_profile(demo_db)
    assert (profile.gift_threshold, profile.gift_currency) == (200, "CNY")
    gifts = _gifts(demo_db)
    currencies = {gift.currency for gift in gifts if gift.estimated_value is not None}
    assert currencies == {"CNY", "ILS"}
    assert [g.description_en for g in gifts if g.estimated_value is None] == [
        "Signed recording of the Kfar Saba choir"
    ]
    received = [g for g in gifts if g.direction is GiftDirection.RECEIVED]
    assert {g.declaration_status for g in received} == set(DeclarationStatus)
    assert len({g.disposition for g in received} - {None}) >= 3
    assert any(g.estimated_value == 200 for g in received)  # at the threshold
    assert any((g.estimated_value or 0) > 200 and g.currency == "CNY" for g in received)


def test_the_2018_declaration(demo_db: Database) -> None:
    found = declarations(demo_db, 2018)
    assert (found.threshold, found.currency) == (200, "CNY")
    listed = {
        official.official.en: sorted(g.description.en for g in official.gifts)
        for official in found.officials
    }
    # At or above 200 CNY, per official; the shekel and the unvalued gifts set apart.
    assert listed == {
        "Huang Wei": ["Gift box of dates and olive oil"],
        "Li Minghua": ["Bronze sculpture of an olive tree"],
    }
    assert sorted(g.description.en for g in found.unvalued) == [
        "Hand-blown glass bowl",
        "Signed recording of the Kfar Saba choir",
    ]
    assert found.total == 2600
    assert found.received == 4


# --- the files -------------------------------------------------------------------------------


def test_the_culture_mou_has_a_scan(demo_db: Database) -> None:
    mou = _one(
        demo_db,
        "agreements",
        "MOU on cultural exchange between the culture authorities of Jinan and Kfar Saba",
    )
    assert mou.scan_attachment_id is not None
    [scan] = attachments_of(demo_db, "agreements", mou.id)
    assert scan.id == mou.scan_attachment_id
    assert scan.is_pdf
    content = read_attachment(demo_db, mou.scan_attachment_id)
    assert content == (DEMO_FILES / "agreement-culture-scan.pdf").read_bytes()
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 2  # a scan of two pages, each a picture of the page
    for page in reader.pages:
        [picture] = page.images
        assert picture.image is not None
        assert picture.image.size == (827, 1169)
    assert reader.metadata is not None
    assert "Sample scan" in str(reader.metadata.title)
    assert "not the signed" in scan.description
    assert HAN.search(scan.caption_zh)
    assert HEBREW.search(scan.caption_he)
    # The other MOU has none: the demo does not pretend every agreement was scanned.
    education = _one(
        demo_db,
        "agreements",
        "MOU on educational exchange between the education authorities of Jinan and Kfar Saba",
    )
    assert education.scan_attachment_id is None


def test_kfar_saba_has_a_photo_for_its_dossier(demo_db: Database) -> None:
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    assert kfar_saba.photo_attachment_id is not None
    [photo] = attachments_of(demo_db, "cities", kfar_saba.id)
    assert photo.id == kfar_saba.photo_attachment_id
    assert photo.is_image
    assert photo.has_preview
    assert (photo.width, photo.height) == (640, 427)
    content = read_attachment(demo_db, kfar_saba.photo_attachment_id)
    assert content == (DEMO_FILES / "kfar-saba-skyline.jpg").read_bytes()
    for language in ("en", "zh", "he"):
        assert photo.caption(language), language
    assert "not a photograph" in photo.description
    assert "并非照片" in photo.caption_zh
    assert "לא צילום" in photo.caption_he


def test_photos_on_visits_events_and_gifts(demo_db: Database) -> None:
    gifts = _gifts(demo_db)
    with_photo = [g for g in gifts if g.photo_attachment_id is not None]
    assert len(with_photo) == 3
    for gift in with_photo:
        assert gift.id is not None
        [photo] = attachments_of(demo_db, "gifts", gift.id)
        assert photo.id == gift.photo_attachment_id
        assert photo.is_image
    # The two visits told in full: ours to Kfar Saba in 2017, the Mayor's to Jinan in 2018.
    pictured_visits = sorted(
        (d.record.start_date.year, d.record.leader)
        for d in list_records(demo_db, "delegations").rows
        if attachments_of(demo_db, "delegations", d.record.id)
    )
    assert pictured_visits == [(2017, "Zhang Huimin"), (2018, "Ronen Dagan")]
    pictured_events = [
        e.record.name_en
        for e in list_records(demo_db, "events").rows
        if attachments_of(demo_db, "events", e.record.id)
    ]
    assert sorted(pictured_events) == [
        "International choral festival in Jinan",
        "New Year celebration for Jinan employees in Kfar Saba (first year)",
    ]


def test_every_demo_file_is_used_described_and_small() -> None:
    shipped = sorted(p.name for p in DEMO_FILES.iterdir() if p.suffix in {".jpg", ".pdf"})
    used = sorted(
        {
            picture.file_name
            for picture in (
                demo_gifts.SCAN,
                demo_gifts.CITY_PHOTO,
                *demo_gifts.VISIT_PICTURES.values(),
                *demo_gifts.EVENT_PICTURES.values(),
                *(gift.photo for gift in demo_gifts.GIFTS if gift.photo is not None),
            )
        }
    )
    assert shipped == used
    assert sum((DEMO_FILES / name).stat().st_size for name in shipped) < 300 * 1024
    readme = (DEMO_FILES / "README.md").read_text(encoding="utf-8")
    for name in shipped:
        assert name in readme, name
    assert "GPL-3.0-or-later" in readme
    # Where the program finds them, from a checkout as from the installed program.
    assert (resources_dir() / "demo" / "gift-vase.jpg").is_file()


def test_the_demo_files_ship_with_the_program() -> None:
    """The wheel and the frozen program carry the whole resources folder, demo/ included."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"]["resources"] == "exchange_desk/_data/resources"
    assert "resources" in project["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    spec = (ROOT / "packaging" / "exchange_desk.spec").read_text(encoding="utf-8")
    assert '(str(ROOT / "resources"), "resources")' in spec


def test_the_stored_files_pass_the_database_check(demo_db: Database) -> None:
    report = check_database(demo_db)
    assert report.ok, report.problems


# --- PostgreSQL --------------------------------------------------------------------------------


def _register(db: Database) -> list[tuple[Any, ...]]:
    rows = []
    for gift in _gifts(db):
        assert gift.id is not None
        photo = attachments_of(db, "gifts", gift.id)
        rows.append(
            (
                str(gift.given_on),
                gift.direction,
                gift.description_en,
                gift.description_zh,
                gift.description_he,
                gift.estimated_value,
                gift.currency,
                gift.declaration_status,
                gift.disposition,
                [a.sha256 for a in photo],
            )
        )
    return rows


@pytest.mark.postgres
def test_the_same_gifts_and_files_on_postgresql(pg_url: str, demo_db: Database) -> None:
    database = open_database(pg_url)
    try:
        fill_demo(database)
        assert _register(database) == _register(demo_db)
        kfar_saba = _one(database, "cities", "Kfar Saba")
        [photo] = attachments_of(database, "cities", kfar_saba.id)
        assert kfar_saba.photo_attachment_id == photo.id
        content = read_attachment(database, kfar_saba.photo_attachment_id)
        assert hashlib.sha256(content).hexdigest() == photo.sha256
        assert content == (DEMO_FILES / "kfar-saba-skyline.jpg").read_bytes()
        assert (photo.width, photo.height) == (640, 427)
        assert declarations(database, 2018).total == 2600
    finally:
        database.dispose()
