"""Make the migration fixtures: a small database file as each released schema left it.

    .venv/bin/python tests/data/migrations/make_fixtures.py

For each revision, an empty file is migrated to it with the program's own migrations
(`alembic upgrade <revision>` through `storage.database.alembic_config`), then every table
that exists at that revision is filled with raw SQL, never with today's ORM classes, which
describe today's schema: names in Hebrew and Chinese, dates of all three precisions, NULLs,
the link tables, tier history, attachments with their stored files, certificates and their
printings, the office profile. Some values are ones an older release let through and a
later migration repairs ("2018-13-45", a population beyond PostgreSQL's INTEGER): from that
revision on a file holds the repaired value (`Repaired(...)`) and the repair on record.

tests/test_migrations.py upgrades a copy of each file and compares every row. The files are
committed and never made again (a file made anew would differ in bytes from the one the
tests have always read): to add the file of a newly released revision, add its revision to
REVISIONS and its new columns and tables below (marked `Since(...)`, `TABLE_SINCE`), then

    .venv/bin/python tests/data/migrations/make_fixtures.py

which makes the files that are missing. Name revisions to make their files again:

    .venv/bin/python tests/data/migrations/make_fixtures.py 0004
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "src"))

REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")


@dataclass(frozen=True)
class Since:
    """A value of a column that revision `revision` added."""

    revision: str
    value: Any


@dataclass(frozen=True)
class Repaired:
    """A value an older release let through (`old`), which revision `revision` repairs to
    `new` and records in the table `repairs`: a file at that revision or later holds `new`."""

    revision: str
    old: Any
    new: Any


SCAN = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n\x00\xff\x00trailer\n"
SEAL = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
SCAN_SHA = hashlib.sha256(SCAN).hexdigest()
SEAL_SHA = hashlib.sha256(SEAL).hexdigest()
# A person's photo (0006): the start of a JPEG, and bytes no text encoding reads.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()
# A city's photo and a gift's (0007), each with its preview: JPEG bytes, NULs, lone
# continuation bytes (0x80-0xbf) and 0xfe/0xff, which no text encoding round-trips.
CITY_PHOTO = b"\xff\xd8\xff\xe1\x00\x16Exif\x00\x00MM\x00*\x00\x00\x00\x08\x01\x12\x00\x03\xff\xd9"
CITY_PHOTO_SHA = hashlib.sha256(CITY_PHOTO).hexdigest()
GIFT_PHOTO = b"\xff\xd8\xff\xdb\x00C\x00\x08\x06\x06\x07\x06\x05\x08\x80\xbf\xfe\x00\xff\xd9"
GIFT_PHOTO_SHA = hashlib.sha256(GIFT_PHOTO).hexdigest()
THUMBNAIL_JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x02\x00\x00H\x00H\x00\x00\x80\x00\xfe\xff\xd9"
)
PICTURE_JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x02\x00\x00\x01\x00\x01\xc3\x28\x00\xa0\xa1\xff\xd9"
)
# A seal keeps its transparency: its preview is a PNG.
THUMBNAIL_PNG = (
    SEAL[:16] + b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\xff"
)

T0 = "2018-11-16 10:00:00.000000"
T1 = "2019-02-05 08:30:15.250000"
T2 = "2020-12-31 23:59:59.999999"
# When 0004 was run on the office's file.
T3 = "2021-03-01 09:00:00.000000"
# When the gifts register was begun (0007).
T4 = "2022-06-30 16:45:30.500000"


def stamps(created: str = T0, updated: str = T1, sample: int = 0) -> dict[str, Any]:
    return {"created_at": created, "updated_at": updated, "is_sample": sample}


def versioned(
    created: str = T0, updated: str = T1, sample: int = 0, version: int = 1
) -> dict[str, Any]:
    """The stamps of a table made at 0005 or later, which has its version from the start."""
    return {**stamps(created, updated, sample), "version": version}


def formal(en: str = "", zh: str = "", he: str = "") -> dict[str, Any]:
    return {
        "formal_name_en": Since("0003", en),
        "formal_name_zh": Since("0003", zh),
        "formal_name_he": Since("0003", he),
    }


# (table, row) in an order that satisfies every reference. A table's rows at a revision
# before the table existed are left out with the whole table (see TABLE_SINCE); a row that
# only a later revision's file holds is given as Since(revision, row).
TABLE_SINCE = {
    "certificate_printings": "0002",
    "repairs": "0004",
    "audit_log": "0005",
    **dict.fromkeys(
        ("delegation_members", "programme_items", "guests", "letter_templates", "letters"),
        "0006",
    ),
    **dict.fromkeys(("gifts", "attachment_previews"), "0007"),
}


def sized(
    zh: str = "", he: str = "", width: int | None = None, height: int | None = None
) -> dict[str, Any]:
    """The captions and pixel size 0007 adds to an attachment."""
    return {
        "caption_zh": Since("0007", zh),
        "caption_he": Since("0007", he),
        "width": Since("0007", width),
        "height": Since("0007", height),
    }


ROWS: list[tuple[str, dict[str, Any] | Since]] = [
    ("attachment_blobs", {"sha256": SCAN_SHA, "content": SCAN}),
    ("attachment_blobs", {"sha256": SEAL_SHA, "content": SEAL}),
    ("attachment_blobs", Since("0006", {"sha256": PHOTO_SHA, "content": PHOTO})),
    ("attachment_blobs", Since("0007", {"sha256": CITY_PHOTO_SHA, "content": CITY_PHOTO})),
    ("attachment_blobs", Since("0007", {"sha256": GIFT_PHOTO_SHA, "content": GIFT_PHOTO})),
    # The previews 0007 makes of an image when it is attached: not of the person's photo,
    # attached before (the program shows a file icon for it).
    (
        "attachment_previews",
        {
            "sha256": SEAL_SHA,
            # A 1x1 image: thumbnail and picture come out the same.
            "thumbnail": THUMBNAIL_PNG,
            "picture": THUMBNAIL_PNG,
            "media_type": "image/png",
        },
    ),
    (
        "attachment_previews",
        {
            "sha256": CITY_PHOTO_SHA,
            "thumbnail": THUMBNAIL_JPEG,
            "picture": PICTURE_JPEG,
            "media_type": "image/jpeg",
        },
    ),
    (
        "attachment_previews",
        {
            "sha256": GIFT_PHOTO_SHA,
            "thumbnail": THUMBNAIL_JPEG[::-1],
            "picture": PICTURE_JPEG[::-1],
            "media_type": "image/jpeg",
        },
    ),
    # Before the cities: a city's photo (0007) is one of them.
    (
        "attachments",
        {
            "id": 1,
            "owner_kind": "agreement",
            "owner_id": 1,
            "file_name": "הסכם 协议 2009.pdf",
            "media_type": "application/pdf",
            "size": len(SCAN),
            "sha256": SCAN_SHA,
            "description": "Scan 扫描 סריקה",
            "created_at": T0,
            **sized("协议扫描件", "סריקת ההסכם"),
        },
    ),
    (
        "attachments",
        {
            "id": 2,
            "owner_kind": "office",
            "owner_id": 1,
            "file_name": "seal.png",
            "media_type": "image/png",
            "size": len(SEAL),
            "sha256": SEAL_SHA,
            "description": "",
            "created_at": T1,
            **sized(width=1, height=1),  # the size its PNG header gives
        },
    ),
    (
        "attachments",
        {
            # The same stored file under a second name.
            "id": 3,
            "owner_kind": "office",
            "owner_id": 1,
            "file_name": "logo.png",
            "media_type": "image/png",
            "size": len(SEAL),
            "sha256": SEAL_SHA,
            "description": "logo",
            "created_at": T2,
            **sized(width=1, height=1),
        },
    ),
    (
        "attachments",
        Since(
            "0006",
            {
                # A person's photo (persons.photo_attachment_id).
                "id": 4,
                "owner_kind": "persons",
                "owner_id": 1,
                "file_name": "王芳 ואנג פאנג.jpg",
                "media_type": "image/jpeg",
                "size": len(PHOTO),
                "sha256": PHOTO_SHA,
                "description": "Passport photo 护照照片",
                "created_at": T3,
                # Attached before 0007: captioned since, its size never read.
                **sized("护照照片", "תמונת דרכון"),
            },
        ),
    ),
    (
        "attachments",
        Since(
            "0007",
            {
                # A city's photo (cities.photo_attachment_id), a landscape 12-megapixel one.
                "id": 5,
                "owner_kind": "cities",
                "owner_id": 1,
                "file_name": "泉城广场 כיכר.jpg",
                "media_type": "image/jpeg",
                "size": len(CITY_PHOTO),
                "sha256": CITY_PHOTO_SHA,
                "description": "Quancheng Square at dusk",
                "created_at": T4,
                **sized("黄昏时的泉城广场", "כיכר צ'ואנצ'נג בשעת בין הערביים", 4032, 3024),
            },
        ),
    ),
    (
        "attachments",
        Since(
            "0007",
            {
                # A gift's photo (gifts.photo_attachment_id), upright.
                "id": 6,
                "owner_kind": "gifts",
                "owner_id": 2,
                "file_name": "מנורה 烛台.jpg",
                "media_type": "image/jpeg",
                "size": len(GIFT_PHOTO),
                "sha256": GIFT_PHOTO_SHA,
                "description": "",
                "created_at": T4,
                **sized("", "המנורה בלובי העירייה", 3000, 4000),
            },
        ),
    ),
    (
        "cities",
        {
            "id": 1,
            "name_en": "Jinan",
            "name_zh": "济南",
            "name_he": "ג'ינאן",
            "name_local": "济南市",
            "country": "CN",
            "region": "Shandong 山东",
            "latitude": 36.651216,
            "longitude": 117.12,
            "population": 9_202_400,
            **formal("the City of Jinan", "中国济南市", "העיר ג'ינאן"),
            "photo_attachment_id": Since("0007", 5),
            **stamps(),
        },
    ),
    (
        "cities",
        {
            "id": 2,
            "name_en": "Kfar Saba",
            "name_zh": "克法尔萨巴",
            "name_he": "כפר סבא",
            "name_local": "כְּפַר סָבָא",
            "country": "IL",
            "region": "Center District",
            "latitude": 32.175,
            "longitude": 34.907,
            "population": 101_432,
            **formal("the City of Kfar Saba", "以色列克法尔萨巴市", "עיריית כפר סבא"),
            "photo_attachment_id": Since("0007", None),
            **stamps(T0, T2),
        },
    ),
    (
        "cities",
        {
            # A population no PostgreSQL INTEGER holds: 0004 sets it aside.
            "id": 3,
            "name_en": "Zürich",
            "name_zh": "苏黎世",
            "name_he": "ציריך",
            "name_local": "",
            "country": "CH",
            "region": "",
            "latitude": None,
            "longitude": None,
            "population": Repaired("0004", 3_000_000_000, None),
            **formal(),
            "photo_attachment_id": Since("0007", None),
            **stamps(T1, T1),
        },
    ),
    (
        "cities",
        {
            "id": 4,
            "name_en": "Qiryat Ono",
            "name_zh": "",
            "name_he": "",
            "name_local": "",
            "country": "IL",
            "region": "",
            "latitude": -0.0,
            "longitude": 180.0,
            "population": None,
            **formal(),
            "photo_attachment_id": Since("0007", None),
            **stamps(T2, T2, sample=1),
        },
    ),
    (
        "conferences",
        {
            "id": 1,
            "name_en": "Mayors' Forum",
            "name_zh": "市长论坛",
            "name_he": "פורום ראשי הערים",
            "edition": 3,
            "host_city_id": 1,
            "start_date": "2018-11-15",
            "end_date": "2018-11-17",
            "attendance": 1200,
            "countries": 45,
            **stamps(),
        },
    ),
    (
        "conferences",
        {
            "id": 2,
            "name_en": "Water Expo",
            "name_zh": "",
            "name_he": "",
            "edition": None,
            "host_city_id": None,
            "start_date": "2019",
            "end_date": None,
            "attendance": None,
            "countries": 0,
            **stamps(sample=1),
        },
    ),
    (
        "delegations",
        {
            "id": 1,
            "direction": "incoming",
            "city_id": 2,
            "start_date": "2018-05",
            "end_date": "2018-05-20",
            "leader": "Yehuda Ben-Hamo יהודה בן חמו",
            "leader_title": "Mayor",
            "members": 12,
            "purpose": "Visit 访问\nביקור",
            "outcome": "",
            "status": "done",
            **stamps(),
        },
    ),
    (
        "delegations",
        {
            "id": 2,
            "direction": "outgoing",
            "city_id": 1,
            "start_date": None,
            "end_date": None,
            "leader": "",
            "leader_title": "",
            "members": None,
            "purpose": "",
            "outcome": "",
            "status": "planned",
            **stamps(T2, T2),
        },
    ),
    (
        "organizations",
        {
            "id": 1,
            "name_en": "CPAFFC",
            "name_zh": "中国人民对外友好协会",
            "name_he": "",
            "kind": "association",
            "city_id": 1,
            "notes": "Gives the Friendship Award. 友好",
            **formal(
                "Chinese People's Association for Friendship with Foreign Countries",
                "中国人民对外友好协会",
                "",
            ),
            "seal_attachment_id": Since("0003", 2),
            **stamps(),
        },
    ),
    (
        "organizations",
        {
            "id": 2,
            "name_en": "Kfar Saba Municipality",
            "name_zh": "",
            "name_he": "עיריית כפר סבא",
            "kind": "government_bureau",
            "city_id": 2,
            "notes": "",
            **formal(),
            "seal_attachment_id": Since("0003", None),
            **stamps(),
        },
    ),
    (
        "organizations",
        {
            "id": 3,
            "name_en": "Spring Choir",
            "name_zh": "春之声合唱团",
            "name_he": "מקהלת האביב",
            "kind": "choir",
            "city_id": None,
            "notes": "",
            **formal(),
            "seal_attachment_id": Since("0003", None),
            **stamps(T1, T2),
        },
    ),
    (
        "partnerships",
        {
            "id": 1,
            "city_id": 2,
            "tier": "sister_city",
            "established": "2009",
            "signed_at": "Jinan 济南",
            "status": "active",
            "ended": None,
            "notes": "",
            **stamps(),
        },
    ),
    (
        "partnerships",
        {
            "id": 2,
            "city_id": 3,
            "tier": "friendly_cooperative_city",
            "established": "2015-06-01",
            "signed_at": "",
            "status": "ended",
            "ended": "2020-12",
            "notes": "Ended by letter.\nמכתב",
            **stamps(),
        },
    ),
    (
        "agreements",
        {
            "id": 1,
            "title_en": "Education Agreement",
            "title_zh": "教育合作协议",
            "title_he": "הסכם חינוך",
            "city_id": 2,
            "signed_on": "2009-04-12",
            "expires_on": "2014",
            "area": "education",
            "scan_attachment_id": 1,
            "notes": "",
            **stamps(),
        },
    ),
    (
        "agreements",
        {
            "id": 2,
            "title_en": "MoU",
            "title_zh": "",
            "title_he": "",
            "city_id": None,
            "signed_on": None,
            "expires_on": None,
            "area": None,
            "scan_attachment_id": None,
            "notes": "",
            **stamps(),
        },
    ),
    ("conference_organizers", {"conference_id": 1, "organization_id": 1}),
    ("conference_organizers", {"conference_id": 1, "organization_id": 2}),
    (
        "cultural_events",
        {
            "id": 1,
            "name_en": "Spring Festival Gala",
            "name_zh": "春节联欢晚会",
            "name_he": "חגיגת ראש השנה הסיני",
            "kind": "celebration",
            "start_date": "2019-02",
            "end_date": "2019-02-05",
            "city_id": 2,
            "partner_city_id": 1,
            "host_organization_id": 3,
            "attendance": 800,
            "description": "",
            **stamps(),
        },
    ),
    (
        "cultural_events",
        {
            # A month 13 that an older release stored: 0004 sets it aside.
            "id": 2,
            "name_en": "Choir Week",
            "name_zh": "",
            "name_he": "",
            "kind": "choral_festival",
            "start_date": Repaired("0004", "2018-13-45", None),
            "end_date": None,
            "city_id": None,
            "partner_city_id": None,
            "host_organization_id": None,
            "attendance": None,
            "description": "מקהלות 合唱",
            **stamps(),
        },
    ),
    ("delegation_organizations", {"delegation_id": 1, "organization_id": 2}),
    ("delegation_organizations", {"delegation_id": 2, "organization_id": 1}),
    (
        "office_profile",
        {
            "id": 1,
            "home_city_id": 1,
            "office_name_en": "Jinan Foreign Affairs Office",
            "office_name_zh": "济南市人民政府外事办公室",
            "office_name_he": "משרד החוץ של ג'ינאן",
            "signatory_en": "Li Wei",
            "signatory_zh": "李伟",
            "signatory_he": "לי ויי",
            "signatory_title_en": "Director",
            "signatory_title_zh": "主任",
            "signatory_title_he": "מנהל",
            "seal_attachment_id": 2,
            "logo_attachment_id": 3,
            "updated_at": T2,
            "certificate_number_pattern": Since("0002", "JN-{year}-{seq:03}"),
            "foreword_en": Since("0003", "A year of friendship."),
            "foreword_zh": Since("0003", "友谊之年。"),
            "foreword_he": Since("0003", "שנה של ידידות."),
            "chinese_numeral_dates": Since("0003", 1),
            "address_en": Since("0006", "1 Longao North Road, Lixia District, Jinan 250099"),
            "address_zh": Since("0006", "济南市历下区龙奥北路1号\n邮编 250099"),
            "address_he": Since("0006", "דרך לונגאו הצפונית 1, ג'ינאן"),
            "phone": Since("0006", "+86 531 5555 0000"),
            "email": Since("0006", "fao@jinan.example.cn"),
            "letter_number_pattern": Since("0006", "JN-L{year}-{seq:03}"),
            "gift_threshold": Since("0007", 200.5),
            "gift_currency": Since("0007", "CNY"),
            "attachment_limit_mb": Since("0007", 25),
        },
    ),
    ("partnership_areas", {"partnership_id": 1, "area": "education"}),
    ("partnership_areas", {"partnership_id": 1, "area": "culture"}),
    ("partnership_areas", {"partnership_id": 2, "area": "trade"}),
    (
        "persons",
        {
            "id": 1,
            "name": "Wang Fang",
            "name_zh": "王芳",
            "name_he": "",
            "title": "Director",
            "organization_id": 1,
            "email": "wang.fang@example.cn",
            "phone": "+86 531 0000 0000",
            **stamps(),
            # Her passport's order (WANG Fang), a visa letter's data, a rank.
            "family_name": Since("0006", "Wang"),
            "given_name": Since("0006", "Fang"),
            "title_zh": Since("0006", "主任"),
            "title_he": Since("0006", "מנהלת"),
            "passport_number": Since("0006", "E12345678"),
            "nationality": Since("0006", "CN"),
            "honorific_en": Since("0006", "Ms"),
            "honorific_zh": Since("0006", "女士"),
            "honorific_he": Since("0006", "גב'"),
            "name_order": Since("0006", "family_first"),
            "city_id": Since("0006", 1),
            "rank": Since("0006", 2),
            "category": Since("0006", "government"),
            "photo_attachment_id": Since("0006", 4),
            "notes": Since("0006", "Vegetarian. 素食\nצמחונית"),
            "date_of_birth": Since("0006", "1975-02-28"),
            "sex": Since("0006", "female"),
            # What the program stores for 王芳 (domain.protocol.pinyin_keys).
            "name_pinyin": Since("0006", "wang fang wangfang"),
        },
    ),
    (
        "persons",
        {
            "id": 2,
            "name": "Dana Levi",
            "name_zh": "",
            "name_he": "דנה לוי",
            "title": "",
            "organization_id": None,
            "email": "",
            "phone": "",
            **stamps(),
            # No Chinese name, so no pinyin; the rest left empty or unknown.
            "family_name": Since("0006", "Levi לוי"),
            "given_name": Since("0006", "Dana דנה"),
            "title_zh": Since("0006", ""),
            "title_he": Since("0006", "סגנית ראש העירייה"),
            "passport_number": Since("0006", ""),
            "nationality": Since("0006", "IL"),
            "honorific_en": Since("0006", ""),
            "honorific_zh": Since("0006", ""),
            "honorific_he": Since("0006", ""),
            "name_order": Since("0006", "given_first"),
            "city_id": Since("0006", None),
            "rank": Since("0006", None),
            "category": Since("0006", None),
            "photo_attachment_id": Since("0006", None),
            "notes": Since("0006", ""),
            "date_of_birth": Since("0006", None),
            "sex": Since("0006", None),
            "name_pinyin": Since("0006", ""),
        },
    ),
    (
        "tier_changes",
        {
            "id": 1,
            "partnership_id": 1,
            "changed_on": "2009",
            "from_tier": None,
            "to_tier": "sister_city",
            "note": "Signed 签署 נחתם",
            "created_at": T0,
        },
    ),
    (
        "tier_changes",
        {
            "id": 2,
            "partnership_id": 2,
            "changed_on": "2015-06-01",
            "from_tier": None,
            "to_tier": "friendly_cooperative_city",
            "note": "",
            "created_at": T0,
        },
    ),
    (
        "tier_changes",
        {
            # A month 00 in a date that must be given: 0004 keeps its year.
            "id": 3,
            "partnership_id": 2,
            "changed_on": Repaired("0004", "2016-00", "2016"),
            "from_tier": "friendly_cooperative_city",
            "to_tier": "sister_city",
            "note": "",
            "created_at": T1,
        },
    ),
    ("agreement_parties", {"agreement_id": 1, "organization_id": 1}),
    ("agreement_parties", {"agreement_id": 1, "organization_id": 2}),
    (
        "awards",
        {
            "id": 1,
            "title_en": "Friendship Award",
            "title_zh": "友谊奖",
            "title_he": "פרס הידידות",
            "conference_id": 1,
            "awarded_on": "2018-11",
            "giver_organization_id": 1,
            "recipient_kind": "city",
            "recipient_city_id": 2,
            "recipient_organization_id": None,
            "recipient_person_id": None,
            "citation_en": "For ten years of friendship.",
            "citation_zh": "表彰十年友谊。",
            "citation_he": "על עשר שנות ידידות.",
            "scan_attachment_id": Since("0003", None),
            **stamps(),
        },
    ),
    (
        "awards",
        {
            "id": 2,
            "title_en": "Honorary Citizen",
            "title_zh": "荣誉市民",
            "title_he": "אזרח כבוד",
            "conference_id": None,
            "awarded_on": "2019-02-04",
            "giver_organization_id": 2,
            "recipient_kind": "person",
            "recipient_city_id": None,
            "recipient_organization_id": None,
            "recipient_person_id": 1,
            "citation_en": "",
            "citation_zh": "",
            "citation_he": "",
            "scan_attachment_id": Since("0003", None),
            **stamps(),
        },
    ),
    (
        "awards",
        {
            "id": 3,
            "title_en": "Choir Prize",
            "title_zh": "",
            "title_he": "",
            "conference_id": None,
            "awarded_on": None,
            "giver_organization_id": None,
            "recipient_kind": "organization",
            "recipient_city_id": None,
            "recipient_organization_id": 3,
            "recipient_person_id": None,
            "citation_en": "Line one\nline two",
            "citation_zh": "",
            "citation_he": "",
            "scan_attachment_id": Since("0003", 1),
            **stamps(),
        },
    ),
    ("event_participants", {"event_id": 1, "organization_id": 3, "role": "performer"}),
    ("event_participants", {"event_id": 1, "organization_id": 1, "role": "host"}),
    ("event_participants", {"event_id": 2, "organization_id": 3, "role": "participant"}),
    (
        "certificates",
        {
            "id": 1,
            "number": "JN-2018-0001",
            "award_id": 1,
            "language_mode": "zh+en",
            "design": "classic",
            "issued_on": "2018-11-16",
            "issued_by": "Li Wei 李伟",
            "reprints": 1,
            **stamps(),
        },
    ),
    (
        "certificates",
        {
            "id": 2,
            "number": "JN-2019-0001",
            "award_id": 2,
            "language_mode": "zh+en+he",
            "design": "formal",
            "issued_on": "2019-02-05",
            "issued_by": "",
            "reprints": 0,
            **stamps(T1, T1),
        },
    ),
    (
        "certificate_printings",
        {
            "id": 1,
            "certificate_id": 1,
            "printed_at": "2018-11-16 10:05:00.000000",
            "printed_by": "Li Wei 李伟",
            "language_mode": "zh+en",
            "design": "classic",
            "is_reprint": 0,
            "failed": Since("0003", 0),
        },
    ),
    (
        "certificate_printings",
        {
            "id": 2,
            "certificate_id": 1,
            "printed_at": "2018-12-01 09:30:00.123456",
            "printed_by": "",
            "language_mode": "zh+en",
            "design": "classic",
            "is_reprint": 1,
            "failed": Since("0003", 0),
        },
    ),
    (
        "certificate_printings",
        {
            "id": 3,
            "certificate_id": 2,
            "printed_at": "2019-02-05 08:31:00.000000",
            "printed_by": "",
            "language_mode": "zh+en+he",
            "design": "formal",
            "is_reprint": 0,
            "failed": Since("0003", 1),
        },
    ),
    (
        "audit_log",
        {
            "id": 1,
            "at": "2021-03-02 09:15:00.000000",
            "user_name": "li.wei",
            "os_user": "li.wei",
            "host": "DESK-07",
            "desk": "d41d8cd98f00",
            "action": "update",
            "kind": "persons",
            "record_id": 1,
            "summary": "王喆",
            "details": '{"fields": {"title": ["Mayor", "Mayor of Jinan"]}}',
        },
    ),
    # 0006: who came with a delegation, its programme, the guest lists, letters.
    (
        "delegation_members",
        {
            "id": 1,
            "delegation_id": 1,
            "person_id": 2,
            "role": "head",
            "arrival": "2018-05-14",
            "departure": "2018-05-20",
            "notes": "Kosher meals 犹太洁食 כשר",
            **versioned(T3, T3, version=3),
        },
    ),
    (
        "delegation_members",
        {
            "id": 2,
            "delegation_id": 1,
            "person_id": 1,
            "role": "interpreter",
            "arrival": None,
            "departure": None,
            "notes": "",
            **versioned(T3, T3),
        },
    ),
    (
        "delegation_members",
        {
            # Arrives and leaves the same day.
            "id": 3,
            "delegation_id": 2,
            "person_id": 1,
            "role": "security",
            "arrival": "2021-03-01",
            "departure": "2021-03-01",
            "notes": "",
            **versioned(T3, T3, sample=1),
        },
    ),
    (
        "programme_items",
        {
            "id": 1,
            "delegation_id": 1,
            "day": "2018-05-15",
            "starts_at": "09:30",
            "ends_at": "11:00",
            "activity_en": "Meeting with the Mayor",
            "activity_zh": "会见市长",
            "activity_he": "פגישה עם ראש העיר",
            "place_en": "City Hall",
            "place_zh": "市政府",
            "place_he": "בניין העירייה",
            "host_person_id": 1,
            "interpreter_person_id": 2,
            "dress_code": "business",
            "is_reception": 0,
            "notes_en": "Gifts exchanged.\nPhotographs.",
            "notes_zh": "互赠礼品。",
            "notes_he": "החלפת מתנות.",
            **versioned(T3, T3, version=2),
        },
    ),
    (
        "programme_items",
        {
            "id": 2,
            "delegation_id": 1,
            "day": "2018-05-15",
            "starts_at": "19:00",
            "ends_at": None,
            "activity_en": "Welcome dinner",
            "activity_zh": "欢迎晚宴",
            "activity_he": "ארוחת ערב לכבוד המשלחת",
            "place_en": "",
            "place_zh": "",
            "place_he": "",
            "host_person_id": None,
            "interpreter_person_id": None,
            "dress_code": "national",
            "is_reception": 1,
            "notes_en": "",
            "notes_zh": "",
            "notes_he": "",
            **versioned(T3, T3),
        },
    ),
    (
        "programme_items",
        {
            "id": 3,
            "delegation_id": 2,
            "day": "2021-03-01",
            "starts_at": None,
            "ends_at": None,
            "activity_en": "Free day",
            "activity_zh": "",
            "activity_he": "",
            "place_en": "",
            "place_zh": "",
            "place_he": "",
            "host_person_id": None,
            "interpreter_person_id": None,
            "dress_code": None,
            "is_reception": 0,
            "notes_en": "",
            "notes_zh": "",
            "notes_he": "",
            **versioned(T3, T3, sample=1),
        },
    ),
    # A guest list is an event's or a programme item's, never both.
    (
        "guests",
        {
            "id": 1,
            "event_id": 1,
            "programme_item_id": None,
            "person_id": 1,
            "side": "host",
            "notes": "Table 1 第一桌 שולחן 1",
            **versioned(T3, T3),
        },
    ),
    (
        "guests",
        {
            "id": 2,
            "event_id": None,
            "programme_item_id": 2,
            "person_id": 2,
            "side": "guest",
            "notes": "",
            **versioned(T3, T3, version=2),
        },
    ),
    (
        "guests",
        {
            "id": 3,
            "event_id": None,
            "programme_item_id": 2,
            "person_id": 1,
            "side": "host",
            "notes": "",
            **versioned(T3, T3),
        },
    ),
    # The office's own wording: placeholders, a block alone in its paragraph, a brace printed.
    (
        "letter_templates",
        {
            "id": 1,
            "letter": "invitation",
            "language": "zh",
            "subject": "邀请函",
            "body": "尊敬的{head_addressed}：\n\n诚邀{delegation}于{arrival}至{departure}访问"
            "{destination}。\n\n{members}\n\n此致\n敬礼\n\n{office}",
            **versioned(T3, T3, version=2),
        },
    ),
    (
        "letter_templates",
        {
            "id": 2,
            "letter": "visa",
            "language": "en",
            "subject": "",
            "body": "To the Consular Section:\n\n{members}\n\n{{ref: {today}}}",
            **versioned(T3, T3),
        },
    ),
    (
        "letter_templates",
        {
            "id": 3,
            "letter": "congratulation",
            "language": "he",
            "subject": "ברכה",
            "body": "לכבוד {partner_city_formal},\n\n{milestones}\n\nבכבוד רב,\n{signatory}",
            **versioned(T3, T3, sample=1),
        },
    ),
    (
        "letters",
        {
            "id": 1,
            "number": "JN-L2018-001",
            "letter": "invitation",
            "languages": "zh+en",
            "delegation_id": 1,
            "partnership_id": None,
            "issued_on": "2018-04-02",
            "issued_by": "Li Wei 李伟",
            "subject": "邀请函 Invitation",
            **versioned(T3, T3),
        },
    ),
    (
        "letters",
        {
            "id": 2,
            "number": "JN-L2019-001",
            "letter": "congratulation",
            "languages": "he",
            "delegation_id": None,
            "partnership_id": 1,
            "issued_on": "2019-04-12",
            "issued_by": "",
            "subject": "עשר שנות ידידות",
            **versioned(T3, T3),
        },
    ),
    (
        "letters",
        {
            # Its delegation since deleted (SET NULL): the register keeps the letter.
            "id": 3,
            "number": "JN-L2020-001",
            "letter": "visa",
            "languages": "zh+en+he",
            "delegation_id": None,
            "partnership_id": None,
            "issued_on": "2020-12-31",
            "issued_by": "",
            "subject": "",
            **versioned(T3, T3, sample=1),
        },
    ),
    # 0007: the gifts register. Given and received, a day, a month and a year.
    (
        "gifts",
        {
            "id": 1,
            "given_on": "2018-05-15",
            "direction": "given",
            "description_en": "Blue-and-white porcelain vase",
            "description_zh": "青花瓷瓶",
            "description_he": "אגרטל חרסינה כחול-לבן",
            "category": "porcelain",
            "partner_city_id": 2,
            "partner_organization_id": 2,
            "partner_person_id": 2,
            "official_person_id": 1,
            "delegation_id": 1,
            "event_id": None,
            "estimated_value": 1280.75,
            "currency": "CNY",
            "photo_attachment_id": None,
            "disposition": None,
            "declaration_status": "not_required",
            "declared_on": None,
            "declaration_reference": "",
            "notes": "Chosen by the Director.\n主任亲选。\nנבחר על ידי המנהלת.",
            **versioned(T4, T4, version=2),
        },
    ),
    (
        "gifts",
        {
            # Above the office's threshold: declared, with the declaration's reference.
            "id": 2,
            "given_on": "2019-02",
            "direction": "received",
            "description_en": "Menorah of Jerusalem stone",
            "description_zh": "耶路撒冷石烛台",
            "description_he": "מנורה מאבן ירושלמית",
            "category": "craft",
            "partner_city_id": 2,
            "partner_organization_id": 2,
            "partner_person_id": 2,
            "official_person_id": 1,
            "delegation_id": None,
            "event_id": 1,
            "estimated_value": 950.0,
            "currency": "ILS",
            "photo_attachment_id": 6,
            "disposition": "displayed",
            "declaration_status": "declared",
            "declared_on": "2019-02-20",
            "declaration_reference": "JN-DEC-2019/007 申报",
            "notes": "",
            **versioned(T4, T4),
        },
    ),
    (
        "gifts",
        {
            # No value known, no currency, no one named: still to declare.
            "id": 3,
            "given_on": "2020",
            "direction": "received",
            "description_en": "Book of photographs",
            "description_zh": "摄影集",
            "description_he": "",
            "category": "book",
            "partner_city_id": 3,
            "partner_organization_id": None,
            "partner_person_id": None,
            "official_person_id": None,
            "delegation_id": 2,
            "event_id": None,
            "estimated_value": None,
            "currency": "",
            "photo_attachment_id": None,
            "disposition": "archived",
            "declaration_status": "to_declare",
            "declared_on": None,
            "declaration_reference": "",
            "notes": "",
            **versioned(T4, T4, sample=1),
        },
    ),
]
# What 0004 recorded of its repairs above, as it words them (old and new values as text).
ROWS += [
    (
        "repairs",
        {
            "id": number,
            "table_name": table,
            "row_id": row["id"],
            "column_name": column,
            "old_value": str(value.old),
            "new_value": None if value.new is None else str(value.new),
            "repaired_at": T3,
        },
    )
    for number, (table, row, column, value) in enumerate(
        (
            (table, row, column, value)
            for table, row in ROWS
            if not isinstance(row, Since)  # a later row is stored as it is: nothing to repair
            for column, value in row.items()
            if isinstance(value, Repaired)
        ),
        start=1,
    )
]


def rows_at(revision: str) -> list[tuple[str, dict[str, Any]]]:
    """The rows as a database at `revision` holds them: later tables and columns left out."""
    chosen = []
    for table, row in ROWS:
        if TABLE_SINCE.get(table, "0001") > revision:
            continue
        if isinstance(row, Since):
            if row.revision > revision:
                continue
            row = row.value
        values = {}
        for column, value in row.items():
            if isinstance(value, Since):
                if value.revision > revision:
                    continue
                value = value.value
            elif isinstance(value, Repaired):
                value = value.old if value.revision > revision else value.new
            values[column] = value
        chosen.append((table, values))
    return chosen


def make(revision: str, path: Path) -> None:
    from alembic import command

    from exchange_desk.storage.database import alembic_config, make_engine, resolve_url

    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    engine = make_engine(resolve_url(path))
    try:
        command.upgrade(alembic_config(engine), revision)
    finally:
        engine.dispose()
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        with connection:
            for table, values in rows_at(revision):
                columns = ", ".join(values)
                marks = ", ".join("?" for _ in values)
                connection.execute(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
                )
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        (stored,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        assert stored == revision, stored
        # Small pages and no free ones: the file stays a few dozen kilobytes.
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("PRAGMA page_size = 1024")
        connection.execute("VACUUM")
    finally:
        connection.close()


def main(arguments: list[str]) -> None:
    """Make the files of the revisions named, or with none named those that are missing."""
    unknown = sorted(set(arguments) - set(REVISIONS))
    if unknown:
        raise SystemExit(f"not a released revision: {', '.join(unknown)} (see REVISIONS)")
    chosen = arguments or [r for r in REVISIONS if not (HERE / f"{r}.sqlite").exists()]
    for revision in chosen:
        path = HERE / f"{revision}.sqlite"
        make(revision, path)
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    if not chosen:
        print("every released revision has its file; name one to make it again")


if __name__ == "__main__":
    main(sys.argv[1:])
