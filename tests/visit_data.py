"""A visit for the tests of people, programmes, letters, badges and place cards: the Kfar
Saba delegation received in Jinan in May 2019, with members in three scripts, passport data,
a two-day programme with a banquet and its guest list, and a cultural event with guests.

`make_visit(database)` stores it and returns the ids the tests ask for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exchange_desk.domain import records as r
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    Direction,
    DressCode,
    EventKind,
    GuestSide,
    MemberRole,
    NameOrder,
    OrganizationKind,
    PartnershipStatus,
    PartnershipTier,
    ProtocolCategory,
    Sex,
)
from exchange_desk.services import records
from exchange_desk.services.database import Database
from exchange_desk.services.office import office_profile, save_office_profile


@dataclass(frozen=True)
class VisitIds:
    home_city: int
    partner_city: int
    partnership: int
    delegation: int  # incoming, Kfar Saba to Jinan
    head: int  # persons
    deputy: int
    member: int
    interpreter: int
    no_passport: int  # a member without passport data
    host: int  # Jinan's mayor, our host
    host_deputy: int
    banquet: int  # programme item, a reception
    event: int  # cultural event with a guest list
    members: tuple[int, ...]  # person ids in precedence order


def make_visit(database: Database, *, with_incomplete_member: bool = True) -> VisitIds:
    jinan = records.create(
        database,
        r.City(
            name_en="Jinan",
            name_zh="济南",
            name_he="ג'ינאן",
            country="CN",
            formal_name_zh="济南市人民政府",
            formal_name_en="Jinan Municipal People's Government",
        ),
    )
    kfar_saba = records.create(
        database,
        r.City(
            name_en="Kfar Saba",
            name_zh="克法尔萨巴",
            name_he="כפר סבא",
            country="IL",
            formal_name_zh="以色列克法尔萨巴市",
            formal_name_en="the City of Kfar Saba",
            formal_name_he="עיריית כפר סבא",
        ),
    )
    profile = office_profile(database)
    profile.home_city_id = jinan.id
    profile.office_name_en = "Foreign Affairs Office of Jinan Municipal People's Government"
    profile.office_name_zh = "济南市人民政府外事办公室"
    profile.office_name_he = "המחלקה לקשרי חוץ, עיריית ג'ינאן"
    profile.signatory_en = "Li Ming"
    profile.signatory_zh = "李明"
    profile.signatory_title_en = "Director"
    profile.signatory_title_zh = "主任"
    profile.address_en = "1 Longao North Road, Lixia District, Jinan 250099, China"
    profile.address_zh = "中国济南市历下区龙奥北路1号 250099"
    profile.phone = "+86 531 5165 0000"
    profile.email = "fao@jinan.gov.cn"
    save_office_profile(database, profile)
    partnership = records.create(
        database,
        r.Partnership(
            city_id=kfar_saba.id,
            tier=PartnershipTier.SISTER_CITY,
            established=PartialDate(2009, 6, 1),
            status=PartnershipStatus.ACTIVE,
        ),
    )
    municipality = records.create(
        database,
        r.Organization(
            name_en="Kfar Saba Municipality",
            name_zh="克法尔萨巴市政府",
            name_he="עיריית כפר סבא",
            kind=OrganizationKind.GOVERNMENT_BUREAU,
            city_id=kfar_saba.id,
        ),
    )

    def person(**values: object) -> int:
        return records.create(database, r.Person(is_sample=True, **values)).id  # type: ignore[arg-type]

    head = person(
        name="Yehuda Ben-Hamo",
        name_zh="耶胡达·本-哈莫",
        name_he="יהודה בן חמו",
        family_name="Ben-Hamo",
        given_name="Yehuda",
        honorific_en="Mr",
        honorific_zh="先生",
        honorific_he="מר",
        title="Mayor of Kfar Saba",
        title_zh="克法尔萨巴市市长",
        title_he="ראש עיריית כפר סבא",
        organization_id=municipality.id,
        city_id=kfar_saba.id,
        rank=1,
        category=ProtocolCategory.ELECTED,
        passport_number="31234567",
        nationality="IL",
        date_of_birth=dt.date(1960, 3, 14),
        sex=Sex.MALE,
    )
    deputy = person(
        name="Natali Afra",
        name_he="נתלי אפרה",
        name_zh="娜塔莉·阿夫拉",
        family_name="Afra",
        given_name="Natali",
        honorific_en="Ms",
        honorific_zh="女士",
        honorific_he="גב׳",
        title="Deputy Mayor",
        title_zh="副市长",
        title_he="סגנית ראש העירייה",
        organization_id=municipality.id,
        city_id=kfar_saba.id,
        rank=3,
        category=ProtocolCategory.ELECTED,
        passport_number="32345678",
        nationality="IL",
        date_of_birth=dt.date(1975, 8, 2),
        sex=Sex.FEMALE,
    )
    member = person(
        name="Avi Cohen",
        name_he="אבי כהן",
        family_name="Cohen",
        given_name="Avi",
        title="Director of Culture",
        title_he="מנהל אגף התרבות",
        rank=5,
        category=ProtocolCategory.GOVERNMENT,
        passport_number="33456789",
        nationality="IL",
        date_of_birth=dt.date(1968, 1, 30),
        sex=Sex.MALE,
    )
    interpreter = person(
        name="Zhe Wang",
        name_zh="王喆",
        family_name="Wang",
        given_name="Zhe",
        name_order=NameOrder.FAMILY_FIRST,
        honorific_zh="女士",
        honorific_en="Ms",
        title="Interpreter",
        title_zh="翻译",
        rank=9,
        passport_number="E12345678",
        nationality="CN",
        date_of_birth=dt.date(1990, 12, 1),
        sex=Sex.FEMALE,
    )
    no_passport = person(
        name="Dana Levi",
        name_he="דנה לוי",
        title="Protocol officer",
        rank=8,
    )
    host = person(
        name="Sun Shutao",
        name_zh="孙述涛",
        family_name="Sun",
        given_name="Shutao",
        name_order=NameOrder.FAMILY_FIRST,
        honorific_zh="先生",
        honorific_en="Mr",
        title="Mayor of Jinan",
        title_zh="济南市市长",
        title_he="ראש העיר ג'ינאן",
        city_id=jinan.id,
        rank=1,
        category=ProtocolCategory.ELECTED,
    )
    host_deputy = person(
        name="Liu Qiang",
        name_zh="刘强",
        family_name="Liu",
        given_name="Qiang",
        title="Deputy Mayor of Jinan",
        title_zh="济南市副市长",
        city_id=jinan.id,
        rank=2,
        category=ProtocolCategory.ELECTED,
    )
    delegation = records.create(
        database,
        r.Delegation(
            direction=Direction.INCOMING,
            city_id=kfar_saba.id,
            start_date=PartialDate(2019, 5, 20),
            end_date=PartialDate(2019, 5, 21),
            leader="Yehuda Ben-Hamo",
            leader_title="Mayor",
            purpose="Tenth anniversary of the sister-city relationship",
            organization_ids=(municipality.id,),
        ),
    )
    roles = [
        (member, MemberRole.MEMBER),
        (interpreter, MemberRole.INTERPRETER),
        (head, MemberRole.HEAD),
        (deputy, MemberRole.DEPUTY_HEAD),
    ]
    if with_incomplete_member:
        roles.append((no_passport, MemberRole.STAFF))
    for person_id, role in roles:
        records.create(
            database,
            r.DelegationMember(
                delegation_id=delegation.id,
                person_id=person_id,
                role=role,
                arrival=dt.date(2019, 5, 20),
                departure=dt.date(2019, 5, 21),
            ),
        )
    day1, day2 = dt.date(2019, 5, 20), dt.date(2019, 5, 21)
    items = [
        r.ProgrammeItem(
            delegation_id=delegation.id,
            day=day1,
            starts_at="09:30",
            ends_at="10:30",
            activity_en="Meeting with the Mayor of Jinan",
            activity_zh="与济南市市长会见",
            activity_he="פגישה עם ראש העיר ג'ינאן",
            place_en="City Hall, Room 3",
            place_zh="市政府三号会议室",
            place_he="בניין העירייה, חדר 3",
            host_person_id=host,
            interpreter_person_id=interpreter,
            dress_code=DressCode.BUSINESS,
        ),
        r.ProgrammeItem(
            delegation_id=delegation.id,
            day=day1,
            starts_at="18:30",
            ends_at="20:30",
            activity_en="Welcome banquet",
            activity_zh="欢迎宴会",
            activity_he="ארוחת ערב חגיגית",
            place_en="Shandong Hotel",
            place_zh="山东大厦",
            place_he="מלון שאנדונג",
            host_person_id=host,
            dress_code=DressCode.FORMAL,
            is_reception=True,
        ),
        r.ProgrammeItem(
            delegation_id=delegation.id,
            day=day2,
            starts_at="10:00",
            ends_at="12:00",
            activity_en="Visit to Jinan Yuying Middle School",
            activity_zh="参观济南育英中学",
            activity_he="ביקור בבית הספר התיכון יויינג",
            place_en="Jinan Yuying Middle School",
            place_zh="济南育英中学",
            place_he="בית הספר יויינג",
            host_person_id=host_deputy,
            dress_code=DressCode.SMART_CASUAL,
        ),
    ]
    stored = [records.create(database, item) for item in items]
    banquet = stored[1].id
    for person_id, side in [
        (host, GuestSide.HOST),
        (host_deputy, GuestSide.HOST),
        (head, GuestSide.GUEST),
        (deputy, GuestSide.GUEST),
        (member, GuestSide.GUEST),
        (interpreter, GuestSide.GUEST),
    ]:
        records.create(database, r.Guest(programme_item_id=banquet, person_id=person_id, side=side))
    event = records.create(
        database,
        r.CulturalEvent(
            name_en="Kfar Saba Arts Festival",
            name_zh="克法尔萨巴艺术节",
            name_he="פסטיבל האמנויות של כפר סבא",
            kind=EventKind.ARTS_FESTIVAL,
            start_date=PartialDate(2018, 7, 1),
            city_id=kfar_saba.id,
        ),
    )
    for person_id, side in [(head, GuestSide.HOST), (host_deputy, GuestSide.GUEST)]:
        records.create(database, r.Guest(event_id=event.id, person_id=person_id, side=side))
    order = (head, deputy, member, interpreter) + ((no_passport,) if with_incomplete_member else ())
    return VisitIds(
        home_city=jinan.id,
        partner_city=kfar_saba.id,
        partnership=partnership.id,
        delegation=delegation.id,
        head=head,
        deputy=deputy,
        member=member,
        interpreter=interpreter,
        no_passport=no_passport,
        host=host,
        host_deputy=host_deputy,
        banquet=banquet,
        event=event.id,
        members=order,
    )
