"""Services: create, read, update and delete every kind of record; refused input; lists,
search and paging; the JSON export agreeing with the lists; deleting with dependents;
attachments; figures and anniversaries; the office profile.

Everything that must hold on both backends uses the `db` fixture (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import pytest
from sqlalchemy import func, select, text

from exchange_desk.domain import records as r
from exchange_desk.domain.dates import DatePrecision, PartialDate
from exchange_desk.domain.enums import (
    CooperationArea,
    DeclarationStatus,
    DelegationStatus,
    Direction,
    DressCode,
    EventKind,
    GiftCategory,
    GiftDirection,
    GiftDisposition,
    GuestSide,
    LanguageMode,
    LetterKind,
    LetterLanguage,
    MemberRole,
    OrganizationKind,
    ParticipantRole,
    PartnershipStatus,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    StorageProblem,
    StorageUnavailable,
)
from exchange_desk.domain.records import (
    Agreement,
    Award,
    Certificate,
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
from exchange_desk.services.attachments import (
    attach,
    attachments_of,
    delete_attachment,
    read_attachment,
)
from exchange_desk.services.demo import fill_demo
from exchange_desk.services.export import COMPUTED, json_records, listed_fields
from exchange_desk.services.kinds import KINDS, LISTABLE
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.records import (
    Listed,
    ListQuery,
    Names,
    create,
    delete_record,
    dependents_of,
    get_listed,
    get_record,
    label_key,
    list_records,
    names_of,
    tier_history,
    update,
)
from exchange_desk.services.statistics import anniversaries, statistics
from exchange_desk.storage import models as m
from exchange_desk.storage.database import Database, open_database

# --- helpers -----------------------------------------------------------------------------


def _counts(db: Database) -> dict[str, int]:
    """Rows in every table of the schema but the audit log (which only ever grows)."""
    with db.reading() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in m.Base.metadata.sorted_tables
            if table.name != "audit_log"
        }


def _scalar(db: Database, sql: str, **params: Any) -> Any:
    with db.reading() as session:
        return session.execute(text(sql), params).scalar()


def _execute(db: Database, sql: str, **params: Any) -> None:
    with db.unit_of_work() as session:
        session.execute(text(sql), params)


def _no_dangling_rows(db: Database) -> None:
    """Every reference points to a stored row (SQLite's own check, and explicit joins)."""
    if db.backend == "sqlite":
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
    with db.reading() as session:
        for table in m.Base.metadata.sorted_tables:
            for fk in table.foreign_keys:
                target = fk.column.table
                orphans = session.scalar(
                    select(func.count())
                    .select_from(table)
                    .outerjoin(target, fk.column == fk.parent)
                    .where(fk.parent.is_not(None), fk.column.is_(None))
                )
                assert orphans == 0, f"{table.name}.{fk.parent.name} points to nothing"


@dataclass
class World:
    """A small office: three cities, a partnership, organizations, a person."""

    home: int
    partner: int
    other: int
    org_home: int
    org_partner: int
    org_other: int
    person: int
    partnership: int


def _world(db: Database) -> World:
    home = create(db, City(name_en="Jinan", name_zh="济南", country="CN")).id
    partner = create(db, City(name_en="Kfar Saba", name_he="כפר סבא", country="IL")).id
    other = create(db, City(name_en="Wakayama", name_zh="和歌山", country="JP")).id
    org_home = create(
        db,
        Organization(
            name_en="Jinan Culture Bureau", kind=OrganizationKind.GOVERNMENT_BUREAU, city_id=home
        ),
    ).id
    org_partner = create(
        db, Organization(name_en="Kfar Saba choir", kind=OrganizationKind.CHOIR, city_id=partner)
    ).id
    org_other = create(
        db, Organization(name_en="Wakayama school", kind=OrganizationKind.SCHOOL, city_id=other)
    ).id
    person = create(db, Person(name="Li Wei", organization_id=org_home)).id
    partnership = create(
        db,
        Partnership(
            city_id=partner,
            tier=PartnershipTier.SISTER_CITY,
            established=PartialDate(2009),
            areas=(CooperationArea.CULTURE, CooperationArea.EDUCATION),
        ),
    ).id
    ids = (home, partner, other, org_home, org_partner, org_other, person, partnership)
    assert all(isinstance(value, int) for value in ids)
    return World(*ids)  # type: ignore[arg-type]


def _names(db: Database, kind: str, **query: Any) -> list[str]:
    page = list_records(db, kind, ListQuery(**query))
    return [row.record.name_en for row in page.rows]


# --- create and read ---------------------------------------------------------------------


def test_create_and_read_back_every_kind(db: Database) -> None:
    w = _world(db)
    stored: list[tuple[str, Any]] = []

    def keep(kind: str, record: Any) -> Any:
        created = create(db, record)
        assert created.id is not None
        assert record.id is None  # the caller's record is left as it was
        assert replace(created, id=None, version=None) == record
        assert created.version == 1
        stored.append((kind, created))
        return created

    keep(
        "cities",
        City(
            name_en="Suwon",
            name_zh="水原",
            name_he="סוון",
            name_local="수원",
            country="KR",
            region="Gyeonggi Province",
            latitude=37.26,
            longitude=127.03,
            population=1_200_000,
            is_sample=True,
        ),
    )
    keep(
        "partnerships",
        Partnership(
            city_id=w.other,
            tier=PartnershipTier.FRIENDLY_COOPERATIVE_CITY,
            established=PartialDate(2012, 5),
            signed_at="Wakayama City Hall",
            status=PartnershipStatus.ENDED,
            ended=PartialDate(2016, 3, 31),
            areas=(CooperationArea.CULTURE, CooperationArea.SPORT, CooperationArea.TRADE),
            notes="Lighter tie.",
        ),
    )
    keep(
        "organizations",
        Organization(
            name_en="Jinan Yuying Middle School",
            name_zh="济南育英中学",
            name_he="חטיבת הביניים יואינג",
            kind=OrganizationKind.SCHOOL,
            city_id=w.home,
            notes="A school.",
        ),
    )
    keep(
        "persons",
        Person(
            name="Yehuda Ben-Hamo",
            name_he="יהודה בן חמו",
            title="Mayor",
            organization_id=w.org_partner,
            email="mayor@example.org",
            phone="+972 9 000 0000",
        ),
    )
    delegation = keep(
        "delegations",
        Delegation(
            direction=Direction.INCOMING,
            city_id=w.partner,
            start_date=PartialDate(2018, 5, 3),
            end_date=PartialDate(2018, 5, 9),
            leader="Yehuda",
            leader_title="Mayor",
            members=12,
            purpose="Culture exchange",
            outcome="Two MOUs",
            status=DelegationStatus.PLANNED,
            organization_ids=(w.org_home, w.org_partner),
        ),
    )
    keep(
        "agreements",
        Agreement(
            title_en="MOU on culture",
            title_zh="文化谅解备忘录",
            title_he="מזכר הבנות",
            city_id=w.partner,
            signed_on=PartialDate(2015, 6),
            expires_on=PartialDate(2020, 6, 30),
            area=CooperationArea.CULTURE,
            party_ids=(w.org_home, w.org_partner),
            notes="Date of signing not given.",
        ),
    )
    keep(
        "events",
        CulturalEvent(
            name_en="Arts festival",
            name_zh="艺术节",
            name_he="פסטיבל אמנויות",
            kind=EventKind.ARTS_FESTIVAL,
            start_date=PartialDate(2017),
            end_date=PartialDate(2017, 8),
            city_id=w.partner,
            partner_city_id=w.partner,
            host_organization_id=w.org_partner,
            attendance=3000,
            description="Two schools took part.",
            participants=(
                EventParticipant(w.org_home, ParticipantRole.PERFORMER),
                EventParticipant(w.org_other, ParticipantRole.PARTICIPANT),
            ),
        ),
    )
    conference = keep(
        "conferences",
        Conference(
            name_en="China International Friendship Cities Conference 2018",
            name_zh="2018中国国际友好城市大会",
            edition=6,
            host_city_id=w.home,
            start_date=PartialDate(2018, 11, 16),
            end_date=PartialDate(2018, 11),
            attendance=800,
            countries=60,
            organizer_ids=(w.org_home, w.org_other),
        ),
    )
    awards = [
        keep(
            "awards",
            Award(
                title_en="Award to a city",
                conference_id=conference.id,
                awarded_on=PartialDate(2018, 11),
                giver_organization_id=w.org_home,
                recipient_kind=RecipientKind.CITY,
                recipient_city_id=w.partner,
                citation_en="For ten years of friendship.",
                citation_zh="友谊十年。",
                citation_he="על עשר שנות ידידות.",
            ),
        ),
        keep(
            "awards",
            Award(
                title_en="Award to an organization",
                awarded_on=PartialDate(2018),
                recipient_kind=RecipientKind.ORGANIZATION,
                recipient_organization_id=w.org_partner,
            ),
        ),
        keep(
            "awards",
            Award(
                title_en="Award to a person",
                awarded_on=PartialDate(2018, 10, 2),
                recipient_kind=RecipientKind.PERSON,
                recipient_person_id=w.person,
            ),
        ),
    ]
    keep(
        "certificates",
        Certificate(
            number="JN-2018/001",
            award_id=awards[0].id,
            language_mode=LanguageMode.ZH_EN_HE,
            design="classic",
            issued_on=dt.date(2018, 11, 16),
            issued_by="Jinan Foreign Affairs Office",
            reprints=2,
        ),
    )

    keep(
        "delegation_members",
        r.DelegationMember(
            delegation_id=delegation.id,
            person_id=w.person,
            role=MemberRole.HEAD,
            arrival=dt.date(2019, 5, 20),
            departure=dt.date(2019, 5, 21),
            notes="Leads the delegation",
        ),
    )
    banquet = keep(
        "programme_items",
        r.ProgrammeItem(
            delegation_id=delegation.id,
            day=dt.date(2019, 5, 20),
            starts_at="18:30",
            ends_at="20:30",
            activity_en="Welcome banquet",
            activity_zh="欢迎宴会",
            activity_he="ארוחת ערב חגיגית",
            place_zh="山东大厦",
            host_person_id=w.person,
            dress_code=DressCode.FORMAL,
            is_reception=True,
            notes_he="כשר",
        ),
    )
    keep("guests", r.Guest(programme_item_id=banquet.id, person_id=w.person, side=GuestSide.HOST))
    keep(
        "letter_templates",
        r.LetterTemplate(
            letter=LetterKind.INVITATION,
            language=LetterLanguage.ZH,
            subject="邀请函",
            body="我办诚挚邀请贵团来访。",
        ),
    )
    keep(
        "letters",
        r.Letter(
            number="L2019-001",
            letter=LetterKind.INVITATION,
            languages="zh+en",
            delegation_id=delegation.id,
            issued_on=dt.date(2019, 4, 1),
            subject="Invitation",
        ),
    )
    keep(
        "gifts",
        r.Gift(
            given_on=PartialDate(2019, 5, 20),
            direction=GiftDirection.RECEIVED,
            description_en="Dead Sea ceramics plate",
            description_zh="死海陶瓷盘",
            description_he="צלחת קרמיקה",
            category=GiftCategory.PORCELAIN,
            partner_city_id=w.partner,
            partner_organization_id=w.org_partner,
            official_person_id=w.person,
            delegation_id=delegation.id,
            estimated_value=350.5,
            currency="CNY",
            disposition=GiftDisposition.ARCHIVED,
            declaration_status=DeclarationStatus.DECLARED,
            declared_on=dt.date(2019, 6, 1),
            declaration_reference="DEC-2019-7",
            notes="Handed to the city archive",
        ),
    )
    # The delegation lists its one member now: its count follows the list, not what was typed.
    stored = [
        (kind, replace(created, members=1) if kind == "delegations" else created)
        for kind, created in stored
    ]

    assert {kind for kind, _ in stored} == set(KINDS)
    for kind, created in stored:
        assert get_record(db, kind, created.id) == created, kind

    # Partial dates keep their precision: never invented down to a day.
    partnership = get_record(db, "partnerships", stored[1][1].id)
    assert partnership.established == PartialDate(2012, 5)
    assert partnership.established.precision is DatePrecision.MONTH
    assert partnership.ended.precision is DatePrecision.DAY
    read = get_record(db, "delegations", delegation.id)
    assert read.start_date.precision is DatePrecision.DAY
    assert str(read.start_date) == "2018-05-03"
    kfar_saba = get_record(db, "partnerships", w.partnership)
    assert kfar_saba.established == PartialDate(2009)
    assert kfar_saba.established.precision is DatePrecision.YEAR
    assert str(kfar_saba.established) == "2009"
    # Kinds come back as the enums, not as bare text.
    assert type(partnership.tier) is PartnershipTier
    assert type(read.direction) is Direction
    assert type(get_record(db, "events", stored[6][1].id).participants[0].role) is (ParticipantRole)
    certificate = get_record(db, "certificates", stored[-1][1].id)
    assert certificate.issued_on == dt.date(2018, 11, 16)
    assert type(certificate.language_mode) is LanguageMode

    # What the database holds, read with SQL: dates as their ISO prefix.
    assert (
        _scalar(db, "SELECT established FROM partnerships WHERE id = :id", id=w.partnership)
        == "2009"
    )
    assert (
        _scalar(
            db,
            "SELECT count(*) FROM delegation_organizations WHERE delegation_id = :id",
            id=delegation.id,
        )
        == 2
    )

    # The JSON export of the same records agrees, in every language (names fall back).
    for kind in KINDS:
        for language in ("en", "zh_CN", "he"):
            assert _assert_json_agrees(db, kind, language=language) > 0, kind


def test_get_listed_names_the_referred_records(db: Database) -> None:
    w = _world(db)
    event = create(
        db,
        CulturalEvent(
            name_en="Choral festival",
            kind=EventKind.CHORAL_FESTIVAL,
            city_id=w.home,
            partner_city_id=w.partner,
        ),
    )
    listed = get_listed(db, "events", event.id)
    assert isinstance(listed, Listed)
    assert listed.labels["city_id"] == Names("Jinan", "济南", "")
    assert listed.labels["partner_city_id"] == Names("Kfar Saba", "", "כפר סבא")
    assert "host_organization_id" not in listed.labels
    assert listed.labels["partner_city_id"].best("he") == "כפר סבא"
    assert listed.labels["partner_city_id"].best("zh_CN") == "Kfar Saba"
    assert names_of(db, "cities", w.home) == Names("Jinan", "济南", "")
    with pytest.raises(NotFound):
        get_listed(db, "events", 9999)
    with pytest.raises(NotFound):
        names_of(db, "cities", 9999)


# --- update ------------------------------------------------------------------------------


def test_update_changes_fields_and_replaces_lists(db: Database) -> None:
    w = _world(db)
    delegation = create(
        db,
        Delegation(
            direction=Direction.OUTGOING,
            city_id=w.partner,
            start_date=PartialDate(2016, 4),
            leader="Old leader",
            members=5,
            organization_ids=(w.org_home, w.org_partner),
        ),
    )
    changed = replace(
        delegation,
        direction=Direction.INCOMING,
        city_id=w.other,
        start_date=PartialDate(2017, 9, 1),
        end_date=PartialDate(2017, 9, 8),
        leader="New leader",
        members=9,
        status=DelegationStatus.CANCELLED,
        organization_ids=(w.org_other,),
    )
    changed = update(db, changed)
    assert changed.version == 2
    assert get_record(db, "delegations", delegation.id) == changed
    with db.reading() as session:
        links = (
            session.execute(
                select(m.DelegationOrganizationRow.organization_id).where(
                    m.DelegationOrganizationRow.delegation_id == delegation.id
                )
            )
            .scalars()
            .all()
        )
    assert links == [w.org_other]

    # Lists can be emptied, and other lists (areas, participants) are replaced the same way.
    update(db, replace(changed, organization_ids=()))
    assert get_record(db, "delegations", delegation.id).organization_ids == ()
    partnership = get_record(db, "partnerships", w.partnership)
    update(db, replace(partnership, areas=(CooperationArea.HEALTH,)))
    assert get_record(db, "partnerships", w.partnership).areas == (CooperationArea.HEALTH,)
    assert (
        _scalar(
            db,
            "SELECT count(*) FROM partnership_areas WHERE partnership_id = :id",
            id=w.partnership,
        )
        == 1
    )
    event = create(
        db,
        CulturalEvent(
            name_en="Fair",
            kind=EventKind.FAIR,
            participants=(EventParticipant(w.org_home), EventParticipant(w.org_partner)),
        ),
    )
    update(
        db,
        replace(event, participants=(EventParticipant(w.org_home, ParticipantRole.SPONSOR),)),
    )
    assert get_record(db, "events", event.id).participants == (
        EventParticipant(w.org_home, ParticipantRole.SPONSOR),
    )

    city = get_record(db, "cities", w.other)
    update(db, replace(city, name_en="Wakayama City", population=360_000))
    assert get_record(db, "cities", w.other).name_en == "Wakayama City"
    assert get_record(db, "cities", w.other).population == 360_000
    # Saving a record unchanged is not a duplicate of itself.
    update(db, get_record(db, "cities", w.other))


def test_missing_ids_and_ids_where_none_belong(db: Database) -> None:
    w = _world(db)
    before = _counts(db)
    with pytest.raises(NotFound) as raised:
        get_record(db, "cities", 12345)
    assert raised.value.record_id == 12345
    with pytest.raises(NotFound):
        update(db, City(id=9999, name_en="Nowhere", country="IL"))
    with pytest.raises(NotFound):
        update(db, Partnership(id=9999, city_id=w.other, tier=PartnershipTier.SISTER_CITY))
    with pytest.raises(InvalidInput) as invalid:
        update(db, City(name_en="No id", country="IL"))
    assert invalid.value.for_field("id")
    with pytest.raises(InvalidInput) as invalid:
        create(db, City(id=7, name_en="Suwon", country="KR"))
    assert invalid.value.for_field("id")
    with pytest.raises(NotFound):
        delete_record(db, "cities", 9999)
    assert _counts(db) == before

    # A record nothing depends on goes without cascade, and then it is gone.
    deletion = delete_record(db, "persons", w.person)
    assert deletion.dependents == ()
    with pytest.raises(NotFound):
        get_record(db, "persons", w.person)
    with pytest.raises(NotFound):
        delete_record(db, "persons", w.person)
    assert list_records(db, "persons").total == 0


def test_tier_history(db: Database) -> None:
    w = _world(db)
    partnership = create(
        db,
        Partnership(
            city_id=w.other,
            tier=PartnershipTier.FRIENDLY_COOPERATIVE_CITY,
            established=PartialDate(2009, 5),
        ),
    )
    history = tier_history(db, partnership.id)
    assert [(c.from_tier, c.to_tier, c.changed_on) for c in history] == [
        (None, PartnershipTier.FRIENDLY_COOPERATIVE_CITY, PartialDate(2009, 5))
    ]
    assert history[0].partnership_id == partnership.id

    # A change of anything but the tier adds nothing to the history.
    partnership = update(db, replace(partnership, notes="Culture first."))
    assert len(tier_history(db, partnership.id)) == 1

    upgraded = replace(partnership, tier=PartnershipTier.SISTER_CITY)
    upgraded = update(
        db, upgraded, tier_changed_on=PartialDate(2015, 6, 1), tier_note="Mayors signed"
    )
    history = tier_history(db, partnership.id)
    assert [(c.from_tier, c.to_tier, c.changed_on, c.note) for c in history] == [
        (None, PartnershipTier.FRIENDLY_COOPERATIVE_CITY, PartialDate(2009, 5), ""),
        (
            PartnershipTier.FRIENDLY_COOPERATIVE_CITY,
            PartnershipTier.SISTER_CITY,
            PartialDate(2015, 6, 1),
            "Mayors signed",
        ),
    ]
    assert get_record(db, "partnerships", partnership.id).tier is PartnershipTier.SISTER_CITY

    # Without a date the change is dated today.
    update(db, replace(upgraded, tier=PartnershipTier.FRIENDLY_COOPERATIVE_CITY))
    last = tier_history(db, partnership.id)[-1]
    assert last.changed_on == PartialDate.from_date(dt.date.today())
    assert (last.from_tier, last.to_tier) == (
        PartnershipTier.SISTER_CITY,
        PartnershipTier.FRIENDLY_COOPERATIVE_CITY,
    )
    # The other partnership's history is its own.
    assert [c.to_tier for c in tier_history(db, w.partnership)] == [PartnershipTier.SISTER_CITY]


# --- refused input -----------------------------------------------------------------------


def test_invalid_input_is_refused_and_nothing_is_stored(db: Database) -> None:
    w = _world(db)
    before = _counts(db)

    with pytest.raises(InvalidInput) as raised:
        create(
            db,
            Delegation(
                direction=Direction.OUTGOING,
                city_id=w.partner,
                start_date=PartialDate(2018, 5, 10),
                end_date=PartialDate(2018, 5, 2),
            ),
        )
    assert raised.value.for_field("end_date")
    assert not raised.value.for_field("start_date")

    with pytest.raises(InvalidInput) as raised:
        create(db, City(name_en="Atlantis", country="XX"))
    assert raised.value.for_field("country")

    with pytest.raises(InvalidInput) as raised:
        create(db, Delegation(direction=Direction.INCOMING, city_id=w.partner, members=-1))
    assert raised.value.for_field("members")

    with pytest.raises(InvalidInput) as raised:
        create(db, City(name_en="x" * 10_000_000, country="IL"))
    assert raised.value.for_field("name_en")
    assert len(str(raised.value)) < 1_000  # the message does not repeat the name

    # The same refusals on update leave the stored record as it was.
    city = get_record(db, "cities", w.other)
    with pytest.raises(InvalidInput) as raised:
        update(db, replace(city, country="XX", population=-5))
    assert raised.value.for_field("country")
    assert raised.value.for_field("population")
    assert get_record(db, "cities", w.other) == city

    assert _counts(db) == before


def test_duplicates_are_conflicts_and_nothing_is_stored(db: Database) -> None:
    w = _world(db)
    award = create(
        db,
        Award(title_en="Award", recipient_kind=RecipientKind.CITY, recipient_city_id=w.partner),
    )
    create(
        db,
        Certificate(
            number="JN-2018-001",
            award_id=award.id,
            language_mode=LanguageMode.EN,
            issued_on=dt.date(2018, 11, 16),
        ),
    )
    before = _counts(db)

    with pytest.raises(Conflict) as raised:
        create(db, City(name_en="Kfar Saba", country="IL"))
    assert raised.value.for_field("name_en")
    assert "city “Kfar Saba”" in raised.value.for_field("name_en")[0]  # by name, not number

    # The same name in another country is another city.
    other = create(db, City(name_en="Kfar Saba", country="US"))
    with pytest.raises(Conflict) as raised:
        update(db, replace(other, country="IL"))
    assert raised.value.for_field("name_en")
    assert get_record(db, "cities", other.id).country == "US"

    with pytest.raises(Conflict) as raised:
        create(
            db,
            Certificate(
                number="JN-2018-001",
                award_id=award.id,
                language_mode=LanguageMode.ZH,
                issued_on=dt.date(2019, 1, 1),
            ),
        )
    assert raised.value.for_field("number")

    with pytest.raises(Conflict) as raised:
        create(db, Partnership(city_id=w.partner, tier=PartnershipTier.FRIENDLY_COOPERATIVE_CITY))
    assert raised.value.for_field("city_id")

    after = _counts(db)
    assert after.pop("cities") == before.pop("cities") + 1
    assert after == before


def test_references_to_missing_records_are_refused(db: Database) -> None:
    w = _world(db)
    before = _counts(db)
    missing = 9999

    cases: list[tuple[Any, str]] = [
        (Delegation(direction=Direction.OUTGOING, city_id=missing), "city_id"),
        (
            Delegation(
                direction=Direction.OUTGOING,
                city_id=w.partner,
                organization_ids=(w.org_home, missing),
            ),
            "organization_ids",
        ),
        (Organization(name_en="Orphan", kind=OrganizationKind.OTHER, city_id=missing), "city_id"),
        (Person(name="Nobody", organization_id=missing), "organization_id"),
        (Agreement(title_en="MOU", party_ids=(missing,)), "party_ids"),
        (
            CulturalEvent(
                name_en="Show",
                kind=EventKind.OTHER,
                participants=(EventParticipant(missing),),
            ),
            "participants",
        ),
        (
            CulturalEvent(name_en="Show", kind=EventKind.OTHER, host_organization_id=missing),
            "host_organization_id",
        ),
        (Conference(name_en="Conference", organizer_ids=(missing,)), "organizer_ids"),
        (Conference(name_en="Conference", host_city_id=missing), "host_city_id"),
        (
            Award(
                title_en="Award",
                conference_id=missing,
                recipient_kind=RecipientKind.CITY,
                recipient_city_id=w.partner,
            ),
            "conference_id",
        ),
        (
            Award(
                title_en="Award",
                recipient_kind=RecipientKind.PERSON,
                recipient_person_id=missing,
            ),
            "recipient_person_id",
        ),
        (
            Certificate(
                number="N-1",
                award_id=missing,
                language_mode=LanguageMode.EN,
                issued_on=dt.date(2018, 1, 1),
            ),
            "award_id",
        ),
    ]
    for record, field in cases:
        with pytest.raises(InvalidInput) as raised:
            create(db, record)
        assert raised.value.for_field(field), (record, raised.value.problems)
        assert str(missing) in raised.value.for_field(field)[0]
    assert _counts(db) == before


def test_partnership_for_a_missing_city_is_invalid_input(db: Database) -> None:
    before = _counts(db)
    with pytest.raises(InvalidInput) as raised:
        create(db, Partnership(city_id=9999, tier=PartnershipTier.SISTER_CITY))
    assert raised.value.for_field("city_id")
    assert _counts(db) == before


def test_award_recipient_must_match_its_kind(db: Database) -> None:
    w = _world(db)
    before = _counts(db)
    with pytest.raises(InvalidInput) as raised:
        create(
            db,
            Award(
                title_en="Award",
                recipient_kind=RecipientKind.CITY,
                recipient_organization_id=w.org_partner,
            ),
        )
    assert raised.value.for_field("recipient_city_id")
    assert raised.value.for_field("recipient_organization_id")

    with pytest.raises(InvalidInput) as raised:
        create(
            db,
            Award(
                title_en="Award",
                recipient_kind=RecipientKind.PERSON,
                recipient_person_id=w.person,
                recipient_city_id=w.partner,
            ),
        )
    assert raised.value.for_field("recipient_city_id")
    assert not raised.value.for_field("recipient_person_id")

    award = create(
        db,
        Award(
            title_en="Award",
            recipient_kind=RecipientKind.ORGANIZATION,
            recipient_organization_id=w.org_partner,
        ),
    )
    with pytest.raises(InvalidInput) as raised:
        update(db, replace(award, recipient_kind=RecipientKind.CITY))
    assert raised.value.for_field("recipient_city_id")
    assert get_record(db, "awards", award.id) == award
    after = _counts(db)
    assert after.pop("awards") == before.pop("awards") + 1
    assert after == before


# --- lists -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["kfar", "KFAR", "Saba", "כפר", "克法", "  kfar sa  "])
def test_search_finds_kfar_saba_in_every_script(demo_db: Database, text: str) -> None:
    page = list_records(demo_db, "cities", ListQuery(search=text))
    assert [row.record.name_en for row in page.rows] == ["Kfar Saba"]
    assert page.total == 1


def test_search_reaches_referred_names(demo_db: Database) -> None:
    # Delegations have no name: a search for the city's name finds the visits to it.
    page = list_records(demo_db, "delegations", ListQuery(search="כפר סבא"))
    kfar_saba = list_records(demo_db, "cities", ListQuery(search="Kfar Saba")).rows[0].record
    assert page.total > 20
    assert {row.record.city_id for row in page.rows} == {kfar_saba.id}
    assert all(row.labels["city_id"].en == "Kfar Saba" for row in page.rows)


def test_year_and_equality_filters(demo_db: Database) -> None:
    everything = list_records(demo_db, "delegations").rows
    for year in (2009, 2015, 2018):
        page = list_records(demo_db, "delegations", ListQuery(year=year))
        expected = [
            row.record.id
            for row in everything
            if row.record.start_date is not None and row.record.start_date.year == year
        ]
        assert expected
        assert [row.record.id for row in page.rows] == expected
        assert page.total == len(expected)

    incoming = list_records(demo_db, "delegations", ListQuery(filters={"direction": "incoming"}))
    assert incoming.total == sum(1 for r in everything if r.record.direction is Direction.INCOMING)
    assert incoming.total > 0
    assert all(row.record.direction is Direction.INCOMING for row in incoming.rows)
    both = list_records(
        demo_db,
        "delegations",
        ListQuery(year=2015, filters={"direction": Direction.OUTGOING}),
    )
    assert {(r.record.direction, r.record.start_date.year) for r in both.rows} == {
        (Direction.OUTGOING, 2015)
    }

    sisters = list_records(
        demo_db, "partnerships", ListQuery(filters={"tier": PartnershipTier.SISTER_CITY})
    )
    assert sisters.total == 25
    assert {row.record.tier for row in sisters.rows} == {PartnershipTier.SISTER_CITY}
    friendly = list_records(
        demo_db, "partnerships", ListQuery(filters={"tier": "friendly_cooperative_city"})
    )
    assert friendly.total == 45
    israel = list_records(demo_db, "cities", ListQuery(filters={"country": "IL"}))
    assert "Kfar Saba" in [row.record.name_en for row in israel.rows]
    assert {row.record.country for row in israel.rows} == {"IL"}
    facts = list_records(demo_db, "cities", ListQuery(filters={"is_sample": "no"}))
    assert {row.record.name_en for row in facts.rows} >= {"Jinan", "Kfar Saba"}


def test_order_and_paging(demo_db: Database) -> None:
    ascending = _names(demo_db, "cities", order_by="name_en")
    assert ascending == sorted(ascending)
    descending = _names(demo_db, "cities", order_by="name_en", descending=True)
    assert descending == ascending[::-1]
    populations = [
        row.record.population
        for row in list_records(
            demo_db, "cities", ListQuery(order_by="population", descending=True)
        ).rows
    ]
    assert populations == sorted(populations, reverse=True)

    # A reference sorts by the referred record's name, not by its id.
    rows = list_records(demo_db, "delegations", ListQuery(order_by="city_id")).rows
    names = [row.labels["city_id"].en for row in rows]
    assert names == sorted(names)
    assert len(set(names)) > 5
    ids_by_city = [row.record.city_id for row in rows]
    assert ids_by_city != sorted(ids_by_city)  # the demo's ids are not in name order
    rows = list_records(demo_db, "delegations", ListQuery(order_by="city_id", descending=True))
    assert [row.labels["city_id"].en for row in rows.rows] == sorted(names, reverse=True)

    full = list_records(demo_db, "delegations", ListQuery(order_by="start_date"))
    pages = [
        list_records(
            demo_db, "delegations", ListQuery(order_by="start_date", offset=offset, limit=10)
        )
        for offset in range(0, full.total, 10)
    ]
    assert all(page.total == full.total for page in pages)
    assert [len(page.rows) for page in pages[:-1]] == [10] * (len(pages) - 1)
    assert [row.record for page in pages for row in page.rows] == [r.record for r in full.rows]
    past_the_end = list_records(demo_db, "cities", ListQuery(offset=1000, limit=10))
    assert past_the_end.rows == []
    assert past_the_end.total == 73
    # Paging keeps the lists of the records on the page.
    paged = list_records(demo_db, "partnerships", ListQuery(offset=3, limit=4)).rows
    whole = list_records(demo_db, "partnerships").rows[3:7]
    assert [row.record for row in paged] == [row.record for row in whole]
    assert all(row.record.areas for row in paged)


def test_unknown_columns_are_invalid_input(demo_db: Database) -> None:
    with pytest.raises(InvalidInput) as raised:
        list_records(demo_db, "cities", ListQuery(filters={"population": 100_000}))
    assert raised.value.for_field("population")
    with pytest.raises(InvalidInput) as raised:
        list_records(demo_db, "cities", ListQuery(filters={"no_such_column": 1}))
    assert raised.value.for_field("no_such_column")
    with pytest.raises(InvalidInput) as raised:
        list_records(demo_db, "cities", ListQuery(order_by="no_such_column"))
    assert raised.value.for_field("order_by")
    with pytest.raises(InvalidInput) as raised:
        list_records(demo_db, "delegations", ListQuery(filters={"direction": "sideways"}))
    assert raised.value.for_field("direction")
    with pytest.raises(InvalidInput) as raised:
        list_records(demo_db, "cities", ListQuery(year=2018))
    assert raised.value.for_field("year")
    with pytest.raises(InvalidInput) as raised:
        json_records(demo_db, "cities", ListQuery(filters={"no_such_column": 1}))
    assert raised.value.for_field("no_such_column")


def test_search_ignores_case_beyond_ascii(db: Database) -> None:
    create(db, City(name_en="Zurich", name_local="Zürich", country="CH"))
    create(db, City(name_en="Nizhny Novgorod", name_local="Нижний Новгород", country="RU"))
    # ASCII letters fold on both backends; the rest should too.
    assert _names(db, "cities", search="NIZHNY") == ["Nizhny Novgorod"]
    assert _names(db, "cities", search="ZÜRICH") == ["Zurich"]
    assert _names(db, "cities", search="нижний") == ["Nizhny Novgorod"]


def test_search_wildcards_are_literal(db: Database) -> None:
    for name in ("100% Town", "1000 Town", "A_B", "AxB", "Back\\slash", "Slash/Town"):
        create(db, City(name_en=name, country="DE"))
    assert _names(db, "cities", search="0%") == ["100% Town"]
    assert _names(db, "cities", search="%") == ["100% Town"]
    assert _names(db, "cities", search="a_b") == ["A_B"]
    assert _names(db, "cities", search="_") == ["A_B"]
    assert _names(db, "cities", search="\\") == ["Back\\slash"]
    assert _names(db, "cities", search="/") == ["Slash/Town"]
    assert list_records(db, "cities", ListQuery(search="%")).total == 1
    assert len(json_records(db, "cities", ListQuery(search="_"))) == 1


# --- JSON export agrees with the lists ---------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, PartialDate):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, EventParticipant):
        return {"organization_id": value.organization_id, "role": value.role.value}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _expected_json(
    kind_name: str, listed: Listed[Any], language: str | None = None
) -> dict[str, Any]:
    kind = KINDS[kind_name]
    record = listed.record
    expected: dict[str, Any] = {"id": record.id}
    # Personal data (passport) and search keys stay out of a list unless asked for.
    for name in listed_fields(kind_name):
        expected[name] = _plain(getattr(record, name))
    for computed in COMPUTED.get(kind_name, ()):
        expected[computed.key] = computed.value(*(getattr(record, c) for c in computed.columns))
    for collection in kind.collections:
        expected[collection.field] = _plain(getattr(record, collection.field))
    for reference in kind.references:
        value = getattr(record, reference.column)
        expected[label_key(reference.column)] = (
            None if value is None else listed.labels[reference.column].best(language)
        )
    return expected


def _assert_json_agrees(
    db: Database, kind: str, query: ListQuery | None = None, language: str | None = None
) -> int:
    page = list_records(db, kind, query)
    lines = json_records(db, kind, query, language)
    decoded = [json.loads(line) for line in lines]
    assert [row["id"] for row in decoded] == [row.record.id for row in page.rows], kind
    for row, listed in zip(decoded, page.rows, strict=True):
        expected = _expected_json(kind, listed, language)
        assert row == expected, (kind, listed.record.id)
        for name, value in row.items():
            if isinstance(expected[name], bool):
                assert type(value) is bool, (kind, name)
    return len(decoded)


@pytest.mark.parametrize("kind", LISTABLE)
def test_json_records_agree_with_list_records(demo_db: Database, kind: str) -> None:
    assert _assert_json_agrees(demo_db, kind) > 0


@pytest.mark.parametrize(
    ("kind", "query"),
    [
        ("delegations", ListQuery(order_by="city_id", descending=True, offset=5, limit=17)),
        ("delegations", ListQuery(search="kfar", year=2012)),
        ("events", ListQuery(search="Kfar Saba", order_by="partner_city_id")),
        ("partnerships", ListQuery(filters={"tier": "sister_city"}, order_by="city_id")),
        ("awards", ListQuery(order_by="conference_id", descending=True)),
    ],
)
def test_json_records_agree_with_list_records_for_a_query(
    demo_db: Database, kind: str, query: ListQuery
) -> None:
    assert _assert_json_agrees(demo_db, kind, query) > 0


def test_json_names_follow_the_language(demo_db: Database) -> None:
    event = json.loads(json_records(demo_db, "events", ListQuery(search="choral"), "zh_CN")[0])
    assert event["city"] == "济南"
    assert event["partner_city"] == "克法尔萨巴"
    event = json.loads(json_records(demo_db, "events", ListQuery(search="choral"), "he")[0])
    assert event["partner_city"] == "כפר סבא"


@pytest.mark.postgres
def test_postgresql_demo_json_and_figures(pg_url: str) -> None:
    """The one demo fill on PostgreSQL: export, lists and figures there too."""
    database = open_database(pg_url)
    try:
        fill_demo(database)
        for kind in LISTABLE:
            assert _assert_json_agrees(database, kind) > 0
        _assert_json_agrees(
            database, "delegations", ListQuery(order_by="city_id", descending=True, limit=30)
        )
        figures = statistics(database)
        assert figures.partnerships_by_tier == {
            PartnershipTier.SISTER_CITY: 25,
            PartnershipTier.FRIENDLY_COOPERATIVE_CITY: 45,
        }
        found = {a.city.en: a.years for a in anniversaries(database, 2019)}
        assert found["Kfar Saba"] == 10
        assert [
            row.record.name_en
            for row in list_records(database, "cities", ListQuery(search="KFAR")).rows
        ] == ["Kfar Saba"]
        assert list_records(database, "delegations", ListQuery(search="克法")).total > 20
    finally:
        database.dispose()


# --- deleting ----------------------------------------------------------------------------


def test_delete_is_refused_while_others_depend(db: Database) -> None:
    w = _world(db)
    for year in (2015, 2016):
        create(
            db,
            Delegation(
                direction=Direction.OUTGOING, city_id=w.partner, start_date=PartialDate(year)
            ),
        )
    before = _counts(db)
    with pytest.raises(Conflict) as raised:
        delete_record(db, "cities", w.partner)
    text_of = " / ".join(raised.value.dependents)
    assert "partnership" in text_of
    assert "2 delegations" in text_of
    assert "organization" in text_of  # the choir refers to the city
    assert "2 delegations" in raised.value.user_message()
    assert _counts(db) == before
    assert get_record(db, "cities", w.partner).name_en == "Kfar Saba"

    found = {(d.kind, d.action): d.ids for d in dependents_of(db, "cities", w.partner)}
    assert found[("partnerships", "delete")] == (w.partnership,)
    assert len(found[("delegations", "delete")]) == 2
    assert found[("organizations", "clear")] == (w.org_partner,)
    assert [(d.kind, d.ids, d.action) for d in dependents_of(db, "cities", w.other)] == [
        ("organizations", (w.org_other,), "clear")
    ]


def test_cascade_deletes_what_cannot_exist_without_the_record(db: Database) -> None:
    w = _world(db)
    partnership = get_record(db, "partnerships", w.partnership)
    update(
        db,
        replace(partnership, tier=PartnershipTier.FRIENDLY_COOPERATIVE_CITY),
        tier_changed_on=PartialDate(2012),
    )
    visit = create(
        db,
        Delegation(
            direction=Direction.INCOMING,
            city_id=w.partner,
            start_date=PartialDate(2016, 3),
            organization_ids=(w.org_home, w.org_partner),
        ),
    )
    create(db, Delegation(direction=Direction.OUTGOING, city_id=w.partner))
    elsewhere = create(
        db,
        Delegation(
            direction=Direction.OUTGOING,
            city_id=w.other,
            organization_ids=(w.org_home, w.org_other),
        ),
    )
    held_there = create(
        db,
        CulturalEvent(
            name_en="Arts festival in Kfar Saba",
            kind=EventKind.ARTS_FESTIVAL,
            city_id=w.partner,
            partner_city_id=w.other,
            participants=(EventParticipant(w.org_home),),
        ),
    )
    award = create(
        db,
        Award(
            title_en="Award to Kfar Saba",
            recipient_kind=RecipientKind.CITY,
            recipient_city_id=w.partner,
        ),
    )
    create(
        db,
        Certificate(
            number="C-1",
            award_id=award.id,
            language_mode=LanguageMode.HE_EN,
            issued_on=dt.date(2018, 11, 16),
        ),
    )
    other_award = create(
        db,
        Award(
            title_en="Award to Wakayama",
            recipient_kind=RecipientKind.CITY,
            recipient_city_id=w.other,
        ),
    )
    agreement = create(
        db, Agreement(title_en="MOU", city_id=w.partner, party_ids=(w.org_home, w.org_partner))
    )
    conference = create(db, Conference(name_en="Conference", host_city_id=w.partner))
    scan = attach(db, "partnerships", w.partnership, "treaty.pdf", b"%PDF treaty")
    assert scan.id is not None
    assert (
        _scalar(
            db, "SELECT count(*) FROM tier_changes WHERE partnership_id = :id", id=w.partnership
        )
        == 2
    )

    deletion = delete_record(db, "cities", w.partner, cascade=True)
    assert {(d.kind, d.action) for d in deletion.dependents} >= {
        ("partnerships", "delete"),
        ("delegations", "delete"),
        ("awards", "delete"),
        ("events", "clear"),
        ("organizations", "clear"),
        ("agreements", "clear"),
        ("conferences", "clear"),
    }

    with pytest.raises(NotFound):
        get_record(db, "cities", w.partner)
    assert [r.record.id for r in list_records(db, "partnerships").rows] == []
    assert [r.record.id for r in list_records(db, "delegations").rows] == [elsewhere.id]
    assert [r.record.id for r in list_records(db, "awards").rows] == [other_award.id]
    assert list_records(db, "certificates").total == 0
    counts = _counts(db)
    assert counts["tier_changes"] == 0
    assert counts["partnership_areas"] == 0
    assert counts["attachments"] == 0
    assert counts["attachment_blobs"] == 0
    assert (
        _scalar(
            db,
            "SELECT count(*) FROM delegation_organizations WHERE delegation_id = :id",
            id=visit.id,
        )
        == 0
    )
    # Optional references become empty; the records stay.
    event = get_record(db, "events", held_there.id)
    assert event.city_id is None
    assert event.partner_city_id == w.other
    assert event.participants == (EventParticipant(w.org_home),)
    assert get_record(db, "organizations", w.org_partner).city_id is None
    assert get_record(db, "agreements", agreement.id).city_id is None
    assert get_record(db, "agreements", agreement.id).party_ids == (w.org_home, w.org_partner)
    assert get_record(db, "conferences", conference.id).host_city_id is None
    assert get_record(db, "cities", w.other).name_en == "Wakayama"
    _no_dangling_rows(db)

    # An organization deleted with cascade leaves the lists that named it.
    with pytest.raises(Conflict) as raised:
        delete_record(db, "organizations", w.org_home)
    assert any("delegation" in line for line in raised.value.dependents)
    delete_record(db, "organizations", w.org_home, cascade=True)
    assert get_record(db, "delegations", elsewhere.id).organization_ids == (w.org_other,)
    assert get_record(db, "agreements", agreement.id).party_ids == (w.org_partner,)
    assert get_record(db, "events", held_there.id).participants == ()
    assert get_record(db, "persons", w.person).organization_id is None
    assert list_records(db, "organizations").total == 2
    _no_dangling_rows(db)


def test_cascade_through_an_organization(db: Database) -> None:
    w = _world(db)
    award = create(
        db,
        Award(
            title_en="Award to the choir",
            giver_organization_id=w.org_home,
            recipient_kind=RecipientKind.ORGANIZATION,
            recipient_organization_id=w.org_partner,
        ),
    )
    create(
        db,
        Certificate(
            number="C-2",
            award_id=award.id,
            language_mode=LanguageMode.EN,
            issued_on=dt.date(2019, 1, 2),
        ),
    )
    given = create(
        db,
        Award(
            title_en="Award given by the choir",
            giver_organization_id=w.org_partner,
            recipient_kind=RecipientKind.PERSON,
            recipient_person_id=w.person,
        ),
    )
    hosted = create(
        db,
        CulturalEvent(name_en="Concert", kind=EventKind.OTHER, host_organization_id=w.org_partner),
    )
    conference = create(
        db, Conference(name_en="Conference", organizer_ids=(w.org_home, w.org_partner))
    )
    member = create(db, Person(name="Singer", organization_id=w.org_partner))

    delete_record(db, "organizations", w.org_partner, cascade=True)
    assert [r.record.id for r in list_records(db, "awards").rows] == [given.id]
    assert get_record(db, "awards", given.id).giver_organization_id is None
    assert list_records(db, "certificates").total == 0
    assert get_record(db, "events", hosted.id).host_organization_id is None
    assert get_record(db, "conferences", conference.id).organizer_ids == (w.org_home,)
    assert get_record(db, "persons", member.id).organization_id is None
    _no_dangling_rows(db)


# --- attachments -------------------------------------------------------------------------


def test_attachments_are_stored_once(db: Database) -> None:
    w = _world(db)
    content = bytes(range(256)) * 100
    first = attach(db, "cities", w.partner, "C:/scans/photo.png", content, description="Photo")
    assert first.file_name == "photo.png"
    assert first.size == len(content)
    assert first.media_type == "image/png"
    assert first.sha256 == hashlib.sha256(content).hexdigest()
    agreement = create(db, Agreement(title_en="MOU"))
    second = attach(db, "agreements", agreement.id, "copy.bin", content)
    assert second.sha256 == first.sha256
    counts = _counts(db)
    assert counts["attachments"] == 2
    assert counts["attachment_blobs"] == 1
    with db.reading() as session:
        stored = session.execute(text("SELECT content FROM attachment_blobs")).scalar_one()
    assert bytes(stored) == content
    listed = attachments_of(db, "cities", w.partner)
    assert [(a.id, a.file_name, a.description) for a in listed] == [
        (first.id, "photo.png", "Photo")
    ]

    with pytest.raises(NotFound):
        attach(db, "cities", 9999, "x.txt", b"x")
    with pytest.raises(InvalidInput) as raised:
        attach(db, "no_such_kind", 1, "", b"x")
    assert raised.value.for_field("owner_kind")
    assert raised.value.for_field("file_name")
    assert _counts(db)["attachments"] == 2

    # Removing one link keeps the bytes the other still uses; removing the last drops them.
    delete_attachment(db, second.id)
    assert attachments_of(db, "agreements", agreement.id) == []
    assert _counts(db)["attachment_blobs"] == 1
    with pytest.raises(NotFound):
        delete_attachment(db, second.id)
    delete_attachment(db, first.id)
    assert _counts(db)["attachments"] == 0
    assert _counts(db)["attachment_blobs"] == 0


def test_read_attachment_returns_the_bytes(db: Database) -> None:
    w = _world(db)
    content = b"%PDF-1.7 scanned MOU " + bytes(range(256))
    first = attach(db, "cities", w.partner, "mou.pdf", content)
    second = attach(db, "cities", w.other, "mou-copy.pdf", content)
    assert _counts(db)["attachment_blobs"] == 1
    assert read_attachment(db, first.id) == content
    assert read_attachment(db, second.id) == content
    with pytest.raises(NotFound):
        read_attachment(db, 9999)


def test_a_tampered_attachment_is_reported(db: Database) -> None:
    w = _world(db)
    stored = attach(db, "cities", w.partner, "seal.png", b"the real seal")
    _execute(db, "UPDATE attachment_blobs SET content = :c", c=b"tampered")
    with pytest.raises(StorageUnavailable) as raised:
        read_attachment(db, stored.id)
    assert raised.value.problem is StorageProblem.CORRUPT
    assert "seal.png" in str(raised.value)


def test_deleting_the_owner_deletes_its_attachments(db: Database) -> None:
    w = _world(db)
    shared = b"shared bytes"
    attach(db, "cities", w.partner, "a.txt", b"only the city's")
    attach(db, "cities", w.partner, "b.txt", shared)
    visit = create(db, Delegation(direction=Direction.OUTGOING, city_id=w.partner))
    attach(db, "delegations", visit.id, "report.txt", b"the visit's report")
    kept = attach(db, "cities", w.other, "c.txt", shared)

    delete_record(db, "cities", w.partner, cascade=True)
    assert attachments_of(db, "cities", w.partner) == []
    assert attachments_of(db, "delegations", visit.id) == []
    counts = _counts(db)
    assert counts["attachments"] == 1
    assert counts["attachment_blobs"] == 1
    assert [a.id for a in attachments_of(db, "cities", w.other)] == [kept.id]
    assert _scalar(db, "SELECT sha256 FROM attachment_blobs") == kept.sha256
    _no_dangling_rows(db)


# --- figures -----------------------------------------------------------------------------


def test_statistics_of_the_demo(demo_db: Database) -> None:
    figures = statistics(demo_db)
    assert figures.partnerships_by_tier[PartnershipTier.SISTER_CITY] == 25
    assert figures.partnerships_by_tier[PartnershipTier.FRIENDLY_COOPERATIVE_CITY] == 45
    assert sum(figures.partnerships_by_country.values()) == 70
    assert figures.partnerships_by_country["IL"] >= 1
    delegations = list_records(demo_db, "delegations").rows
    assert sum(figures.delegations_by_direction.values()) == len(delegations)
    assert figures.delegations_by_direction[Direction.INCOMING] == sum(
        1 for row in delegations if row.record.direction is Direction.INCOMING
    )
    assert sum(sum(per.values()) for per in figures.delegations_by_year.values()) == sum(
        1 for row in delegations if row.record.start_date is not None
    )
    # The two conference awards of the seed and four sample awards the office confers.
    assert figures.awards_by_year == {2018: 6}

    # Ending a partnership moves it out of the active figures only.
    kfar_saba = list_records(demo_db, "partnerships", ListQuery(search="Kfar Saba")).rows[0].record
    update(demo_db, replace(kfar_saba, status=PartnershipStatus.ENDED, ended=PartialDate(2020)))
    assert statistics(demo_db).partnerships_by_tier[PartnershipTier.SISTER_CITY] == 25
    active = statistics(demo_db, active_only=True)
    assert active.partnerships_by_tier[PartnershipTier.SISTER_CITY] == 24
    assert active.partnerships_by_status[PartnershipStatus.ENDED] == 1


def test_anniversaries(demo_db: Database) -> None:
    found = {a.city.en: a for a in anniversaries(demo_db, 2019)}
    kfar_saba = found["Kfar Saba"]
    assert kfar_saba.years == 10
    assert kfar_saba.established == PartialDate(2009)
    assert kfar_saba.tier is PartnershipTier.SISTER_CITY
    assert kfar_saba.country == "IL"
    assert kfar_saba.is_sample is False
    assert kfar_saba.city.he == "כפר סבא"
    assert all(a.years % 5 == 0 and a.years > 0 for a in found.values())
    assert all(a.established.year + a.years == 2019 for a in found.values())
    assert "Kfar Saba" not in {a.city.en for a in anniversaries(demo_db, 2018)}
    assert "Kfar Saba" in {a.city.en for a in anniversaries(demo_db, 2024)}

    may = create(demo_db, City(name_en="May Town", country="FR"))
    create(
        demo_db,
        Partnership(
            city_id=may.id,
            tier=PartnershipTier.FRIENDLY_COOPERATIVE_CITY,
            established=PartialDate(2009, 5),
        ),
    )
    ended = create(demo_db, City(name_en="Ended Town", country="FR"))
    create(
        demo_db,
        Partnership(
            city_id=ended.id,
            tier=PartnershipTier.SISTER_CITY,
            established=PartialDate(2009, 12, 1),
            status=PartnershipStatus.ENDED,
            ended=PartialDate(2014),
        ),
    )
    fresh = create(demo_db, City(name_en="New Town", country="FR"))
    create(
        demo_db,
        Partnership(
            city_id=fresh.id,
            tier=PartnershipTier.SISTER_CITY,
            established=PartialDate(2019, 1),
        ),
    )
    found = {a.city.en: a.years for a in anniversaries(demo_db, 2019)}
    assert found["May Town"] == 10
    assert "Ended Town" not in found
    assert "New Town" not in found
    with_ended = {a.city.en: a.years for a in anniversaries(demo_db, 2019, include_ended=True)}
    assert with_ended["Ended Town"] == 10
    tens = anniversaries(demo_db, 2019, step=10)
    assert {a.city.en for a in tens} >= {"Kfar Saba", "May Town"}
    assert all(a.years % 10 == 0 for a in tens)


# --- office profile ----------------------------------------------------------------------


def test_office_profile_round_trip(db: Database) -> None:
    assert office_profile(db) == OfficeProfile()
    w = _world(db)
    seal = attach(db, "office", 1, "seal.png", b"\x89PNG seal")
    profile = OfficeProfile(
        home_city_id=w.home,
        office_name_en="Foreign Affairs Office of Jinan",
        office_name_zh="济南市人民政府外事办公室",
        office_name_he="המחלקה לקשרי חוץ של ג'ינאן",
        signatory_en="Wang Fang",
        signatory_zh="王芳",
        signatory_title_en="Director",
        signatory_title_zh="主任",
        signatory_title_he="מנהלת",
        seal_attachment_id=seal.id,
    )
    assert save_office_profile(db, profile) == profile
    assert office_profile(db) == profile
    changed = replace(profile, signatory_en="Zhang Wei", seal_attachment_id=None)
    save_office_profile(db, changed)
    assert office_profile(db) == changed
    assert _counts(db)["office_profile"] == 1

    with pytest.raises(InvalidInput) as raised:
        save_office_profile(db, replace(changed, home_city_id=9999, office_name_en="Other"))
    assert raised.value.for_field("home_city_id")
    with pytest.raises(InvalidInput) as raised:
        save_office_profile(db, replace(changed, logo_attachment_id=9999))
    assert raised.value.for_field("logo_attachment_id")
    with pytest.raises(InvalidInput) as raised:
        save_office_profile(db, replace(changed, signatory_en="x" * 300))
    assert raised.value.for_field("signatory_en")
    assert office_profile(db) == changed


def test_long_pages_read_their_lists_in_chunks(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of ids goes to the database in chunks (backends limit bound parameters)."""
    import exchange_desk.services.records as records

    whole = list_records(demo_db, "delegations", ListQuery(offset=1, limit=80))
    monkeypatch.setattr(records, "_CHUNK", 3)
    chunked = list_records(demo_db, "delegations", ListQuery(offset=1, limit=80))
    assert [row.record for row in chunked.rows] == [row.record for row in whole.rows]
    assert any(row.record.organization_ids for row in chunked.rows)
    assert [row.labels for row in chunked.rows] == [row.labels for row in whole.rows]
