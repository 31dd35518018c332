"""The domain's rules: every problem reported at its field, in the user's language."""

from __future__ import annotations

import datetime as dt

import pytest

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    Direction,
    LanguageMode,
    OrganizationKind,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.domain.errors import InvalidInput
from exchange_desk.domain.records import (
    Award,
    Certificate,
    City,
    Conference,
    Delegation,
    Organization,
    Partnership,
    Person,
)
from exchange_desk.domain.validation import problems, require_valid
from exchange_desk.i18n.catalog import set_language


def _fields(record: object) -> set[str]:
    return {problem.field for problem in problems(record)}  # type: ignore[arg-type]


def test_a_valid_city_has_no_problems() -> None:
    city = City(
        name_en="Kfar Saba",
        name_he="כפר סבא",
        country="IL",
        latitude=32.18,
        longitude=34.91,
        population=100_000,
    )
    assert problems(city) == []
    require_valid(city)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name_en": ""}, "name_en"),
        ({"name_en": "   "}, "name_en"),
        ({"name_en": "x" * 10_000_000}, "name_en"),
        ({"name_zh": "济" * 201}, "name_zh"),
        ({"country": "XX"}, "country"),
        ({"country": "il"}, "country"),
        ({"country": "EU"}, "country"),
        ({"latitude": 91.0}, "latitude"),
        ({"longitude": -180.5}, "longitude"),
        ({"population": -1}, "population"),
        ({"region": "a\x00b"}, "region"),
    ],
)
def test_city_rules(changes: dict[str, object], field: str) -> None:
    city = City(**{"name_en": "Kfar Saba", "country": "IL", **changes})  # type: ignore[arg-type]
    assert field in _fields(city)
    with pytest.raises(InvalidInput) as caught:
        require_valid(city)
    assert caught.value.for_field(field)


def test_all_problems_are_reported_together() -> None:
    city = City(name_en="", country="XX", population=-5)
    assert _fields(city) == {"name_en", "country", "population"}


def test_delegation_rules() -> None:
    delegation = Delegation(
        direction=Direction.INCOMING,
        city_id=1,
        start_date=PartialDate(2018, 5, 3),
        end_date=PartialDate(2018, 5, 1),
        members=-2,
        organization_ids=(3, 3),
    )
    assert _fields(delegation) == {"end_date", "members", "organization_ids"}
    same_year = Delegation(
        direction=Direction.INCOMING,
        city_id=1,
        start_date=PartialDate(2018, 5, 3),
        end_date=PartialDate(2018),
    )
    assert problems(same_year) == []


def test_partnership_and_conference_periods() -> None:
    partnership = Partnership(
        city_id=1,
        tier=PartnershipTier.SISTER_CITY,
        established=PartialDate(2009),
        ended=PartialDate(2008),
    )
    assert _fields(partnership) == {"ended"}
    conference = Conference(
        name_en="CIFCC",
        edition=0,
        attendance=-1,
        start_date=PartialDate(2018, 11, 16),
        end_date=PartialDate(2018, 11, 15),
    )
    assert _fields(conference) == {"edition", "attendance", "end_date"}


def test_award_has_exactly_the_recipient_its_kind_names() -> None:
    missing = Award(title_en="Prize", recipient_kind=RecipientKind.CITY)
    assert _fields(missing) == {"recipient_city_id"}
    two = Award(
        title_en="Prize",
        recipient_kind=RecipientKind.PERSON,
        recipient_person_id=1,
        recipient_city_id=2,
    )
    assert _fields(two) == {"recipient_city_id"}
    good = Award(
        title_en="Prize", recipient_kind=RecipientKind.ORGANIZATION, recipient_organization_id=4
    )
    assert problems(good) == []


def test_certificate_number_rules() -> None:
    def certificate(number: str) -> Certificate:
        return Certificate(
            number=number,
            award_id=1,
            language_mode=LanguageMode.ZH_EN,
            issued_on=dt.date(2018, 11, 16),
        )

    assert problems(certificate("JN-2018/001")) == []
    assert _fields(certificate("")) == {"number"}
    assert _fields(certificate("no spaces")) == {"number"}
    assert _fields(certificate("1" * 41)) == {"number"}


def test_person_email() -> None:
    assert _fields(Person(name="Li Wei", email="li.wei@example")) == {"email"}
    assert problems(Person(name="Li Wei", email="li.wei@example.org")) == []


def test_organization_needs_an_english_name() -> None:
    assert _fields(Organization(name_en="", name_zh="育英中学", kind=OrganizationKind.SCHOOL)) == {
        "name_en"
    }


def test_messages_follow_the_language() -> None:
    city = City(name_en="", country="IL")
    english = problems(city)[0].message
    set_language("zh_CN")
    chinese = problems(city)[0].message
    set_language("he")
    hebrew = problems(city)[0].message
    assert english == "This field is required."
    assert chinese != english
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
    assert any("\u0590" <= ch <= "\u05ff" for ch in hebrew)
