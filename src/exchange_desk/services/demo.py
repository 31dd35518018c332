"""The demo data set: every fact of the 2018 Jinan news item, plus flagged sample records.

Facts (`is_sample=False`) come from `shared/seed/jinan-friendship-cities-2018.txt`: Kfar Saba
as a sister city since 2009, the two MOUs, the arts festival with two Jinan schools, the
choir at the choral festival, two New Year celebrations, Sinotruk and the high-tech zone,
both 2018 conferences and both awards. What the seed leaves unknown (the day an MOU was
signed) stays empty rather than invented. To reach the 25 sister cities and 45 friendly
cooperative cities the seed counts, and the "more than 20 delegations", sample records are
added with `is_sample=True`: they are never passed off as fact.

`add_scale_load` adds a synthetic load for benchmarks, inserted in bulk. The people, the
delegation members, programmes and guest lists are in `demo_people`; the gifts register and
the files on the records (a scan, photos) in `demo_gifts`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    CooperationArea,
    DelegationStatus,
    Direction,
    DressCode,
    EventKind,
    MemberRole,
    NameOrder,
    OrganizationKind,
    ParticipantRole,
    PartnershipStatus,
    PartnershipTier,
    RecipientKind,
    Sex,
)
from exchange_desk.domain.errors import Conflict
from exchange_desk.domain.protocol import pinyin_keys
from exchange_desk.domain.records import (
    Agreement,
    Award,
    City,
    Conference,
    CulturalEvent,
    Delegation,
    EventParticipant,
    OfficeProfile,
    Organization,
    Partnership,
    Person,
)
from exchange_desk.i18n.catalog import N_, _, active_language
from exchange_desk.paths import resources_dir
from exchange_desk.services.attachments import attach
from exchange_desk.services.database import is_empty
from exchange_desk.services.demo_cities import (
    SAMPLE_FRIENDLY_CITIES,
    SAMPLE_SISTER_CITIES,
    SampleCity,
)
from exchange_desk.services.demo_gifts import GIFT_CURRENCY, GIFT_THRESHOLD, add_gifts
from exchange_desk.services.demo_people import VISIT_OF_INDEX, add_people
from exchange_desk.services.office import save_office_profile
from exchange_desk.services.records import create
from exchange_desk.storage import models as m

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class DemoResult:
    sister_cities: int
    friendly_cities: int
    delegations: int
    synthetic_delegations: int
    backup: Path | None


def _quiet(_message: str) -> None:
    return None


def fill_demo(
    database: Database, *, force: bool = False, scale: int = 0, progress: Progress = _quiet
) -> DemoResult:
    """Fill the database with the demo data set (and `scale` synthetic delegations).

    Refuses a database that holds records unless `force`; then its records are replaced,
    after a backup copy of a SQLite file is made.
    """
    backup = None
    if not is_empty(database):
        if not force:
            raise Conflict(
                _(
                    "The database already holds records; the demo data was not added. "
                    "Use --force to replace them (a backup copy is made first)."
                )
            )
        if database.path is not None:
            backup = database.backup("before-demo")
            progress(_("Backup copy: {path}").format(path=backup))
    # One transaction: a failure half-way leaves the database as it was, never half-filled.
    with database.unit_of_work():
        clear_all(database)
        progress(_("Adding the facts of the 2018 news item…"))
        kfar_saba_delegations = _add_facts(database)
        progress(_("Adding sample partner cities…"))
        sample_delegations = _add_sample_partners(database)
        synthetic = 0
        if scale > 0:
            progress(_("Adding synthetic delegations: {count}…").format(count=scale))
            synthetic = add_scale_load(database, scale)
    return DemoResult(
        sister_cities=1 + len(SAMPLE_SISTER_CITIES),
        friendly_cities=len(SAMPLE_FRIENDLY_CITIES),
        delegations=kfar_saba_delegations + sample_delegations,
        synthetic_delegations=synthetic,
        backup=backup,
    )


def clear_all(database: Database) -> None:
    """Delete every record and file, in one transaction, children before parents. The audit
    log stays: nothing deletes from it (the database refuses)."""
    with database.unit_of_work() as session:
        for table in reversed(m.Base.metadata.sorted_tables):
            if table.name != "audit_log":
                session.execute(delete(table))


def _org(
    database: Database,
    en: str,
    zh: str,
    he: str,
    kind: OrganizationKind,
    city_id: int | None,
    notes: str = "",
) -> int:
    organization = create(
        database,
        Organization(name_en=en, name_zh=zh, name_he=he, kind=kind, city_id=city_id, notes=notes),
    )
    assert organization.id is not None
    return organization.id


def _add_facts(database: Database) -> int:
    """The seed's facts; returns how many (sample) Kfar Saba delegations were added."""
    city = {}
    for key, record in {
        "jinan": City(
            name_en="Jinan",
            name_zh="济南",
            name_he="ג'ינאן",
            name_local="济南",
            country="CN",
            region="Shandong",
            latitude=36.65,
            longitude=117.12,
            population=9_200_000,
            formal_name_en="Jinan Municipal People's Government",
            formal_name_zh="济南市人民政府",
            formal_name_he="ממשלת העירייה של ג'ינאן",
        ),
        "kfar_saba": City(
            name_en="Kfar Saba",
            name_zh="克法尔萨巴",
            name_he="כפר סבא",
            name_local="כפר סבא",
            country="IL",
            region="Central District",
            latitude=32.18,
            longitude=34.91,
            population=100_000,
            formal_name_en="the City of Kfar Saba",
            formal_name_zh="以色列克法尔萨巴市",
            formal_name_he="עיריית כפר סבא",
        ),
        "wuhan": City(
            name_en="Wuhan",
            name_zh="武汉",
            name_he="ווהאן",
            name_local="武汉",
            country="CN",
            region="Hubei",
            latitude=30.59,
            longitude=114.31,
            population=11_000_000,
        ),
        "beijing": City(
            name_en="Beijing",
            name_zh="北京",
            name_he="בייג'ינג",
            name_local="北京",
            country="CN",
            region="Beijing",
            latitude=39.90,
            longitude=116.40,
            population=21_000_000,
        ),
    }.items():
        stored = create(database, record)
        assert stored.id is not None
        city[key] = stored.id

    # A seal marked as a sample, so the demo's certificates show where the real one goes.
    seal = attach(
        database,
        "office",
        1,
        "demo-seal.png",
        (resources_dir() / "images" / "demo-seal.png").read_bytes(),
        media_type="image/png",
        description="Sample seal of the demo data",
    )
    save_office_profile(
        database,
        OfficeProfile(
            seal_attachment_id=seal.id,
            home_city_id=city["jinan"],
            office_name_en="Foreign Affairs Office of the Jinan Municipal People's Government",
            office_name_zh="济南市人民政府外事办公室",
            office_name_he="המחלקה לקשרי חוץ של ממשלת העירייה של ג'ינאן",
            signatory_title_en="Director",
            signatory_title_zh="主任",
            signatory_title_he="מנהל המחלקה",
            # Jinan's certificates: JN-2018-0001, JN-2018-0002, ...
            certificate_number_pattern="JN-{year}-{seq:04}",
            # The letterhead: an invented telephone and e-mail, as sample data must be.
            address_en="Longao Building, Jinan, Shandong, China",
            address_zh="中国山东省济南市龙奥大厦",
            address_he="בניין לונגאאו, ג'ינאן, שאנדונג, סין",
            phone="+86 531 0000 0000",
            email="waiban@jinan.example",
            letter_number_pattern="JNWB-{year}-{seq:03}",
            # Gifts received from 200 CNY up are declared (`demo_gifts`).
            gift_threshold=GIFT_THRESHOLD,
            gift_currency=GIFT_CURRENCY,
        ),
    )
    create(
        database,
        Partnership(
            city_id=city["kfar_saba"],
            tier=PartnershipTier.SISTER_CITY,
            established=PartialDate(2009),
            status=PartnershipStatus.ACTIVE,
            areas=(
                CooperationArea.GOVERNMENT,
                CooperationArea.CULTURE,
                CooperationArea.EDUCATION,
                CooperationArea.COMMERCE,
                CooperationArea.TRADE,
                CooperationArea.SCIENCE,
                CooperationArea.AGRICULTURE,
            ),
            notes="Governmental, cultural and educational exchanges since 2009; cooperation "
            "expanded to commerce, trade, science and agriculture. 10th anniversary in 2019.",
        ),
    )

    org = {
        "yuying": _org(
            database,
            "Jinan Yuying Middle School",
            "济南育英中学",
            "חטיבת הביניים יואינג ג'ינאן",
            OrganizationKind.SCHOOL,
            city["jinan"],
        ),
        "sdu_high": _org(
            database,
            "The High School Affiliated to Shandong University",
            "山东大学附属中学",
            "התיכון שליד אוניברסיטת שאנדונג",
            OrganizationKind.SCHOOL,
            city["jinan"],
        ),
        "jinan_culture": _org(
            database,
            "Jinan Municipal Bureau of Culture",
            "济南市文化局",
            "לשכת התרבות של ג'ינאן",
            OrganizationKind.GOVERNMENT_BUREAU,
            city["jinan"],
        ),
        "jinan_education": _org(
            database,
            "Jinan Municipal Education Bureau",
            "济南市教育局",
            "לשכת החינוך של ג'ינאן",
            OrganizationKind.GOVERNMENT_BUREAU,
            city["jinan"],
        ),
        "ks_culture": _org(
            database,
            "Kfar Saba Municipality, Culture Division",
            "克法尔萨巴市政府文化部门",
            "עיריית כפר סבא, אגף התרבות",
            OrganizationKind.GOVERNMENT_BUREAU,
            city["kfar_saba"],
        ),
        "ks_education": _org(
            database,
            "Kfar Saba Municipality, Education Division",
            "克法尔萨巴市政府教育部门",
            "עיריית כפר סבא, אגף החינוך",
            OrganizationKind.GOVERNMENT_BUREAU,
            city["kfar_saba"],
        ),
        "ks_municipality": _org(
            database,
            "Kfar Saba Municipality",
            "克法尔萨巴市政府",
            "עיריית כפר סבא",
            OrganizationKind.GOVERNMENT_BUREAU,
            city["kfar_saba"],
        ),
        "ks_choir": _org(
            database,
            "Kfar Saba choir",
            "克法尔萨巴合唱团",
            "מקהלת כפר סבא",
            OrganizationKind.CHOIR,
            city["kfar_saba"],
        ),
        "hightech": _org(
            database,
            "Jinan High-tech Zone",
            "济南高新技术产业开发区",
            "אזור ההייטק של ג'ינאן",
            OrganizationKind.DEVELOPMENT_ZONE,
            city["jinan"],
            "Expanded its business in Israel with the support of Kfar Saba.",
        ),
        "sinotruk": _org(
            database,
            "China National Heavy Duty Truck Group (Sinotruk)",
            "中国重型汽车集团",
            "קבוצת המשאיות הכבדות הלאומית של סין (סינוטרוק)",
            OrganizationKind.COMPANY,
            city["jinan"],
            "Expanded its business in Israel with the support of Kfar Saba.",
        ),
        "cpaffc": _org(
            database,
            "Chinese People's Association for Friendship with Foreign Countries",
            "中国人民对外友好协会",
            "האגודה העממית של סין לידידות עם ארצות חוץ",
            OrganizationKind.ASSOCIATION,
            city["beijing"],
        ),
        "cifca": _org(
            database,
            "China International Friendship Cities Association",
            "中国国际友好城市联合会",
            "האיגוד הבינלאומי של ערים תאומות של סין",
            OrganizationKind.ASSOCIATION,
            city["beijing"],
        ),
        "jinan_fao": _org(
            database,
            "Jinan Municipal Foreign Affairs Office",
            "济南市人民政府外事办公室",
            "המחלקה לקשרי חוץ של ג'ינאן",
            OrganizationKind.GOVERNMENT_BUREAU,
            city["jinan"],
        ),
    }

    culture_mou = create(
        database,
        Agreement(
            title_en="MOU on cultural exchange between the culture authorities of Jinan and "
            "Kfar Saba",
            title_zh="济南市与克法尔萨巴市文化部门文化交流谅解备忘录",
            title_he="מזכר הבנות לחילופי תרבות בין רשויות התרבות של ג'ינאן וכפר סבא",
            city_id=city["kfar_saba"],
            area=CooperationArea.CULTURE,
            party_ids=(org["jinan_culture"], org["ks_culture"]),
            notes="Signed by the two cities' culture authorities (date not given in the source).",
        ),
    )
    create(
        database,
        Agreement(
            title_en="MOU on educational exchange between the education authorities of Jinan and "
            "Kfar Saba",
            title_zh="济南市与克法尔萨巴市教育部门教育交流谅解备忘录",
            title_he="מזכר הבנות לחילופי חינוך בין רשויות החינוך של ג'ינאן וכפר סבא",
            city_id=city["kfar_saba"],
            area=CooperationArea.EDUCATION,
            party_ids=(org["jinan_education"], org["ks_education"]),
            notes="Signed by the two cities' education authorities (date not given in the source).",
        ),
    )

    arts_festival = create(
        database,
        CulturalEvent(
            name_en="Arts festival in Kfar Saba",
            name_zh="克法尔萨巴艺术节",
            name_he="פסטיבל אמנויות בכפר סבא",
            kind=EventKind.ARTS_FESTIVAL,
            city_id=city["kfar_saba"],
            partner_city_id=city["kfar_saba"],
            host_organization_id=org["ks_municipality"],
            participants=(
                EventParticipant(org["yuying"], ParticipantRole.PARTICIPANT),
                EventParticipant(org["sdu_high"], ParticipantRole.PARTICIPANT),
            ),
            description="Jinan Yuying Middle School and the High School Affiliated to Shandong "
            "University took part.",
        ),
    )
    choral_festival = create(
        database,
        CulturalEvent(
            name_en="International choral festival in Jinan",
            name_zh="济南国际合唱节",
            name_he="פסטיבל המקהלות הבינלאומי בג'ינאן",
            kind=EventKind.CHORAL_FESTIVAL,
            city_id=city["jinan"],
            partner_city_id=city["kfar_saba"],
            participants=(EventParticipant(org["ks_choir"], ParticipantRole.PERFORMER),),
            description="Kfar Saba sent a choir.",
        ),
    )
    celebrations = []
    for ordinal, (en, zh, he) in enumerate(
        (("first year", "第一年", "השנה הראשונה"), ("second year", "第二年", "השנה השנייה")),
        start=1,
    ):
        celebration = create(
            database,
            CulturalEvent(
                name_en=f"New Year celebration for Jinan employees in Kfar Saba ({en})",
                name_zh=f"克法尔萨巴为济南在当地员工举办的新年庆祝活动（{zh}）",
                name_he=f"חגיגת השנה החדשה לעובדי ג'ינאן בכפר סבא ({he})",
                kind=EventKind.CELEBRATION,
                city_id=city["kfar_saba"],
                partner_city_id=city["kfar_saba"],
                host_organization_id=org["ks_municipality"],
                description=f"Held two years running; this is the {en}.",
            ),
        )
        assert ordinal in (1, 2)
        assert celebration.id is not None
        celebrations.append(celebration.id)

    cifcc = create(
        database,
        Conference(
            name_en="China International Friendship Cities Conference 2018",
            name_zh="2018中国国际友好城市大会",
            name_he="כנס ערי הידידות הבינלאומי של סין 2018",
            edition=6,
            host_city_id=city["wuhan"],
            start_date=PartialDate(2018, 11, 16),
            attendance=800,
            countries=60,
            organizer_ids=(org["cpaffc"], org["cifca"]),
        ),
    )
    sjk = create(
        database,
        Conference(
            name_en="20th Sino-Japan-South Korea Friendship City Exchange Conference",
            name_zh="第二十届中日韩友好城市交流大会",
            name_he="הכנס העשרים לחילופי ערים תאומות סין-יפן-דרום קוריאה",
            edition=20,
            start_date=PartialDate(2018, 10),
        ),
    )
    create(
        database,
        Award(
            title_en="Award of the China International Friendship Cities Conference 2018",
            title_zh="2018中国国际友好城市大会奖项",
            title_he="פרס כנס ערי הידידות הבינלאומי של סין 2018",
            conference_id=cifcc.id,
            awarded_on=PartialDate(2018, 11),
            giver_organization_id=org["cpaffc"],
            recipient_kind=RecipientKind.CITY,
            recipient_city_id=city["kfar_saba"],
            citation_en="For its governmental, cultural and educational exchanges with Jinan since "
            "2009, and cooperation in commerce, trade, science and agriculture.",
            citation_zh="表彰其自2009年以来与济南开展的政府、文化和教育交流，以及在商业、贸易、"
            "科技和农业领域的合作。",
            citation_he="על חילופי השלטון, התרבות והחינוך עם ג'ינאן מאז 2009, ועל שיתוף הפעולה "
            "במסחר, בסחר, במדע ובחקלאות.",
        ),
    )
    create(
        database,
        Award(
            title_en="Award of the 20th Sino-Japan-South Korea Friendship City Exchange Conference",
            title_zh="第二十届中日韩友好城市交流大会奖项",
            title_he="פרס הכנס העשרים לחילופי ערים תאומות סין-יפן-דרום קוריאה",
            conference_id=sjk.id,
            awarded_on=PartialDate(2018, 10),
            recipient_kind=RecipientKind.CITY,
            recipient_city_id=city["jinan"],
            citation_en="For its cooperation and exchanges with Japan and South Korea.",
            citation_zh="表彰其与日本和韩国的合作与交流。",
            citation_he="על שיתוף הפעולה והחילופים עם יפן ודרום קוריאה.",
        ),
    )

    # "More than 20 delegations" in both directions: their details are not in the source,
    # so they are sample records spread over 2009-2018. Their free texts are written in the
    # language the demo is made in, as the office's own staff would type them.
    rng = random.Random(2009)
    purposes = (
        N_("Government visit"),
        N_("Education exchange"),
        N_("Culture exchange"),
        N_("Trade and investment"),
        N_("Agricultural technology"),
        N_("Science and innovation"),
    )
    count = 22
    told: dict[int, int] = {}  # the visits told in full (`demo_people`): index -> id
    visits: dict[int, tuple[int, PartialDate]] = {}  # every one: index -> (id, first day)
    language = active_language()
    for index in range(count):
        year = 2009 + index * 10 // count
        month = rng.randint(1, 12)
        day = rng.randint(1, 20)
        purpose = purposes[index % len(purposes)]
        organizations: tuple[int, ...] = ()
        if purpose == "Trade and investment" and year >= 2015:
            organizations = (org["hightech"], org["sinotruk"])
        elif purpose == "Education exchange":
            organizations = (org["yuying"],) if index % 2 else (org["sdu_high"],)
        delegation = Delegation(
            direction=Direction.OUTGOING if index % 2 == 0 else Direction.INCOMING,
            city_id=city["kfar_saba"],
            start_date=PartialDate(year, month, day),
            end_date=PartialDate(year, month, day + rng.randint(2, 7)),
            leader=_("Sample leader"),
            leader_title=_("Sample title"),
            members=rng.randint(4, 18),
            purpose=_(purpose),
            outcome="",
            status=DelegationStatus.DONE,
            organization_ids=organizations,
            is_sample=True,
        )
        visit = VISIT_OF_INDEX.get(index)
        if visit is not None:
            # Told in full: led by its head, counting its listed members, ending with its
            # programme. (The generator's numbers are drawn all the same, so the other
            # delegations stay as they were.)
            delegation = replace(
                delegation,
                end_date=PartialDate.from_date(visit.end),
                leader=_in_language(visit.head.names, language),
                leader_title=_in_language(visit.head.title, language),
                members=len(visit.members),
            )
        made = create(database, delegation)
        assert made.id is not None
        assert made.start_date is not None
        visits[index] = (made.id, made.start_date)
        if visit is not None:
            told[index] = made.id
    ambassador = _add_office_awards(database, city, org)
    assert choral_festival.id is not None
    people = add_people(
        database,
        city=city,
        org=org,
        delegations=told,
        choral_festival=choral_festival.id,
        ambassador=ambassador,
    )
    assert arts_festival.id is not None
    assert culture_mou.id is not None
    add_gifts(
        database,
        city=city,
        org=org,
        people=people,
        visits=visits,
        events={
            "arts_festival": arts_festival.id,
            "choral_festival": choral_festival.id,
            "new_year": celebrations[0],
        },
        agreements={"culture": culture_mou.id},
    )
    return count


def _in_language(texts: tuple[str, str, str], language: str) -> str:
    """Of an (English, Chinese, Hebrew) text, the one in `language`, else the English: the
    demo's free texts are written in the language it is made in."""
    english, chinese, hebrew = texts
    if language.startswith("zh"):
        return chinese or english
    if language.startswith("he"):
        return hebrew or english
    return english


def _add_office_awards(database: Database, city: dict[str, int], org: dict[str, int]) -> int:
    """Honours the office confers itself, the bulk of its certificates: thanks to the
    choir and the schools of the year's festivals, and an honorary title. The source names
    none of them, so they are sample records. Returns the id of the person honoured."""
    festival = (
        "Jinan International Choral Festival",
        "济南国际合唱节",
        "פסטיבל המקהלות הבינלאומי בג'ינאן",
    )
    arts = ("Kfar Saba Arts Festival", "克法尔萨巴艺术节", "פסטיבל האמנויות של כפר סבא")
    thanks = (
        (
            "ks_choir",
            festival,
            PartialDate(2018, 9),
            "For the Kfar Saba choir's performances at the international choral festival in Jinan.",
            "感谢克法尔萨巴合唱团在济南国际合唱节上的精彩演出。",
            "על הופעותיה של מקהלת כפר סבא בפסטיבל המקהלות הבינלאומי בג'ינאן.",
        ),
        (
            "yuying",
            arts,
            PartialDate(2018, 6),
            "For representing Jinan with distinction at the arts festival in Kfar Saba.",
            "感谢其在克法尔萨巴艺术节上代表济南出色的表现。",
            "על ייצוגה המכובד של ג'ינאן בפסטיבל האמנויות בכפר סבא.",
        ),
        (
            "sdu_high",
            arts,
            PartialDate(2018, 6),
            "For representing Jinan with distinction at the arts festival in Kfar Saba.",
            "感谢其在克法尔萨巴艺术节上代表济南出色的表现。",
            "על ייצוגו המכובד של ג'ינאן בפסטיבל האמנויות בכפר סבא.",
        ),
    )
    for key, (en, zh, he), when, citation_en, citation_zh, citation_he in thanks:
        create(
            database,
            Award(
                title_en=f"Certificate of Appreciation of the {en}",
                title_zh=f"{zh}感谢状",
                title_he=f"תעודת הוקרה של {he}",
                awarded_on=when,
                recipient_kind=RecipientKind.ORGANIZATION,
                recipient_organization_id=org[key],
                citation_en=citation_en,
                citation_zh=citation_zh,
                citation_he=citation_he,
                is_sample=True,
            ),
        )
    ambassador = create(
        database,
        Person(
            name="Yael Levi",
            name_zh="雅埃尔·列维",
            name_he="יעל לוי",
            title="Chair of the Kfar Saba–Jinan friendship society",
            is_sample=True,
        ),
    )
    create(
        database,
        Award(
            title_en="Title of Honorary Friendship Ambassador of Jinan",
            title_zh="济南市荣誉友好使者称号",
            title_he="תואר שגרירת ידידות של כבוד של ג'ינאן",
            awarded_on=PartialDate(2018, 12),
            recipient_kind=RecipientKind.PERSON,
            recipient_person_id=ambassador.id,
            citation_en="For ten years of friendship between the people of Kfar Saba and Jinan.",
            citation_zh="表彰其十年来为克法尔萨巴与济南两市人民友谊作出的贡献。",
            citation_he="על עשר שנות ידידות בין תושבי כפר סבא וג'ינאן.",
            is_sample=True,
        ),
    )
    assert ambassador.id is not None
    return ambassador.id


def _add_sample_partner(
    database: Database, sample: SampleCity, tier: PartnershipTier, rng: random.Random
) -> int:
    city = create(
        database,
        City(
            name_en=sample.name_en,
            name_zh=sample.name_zh,
            name_he=sample.name_he,
            name_local=sample.name_local,
            country=sample.country,
            region=sample.region,
            latitude=sample.latitude,
            longitude=sample.longitude,
            population=sample.population,
            is_sample=True,
        ),
    )
    assert city.id is not None
    areas = tuple(sorted(rng.sample(list(CooperationArea), rng.randint(2, 5))))
    create(
        database,
        Partnership(
            city_id=city.id,
            tier=tier,
            established=PartialDate(sample.established_year),
            status=PartnershipStatus.ACTIVE,
            areas=areas,
            is_sample=True,
        ),
    )
    visits = rng.randint(0, 2)
    for _visit in range(visits):
        year = rng.randint(max(sample.established_year, 2010), 2018)
        month = rng.randint(1, 12)
        create(
            database,
            Delegation(
                direction=rng.choice(list(Direction)),
                city_id=city.id,
                start_date=PartialDate(year, month),
                leader=_("Sample leader"),
                members=rng.randint(3, 20),
                purpose=_("Sample visit"),
                status=DelegationStatus.DONE,
                is_sample=True,
            ),
        )
    return visits


def _add_sample_partners(database: Database) -> int:
    rng = random.Random(2018)
    visits = 0
    for sample in SAMPLE_SISTER_CITIES:
        visits += _add_sample_partner(database, sample, PartnershipTier.SISTER_CITY, rng)
    for sample in SAMPLE_FRIENDLY_CITIES:
        visits += _add_sample_partner(
            database, sample, PartnershipTier.FRIENDLY_COOPERATIVE_CITY, rng
        )
    return visits


# --- synthetic load ----------------------------------------------------------------------

_BATCH = 5_000


def add_scale_load(database: Database, delegations: int) -> int:
    """Add `delegations` synthetic delegations, with cities (1 per 100), organizations
    (1 per 50), events (1 per 10), awards (1 per 50) and people (1 per 4, half of them
    with passport data), and for one delegation in twenty its members and a two-day
    programme; all flagged as sample.

    Rows go in by bulk insert: the generator's values are valid by construction, and going
    through validation one record at a time would take minutes at 100,000.
    """
    rng = random.Random(delegations)
    now = m.utcnow()
    stamp = {"created_at": now, "updated_at": now, "is_sample": True}
    countries = ("DE", "FR", "JP", "KR", "US", "BR", "AU", "ZA", "IN", "EG", "MX", "IT")
    with database.unit_of_work() as session:
        first = (
            session.scalar(select(m.CityRow.id).order_by(m.CityRow.id.desc()).limit(1)) or 0
        ) + 1
        city_count = max(1, delegations // 100)
        cities = [
            {
                "name_en": f"Synthetic City {first + i:06d}",
                "name_zh": f"样例城市{first + i:06d}",
                "name_he": f"עיר לדוגמה {first + i:06d}",
                "name_local": "",
                "country": countries[i % len(countries)],
                "region": "",
                **stamp,
            }
            for i in range(city_count)
        ]
        session.execute(insert(m.CityRow), cities)
        city_ids = list(
            session.scalars(
                select(m.CityRow.id)
                .where(m.CityRow.name_en.like("Synthetic City %"))
                .order_by(m.CityRow.id.desc())
                .limit(city_count)
            )
        )
        established = {city_id: PartialDate(rng.randint(1990, 2020)) for city_id in city_ids}
        session.execute(
            insert(m.PartnershipRow),
            [
                {
                    "city_id": city_id,
                    "tier": PartnershipTier.FRIENDLY_COOPERATIVE_CITY,
                    "established": established[city_id],
                    "status": PartnershipStatus.ACTIVE,
                    "signed_at": "",
                    "notes": "",
                    **stamp,
                }
                for city_id in city_ids
            ],
        )
        # Every partnership's history starts with its first tier, as `create` records it.
        partnership_ids = session.execute(
            select(m.PartnershipRow.id, m.PartnershipRow.city_id).where(
                m.PartnershipRow.city_id.in_(select(m.CityRow.id).where(m.CityRow.id >= first))
            )
        ).all()
        session.execute(
            insert(m.TierChangeRow),
            [
                {
                    "partnership_id": partnership_id,
                    "changed_on": established[city_id],
                    "from_tier": None,
                    "to_tier": PartnershipTier.FRIENDLY_COOPERATIVE_CITY,
                    "note": "",
                    "created_at": now,
                }
                for partnership_id, city_id in partnership_ids
            ],
        )
        org_count = max(1, delegations // 50)
        session.execute(
            insert(m.OrganizationRow),
            [
                {
                    "name_en": f"Synthetic Organization {i:06d}",
                    "name_zh": f"样例机构{i:06d}",
                    "name_he": f"ארגון לדוגמה {i:06d}",
                    "kind": OrganizationKind.ASSOCIATION,
                    "city_id": city_ids[i % len(city_ids)],
                    "notes": "",
                    **stamp,
                }
                for i in range(org_count)
            ],
        )
        last_delegation = session.scalar(select(func.max(m.DelegationRow.id))) or 0
        told: list[tuple[int, dt.date, dt.date]] = []  # (position, first day, last day)
        for start in range(0, delegations, _BATCH):
            rows = []
            for position in range(start, min(start + _BATCH, delegations)):
                year = rng.randint(2000, 2026)
                month = rng.randint(1, 12)
                day = rng.randint(1, 28)
                end = min(28, day + rng.randint(1, 9))
                row = {
                    "direction": Direction.OUTGOING if rng.random() < 0.5 else Direction.INCOMING,
                    "city_id": city_ids[rng.randrange(len(city_ids))],
                    "start_date": PartialDate(year, month, day),
                    "end_date": PartialDate(year, month, end),
                    "leader": f"Leader {rng.randint(1, 9999):04d}",
                    "leader_title": "Deputy Mayor",
                    "members": rng.randint(2, 40),
                    "purpose": "Synthetic visit",
                    "outcome": "",
                    "status": DelegationStatus.DONE,
                    **stamp,
                }
                if position % _TOLD_EVERY == 0:
                    # Listed members: the count is theirs (as the write path keeps it).
                    row["members"] = len(_SCALE_ROLES)
                    told.append((position, dt.date(year, month, day), dt.date(year, month, end)))
                rows.append(row)
            session.execute(insert(m.DelegationRow), rows)
        delegation_ids = list(
            session.scalars(
                select(m.DelegationRow.id)
                .where(m.DelegationRow.id > last_delegation)
                .order_by(m.DelegationRow.id)
            )
        )
        org_ids = list(
            session.scalars(
                select(m.OrganizationRow.id)
                .where(m.OrganizationRow.name_en.like("Synthetic Organization %"))
                .order_by(m.OrganizationRow.id.desc())
                .limit(org_count)
            )
        )
        _add_scale_people(
            session,
            rng,
            count=max(len(_SCALE_ROLES) * 2, delegations // 4),
            stamp=stamp,
            city_ids=city_ids,
            org_ids=org_ids,
            told=[(delegation_ids[p], first, last) for p, first, last in told],
        )
        session.execute(
            insert(m.CulturalEventRow),
            [
                {
                    "name_en": f"Synthetic Festival {i:06d}",
                    "name_zh": f"样例节日{i:06d}",
                    "name_he": f"פסטיבל לדוגמה {i:06d}",
                    "kind": EventKind.ARTS_FESTIVAL,
                    "start_date": PartialDate(rng.randint(2000, 2026), rng.randint(1, 12)),
                    "city_id": city_ids[i % len(city_ids)],
                    "partner_city_id": city_ids[i % len(city_ids)],
                    "attendance": rng.randint(50, 5000),
                    "description": "",
                    **stamp,
                }
                for i in range(max(1, delegations // 10))
            ],
        )
        session.execute(
            insert(m.AwardRow),
            [
                {
                    "title_en": f"Synthetic Friendship Award {i:06d}",
                    "title_zh": f"样例友好奖{i:06d}",
                    "title_he": f"פרס ידידות לדוגמה {i:06d}",
                    "awarded_on": PartialDate(rng.randint(2000, 2026)),
                    "recipient_kind": RecipientKind.CITY,
                    "recipient_city_id": city_ids[i % len(city_ids)],
                    "citation_en": "",
                    "citation_zh": "",
                    "citation_he": "",
                    **stamp,
                }
                for i in range(max(1, delegations // 50))
            ],
        )
    return delegations


# One synthetic delegation in twenty is told in full: members, and a programme of two days.
_TOLD_EVERY = 20
_SCALE_ROLES = (
    MemberRole.HEAD,
    MemberRole.DEPUTY_HEAD,
    MemberRole.MEMBER,
    MemberRole.INTERPRETER,
    MemberRole.STAFF,
)
# Synthetic names: Chinese ones (family name first) and Israeli ones, in three scripts.
_CHINESE_FAMILY = (
    ("王", "Wang", "ואנג"),
    ("李", "Li", "לי"),
    ("张", "Zhang", "ג'אנג"),
    ("刘", "Liu", "ליו"),
    ("陈", "Chen", "צ'ן"),
    ("杨", "Yang", "יאנג"),
    ("黄", "Huang", "הואנג"),
    ("赵", "Zhao", "ג'או"),
    ("周", "Zhou", "ג'ואו"),
    ("吴", "Wu", "וו"),
)
_CHINESE_GIVEN = (
    ("伟", "Wei", "ויי"),
    ("芳", "Fang", "פאנג"),
    ("敏", "Min", "מין"),
    ("静", "Jing", "ג'ינג"),
    ("磊", "Lei", "ליי"),
    ("勇", "Yong", "יונג"),
    ("杰", "Jie", "ג'יה"),
    ("涛", "Tao", "טאו"),
    ("明", "Ming", "מינג"),
    ("超", "Chao", "צ'או"),
)
_ISRAELI_FAMILY = (
    ("Cohen", "כהן", "科恩"),
    ("Levi", "לוי", "列维"),
    ("Mizrahi", "מזרחי", "米兹拉希"),
    ("Peretz", "פרץ", "佩雷茨"),
    ("Biton", "ביטון", "比顿"),
    ("Friedman", "פרידמן", "弗里德曼"),
    ("Katz", "כץ", "卡茨"),
    ("Avraham", "אברהם", "亚伯拉罕"),
)
_ISRAELI_GIVEN = (
    ("Noa", "נועה", "诺阿"),
    ("Yosef", "יוסף", "约瑟夫"),
    ("Tamar", "תמר", "塔玛"),
    ("Ariel", "אריאל", "阿里尔"),
    ("Maya", "מאיה", "玛雅"),
    ("Eitan", "איתן", "埃坦"),
    ("Shira", "שירה", "希拉"),
    ("Omer", "עומר", "奥默"),
)


def _scale_person(index: int, rng: random.Random) -> dict[str, Any]:
    """A synthetic person's names: every other one Chinese, the others Israeli."""
    if index % 2 == 0:
        zh_family, family, he_family = rng.choice(_CHINESE_FAMILY)
        zh_given, given, he_given = rng.choice(_CHINESE_GIVEN)
        return {
            "name": f"{family} {given}",
            "name_zh": zh_family + zh_given,
            "name_he": f"{he_family} {he_given}",
            "family_name": family,
            "given_name": given,
            "name_order": NameOrder.FAMILY_FIRST,
            "nationality": "CN",
        }
    family, he_family, zh_family = rng.choice(_ISRAELI_FAMILY)
    given, he_given, zh_given = rng.choice(_ISRAELI_GIVEN)
    return {
        "name": f"{given} {family}",
        "name_zh": f"{zh_given}·{zh_family}",
        "name_he": f"{he_given} {he_family}",
        "family_name": family,
        "given_name": given,
        "name_order": NameOrder.GIVEN_FIRST,
        "nationality": "IL",
    }


def _add_scale_people(
    session: Session,
    rng: random.Random,
    *,
    count: int,
    stamp: dict[str, Any],
    city_ids: list[int],
    org_ids: list[int],
    told: list[tuple[int, dt.date, dt.date]],
) -> None:
    """`count` synthetic people (half with passport data), and for each of the `told`
    delegations (id, first and last day) five members and a programme of four items over
    its first two days, the last a reception."""
    pinyin = cache(pinyin_keys)  # a few hundred distinct names among many people
    last_person = session.scalar(select(func.max(m.PersonRow.id))) or 0
    people = []
    for index in range(count):
        person = _scale_person(index, rng)
        passport = index % 2 == 0
        people.append(
            {
                **person,
                "name_pinyin": pinyin(person["name_zh"]),
                "title": "Synthetic Official",
                "organization_id": org_ids[index % len(org_ids)] if org_ids else None,
                "city_id": city_ids[index % len(city_ids)],
                "rank": 1 + index % 20,
                "passport_number": f"S{index + 1:07d}" if passport else "",
                "nationality": person["nationality"] if passport else "",
                "date_of_birth": dt.date(1950 + index % 50, 1 + index % 12, 1 + index % 28)
                if passport
                else None,
                "sex": (Sex.FEMALE if index % 4 == 0 else Sex.MALE) if passport else None,
                **stamp,
            }
        )
    # Into the table, not through the ORM: its bulk insert would split the rows at every
    # change of which values are None (passport data or not), a statement a row.
    for start in range(0, len(people), _BATCH):
        session.execute(insert(m.PersonRow.__table__), people[start : start + _BATCH])
    person_ids = list(
        session.scalars(
            select(m.PersonRow.id).where(m.PersonRow.id > last_person).order_by(m.PersonRow.id)
        )
    )
    members = []
    items = []
    for number, (delegation_id, first, last) in enumerate(told):
        # Five people in a row: distinct within the delegation.
        chosen = [person_ids[(number * 7 + k) % len(person_ids)] for k in range(len(_SCALE_ROLES))]
        host = person_ids[(number * 7 + len(_SCALE_ROLES)) % len(person_ids)]
        members += [
            {
                "delegation_id": delegation_id,
                "person_id": person_id,
                "role": role,
                "notes": "",
                **stamp,
            }
            for person_id, role in zip(chosen, _SCALE_ROLES, strict=True)
        ]
        second = min(first + dt.timedelta(days=1), last)
        for day, starts, ends, reception in (
            (first, "09:30", "11:00", False),
            (first, "14:00", "16:00", False),
            (second, "10:00", "12:00", False),
            (second, "18:30", "20:30", True),
        ):
            items.append(
                {
                    "delegation_id": delegation_id,
                    "day": day,
                    "starts_at": starts,
                    "ends_at": ends,
                    "activity_en": "Synthetic banquet" if reception else "Synthetic meeting",
                    "activity_zh": "样例宴会" if reception else "样例会见",
                    "activity_he": "ארוחה לדוגמה" if reception else "פגישה לדוגמה",
                    "host_person_id": host,
                    "interpreter_person_id": chosen[3],
                    "dress_code": DressCode.FORMAL if reception else DressCode.BUSINESS,
                    "is_reception": reception,
                    **stamp,
                }
            )
    for start in range(0, len(members), _BATCH):
        session.execute(insert(m.DelegationMemberRow.__table__), members[start : start + _BATCH])
    for start in range(0, len(items), _BATCH):
        session.execute(insert(m.ProgrammeItemRow.__table__), items[start : start + _BATCH])
