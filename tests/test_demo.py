"""The demo data set: every fact of the 2018 Jinan news item is findable, invented records are
flagged as sample data, filling refuses to overwrite unless forced, and the synthetic load."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from exchange_desk.domain.dates import DatePrecision, PartialDate
from exchange_desk.domain.enums import (
    CooperationArea,
    Direction,
    EventKind,
    OrganizationKind,
    ParticipantRole,
    PartnershipStatus,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.domain.errors import Conflict
from exchange_desk.domain.records import City, Delegation
from exchange_desk.services.demo import add_scale_load, fill_demo
from exchange_desk.services.office import office_profile
from exchange_desk.services.records import (
    ListQuery,
    create,
    get_record,
    list_records,
    names_of,
    tier_history,
)
from exchange_desk.services.statistics import statistics
from exchange_desk.storage import models as m
from exchange_desk.storage.database import Database

FACT_CITIES = {"Jinan", "Kfar Saba", "Wuhan", "Beijing"}


def _records(db: Database, kind: str, **query: Any) -> list[Any]:
    return [row.record for row in list_records(db, kind, ListQuery(**query)).rows]


def _one(db: Database, kind: str, name_en: str) -> Any:
    """The one record of `kind` whose English name (or title) is exactly `name_en`."""
    found = [
        record
        for record in _records(db, kind, search=name_en)
        if getattr(record, "name_en", getattr(record, "title_en", None)) == name_en
    ]
    assert len(found) == 1, (kind, name_en, found)
    return found[0]


def _counts(db: Database) -> dict[str, int]:
    """Rows per table; not the audit log's, which keeps every fill (it only ever grows)."""
    with db.reading() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in m.Base.metadata.sorted_tables
            if table.name != "audit_log"
        }


def _sqlite_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        return {
            table.name: connection.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
            for table in m.Base.metadata.sorted_tables
            if table.name != "audit_log"
        }
    finally:
        connection.close()


def _org_names(db: Database, ids: tuple[int, ...]) -> set[str]:
    return {names_of(db, "organizations", organization_id).en for organization_id in ids}


# --- the facts of the seed ---------------------------------------------------------------


def test_kfar_saba_is_a_sister_city_since_2009(demo_db: Database) -> None:
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    assert kfar_saba.country == "IL"
    assert kfar_saba.name_he == "כפר סבא"
    assert kfar_saba.name_zh == "克法尔萨巴"
    assert kfar_saba.is_sample is False
    [partnership] = _records(demo_db, "partnerships", filters={"city_id": kfar_saba.id})
    assert partnership.tier is PartnershipTier.SISTER_CITY
    assert partnership.status is PartnershipStatus.ACTIVE
    assert partnership.established == PartialDate(2009)
    assert partnership.established.precision is DatePrecision.YEAR
    assert str(partnership.established) == "2009"
    assert partnership.is_sample is False
    # Governmental, cultural and educational exchanges, widened to commerce, trade, science
    # and agriculture.
    assert set(partnership.areas) >= {
        CooperationArea.GOVERNMENT,
        CooperationArea.CULTURE,
        CooperationArea.EDUCATION,
        CooperationArea.COMMERCE,
        CooperationArea.TRADE,
        CooperationArea.SCIENCE,
        CooperationArea.AGRICULTURE,
    }
    history = tier_history(demo_db, partnership.id)
    assert [(c.from_tier, c.to_tier, c.changed_on) for c in history] == [
        (None, PartnershipTier.SISTER_CITY, PartialDate(2009))
    ]
    with demo_db.reading() as session:
        stored = session.execute(
            text("SELECT established FROM partnerships WHERE id = :id"), {"id": partnership.id}
        ).scalar_one()
    assert stored == "2009"


def test_the_home_city_is_jinan(demo_db: Database) -> None:
    jinan = _one(demo_db, "cities", "Jinan")
    assert (jinan.name_zh, jinan.country, jinan.region) == ("济南", "CN", "Shandong")
    assert jinan.is_sample is False
    profile = office_profile(demo_db)
    assert profile.home_city_id == jinan.id
    assert profile.office_name_zh == "济南市人民政府外事办公室"
    # The home city is not its own partner.
    assert _records(demo_db, "partnerships", filters={"city_id": jinan.id}) == []


def test_two_mous_each_with_its_two_parties(demo_db: Database) -> None:
    jinan = _one(demo_db, "cities", "Jinan")
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    agreements = _records(demo_db, "agreements", filters={"city_id": kfar_saba.id})
    by_area = {agreement.area: agreement for agreement in agreements}
    assert set(by_area) == {CooperationArea.CULTURE, CooperationArea.EDUCATION}
    assert len(agreements) == 2
    culture = by_area[CooperationArea.CULTURE]
    education = by_area[CooperationArea.EDUCATION]
    assert _org_names(demo_db, culture.party_ids) == {
        "Jinan Municipal Bureau of Culture",
        "Kfar Saba Municipality, Culture Division",
    }
    assert _org_names(demo_db, education.party_ids) == {
        "Jinan Municipal Education Bureau",
        "Kfar Saba Municipality, Education Division",
    }
    for agreement in agreements:
        assert agreement.is_sample is False
        assert agreement.title_zh
        assert agreement.title_he
        assert "MOU" in agreement.title_en
        # One party in each city.
        cities = {get_record(demo_db, "organizations", i).city_id for i in agreement.party_ids}
        assert cities == {jinan.id, kfar_saba.id}
        # The source gives no date: none is invented.
        assert agreement.signed_on is None


def test_two_jinan_schools_at_the_arts_festival_in_kfar_saba(demo_db: Database) -> None:
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    [festival] = _records(demo_db, "events", filters={"kind": EventKind.ARTS_FESTIVAL})
    assert festival.city_id == kfar_saba.id
    assert festival.is_sample is False
    assert _org_names(demo_db, tuple(p.organization_id for p in festival.participants)) == {
        "Jinan Yuying Middle School",
        "The High School Affiliated to Shandong University",
    }
    for participant in festival.participants:
        school = get_record(demo_db, "organizations", participant.organization_id)
        assert school.kind is OrganizationKind.SCHOOL
        assert names_of(demo_db, "cities", school.city_id).en == "Jinan"


def test_the_kfar_saba_choir_at_the_choral_festival_in_jinan(demo_db: Database) -> None:
    jinan = _one(demo_db, "cities", "Jinan")
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    [festival] = _records(demo_db, "events", filters={"kind": "choral_festival"})
    assert festival.city_id == jinan.id
    assert festival.partner_city_id == kfar_saba.id
    [participant] = festival.participants
    assert participant.role is ParticipantRole.PERFORMER
    choir = get_record(demo_db, "organizations", participant.organization_id)
    assert choir.kind is OrganizationKind.CHOIR
    assert choir.city_id == kfar_saba.id


def test_two_new_year_celebrations_in_kfar_saba(demo_db: Database) -> None:
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    celebrations = [
        event
        for event in _records(demo_db, "events", filters={"kind": EventKind.CELEBRATION})
        if "New Year" in event.name_en
    ]
    assert len(celebrations) == 2
    assert len({event.name_en for event in celebrations}) == 2
    assert {event.city_id for event in celebrations} == {kfar_saba.id}
    assert all("Jinan employees" in event.name_en for event in celebrations)
    assert not any(event.is_sample for event in celebrations)


def test_sinotruk_and_the_high_tech_zone(demo_db: Database) -> None:
    jinan = _one(demo_db, "cities", "Jinan")
    [sinotruk] = _records(demo_db, "organizations", search="Sinotruk")
    [zone] = _records(demo_db, "organizations", search="High-tech Zone")
    assert sinotruk.kind is OrganizationKind.COMPANY
    assert "China National Heavy Duty Truck Group" in sinotruk.name_en
    assert sinotruk.name_zh == "中国重型汽车集团"
    assert zone.kind is OrganizationKind.DEVELOPMENT_ZONE
    assert {sinotruk.city_id, zone.city_id} == {jinan.id}
    assert "Israel" in sinotruk.notes
    assert "Israel" in zone.notes
    # Their business in Israel shows in the Kfar Saba visits they took part in.
    visits = [
        delegation
        for delegation in _records(demo_db, "delegations")
        if {sinotruk.id, zone.id} <= set(delegation.organization_ids)
    ]
    assert visits
    assert {names_of(demo_db, "cities", d.city_id).en for d in visits} == {"Kfar Saba"}


def test_both_2018_conferences(demo_db: Database) -> None:
    wuhan = _one(demo_db, "cities", "Wuhan")
    conferences = _records(demo_db, "conferences", year=2018)
    assert len(conferences) == 2
    [wuhan_conference] = [c for c in conferences if "China International" in c.name_en]
    assert wuhan_conference.host_city_id == wuhan.id
    assert names_of(demo_db, "cities", wuhan.id).zh == "武汉"
    assert wuhan.region == "Hubei"
    assert wuhan_conference.start_date == PartialDate(2018, 11, 16)
    assert wuhan_conference.start_date.precision is DatePrecision.DAY
    assert wuhan_conference.attendance == 800
    assert wuhan_conference.countries == 60
    assert wuhan_conference.edition == 6  # every two years since 2008
    assert _org_names(demo_db, wuhan_conference.organizer_ids) == {
        "Chinese People's Association for Friendship with Foreign Countries",
        "China International Friendship Cities Association",
    }
    [sjk] = [c for c in conferences if "Sino-Japan-South Korea" in c.name_en]
    assert sjk.name_en.startswith("20th")
    assert sjk.edition == 20
    assert sjk.start_date == PartialDate(2018, 10)
    assert sjk.start_date.precision is DatePrecision.MONTH
    assert not any(conference.is_sample for conference in conferences)


def test_both_awards(demo_db: Database) -> None:
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    jinan = _one(demo_db, "cities", "Jinan")
    listed = list_records(demo_db, "awards").rows
    # The seed's two awards are facts; the office's own 2018 honours are sample records.
    awards = [row for row in listed if not row.record.is_sample]
    assert len(awards) == 2
    received = {
        row.labels["conference_id"].en: (row.record, row.labels["recipient_city_id"].en)
        for row in awards
    }
    first, first_city = received["China International Friendship Cities Conference 2018"]
    second, second_city = received[
        "20th Sino-Japan-South Korea Friendship City Exchange Conference"
    ]
    assert first_city == "Kfar Saba"
    assert first.recipient_kind is RecipientKind.CITY
    assert first.recipient_city_id == kfar_saba.id
    assert first.awarded_on.year == 2018
    assert second_city == "Jinan"
    assert second.recipient_city_id == jinan.id
    assert "Japan and South Korea" in second.citation_en
    for award in (first, second):
        assert award.is_sample is False
        assert award.citation_zh
        assert award.citation_he


def test_more_than_20_kfar_saba_delegations_both_ways(demo_db: Database) -> None:
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    page = list_records(demo_db, "delegations", ListQuery(filters={"city_id": kfar_saba.id}))
    delegations = [row.record for row in page.rows]
    assert page.total == len(delegations) > 20
    directions = [delegation.direction for delegation in delegations]
    assert directions.count(Direction.OUTGOING) >= 5
    assert directions.count(Direction.INCOMING) >= 5
    assert all(delegation.is_sample for delegation in delegations)
    assert {d.start_date.year for d in delegations} <= set(range(2009, 2019))
    assert len({d.start_date.year for d in delegations}) >= 5
    incoming = list_records(
        demo_db,
        "delegations",
        ListQuery(filters={"city_id": kfar_saba.id, "direction": "incoming"}),
    )
    assert incoming.total == directions.count(Direction.INCOMING)


def test_figures_of_the_seed(demo_db: Database) -> None:
    figures = statistics(demo_db)
    assert figures.partnerships_by_tier == {
        PartnershipTier.SISTER_CITY: 25,
        PartnershipTier.FRIENDLY_COOPERATIVE_CITY: 45,
    }
    # 70 partners, the home city, and the two conference cities.
    assert list_records(demo_db, "cities").total == 73


# --- sample data is marked as such -------------------------------------------------------


def test_invented_records_are_flagged_and_facts_are_not(demo_db: Database) -> None:
    cities = _records(demo_db, "cities")
    facts = {city.name_en for city in cities if not city.is_sample}
    assert facts == FACT_CITIES
    assert len([city for city in cities if city.is_sample]) == 69
    sample_ids = {city.id for city in cities if city.is_sample}

    partnerships = _records(demo_db, "partnerships")
    assert [names_of(demo_db, "cities", p.city_id).en for p in partnerships if not p.is_sample] == [
        "Kfar Saba"
    ]
    # Every invented partner city is flagged, and so is its partnership.
    assert {p.city_id for p in partnerships if p.is_sample} == sample_ids

    assert all(d.is_sample for d in _records(demo_db, "delegations"))
    for kind in ("organizations", "agreements", "events", "conferences"):
        records = _records(demo_db, kind)
        assert records, kind
        assert not any(record.is_sample for record in records), kind
    # Awards: the seed's two are facts; the office's own honours (the seed names none) and
    # the person they name are flagged.
    awards = _records(demo_db, "awards")
    assert len([a for a in awards if not a.is_sample]) == 2
    assert len([a for a in awards if a.is_sample]) == 4
    assert all(person.is_sample for person in _records(demo_db, "persons"))
    sample_filter = list_records(demo_db, "cities", ListQuery(filters={"is_sample": True}))
    assert sample_filter.total == 69


def test_names_in_chinese_and_hebrew(demo_db: Database) -> None:
    cities = _records(demo_db, "cities")
    assert len(cities) == 73
    for city in cities:
        assert city.name_en.strip(), city
        assert city.name_zh.strip(), city.name_en
        assert city.name_he.strip(), city.name_en
        assert city.name_local.strip(), city.name_en
    for kind in ("organizations", "events", "conferences"):
        for record in _records(demo_db, kind):
            assert record.name_zh.strip(), (kind, record.name_en)
            assert record.name_he.strip(), (kind, record.name_en)
    for kind in ("agreements", "awards"):
        for record in _records(demo_db, kind):
            assert record.title_zh.strip(), (kind, record.title_en)
            assert record.title_he.strip(), (kind, record.title_en)
    # Hebrew names are written in Hebrew letters, Chinese ones in Chinese characters.
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    assert all("\u0590" <= ch <= "\u05ff" or ch == " " for ch in kfar_saba.name_he)
    assert all("\u4e00" <= ch <= "\u9fff" for ch in kfar_saba.name_zh)


# --- filling -----------------------------------------------------------------------------


def test_fill_demo_refuses_a_database_with_records(demo_db: Database, db: Database) -> None:
    before = _counts(demo_db)
    with pytest.raises(Conflict):
        fill_demo(demo_db)
    assert _counts(demo_db) == before

    city = create(db, City(name_en="Our own city", country="FR"))
    before = _counts(db)
    with pytest.raises(Conflict) as raised:
        fill_demo(db)
    assert "--force" in str(raised.value)
    assert _counts(db) == before
    assert [c.name_en for c in _records(db, "cities")] == [city.name_en]


def test_forced_fill_backs_up_and_replaces(
    demo_db: Database, demo_file: Path, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh.sqlite"
    shutil.copyfile(demo_file, fresh)
    fresh_counts = _sqlite_counts(fresh)
    extra = create(demo_db, City(name_en="Extra Town", country="FR"))
    create(demo_db, Delegation(direction=Direction.OUTGOING, city_id=extra.id))
    before = _counts(demo_db)

    result = fill_demo(demo_db, force=True)

    assert result.backup is not None
    assert result.backup.exists()
    assert result.backup.parent == demo_db.path.parent
    assert result.backup != demo_db.path
    # The backup holds what was there before, the extra town included.
    assert _sqlite_counts(result.backup) == before
    with sqlite3.connect(result.backup) as backup:
        assert backup.execute(
            "SELECT count(*) FROM cities WHERE name_en = 'Extra Town'"
        ).fetchone() == (1,)
    # The database now holds the demo exactly once: replaced, not doubled.
    assert _counts(demo_db) == fresh_counts
    assert [c.name_en for c in _records(demo_db, "cities", search="Extra Town")] == []
    assert result.sister_cities == 25
    assert result.friendly_cities == 45
    assert result.delegations == fresh_counts["delegations"]
    assert result.synthetic_delegations == 0


def test_scale_load(db: Database) -> None:
    home = create(db, City(name_en="Home", country="CN"))
    create(db, Delegation(direction=Direction.INCOMING, city_id=home.id))
    before = _counts(db)

    assert add_scale_load(db, 1000) == 1000

    after = _counts(db)
    added = {name: after[name] - before[name] for name in after}
    assert added["delegations"] == 1000
    assert added["cities"] == 10
    assert added["cultural_events"] == 100
    assert added["awards"] == 20
    assert added["organizations"] == 20
    assert added["partnerships"] == 10
    with db.reading() as session:
        for row in (
            m.CityRow,
            m.DelegationRow,
            m.CulturalEventRow,
            m.AwardRow,
            m.OrganizationRow,
            m.PartnershipRow,
        ):
            not_sample = session.scalar(
                select(func.count()).select_from(row).where(row.is_sample.is_(False))
            )
            assert not_sample == before[row.__table__.name], row.__table__.name
    # The synthetic records are whole: they list with the names of the cities they refer to.
    new_cities = {c.id for c in _records(db, "cities", filters={"is_sample": True})}
    assert len(new_cities) == 10
    delegations = list_records(db, "delegations", ListQuery(filters={"is_sample": True}))
    assert delegations.total == 1000
    assert {row.record.city_id for row in delegations.rows} <= new_cities
    assert all(row.labels["city_id"].en.startswith("Synthetic City") for row in delegations.rows)
    assert all(
        row.record.end_date is None or row.record.start_date <= row.record.end_date
        for row in delegations.rows
    )
    awards = _records(db, "awards")
    assert {a.recipient_city_id for a in awards} <= new_cities
    assert {a.recipient_kind for a in awards} == {RecipientKind.CITY}


def test_scale_load_partnerships_have_their_first_tier_entry(sqlite_db: Database) -> None:
    add_scale_load(sqlite_db, 100)
    [partnership] = _records(sqlite_db, "partnerships")
    history = tier_history(sqlite_db, partnership.id)
    assert [(c.from_tier, c.to_tier, c.changed_on) for c in history] == [
        (None, partnership.tier, partnership.established)
    ]


def test_a_failure_half_way_leaves_an_empty_database_empty(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exchange_desk.services.demo as demo

    def broken(database: Database) -> int:
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(demo, "_add_sample_partners", broken)
    with pytest.raises(RuntimeError, match="disk pulled out"):
        fill_demo(sqlite_db)
    assert set(_counts(sqlite_db).values()) == {0}


def test_a_failed_force_keeps_the_old_records(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exchange_desk.services.demo as demo

    create(demo_db, City(name_en="Keepsake", country="DE"))
    before = _counts(demo_db)

    def broken(database: Database, delegations: int) -> int:
        raise RuntimeError("out of memory")

    monkeypatch.setattr(demo, "add_scale_load", broken)
    with pytest.raises(RuntimeError, match="out of memory"):
        fill_demo(demo_db, force=True, scale=10)
    assert _counts(demo_db) == before
    assert [c.name_en for c in _records(demo_db, "cities", search="Keepsake")] == ["Keepsake"]


def test_the_office_confers_its_own_2018_honours(demo_db: Database) -> None:
    """The demo's 2018 batch prints the office's own certificates: thanks to the choir and
    the schools of the festivals, and an honorary title to a person."""
    from exchange_desk.domain.enums import AwardRole
    from exchange_desk.services.certificate_content import award_role
    from exchange_desk.services.office import office_profile

    home = office_profile(demo_db).home_city_id
    roles = {
        row.record.title_en: award_role(row.record, home)
        for row in list_records(demo_db, "awards").rows
    }
    assert roles["Award of the China International Friendship Cities Conference 2018"] is (
        AwardRole.CONFERRED_BY_OTHERS
    )
    assert roles[
        "Award of the 20th Sino-Japan-South Korea Friendship City Exchange Conference"
    ] is (AwardRole.RECEIVED)
    ours = [
        row.record.title_en
        for row in list_records(demo_db, "awards").rows
        if award_role(row.record, home) is AwardRole.CONFERRED
    ]
    assert len(ours) == 4
    assert "Title of Honorary Friendship Ambassador of Jinan" in ours
    kfar_saba = _one(demo_db, "cities", "Kfar Saba")
    assert (kfar_saba.formal_name_zh, kfar_saba.formal_name_en, kfar_saba.formal_name_he) == (
        "以色列克法尔萨巴市",
        "the City of Kfar Saba",
        "עיריית כפר סבא",
    )


# --- people, members and programmes (issue 16) -------------------------------------------


def _told(db: Database) -> dict[Direction, Any]:
    """The two sample Kfar Saba visits told in full, by direction."""
    from exchange_desk.services.visits import visit

    ids = {row.record.delegation_id for row in list_records(db, "delegation_members").rows}
    found = {}
    for delegation_id in ids:
        told = visit(db, delegation_id)
        found[told.delegation.direction] = told
    return found


def test_sample_people_in_three_scripts(demo_db: Database) -> None:
    people = _records(demo_db, "persons")
    assert len(people) == 19
    assert all(person.is_sample for person in people)
    by_name = {person.name: person for person in people}
    wang = by_name["Wang Zhe"]
    assert (wang.name_zh, wang.family_name, wang.given_name) == ("王喆", "Wang", "Zhe")
    assert wang.name_pinyin == "wang zhe wangzhe"
    assert names_of(demo_db, "organizations", wang.organization_id).en == (
        "Jinan Municipal Foreign Affairs Office"
    )
    assert (by_name["Ronen Dagan"].name_he, by_name["Ronen Dagan"].title_zh) == (
        "רונן דגן",
        "克法尔萨巴市市长",
    )
    conductor = by_name["Noa Peretz"]
    assert names_of(demo_db, "organizations", conductor.organization_id).en == "Kfar Saba choir"
    for person in people:
        if person.name == "Yael Levi":
            continue  # the honorary ambassador of the 2018 awards, as she was
        assert person.name_zh, person.name
        assert person.name_he, person.name
        assert person.family_name, person.name
        assert person.given_name, person.name
        assert person.honorific_en in ("Mr", "Ms"), person.name
        assert person.honorific_zh in ("先生", "女士"), person.name
        assert all((person.title, person.title_zh, person.title_he)), person.name
        assert person.rank is not None, person.name
        assert person.category is not None, person.name
        assert person.city_id is not None, person.name
        assert all("\u0590" <= c <= "\u05ff" or c in " '" for c in person.name_he), person.name


def test_an_incoming_and_an_outgoing_visit_told_in_full(demo_db: Database) -> None:
    from exchange_desk.domain.enums import MemberRole

    told = _told(demo_db)
    assert set(told) == {Direction.INCOMING, Direction.OUTGOING}
    for direction, visit in told.items():
        delegation = visit.delegation
        assert names_of(demo_db, "cities", delegation.city_id).en == "Kfar Saba"
        assert delegation.is_sample
        # The count is the listed members'; the leader is the head.
        assert delegation.members == len(visit.members) >= 5
        assert visit.head is not None
        assert delegation.leader == visit.head.person.name
        roles = [m.member.role for m in visit.members]
        assert roles[:2] == [MemberRole.HEAD, MemberRole.DEPUTY_HEAD]
        assert MemberRole.INTERPRETER in roles
        assert MemberRole.STAFF in roles
        assert all(m.member.is_sample and m.person.is_sample for m in visit.members)
        # Jinan sends its own people and receives Kfar Saba's.
        home = "Jinan" if direction is Direction.OUTGOING else "Kfar Saba"
        assert {names_of(demo_db, "cities", m.person.city_id).en for m in visit.members} == {home}
        # A programme of two days within the visit, in three languages.
        assert len(visit.days) == 2
        assert delegation.start_date.earliest() <= visit.days[0]
        assert visit.days[-1] <= delegation.end_date.earliest()
        for entry in visit.programme:
            item = entry.item
            assert item.is_sample
            assert item.activity_en
            assert item.activity_zh
            assert item.activity_he
            assert item.place_en
            assert item.place_zh
            assert item.place_he
            assert item.starts_at
            assert item.ends_at
            assert item.starts_at < item.ends_at
            assert entry.host is not None
            assert item.dress_code is not None
        # The welcome banquet: a reception with a guest list of both sides.
        (banquet,) = [entry for entry in visit.programme if entry.item.is_reception]
        sides = {guest.guest.side.value for guest in banquet.guests}
        assert sides == {"host", "guest"}
        guests = {guest.person.id for guest in banquet.guests if guest.guest.side.value == "guest"}
        assert visit.head.person.id in guests
        assert banquet.host is not None
        assert banquet.host.id in {
            g.person.id for g in banquet.guests if g.guest.side.value == "host"
        }


def test_every_member_of_the_told_visits_has_what_a_visa_letter_needs(demo_db: Database) -> None:
    numbers = []
    for visit in _told(demo_db).values():
        for member in visit.members:
            person = member.person
            assert person.passport_number.startswith("S000"), person.name
            assert person.nationality in ("CN", "IL"), person.name
            assert person.date_of_birth is not None, person.name
            assert person.sex is not None, person.name
            assert all((person.family_name, person.given_name, person.title)), person.name
            numbers.append(person.passport_number)
    assert len(numbers) == len(set(numbers)) == 13


def test_the_choral_festival_has_a_guest_list(demo_db: Database) -> None:
    from exchange_desk.services.visits import event_guest_list

    [festival] = _records(demo_db, "events", filters={"kind": "choral_festival"})
    guests = event_guest_list(demo_db, festival.id)
    assert "Noa Peretz" in [entry.person.name for entry in guests.received]
    assert guests.hosts
    assert guests.received


def test_the_people_are_the_same_every_time(sqlite_db: Database, demo_file: Path) -> None:
    fill_demo(sqlite_db)
    tables = ("persons", "delegation_members", "programme_items", "guests")

    def rows(connection: sqlite3.Connection, table: str) -> list[tuple[Any, ...]]:
        columns = [
            row[1]
            for row in connection.execute(f'PRAGMA table_info("{table}")')
            if row[1] not in ("created_at", "updated_at")
        ]
        listed = ", ".join(f'"{c}"' for c in columns)
        return connection.execute(f'SELECT {listed} FROM "{table}" ORDER BY id').fetchall()

    first = sqlite3.connect(demo_file)
    assert sqlite_db.path is not None
    second = sqlite3.connect(sqlite_db.path)
    try:
        for table in tables:
            assert rows(first, table) == rows(second, table), table
    finally:
        first.close()
        second.close()


def test_scale_load_adds_people_members_and_programmes(sqlite_db: Database) -> None:
    add_scale_load(sqlite_db, 1000)
    counts = _counts(sqlite_db)
    assert counts["persons"] == 250
    assert counts["delegation_members"] == 50 * 5
    assert counts["programme_items"] == 50 * 4
    everyone = _records(sqlite_db, "persons")
    assert all(person.is_sample for person in everyone)
    assert len([p for p in everyone if p.passport_number]) == 125
    # Found by pinyin, as the People tab finds them.
    chinese = next(person for person in everyone if person.name_zh and "·" not in person.name_zh)
    key = chinese.name_pinyin.split()[-1]  # "wangwei"
    found = list_records(sqlite_db, "persons", ListQuery(search=key)).rows
    assert chinese.id in {row.record.id for row in found}
    # The delegations told in full count their listed members.
    with sqlite_db.reading() as session:
        wrong = session.scalar(
            text(
                "SELECT count(*) FROM delegations d WHERE EXISTS (SELECT 1 FROM "
                "delegation_members m WHERE m.delegation_id = d.id) AND d.members != "
                "(SELECT count(*) FROM delegation_members m WHERE m.delegation_id = d.id)"
            )
        )
    assert wrong == 0
