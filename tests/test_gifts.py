"""The gifts register: its rules, the repeat warning (what a partner and a person received
before) and the yearly declaration's numbers against the records, on both backends."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    DeclarationStatus,
    Direction,
    GiftCategory,
    GiftDirection,
    GiftDisposition,
    OrganizationKind,
)
from exchange_desk.domain.errors import InvalidInput
from exchange_desk.domain.records import (
    City,
    Delegation,
    Gift,
    OfficeProfile,
    Organization,
    Person,
)
from exchange_desk.services.details import record_detail
from exchange_desk.services.editing import delete_record, deletion_preview, new_values, save_record
from exchange_desk.services.gifts import declarations, gift_history, similar_descriptions
from exchange_desk.services.importing import ImportOptions, apply_import, plan_import, read_import
from exchange_desk.services.names import Names
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.records import create, get_record
from exchange_desk.storage.database import Database


def _given(city: int, year: str, en: str, **more: object) -> Gift:
    return Gift(
        given_on=PartialDate.parse(year),
        direction=GiftDirection.GIVEN,
        description_en=en,
        partner_city_id=city,
        **more,  # type: ignore[arg-type]
    )


def _received(year: str, en: str, value: float | None, **more: object) -> Gift:
    return Gift(
        given_on=PartialDate.parse(year),
        direction=GiftDirection.RECEIVED,
        description_en=en,
        estimated_value=value,
        currency="CNY" if value is not None else "",
        **more,  # type: ignore[arg-type]
    )


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    home = create(db, City(name_en="Jinan", name_zh="济南", country="CN")).id
    kfar_saba = create(
        db, City(name_en="Kfar Saba", name_zh="克法尔萨巴", name_he="כפר סבא", country="IL")
    ).id
    wakayama = create(db, City(name_en="Wakayama", country="JP")).id
    municipality = create(
        db,
        Organization(
            name_en="Kfar Saba Municipality",
            kind=OrganizationKind.GOVERNMENT_BUREAU,
            city_id=kfar_saba,
        ),
    ).id
    mayor = create(db, Person(name="Rafi Saar", name_he="רפי סער", city_id=kfar_saba)).id
    deputy = create(db, Person(name="Li Wei", name_zh="李伟", city_id=home)).id
    official = create(db, Person(name="Wang Zhe", name_zh="王喆", city_id=home)).id
    ids = {
        "home": home,
        "kfar_saba": kfar_saba,
        "wakayama": wakayama,
        "municipality": municipality,
        "mayor": mayor,
        "deputy": deputy,
        "official": official,
    }
    assert all(ids.values())
    return {name: int(value) for name, value in ids.items() if value is not None}


# --- the rules --------------------------------------------------------------------------------


def test_a_gift_given_is_neither_declared_nor_handed_over(
    db: Database, world: dict[str, int]
) -> None:
    gift = _given(
        world["kfar_saba"],
        "2016",
        "Porcelain vase",
        disposition=GiftDisposition.ARCHIVED,
        declaration_status=DeclarationStatus.TO_DECLARE,
    )
    with pytest.raises(InvalidInput) as refused:
        save_record(db, gift)
    assert {p.field for p in refused.value.problems} == {"disposition", "declaration_status"}


def test_a_currency_is_three_capitals_and_else_the_offices(
    db: Database, world: dict[str, int]
) -> None:
    for currency in ("cny", "YUAN", "¥"):
        gift = replace(_received("2020", "Tea set", 500), currency=currency)
        with pytest.raises(InvalidInput) as refused:
            save_record(db, gift)
        assert [p.field for p in refused.value.problems] == ["currency"], currency
    stored = save_record(db, replace(_received("2020", "Tea set", 500), currency="ILS"))
    assert get_record(db, "gifts", stored.record.id).currency == "ILS"
    # None said: the office's, once the office has one (a sheet seldom says it).
    unsaid = save_record(db, replace(_received("2020", "Tea set", 500), currency="")).record
    assert unsaid.currency == ""
    save_office_profile(db, OfficeProfile(gift_threshold=200, gift_currency="CNY"))
    later = save_record(db, replace(_received("2021", "Tea set", 500), currency="")).record
    assert get_record(db, "gifts", later.id).currency == "CNY"
    edited = save_record(db, replace(unsaid, description_en="Tea set for six")).record
    assert edited.currency == "CNY"


def test_a_gift_cannot_be_from_and_to_one_person(db: Database, world: dict[str, int]) -> None:
    gift = _received(
        "2021", "Book", 100, partner_person_id=world["mayor"], official_person_id=world["mayor"]
    )
    with pytest.raises(InvalidInput) as refused:
        save_record(db, gift)
    assert [p.field for p in refused.value.problems] == ["official_person_id"]


def test_deleting_a_partner_keeps_its_gifts_on_the_register(
    db: Database, world: dict[str, int]
) -> None:
    gift = save_record(
        db, _given(world["kfar_saba"], "2016", "Vase", partner_person_id=world["mayor"])
    ).record
    preview = deletion_preview(db, "persons", world["mayor"])
    assert [(d.kind, d.action) for d in preview.dependents] == [("gifts", "clear")]
    delete_record(db, "persons", world["mayor"], cascade=True)
    kept = get_record(db, "gifts", gift.id)
    assert kept.partner_person_id is None
    assert kept.partner_city_id == world["kfar_saba"]


def test_a_new_gift_is_valued_in_the_offices_currency(db: Database) -> None:
    assert new_values(db, "gifts") == {}
    save_office_profile(db, OfficeProfile(gift_threshold=200, gift_currency="CNY"))
    assert new_values(db, "gifts") == {"currency": "CNY"}
    assert new_values(db, "cities") == {}


def test_the_profile_refuses_a_threshold_without_currency_and_a_limit_out_of_range(
    db: Database,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        save_office_profile(
            db, OfficeProfile(gift_threshold=200, gift_currency="", attachment_limit_mb=0)
        )
    assert {p.field for p in refused.value.problems} == {"gift_currency", "attachment_limit_mb"}
    save_office_profile(db, OfficeProfile(gift_threshold=0, gift_currency="EUR"))
    assert office_profile(db).gift_threshold == 0


# --- the repeat warning -----------------------------------------------------------------------


def test_descriptions_are_alike_in_any_language() -> None:
    assert similar_descriptions(Names(en="Porcelain vase"), Names(en="porcelain vase, blue"))
    assert similar_descriptions(Names(zh="青花瓷瓶"), Names(zh="青花瓷花瓶"))
    assert similar_descriptions(Names(he="אגרטל חרסינה"), Names(he="אגרטל חרסינה כחול"))
    assert similar_descriptions(Names(en="Silk scroll", zh="丝绸画卷"), Names(zh="丝绸画卷"))
    assert not similar_descriptions(Names(en="Porcelain vase"), Names(en="Silk scroll"))
    assert not similar_descriptions(Names(zh="青花瓷瓶"), Names(zh="丝绸画卷"))
    assert not similar_descriptions(Names(en="Vase"), Names(zh="花瓶"))  # nothing to compare


def test_the_warning_names_what_the_partner_and_the_person_received(
    db: Database, world: dict[str, int]
) -> None:
    kfar_saba, mayor = world["kfar_saba"], world["mayor"]
    vase = save_record(
        db, _given(kfar_saba, "2016-05-02", "Porcelain vase", description_zh="青花瓷瓶")
    ).record
    scroll = save_record(
        db, _given(kfar_saba, "2017", "Silk scroll", partner_person_id=mayor)
    ).record
    # Not to this partner, or received rather than given: not in its history.
    save_record(db, _given(world["wakayama"], "2018", "Porcelain vase"))
    save_record(db, replace(_received("2019", "Porcelain vase", 900), partner_city_id=kfar_saba))

    history = gift_history(
        db, partner_city_id=kfar_saba, description=Names(en="Porcelain vase, blue and white")
    )
    assert [gift.id for gift in history.gifts] == [vase.id, scroll.id]
    assert [gift.id for gift in history.repeats] == [vase.id]
    assert history.sentence("en") == "Kfar Saba, 2016: Porcelain vase; 2017: Silk scroll"

    # The person alone: what reached them, under their own name.
    to_mayor = gift_history(db, partner_person_id=mayor, description=Names(zh="丝绸"))
    assert [gift.id for gift in to_mayor.gifts] == [scroll.id]
    assert to_mayor.repeats == ()
    assert to_mayor.sentence("he") == "רפי סער, 2017: Silk scroll"

    # Editing the vase itself is no repeat of itself.
    again = gift_history(
        db, partner_city_id=kfar_saba, description=Names(zh="青花瓷瓶"), exclude_id=vase.id
    )
    assert [gift.id for gift in again.gifts] == [scroll.id]
    assert again.repeats == ()
    assert gift_history(db, description=Names(en="Vase")).gifts == ()


# --- the declaration ---------------------------------------------------------------------------


def test_the_declaration_lists_gifts_at_or_above_the_threshold_per_official(
    db: Database, world: dict[str, int]
) -> None:
    save_office_profile(db, OfficeProfile(gift_threshold=200, gift_currency="CNY"))
    official, deputy, kfar_saba = world["official"], world["deputy"], world["kfar_saba"]
    at = save_record(
        db,
        _received(
            "2025-03-02",
            "Dead Sea ceramics plate",
            200,
            official_person_id=official,
            partner_city_id=kfar_saba,
            category=GiftCategory.PORCELAIN,
            declaration_status=DeclarationStatus.DECLARED,
            declared_on=dt.date(2025, 3, 20),
            declaration_reference="D-2025-1",
        ),
    ).record
    above = save_record(
        db, _received("2025-11", "Glass bowl", 1250.5, official_person_id=official)
    ).record
    deputy_gift = save_record(
        db, _received("2025", "Olive wood box", 480, official_person_id=deputy)
    ).record
    office_gift = save_record(db, _received("2025-06-01", "Painting", 3000)).record
    # Below the threshold, given rather than received, or another year: not declared.
    save_record(db, _received("2025-04", "Pen", 199.99, official_person_id=official))
    save_record(db, _given(kfar_saba, "2025", "Vase", estimated_value=5000, currency="CNY"))
    save_record(db, _received("2024-12-31", "Calendar", 900, official_person_id=official))
    save_record(db, _received("2026-01-01", "Scarf", 900, official_person_id=official))
    # Cannot be compared: no value, or another currency.
    unvalued = save_record(db, _received("2025-05", "Book", None, official_person_id=deputy))
    dollars = save_record(
        db, replace(_received("2025-07", "Watch", 800, official_person_id=official), currency="USD")
    )

    found = declarations(db, 2025)
    assert (found.threshold, found.currency) == (200, "CNY")
    assert found.received == 7
    assert [(o.official_id, [g.id for g in o.gifts]) for o in found.officials] == [
        (deputy, [deputy_gift.id]),
        (official, [at.id, above.id]),
        (None, [office_gift.id]),  # received by the office as a body: last
    ]
    assert [o.total for o in found.officials] == [480, 1450.5, 3000]
    assert found.count == 4
    assert found.total == 4930.5
    assert {g.id for g in found.unvalued} == {unvalued.record.id, dollars.record.id}
    first = found.officials[1].gifts[0]
    assert first.giver.en == "Kfar Saba"
    assert (first.status, first.reference, first.declared_on) == (
        DeclarationStatus.DECLARED,
        "D-2025-1",
        dt.date(2025, 3, 20),
    )
    assert found.officials[1].official.zh == "王喆"


def test_without_a_threshold_every_gift_received_is_declared(
    db: Database, world: dict[str, int]
) -> None:
    save_record(db, _received("2025", "Pen", 5, official_person_id=world["official"]))
    save_record(db, _received("2025", "Book", None, official_person_id=world["official"]))
    found = declarations(db, 2025)
    assert found.threshold is None
    assert found.count == 2
    assert found.unvalued == ()
    assert declarations(db, 2024).count == 0


# --- the office's sheet ------------------------------------------------------------------------


def test_the_offices_gift_sheet_comes_in(
    db: Database, world: dict[str, int], tmp_path: Path
) -> None:
    """A notebook typed into a sheet, headers in Chinese, no currency column: the gifts come
    in, valued in the office's currency, and the repeat warning knows them at once."""
    save_office_profile(db, OfficeProfile(gift_threshold=200, gift_currency="CNY"))
    sheet = tmp_path / "礼品登记.csv"
    sheet.write_text(
        "日期,赠送/收受,礼品,友城,估计价值\n"
        "2016,赠送,Porcelain vase,Kfar Saba,800\n"
        "2025-03-02,收受,Dead Sea ceramics plate,Kfar Saba,250\n",
        encoding="utf-8",
    )
    options = ImportOptions(kind="gifts")
    plan = plan_import(db, read_import(sheet, options), options)
    result = apply_import(db, plan)
    assert result.changes.created["gifts"]
    gifts = sorted(
        (get_record(db, "gifts", i) for i in result.changes.created["gifts"]),
        key=lambda g: str(g.given_on),
    )
    assert [(g.direction, g.currency, g.estimated_value) for g in gifts] == [
        (GiftDirection.GIVEN, "CNY", 800),
        (GiftDirection.RECEIVED, "CNY", 250),
    ]
    history = gift_history(db, partner_city_id=world["kfar_saba"], description=Names(en="vase"))
    assert [g.description.en for g in history.repeats] == ["Porcelain vase"]
    assert declarations(db, 2025).count == 1


def test_a_sheet_names_the_occasion_by_partner_city_and_start(
    db: Database, world: dict[str, int], tmp_path: Path
) -> None:
    """A delegation has no name: a sheet names a gift's occasion as the delegation's partner
    city and its start, the way `export all` writes it; one that names none, or two, is an
    error at its row that says what to do, and nothing is written."""
    kfar_saba = world["kfar_saba"]

    def delegation(start: str) -> int:
        made = create(
            db,
            Delegation(
                direction=Direction.INCOMING,
                city_id=kfar_saba,
                start_date=PartialDate.parse(start),
                purpose=f"Visit of {start}",
            ),
        )
        assert made.id is not None
        return made.id

    visit = delegation("2018-06-11")
    delegation("2019-05-02")
    delegation("2019-05-02")  # two on one day: a reference to that day cannot choose
    sheet = tmp_path / "gifts.csv"
    sheet.write_text(
        "Date,Given / received,Gift (English),Partner city,Occasion: delegation or visit\n"
        '2018-06-11,received,Olive wood bowl,Kfar Saba,"克法尔萨巴, 2018-06-11"\n',
        encoding="utf-8",
    )
    options = ImportOptions(kind="gifts")
    result = apply_import(db, plan_import(db, read_import(sheet, options), options))
    [gift_id] = result.changes.created["gifts"]
    assert get_record(db, "gifts", gift_id).delegation_id == visit

    for occasion, words in (
        ("Kfar Saba, 2017-01-01", "there is no delegation of Kfar Saba starting on 2017-01-01"),
        ("Kfar Saba, 2019-05-02", "Kfar Saba has more than one delegation starting on 2019-05-02"),
        ("the mayor's visit", "write its partner city and its start"),
    ):
        sheet.write_text(
            "Date,Given / received,Gift (English),Partner city,Occasion: delegation or visit\n"
            f'2019-05-02,received,Glass dish,Kfar Saba,"{occasion}"\n',
            encoding="utf-8",
        )
        plan = plan_import(db, read_import(sheet, options), options)
        assert not plan.ok
        assert any(words in line for line in plan.error_lines()), plan.error_lines()


def test_the_detail_names_the_occasion_by_its_purpose(db: Database, world: dict[str, int]) -> None:
    visit = create(
        db,
        Delegation(
            direction=Direction.INCOMING,
            city_id=world["kfar_saba"],
            start_date=PartialDate.parse("2018-06-11"),
            purpose="Jinan Week in Kfar Saba",
        ),
    ).id
    gift = _given(world["kfar_saba"], "2018-06-11", "Porcelain vase")
    gift = replace(gift, delegation_id=visit)
    gift_id = create(db, gift).id
    assert gift_id is not None
    detail = record_detail(db, "gifts", gift_id)
    occasions = [
        related
        for _label, group in detail.groups
        for related in group
        if related.kind == "delegations"
    ]
    assert [(r.id, r.title.best("en")) for r in occasions] == [(visit, "Jinan Week in Kfar Saba")]
