"""The anniversary kit: the demo's Kfar Saba (partnership since 2009), made on 2018-12-01,
is its 10th anniversary in 2019, in Chinese and Hebrew; three PDFs read back with the
partner's name, the letter unnumbered and unregistered, the certificate a preview of an
award the office confers, made once and reused; a year that is no round anniversary
refused before anything is stored or written; a failure leaves neither award nor file; the
command line writes the folder, and a wrong id is one line and exit 1.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from exchange_desk import cli
from exchange_desk.domain import records as r
from exchange_desk.domain.anniversaries import (
    ROUND_YEARS,
    anniversary_date,
    is_round,
    next_round,
    next_round_anniversary,
)
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import AwardRole, LanguageMode, PartnershipTier, RecipientKind
from exchange_desk.domain.errors import InvalidInput, NotFound
from exchange_desk.i18n.catalog import set_language, translator
from exchange_desk.services import anniversary_kit, audit, records
from exchange_desk.services.anniversary_kit import (
    TITLE,
    default_languages,
    make_anniversary_kit,
)
from exchange_desk.services.certificate_content import award_role, certificate_content
from exchange_desk.services.certificate_register import certificate_for_award
from exchange_desk.services.editing import save_record
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.output import DocumentProblem
from exchange_desk.storage.database import Database

ON = dt.date(2018, 12, 1)
KFAR_SABA = 1  # the demo's partnership with Kfar Saba, since 2009


def _text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def _awards(database: Database) -> list[r.Award]:
    return records.all_records(database, "awards")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "kit"  # missing: the kit makes it


# --- the domain's round anniversaries ----------------------------------------------------------


def test_round_years_are_the_offices() -> None:
    assert ROUND_YEARS == (5, 10, 15, 20, 25, 30, 35, 40, 50)
    assert is_round(10)
    assert is_round(50)
    assert not is_round(45)
    assert not is_round(12)
    assert not is_round(0)
    since = PartialDate(2009)
    assert next_round(since, 2018) == (2019, 10)
    assert next_round(since, 2019) == (2019, 10)
    assert next_round(since, 2020) == (2024, 15)
    assert next_round(since, 2009) == (2014, 5)
    # 45 years is skipped; after the 50th there is none.
    assert next_round(PartialDate(1975), 2016) == (2025, 50)
    assert next_round(PartialDate(1960), 2026) is None
    # The old every-fifth-year arithmetic is untouched.
    assert next_round_anniversary(PartialDate(1975), 2016) == (2020, 45)


def test_anniversary_date_is_as_precise_as_the_establishment() -> None:
    assert anniversary_date(PartialDate(2009), 2019) == PartialDate(2019)
    assert anniversary_date(PartialDate(2009, 6), 2019) == PartialDate(2019, 6)
    assert anniversary_date(PartialDate(2009, 6, 15), 2019) == PartialDate(2019, 6, 15)
    assert anniversary_date(PartialDate(2008, 2, 29), 2018) == PartialDate(2018, 2, 28)
    assert anniversary_date(PartialDate(2008, 2, 29), 2028) == PartialDate(2028, 2, 29)


# --- the kit on the demo ------------------------------------------------------------------------


def test_kit_of_kfar_sabas_tenth_anniversary(demo_db: Database, folder: Path) -> None:
    letters_before = records.all_records(demo_db, "letters")
    awards_before = len(_awards(demo_db))
    said: list[str] = []
    kit = make_anniversary_kit(demo_db, KFAR_SABA, folder, on=ON, progress=said.append)

    assert (kit.year, kit.years, kit.partnership_id) == (2019, 10, KFAR_SABA)
    assert kit.city.en == "Kfar Saba"
    assert kit.folder == folder
    assert [path.name for path in kit.files] == [
        "Kfar Saba 10th anniversary – letter (draft).pdf",
        "Kfar Saba 10th anniversary – certificate (preview).pdf",
        "Kfar Saba 10th anniversary – dossier.pdf",
    ]
    assert all(path.parent == folder and path.is_file() for path in kit.files)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in kit.files)
    assert said  # the window's progress dialog is told what is being done

    letter, certificate, dossier = (_text(path) for path in kit.files)
    for text in (letter, certificate, dossier):
        assert "克法尔萨巴" in text
    # Chinese and Hebrew (the office's language and Israel's), the years counted to 2019.
    assert "כפר סבא" in letter
    assert "10周年" in letter
    assert "כפר סבא" in certificate
    # The letter is a draft: no reference number, nothing on the register of letters.
    assert "打印时编号" in letter
    assert not re.search(r"L\d{4}-\d{3}", letter)
    assert records.all_records(demo_db, "letters") == letters_before
    # The certificate is a preview: no number taken.
    assert "PREVIEW" in certificate
    assert "编号于打印时给出" in certificate
    assert certificate_for_award(demo_db, kit.award_id) is None

    assert kit.award_created
    assert len(_awards(demo_db)) == awards_before + 1
    assert kit.changes.created == {"awards": frozenset({kit.award_id})}
    assert kit.step is not None
    assert [entry.action for entry in audit.history(demo_db, "awards", kit.award_id)] == [
        audit.Action.CREATE
    ]


def test_the_award_is_ours_to_print_and_made_once(demo_db: Database, tmp_path: Path) -> None:
    first = make_anniversary_kit(demo_db, KFAR_SABA, tmp_path / "one", on=ON)
    award: r.Award = records.get_record(demo_db, "awards", first.award_id)
    home = office_profile(demo_db).home_city_id
    assert award.recipient_kind is RecipientKind.CITY
    assert award.recipient_city_id == 2  # Kfar Saba
    assert award.giver_organization_id is None
    assert award.conference_id is None
    assert award_role(award, home) is AwardRole.CONFERRED
    certificate_content(demo_db, first.award_id, LanguageMode.ZH_HE, preview=True)  # no refusal
    assert award.awarded_on == PartialDate(2019)
    assert not award.is_sample  # the demo's Kfar Saba is real
    # Worded through each language's catalog, not the window's.
    assert award.title_en == "Friendship Award on the 10th Anniversary of Our Partnership"
    assert award.title_zh == translator("zh").gettext(TITLE).format(ordinal="第10", years=10)
    assert "Jinan" in award.citation_en
    assert "Kfar Saba" in award.citation_en
    assert "2009" in award.citation_en
    assert "2019" in award.citation_en
    assert "济南" in award.citation_zh
    assert "כפר סבא" in award.citation_he

    count = len(_awards(demo_db))
    second = make_anniversary_kit(demo_db, KFAR_SABA, tmp_path / "one", on=ON)
    assert second.award_id == first.award_id
    assert not second.award_created
    assert not second.changes
    assert second.step is None
    assert len(_awards(demo_db)) == count
    # Nothing is written over: the second kit's files are numbered.
    assert [path.name for path in second.files] == [
        "Kfar Saba 10th anniversary – letter (draft) (2).pdf",
        "Kfar Saba 10th anniversary – certificate (preview) (2).pdf",
        "Kfar Saba 10th anniversary – dossier (2).pdf",
    ]
    assert all(path.is_file() for path in (*first.files, *second.files))


def test_a_year_that_is_no_round_anniversary_is_refused(demo_db: Database, folder: Path) -> None:
    count = len(_awards(demo_db))
    with pytest.raises(InvalidInput) as refused:
        make_anniversary_kit(demo_db, KFAR_SABA, folder, year=2020, on=ON)
    message = refused.value.for_field("year")[0]
    assert "2020 is not a round anniversary of the partnership with Kfar Saba" in message
    assert "The next one is in 2024 (15 years)." in message
    # 45 years is not one the office marks, though it is a fifth year.
    with pytest.raises(InvalidInput):
        make_anniversary_kit(demo_db, KFAR_SABA, folder, year=2054, on=ON)
    assert not folder.exists()
    assert len(_awards(demo_db)) == count


def test_refused_in_the_windows_language(demo_db: Database, folder: Path) -> None:
    set_language("zh_CN")
    with pytest.raises(InvalidInput) as refused:
        make_anniversary_kit(demo_db, KFAR_SABA, folder, year=2020, on=ON)
    # Untranslated until the catalogs have it; then in Chinese. Either way the message is
    # the catalog's for the window's language, with the city's Chinese name.
    assert "克法尔萨巴" in refused.value.user_message()


def test_a_partnership_without_a_date_is_refused(demo_db: Database, folder: Path) -> None:
    partnership: r.Partnership = records.get_record(demo_db, "partnerships", KFAR_SABA)
    save_record(demo_db, replace(partnership, established=None))
    with pytest.raises(InvalidInput) as refused:
        make_anniversary_kit(demo_db, KFAR_SABA, folder, on=ON)
    assert "has no date of establishment" in refused.value.user_message()


def test_an_unknown_partnership_is_not_found(demo_db: Database, folder: Path) -> None:
    with pytest.raises(NotFound):
        make_anniversary_kit(demo_db, 9999, folder, on=ON)


def test_default_languages() -> None:
    jinan = r.City(name_en="Jinan", country="CN")
    assert default_languages(jinan, r.City(name_en="Kfar Saba", country="IL")) == ("zh", "he")
    assert default_languages(jinan, r.City(name_en="Coventry", country="GB")) == ("zh", "en")
    assert default_languages(None, r.City(name_en="Kfar Saba", country="IL")) == ("zh", "he")


def test_chosen_languages(demo_db: Database, folder: Path) -> None:
    kit = make_anniversary_kit(demo_db, KFAR_SABA, folder, languages=["en"], on=ON)
    letter, certificate, dossier = (_text(path) for path in kit.files)
    assert "Kfar Saba" in letter
    assert "克法尔萨巴" not in letter
    assert "Kfar Saba" in certificate
    assert "克法尔萨巴" not in certificate
    assert "Dossier of Kfar Saba" in dossier
    with pytest.raises(InvalidInput):
        make_anniversary_kit(demo_db, KFAR_SABA, folder, languages=["zh", "zh"], on=ON)
    with pytest.raises(InvalidInput):
        make_anniversary_kit(demo_db, KFAR_SABA, folder, languages=["fr"], on=ON)


# --- all or nothing -----------------------------------------------------------------------------


def test_a_document_that_fails_leaves_no_award_and_no_file(
    demo_db: Database, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_font(*_args: object, **_kwargs: object) -> bytes:
        raise DocumentProblem("no font has 𠀀")

    monkeypatch.setattr(anniversary_kit, "report_pdf", no_font)
    count = len(_awards(demo_db))
    with pytest.raises(DocumentProblem):
        make_anniversary_kit(demo_db, KFAR_SABA, folder, on=ON)
    assert len(_awards(demo_db)) == count
    assert not folder.exists()  # made for the kit, removed with it


def test_a_file_that_cannot_be_put_in_place_takes_the_award_back(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "kit"
    folder.mkdir()
    (folder / "notes.txt").write_text("the office's own file")
    placed: list[Path] = []
    real = anniversary_kit.put_in_place

    def second_fails(partial: Path, path: Path) -> None:
        if placed:
            raise DocumentProblem(f"Cannot write {path}: disk full")
        real(partial, path)
        placed.append(path)

    monkeypatch.setattr(anniversary_kit, "put_in_place", second_fails)
    count = len(_awards(demo_db))
    with pytest.raises(DocumentProblem) as failed:
        make_anniversary_kit(demo_db, KFAR_SABA, folder, on=ON)
    assert "deleted again" in failed.value.user_message()
    assert len(_awards(demo_db)) == count
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]  # no kit file, no leftover


# --- both backends ------------------------------------------------------------------------------


def test_kit_on_each_backend(db: Database, tmp_path: Path) -> None:
    """A small office on SQLite and PostgreSQL: the award is made once (PostgreSQL looks
    for it under an advisory lock)."""
    home = save_record(db, r.City(name_en="Jinan", name_zh="济南", country="CN")).record
    partner = save_record(
        db, r.City(name_en="Coventry", name_zh="考文垂", name_he="קובנטרי", country="GB")
    ).record
    partnership = save_record(
        db,
        r.Partnership(
            city_id=partner.id, tier=PartnershipTier.SISTER_CITY, established=PartialDate(1996, 3)
        ),
    ).record
    profile = office_profile(db)
    save_office_profile(db, replace(profile, home_city_id=home.id, office_name_en="FAO"))
    kit = make_anniversary_kit(db, partnership.id, tmp_path / "kit", on=dt.date(2027, 1, 1))
    assert (kit.year, kit.years) == (2031, 35)
    assert "Coventry" in _text(kit.files[1])
    award: r.Award = records.get_record(db, "awards", kit.award_id)
    assert award.awarded_on == PartialDate(2031, 3)
    again = make_anniversary_kit(db, partnership.id, tmp_path / "kit", on=dt.date(2027, 1, 1))
    assert again.award_id == kit.award_id
    assert not again.award_created
    assert len(_awards(db)) == 1


# --- the command line ---------------------------------------------------------------------------


def test_command_line_writes_the_folder(demo_db: Database, folder: Path) -> None:
    out = io.StringIO()
    location = str(demo_db.path)
    status = cli.main(
        [
            "anniversary-kit",
            str(KFAR_SABA),
            "--on",
            "2018-12-01",
            "--db",
            location,
            "-o",
            str(folder),
        ],
        out,
    )
    assert status == 0
    written = sorted(p.name for p in folder.iterdir())
    assert written == [
        "Kfar Saba 10th anniversary – certificate (preview).pdf",
        "Kfar Saba 10th anniversary – dossier.pdf",
        "Kfar Saba 10th anniversary – letter (draft).pdf",
    ]
    said = out.getvalue()
    assert "Kfar Saba: 10 years of partnership in 2019" in said
    for name in written:
        assert name in said


def test_command_line_refuses_a_wrong_id(
    demo_db: Database, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(
        ["anniversary-kit", "999", "--db", str(demo_db.path), "-o", str(folder)], io.StringIO()
    )
    assert status == cli.EXIT_REFUSED
    error = capsys.readouterr().err.strip()
    assert error == "exchange-desk: No partnership record with id 999."
    assert not folder.exists()
