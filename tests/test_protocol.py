"""People and protocol in the domain and the write path: names per script and context,
precedence, seating, pinyin search keys, the member count derived from the members, and the
rules a member, a programme item and a guest obey."""

from __future__ import annotations

import datetime as dt

import pytest

from exchange_desk.domain import records as r
from exchange_desk.domain.enums import GuestSide, MemberRole, NameOrder
from exchange_desk.domain.errors import Conflict, InvalidInput
from exchange_desk.domain.protocol import (
    addressed,
    best_name,
    guest_precedence,
    latin_name,
    member_precedence,
    name_in,
    own_language,
    passport_name,
    pinyin_keys,
    seating_plan,
    title_in,
)
from exchange_desk.services import records
from exchange_desk.services.database import Database
from exchange_desk.services.records import ListQuery
from exchange_desk.services.visits import members_of, overlapping, visit
from visit_data import make_visit

WANG = r.Person(
    name="Zhe Wang",
    name_zh="王喆",
    family_name="Wang",
    given_name="Zhe",
    honorific_zh="女士",
    honorific_en="Ms",
    title="Interpreter",
    title_zh="翻译",
)
AFRA = r.Person(
    name="Natali Afra",
    name_he="נתלי אפרה",
    family_name="Afra",
    given_name="Natali",
    honorific_he="גב׳",
    title="Deputy Mayor",
    title_he="סגנית ראש העירייה",
)


def test_each_script_writes_the_name_in_its_own_order() -> None:
    assert passport_name(WANG) == "WANG Zhe"
    assert latin_name(WANG) == "Zhe Wang"
    family_first = r.Person(name="Wang Zhe", family_name="Wang", given_name="Zhe")
    family_first.name_order = NameOrder.FAMILY_FIRST
    assert latin_name(family_first) == "Wang Zhe"
    assert name_in(WANG, "zh") == "王喆"
    assert name_in(AFRA, "he") == "נתלי אפרה"
    assert name_in(AFRA, "zh") == ""
    assert best_name(AFRA, "zh") == "Natali Afra"
    assert own_language(WANG) == "zh"
    assert own_language(AFRA) == "he"


def test_an_honorific_goes_where_the_language_puts_it() -> None:
    assert addressed(WANG, "zh") == "王喆女士"
    assert addressed(WANG, "en") == "Ms Zhe Wang"
    assert addressed(AFRA, "he") == "גב׳ נתלי אפרה"
    assert title_in(AFRA, "zh") == "Deputy Mayor"  # no Chinese position: the English one
    assert title_in(WANG, "zh_CN") == "翻译"


def test_passport_name_without_its_parts_is_the_english_name() -> None:
    assert passport_name(r.Person(name="Dana Levi")) == "Dana Levi"


def test_pinyin_keys_find_a_chinese_name_spaced_or_not() -> None:
    assert pinyin_keys("王喆") == "wang zhe wangzhe"
    assert pinyin_keys("Dana") == ""


def test_a_delegation_is_ordered_head_deputy_then_rank_with_staff_last() -> None:
    def person(name: str, rank: int | None) -> r.Person:
        return r.Person(name=name, family_name=name, rank=rank)

    members = [
        (MemberRole.INTERPRETER, person("Interp", 1)),
        (MemberRole.MEMBER, person("Zed", 4)),
        (MemberRole.MEMBER, person("Abe", 4)),
        (MemberRole.HEAD, person("Head", 9)),
        (MemberRole.MEMBER, person("Senior", 2)),
        (MemberRole.DEPUTY_HEAD, person("Deputy", 5)),
        (MemberRole.STAFF, person("Staff", None)),
    ]
    ordered = sorted(members, key=lambda m: member_precedence(m[0], m[1]))
    assert [p.name for _, p in ordered] == [
        "Head",
        "Deputy",
        "Senior",
        "Abe",
        "Zed",
        "Interp",
        "Staff",
    ]


def test_a_guest_list_puts_the_guests_first_each_side_by_rank() -> None:
    host = r.Person(name="Host", rank=1)
    guest_low = r.Person(name="Low", rank=7)
    guest_high = r.Person(name="High", rank=2)
    rows = [(GuestSide.HOST, host), (GuestSide.GUEST, guest_low), (GuestSide.GUEST, guest_high)]
    ordered = sorted(rows, key=lambda row: guest_precedence(*row))
    assert [p.name for _, p in ordered] == ["High", "Low", "Host"]


def test_the_host_faces_the_guest_of_honour_and_the_next_guest_sits_at_his_right() -> None:
    plan = seating_plan(["H1", "H2", "H3"], ["G1", "G2", "G3", "G4"], 8)
    assert len(plan.near) == len(plan.far) == 4
    # The host and the guest of honour face each other.
    middle = plan.near.index("H1")
    assert plan.far[middle] == "G1"
    # The host's right is the page's right on the near side: the second guest sits there.
    assert plan.near[middle + 1] == "G2"
    # Hosts sit beside the guest of honour: his right is the page's left on the far side.
    assert plan.far[plan.far.index("G1") - 1] == "H2"
    assert [name for name, _ in plan.order][:4] == ["H1", "G1", "G2", "H2"]
    assert plan.unseated == ()


def test_a_table_too_small_leaves_the_last_in_precedence_unseated() -> None:
    plan = seating_plan(["H1", "H2"], ["G1", "G2", "G3"], 4)
    assert len([seat for seat in (*plan.near, *plan.far) if seat]) == 4
    # Guests and hosts alternate after the two in the middle: the third guest is left out.
    assert plan.unseated == ("G3",)
    with pytest.raises(ValueError, match="two"):
        seating_plan(["H1"], ["G1"], 1)


def test_a_visit_reads_members_in_precedence_and_the_programme_in_time(sqlite_db: Database) -> None:
    ids = make_visit(sqlite_db)
    seen = visit(sqlite_db, ids.delegation)
    assert [m.person.id for m in seen.members] == list(ids.members)
    assert seen.head is not None
    assert seen.head.person.id == ids.head
    assert [e.item.starts_at for e in seen.programme] == ["09:30", "18:30", "10:00"]
    assert seen.first_day == dt.date(2019, 5, 20)
    assert seen.last_day == dt.date(2019, 5, 21)
    banquet = next(e for e in seen.programme if e.item.is_reception)
    # Guests first, by rank; then the hosts.
    assert [g.person.id for g in banquet.guests][:2] == [ids.head, ids.deputy]
    assert banquet.guests[-2].person.id == ids.host


def test_the_member_count_follows_the_listed_members(sqlite_db: Database) -> None:
    ids = make_visit(sqlite_db)
    delegation = records.get_record(sqlite_db, "delegations", ids.delegation)
    assert delegation.members == 5
    # A save of the delegation with another count typed in keeps the derived one.
    records.update(sqlite_db, r.Delegation(**{**_fields(delegation), "members": 40}))
    assert records.get_record(sqlite_db, "delegations", ids.delegation).members == 5
    member = members_of(sqlite_db, ids.delegation)[-1].member
    records.delete_record(sqlite_db, "delegation_members", member.id)
    assert records.get_record(sqlite_db, "delegations", ids.delegation).members == 4


def test_a_delegation_without_listed_members_keeps_its_typed_count(sqlite_db: Database) -> None:
    ids = make_visit(sqlite_db)
    other = records.create(
        sqlite_db,
        r.Delegation(direction=r.Direction.OUTGOING, city_id=ids.partner_city, members=12),
    )
    assert records.get_record(sqlite_db, "delegations", other.id).members == 12


def _fields(record: object) -> dict[str, object]:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}  # type: ignore[attr-defined]


def test_a_member_added_twice_is_refused_at_the_field(sqlite_db: Database) -> None:
    ids = make_visit(sqlite_db)
    with pytest.raises(Conflict) as refused:
        records.create(
            sqlite_db,
            r.DelegationMember(delegation_id=ids.delegation, person_id=ids.head),
        )
    assert refused.value.problems[0].field == "person_id"
    assert "already a member" in refused.value.problems[0].message


def test_a_programme_item_ending_before_it_starts_is_refused_at_the_field(
    sqlite_db: Database,
) -> None:
    ids = make_visit(sqlite_db)
    with pytest.raises(InvalidInput) as refused:
        records.create(
            sqlite_db,
            r.ProgrammeItem(
                delegation_id=ids.delegation,
                day=dt.date(2019, 5, 20),
                starts_at="11:00",
                ends_at="10:15",
                activity_en="Tea",
            ),
        )
    assert [p.field for p in refused.value.problems] == ["ends_at"]
    assert "10:15" in refused.value.problems[0].message


@pytest.mark.parametrize("typed", ["25:00", "9:7", "noon", "12:60"])
def test_a_time_that_is_none_is_refused(sqlite_db: Database, typed: str) -> None:
    ids = make_visit(sqlite_db)
    with pytest.raises(InvalidInput) as refused:
        records.create(
            sqlite_db,
            r.ProgrammeItem(
                delegation_id=ids.delegation,
                day=dt.date(2019, 5, 20),
                starts_at=typed,
                activity_en="Tea",
            ),
        )
    assert refused.value.problems[0].field == "starts_at"


def test_a_departure_before_the_arrival_is_refused(sqlite_db: Database) -> None:
    ids = make_visit(sqlite_db)
    with pytest.raises(InvalidInput) as refused:
        records.create(
            sqlite_db,
            r.DelegationMember(
                delegation_id=ids.delegation,
                person_id=ids.host,
                arrival=dt.date(2019, 5, 21),
                departure=dt.date(2019, 5, 20),
            ),
        )
    assert [p.field for p in refused.value.problems] == ["departure"]


def test_a_guest_belongs_to_one_occasion(sqlite_db: Database) -> None:
    ids = make_visit(sqlite_db)
    with pytest.raises(InvalidInput):
        records.create(sqlite_db, r.Guest(person_id=ids.head))
    with pytest.raises(InvalidInput):
        records.create(
            sqlite_db,
            r.Guest(event_id=ids.event, programme_item_id=ids.banquet, person_id=ids.member),
        )
    # The same person may be a guest of an event and of a reception.
    records.create(sqlite_db, r.Guest(event_id=ids.event, person_id=ids.deputy))
    records.create(sqlite_db, r.Guest(programme_item_id=ids.banquet, person_id=ids.no_passport))


def test_a_passport_name_in_another_script_is_refused(sqlite_db: Database) -> None:
    with pytest.raises(InvalidInput) as refused:
        records.create(sqlite_db, r.Person(name="Wang Zhe", family_name="王", nationality="XX"))
    assert {p.field for p in refused.value.problems} == {"family_name", "nationality"}


def test_people_are_found_by_pinyin(sqlite_db: Database) -> None:
    ids = make_visit(sqlite_db)
    for typed in ("wangzhe", "wang zhe", "王喆"):
        found = records.list_records(sqlite_db, "persons", ListQuery(search=typed)).rows
        assert [row.record.id for row in found] == [ids.interpreter], typed


def test_the_pinyin_follows_a_renamed_person(sqlite_db: Database) -> None:
    ids = make_visit(sqlite_db)
    person = records.get_record(sqlite_db, "persons", ids.interpreter)
    person.name_zh = "王芳"
    records.update(sqlite_db, person)
    assert records.get_record(sqlite_db, "persons", ids.interpreter).name_pinyin == (
        "wang fang wangfang"
    )


def test_overlapping_items_of_a_day_are_found() -> None:
    def item(day: int, start: str, end: str) -> r.ProgrammeItem:
        return r.ProgrammeItem(
            delegation_id=1,
            day=dt.date(2019, 5, day),
            starts_at=start,
            ends_at=end,
            activity_en=f"{day} {start}",
        )

    items = [item(20, "09:00", "10:00"), item(20, "09:30", "11:00"), item(21, "09:45", "10:30")]
    found = overlapping(items)
    assert [(a.activity_en, b.activity_en) for a, b in found] == [("20 09:00", "20 09:30")]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("ben hamo", "head"),  # Ben-Hamo: a hyphen is a space to the search box
        ("BEN-HAMO", "head"),
        ("耶胡达本哈莫", "head"),  # 耶胡达·本-哈莫 without its middle dot and hyphen
        ("wangzhe", "interpreter"),
        ("wang zhe", "interpreter"),
        ("נתלי", "deputy"),
    ],
)
def test_the_people_tab_finds_a_name_however_it_is_typed(
    sqlite_db: Database, typed: str, found: str
) -> None:
    from exchange_desk.services.tables import load_table

    ids = make_visit(sqlite_db)
    table = load_table(sqlite_db, "people")
    rows = table.matching(range(len(table)), typed)
    assert [table.ids[row] for row in rows] == [getattr(ids, found)]


def test_deleting_a_delegation_names_its_members_and_programme_first(
    sqlite_db: Database,
) -> None:
    from exchange_desk.services.editing import delete_record, deletion_preview

    ids = make_visit(sqlite_db)
    preview = deletion_preview(sqlite_db, "delegations", ids.delegation)
    said = [d.describe() for d in preview.dependents]
    assert "5 delegation members would be deleted with it" in said
    assert "3 programme items would be deleted with it" in said
    deleted = delete_record(sqlite_db, "delegations", ids.delegation, cascade=True)
    assert records.list_records(sqlite_db, "guests", ListQuery()).total == 2  # the event's
    records.restore(sqlite_db, deleted.deletion.snapshot)
    assert len(members_of(sqlite_db, ids.delegation)) == 5
    assert records.list_records(sqlite_db, "guests", ListQuery()).total == 8
