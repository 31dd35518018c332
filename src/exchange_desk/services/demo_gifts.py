"""The demo's gifts register and the files on its records: gifts given and received around
the sample Kfar Saba visits and the choral festival, a scan on the MOU on cultural exchange,
pictures of two visits, two events and three gifts, and the photo of Kfar Saba's dossier.

The seed names no gift and no file, so every gift is a sample (`is_sample=True`), and every
file is an illustration drawn for the project (`resources/demo/`, made by its
`make_demo_files.py`) that says "sample" on its face and in its caption, in the three
languages. The files are read as they are, never drawn again: the fill stays fast.

The gifts follow the office's rules as the demo sets them (a threshold of 200 CNY, the
Chinese rules on gifts received in foreign affairs work): received gifts at or above it are
declared or still to be declared, those below need no declaration, one was estimated in
shekels and one not at all, so that the declaration shows each case. Officials are the
demo's Jinan people; the other side is Kfar Saba, its bodies and its people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    DeclarationStatus,
    GiftCategory,
    GiftDirection,
    GiftDisposition,
)
from exchange_desk.domain.records import Gift
from exchange_desk.paths import resources_dir
from exchange_desk.services import records
from exchange_desk.services.attachments import attach_in
from exchange_desk.services.demo_people import INCOMING, OUTGOING

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

__all__ = ["GIFTS", "add_gifts", "demo_files"]

Texts = tuple[str, str, str]  # English, Chinese, Hebrew

# The threshold the demo's office declares gifts received at: Chinese rules on gifts in
# foreign affairs work ask that those of some value be registered and handed over.
GIFT_THRESHOLD = 200.0
GIFT_CURRENCY = "CNY"


def demo_files() -> Path:
    """The folder of the demo's files."""
    return resources_dir() / "demo"


@dataclass(frozen=True, slots=True)
class Picture:
    """A file of `resources/demo/` and its caption."""

    file_name: str
    caption: Texts


@dataclass(frozen=True, slots=True)
class SampleGift:
    description: Texts
    direction: GiftDirection
    category: GiftCategory
    # When and on which occasion: a visit (by its generator index in `demo._add_facts`, whose
    # date is taken) or an event (by key, with the date given).
    official: str  # a key of `demo_people.PEOPLE`: our side
    partner_organization: str | None = None  # a key of the demo's organizations
    partner_person: str | None = None  # a key of `demo_people.PEOPLE`: their side
    visit: int | None = None
    event: str | None = None
    on: PartialDate | None = None
    value: float | None = None
    currency: str = GIFT_CURRENCY
    disposition: GiftDisposition | None = None
    status: DeclarationStatus = DeclarationStatus.NOT_REQUIRED
    declared_on: dt.date | None = None
    reference: str = ""
    notes: str = ""
    photo: Picture | None = None


_ILLUSTRATION: Texts = ("an illustration, not a photograph", "示意插图，并非照片", "איור, לא צילום")


def _caption(subject: Texts) -> Texts:
    """A picture's caption: what it shows, and that it is an illustration."""
    return (
        f"{subject[0]} ({_ILLUSTRATION[0]})",
        f"{subject[1]}（{_ILLUSTRATION[1]}）",
        f"{subject[2]} ({_ILLUSTRATION[2]})",
    )


GIVEN, RECEIVED = GiftDirection.GIVEN, GiftDirection.RECEIVED

GIFTS: tuple[SampleGift, ...] = (
    # 2016: a sample visit of Jinan to Kfar Saba.
    SampleGift(
        ("Blue-and-white porcelain vase", "青花瓷瓶", "אגרטל חרסינה כחול-לבן"),
        GIVEN,
        GiftCategory.PORCELAIN,
        official="zhang_huimin",
        partner_organization="ks_municipality",
        visit=16,
        value=1200,
        photo=Picture(
            "gift-vase.jpg",
            _caption(("The blue-and-white porcelain vase", "青花瓷瓶", "אגרטל החרסינה הכחול-לבן")),
        ),
    ),
    # 2017: the Vice Mayor's visit to Kfar Saba, at the courtesy call on the Mayor.
    SampleGift(
        (
            "Silk scroll with a landscape of mountains and water",
            "丝绸山水画卷轴",
            "מגילת משי ועליה נוף של הרים ומים",
        ),
        GIVEN,
        GiftCategory.TEXTILE,
        official="zhang_huimin",
        partner_organization="ks_municipality",
        partner_person="ronen_dagan",
        visit=OUTGOING.index,
        value=800,
        photo=Picture(
            "gift-scroll.jpg",
            _caption(("The silk scroll", "丝绸山水画卷轴", "מגילת המשי")),
        ),
    ),
    SampleGift(
        (
            "Ceramic plate painted with the Dead Sea",
            "死海风景彩绘陶瓷盘",
            "צלחת קרמיקה מצוירת בנוף ים המלח",
        ),
        RECEIVED,
        GiftCategory.PORCELAIN,
        official="zhang_huimin",
        partner_organization="ks_municipality",
        partner_person="ronen_dagan",
        visit=OUTGOING.index,
        value=350,
        disposition=GiftDisposition.HANDED_OVER,
        status=DeclarationStatus.DECLARED,
        declared_on=dt.date(2017, 6, 26),
        reference="GR-2017-004",
        notes="Handed over to the office on return, as the rules on gifts ask.",
        photo=Picture(
            "gift-plate.jpg",
            _caption(("The Dead Sea plate", "死海风景陶瓷盘", "צלחת ים המלח")),
        ),
    ),
    # 2018: the Mayor of Kfar Saba's visit to Jinan.
    SampleGift(
        ("Longshan black pottery tea set", "龙山黑陶茶具", "ערכת תה מחרס שחור בסגנון לונגשאן"),
        GIVEN,
        GiftCategory.PORCELAIN,
        official="li_minghua",
        partner_organization="ks_municipality",
        partner_person="ronen_dagan",
        visit=INCOMING.index,
        value=600,
    ),
    SampleGift(
        ("Bronze sculpture of an olive tree", "青铜橄榄树雕塑", "פסל ברונזה של עץ זית"),
        RECEIVED,
        GiftCategory.CRAFT,
        official="li_minghua",
        partner_organization="ks_municipality",
        partner_person="ronen_dagan",
        visit=INCOMING.index,
        value=2400,
        disposition=GiftDisposition.DISPLAYED,
        status=DeclarationStatus.DECLARED,
        declared_on=dt.date(2018, 6, 20),
        reference="GR-2018-002",
        notes="On display in the reception room of the Foreign Affairs Office.",
    ),
    SampleGift(
        ("Hand-blown glass bowl", "手工吹制玻璃碗", "קערת זכוכית בניפוח ידני"),
        RECEIVED,
        GiftCategory.CRAFT,
        official="wang_zhe",
        partner_person="michal_avrahami",
        visit=INCOMING.index,
        # Estimated in the giver's currency: the declaration lists it as not comparable.
        value=450,
        currency="ILS",
        disposition=GiftDisposition.KEPT,
        status=DeclarationStatus.DECLARED,
        declared_on=dt.date(2018, 6, 22),
        reference="GR-2018-003",
    ),
    SampleGift(
        ("Gift box of dates and olive oil", "椰枣和橄榄油礼盒", "מארז מתנה של תמרים ושמן זית"),
        RECEIVED,
        GiftCategory.FOOD,
        official="huang_wei",
        partner_person="oren_katz",
        visit=INCOMING.index,
        value=200,  # at the threshold: declared, and not yet
        status=DeclarationStatus.TO_DECLARE,
    ),
    # 2018: the arts festival in Kfar Saba and the choral festival in Jinan.
    SampleGift(
        (
            'Calligraphy scroll "Lasting friendship"',
            "“友谊长存”书法条幅",
            'מגילת קליגרפיה "ידידות לעד"',
        ),
        GIVEN,
        GiftCategory.ART,
        official="chen_jianguo",
        partner_organization="ks_culture",
        event="arts_festival",
        on=PartialDate(2018, 6),
        value=500,
    ),
    SampleGift(
        (
            "Framed paper-cut of Baotu Spring",
            "趵突泉剪纸（装框）",
            "חיתוך נייר ממוסגר של מעיין באוטו",
        ),
        GIVEN,
        GiftCategory.CRAFT,
        official="liu_xiaoyan",
        partner_organization="ks_choir",
        partner_person="noa_peretz",
        event="choral_festival",
        on=PartialDate(2018, 9),
        value=180,
    ),
    SampleGift(
        (
            "Signed recording of the Kfar Saba choir",
            "克法尔萨巴合唱团签名唱片",
            "הקלטה חתומה של מקהלת כפר סבא",
        ),
        RECEIVED,
        GiftCategory.OTHER,
        official="liu_xiaoyan",
        partner_organization="ks_choir",
        partner_person="noa_peretz",
        event="choral_festival",
        on=PartialDate(2018, 9),
        # No value estimated: the declaration lists it for the office to judge.
        currency="",
        disposition=GiftDisposition.ARCHIVED,
        notes="A token of thanks; no value was estimated.",
    ),
)

# The pictures of the other records, by the record's key (see `add_gifts`).
SCAN = Picture(
    "agreement-culture-scan.pdf",
    (
        "Sample scan drawn for the demo, not the signed memorandum",
        "演示用示例扫描件，并非已签署的备忘录",
        "סריקה לדוגמה שצוירה להדגמה, לא המזכר החתום",
    ),
)
CITY_PHOTO = Picture(
    "kfar-saba-skyline.jpg",
    _caption(("Kfar Saba at dusk", "黄昏时分的克法尔萨巴", "כפר סבא בשעת בין הערביים")),
)
VISIT_PICTURES = {
    OUTGOING.index: Picture(
        "visit-signing.jpg",
        _caption(
            (
                "Courtesy call on the Mayor of Kfar Saba at City Hall",
                "在克法尔萨巴市政厅拜会市长",
                "ביקור נימוסין אצל ראש עיריית כפר סבא בבניין העירייה",
            )
        ),
    ),
    INCOMING.index: Picture(
        "visit-spring.jpg",
        _caption(("Walk in Baotu Spring Park", "游览趵突泉公园", "סיור בפארק מעיין באוטו")),
    ),
}
EVENT_PICTURES = {
    "choral_festival": Picture(
        "event-stage.jpg",
        _caption(
            (
                "A choir on stage at the international choral festival",
                "国际合唱节舞台上的合唱团",
                "מקהלה על הבמה בפסטיבל המקהלות הבינלאומי",
            )
        ),
    ),
    "new_year": Picture(
        "event-lanterns.jpg",
        _caption(("Lanterns for the New Year", "新年灯笼", "פנסים לכבוד השנה החדשה")),
    ),
}


def _attach(session: Session, kind: str, record_id: int, picture: Picture) -> int:
    content = (demo_files() / picture.file_name).read_bytes()
    english, chinese, hebrew = picture.caption
    stored = attach_in(
        session,
        kind,
        record_id,
        picture.file_name,
        content,
        description=english,
        caption_zh=chinese,
        caption_he=hebrew,
    )
    assert stored.id is not None
    return stored.id


def _set(session: Session, kind: str, record_id: int, **values: Any) -> None:
    """Point a stored record at its file (a scan, a photo): a change like any other."""
    stored = records.record_in(session, kind, record_id)
    assert stored is not None
    records.update_in(session, replace(stored, **values), before=stored)


def add_gifts(
    database: Database,
    *,
    city: dict[str, int],
    org: dict[str, int],
    people: dict[str, int],
    visits: dict[int, tuple[int, PartialDate]],
    events: dict[str, int],
    agreements: dict[str, int],
) -> int:
    """Add the gifts and the files, in the caller's transaction when there is one. `visits`:
    the Kfar Saba delegations by generator index, with the day each began; `events`: the
    arts festival, the choral festival and the first New Year celebration by key;
    `agreements`: the culture MOU (`culture`). Returns how many gifts were added."""
    days = {OUTGOING.index: OUTGOING.first_day, INCOMING.index: INCOMING.first_day}
    with database.unit_of_work() as session:
        planned = []
        for sample in GIFTS:
            if sample.visit is not None:
                delegation_id, began = visits[sample.visit]
                # A told visit: the gifts were exchanged on the programme's first day.
                told = days.get(sample.visit)
                given_on = PartialDate.from_date(told) if told else began
            else:
                assert sample.on is not None
                assert sample.event is not None
                delegation_id, given_on = None, sample.on
            en, zh, he = sample.description
            planned.append(
                Gift(
                    given_on=given_on,
                    direction=sample.direction,
                    description_en=en,
                    description_zh=zh,
                    description_he=he,
                    category=sample.category,
                    partner_city_id=city["kfar_saba"],
                    partner_organization_id=(
                        org[sample.partner_organization] if sample.partner_organization else None
                    ),
                    partner_person_id=people[sample.partner_person]
                    if sample.partner_person
                    else None,
                    official_person_id=people[sample.official],
                    delegation_id=delegation_id,
                    event_id=events[sample.event] if sample.event else None,
                    estimated_value=sample.value,
                    currency=sample.currency if sample.value is not None else "",
                    disposition=sample.disposition,
                    declaration_status=sample.status,
                    declared_on=sample.declared_on,
                    declaration_reference=sample.reference,
                    notes=sample.notes,
                    is_sample=True,
                )
            )
        stored = records.create_many_in(session, planned)
        for sample, gift in zip(GIFTS, stored, strict=True):
            if sample.photo is not None:
                photo = _attach(session, "gifts", gift.id, sample.photo)
                _set(session, "gifts", gift.id, photo_attachment_id=photo)
        scan = _attach(session, "agreements", agreements["culture"], SCAN)
        _set(session, "agreements", agreements["culture"], scan_attachment_id=scan)
        photo = _attach(session, "cities", city["kfar_saba"], CITY_PHOTO)
        _set(session, "cities", city["kfar_saba"], photo_attachment_id=photo)
        for index, picture in VISIT_PICTURES.items():
            _attach(session, "delegations", visits[index][0], picture)
        for key, picture in EVENT_PICTURES.items():
            _attach(session, "events", events[key], picture)
    return len(stored)
