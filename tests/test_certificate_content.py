"""What a certificate says: the honour by name, who confers it, the recipient's formal name,
the signing block, previews, and awards the home city received (not ours to certify)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from exchange_desk.cli import main
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Design, LanguageMode, Orientation, RecipientKind
from exchange_desk.domain.records import Award
from exchange_desk.services.attachments import attach
from exchange_desk.services.certificate_content import (
    AwardReceived,
    CertificateProblem,
    certificate_content,
    certificate_warnings,
    preview_pdf,
)
from exchange_desk.services.certificate_issue import issue_certificate_pdf
from exchange_desk.services.certificate_register import certificate_for_award
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.records import create, get_record, list_records, update
from exchange_desk.storage.database import Database

KFAR_SABA_AWARD = 1  # the CPAFFC's award at the 2018 conference, printed for it by the office
JINAN_AWARD = 2  # the award Jinan received at the Sino-Japan-South Korea conference
ALL = LanguageMode.ZH_EN_HE


def _award_id(database: Database, title_en: str) -> int:
    rows = list_records(database, "awards").rows
    return next(row.record.id for row in rows if row.record.title_en == title_en)


def _ambassador(database: Database) -> int:
    return _award_id(database, "Title of Honorary Friendship Ambassador of Jinan")


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_honour_and_its_giver_are_named_in_each_language(demo_db: Database) -> None:
    content = certificate_content(demo_db, KFAR_SABA_AWARD, ALL)
    zh, en, he = content.sides
    # The award's title names the conference already, so the conference is not repeated.
    assert zh.honour == "“2018中国国际友好城市大会奖项”"
    assert en.honour == (
        "is awarded the Award of the China International Friendship Cities Conference 2018"
    )
    assert he.honour == "זוכה בפרס כנס ערי הידידות הבינלאומי של סין 2018"
    # The Chinese People's Association for Friendship with Foreign Countries confers it.
    assert (zh.issuer, en.issuer) == (
        "中国人民对外友好协会",
        "Chinese People's Association for Friendship with Foreign Countries",
    )
    assert he.issuer.startswith("האגודה העממית של סין")
    # The office prints it on the association's behalf, and says so; its own signatory
    # does not sign another body's honour, and its seal is not stamped on it.
    assert "济南市人民政府外事办公室" in zh.on_behalf
    assert "中国人民对外友好协会" in zh.on_behalf
    assert en.on_behalf.startswith("Printed by the Foreign Affairs Office")
    assert not any(side.signatory or side.signatory_title for side in content.sides)
    assert content.seal_image is None
    # Conferred in Wuhan, where the conference was held.
    assert zh.place_and_date == "武汉，2018年11月"
    assert en.place_and_date == "Wuhan, November 2018"


def test_the_conference_is_named_when_the_title_does_not(demo_db: Database) -> None:
    award = get_record(demo_db, "awards", KFAR_SABA_AWARD)
    update(
        demo_db,
        replace(
            award,
            title_en="Friendship City Exchange and Cooperation Award",
            title_zh="友好城市交流合作奖",
            title_he="פרס חילופי ושיתוף פעולה של ערי ידידות",
        ),
    )
    zh, en, he = certificate_content(demo_db, KFAR_SABA_AWARD, ALL).sides
    assert zh.honour == "2018中国国际友好城市大会“友好城市交流合作奖”"
    assert en.honour == (
        "is awarded the Friendship City Exchange and Cooperation Award at the "
        "China International Friendship Cities Conference 2018"
    )
    assert he.honour == (
        "זוכה בפרס חילופי ושיתוף פעולה של ערי ידידות בכנס ערי הידידות הבינלאומי של סין 2018"
    )


def test_the_recipient_is_named_formally(demo_db: Database) -> None:
    zh, en, he = certificate_content(demo_db, KFAR_SABA_AWARD, ALL).sides
    assert (zh.recipient, en.recipient, he.recipient) == (
        "以色列克法尔萨巴市",
        "the City of Kfar Saba",
        "עיריית כפר סבא",
    )


def test_the_office_signs_and_seals_what_it_confers(demo_db: Database) -> None:
    content = certificate_content(demo_db, _ambassador(demo_db), ALL)
    zh, en, _he = content.sides
    assert zh.issuer == "济南市人民政府外事办公室"
    assert en.issuer == "Foreign Affairs Office of the Jinan Municipal People's Government"
    assert zh.honour == "“济南市荣誉友好使者称号”"
    assert en.recipient == "Yael Levi"
    assert (zh.signatory_title, en.signatory_title) == ("主任", "Director")
    assert not any(side.on_behalf for side in content.sides)
    assert content.seal_image is not None  # the office's (sample) seal
    assert zh.place_and_date == "济南，2018年12月"


def test_a_missing_signatory_name_is_warned_about(demo_db: Database) -> None:
    award_id = _ambassador(demo_db)
    warnings = certificate_warnings(demo_db, award_id, LanguageMode.ZH_EN)
    assert len(warnings) == 2
    assert "signatory's name in Chinese is missing" in warnings[0]
    profile = office_profile(demo_db)
    save_office_profile(demo_db, replace(profile, signatory_zh="王喆", signatory_en="Wang Zhe"))
    assert certificate_warnings(demo_db, award_id, LanguageMode.ZH_EN) == []
    zh, en = certificate_content(demo_db, award_id, LanguageMode.ZH_EN).sides
    assert (zh.signatory, en.signatory) == ("王喆", "Wang Zhe")
    # Another body's honour has no signatory of ours: nothing to warn about.
    assert certificate_warnings(demo_db, KFAR_SABA_AWARD, ALL) == []


def test_the_giver_s_own_seal_is_stamped_on_its_honour(demo_db: Database) -> None:
    award = get_record(demo_db, "awards", KFAR_SABA_AWARD)
    giver = get_record(demo_db, "organizations", award.giver_organization_id)
    seal_bytes = (Path(__file__).parent.parent / "resources/images/demo-seal.png").read_bytes()
    seal = attach(demo_db, "organizations", giver.id, "cpaffc-seal.png", seal_bytes)
    update(demo_db, replace(giver, seal_attachment_id=seal.id))
    content = certificate_content(demo_db, KFAR_SABA_AWARD, ALL)
    assert content.seal_image == seal_bytes


def test_chinese_numeral_dates_are_an_office_setting(demo_db: Database) -> None:
    profile = office_profile(demo_db)
    save_office_profile(demo_db, replace(profile, chinese_numeral_dates=True))
    zh, en = certificate_content(demo_db, KFAR_SABA_AWARD, LanguageMode.ZH_EN).sides
    assert zh.place_and_date == "武汉，二〇一八年十一月"
    assert en.place_and_date == "Wuhan, November 2018"  # only the Chinese side


def test_a_preview_has_no_number_and_says_so(demo_db: Database) -> None:
    content = certificate_content(demo_db, _ambassador(demo_db), ALL, preview=True)
    assert content.preview
    assert content.number == ""
    assert content.number_note == "编号于打印时给出"
    # Once issued, a preview shows the number it has.
    issue_certificate_pdf(
        demo_db, _ambassador(demo_db), ALL, Design.FORMAL, Orientation.LANDSCAPE, "test"
    )
    issued = certificate_content(demo_db, _ambassador(demo_db), ALL, preview=True)
    assert issued.number.startswith("JN-2018-")


def test_an_award_the_home_city_received_gets_no_certificate(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(AwardReceived, match="received by our city"):
        certificate_content(demo_db, JINAN_AWARD, ALL)
    with pytest.raises(AwardReceived):
        preview_pdf(demo_db, JINAN_AWARD, ALL, Design.FORMAL, Orientation.LANDSCAPE)
    with pytest.raises(CertificateProblem):
        issue_certificate_pdf(
            demo_db, JINAN_AWARD, ALL, Design.FORMAL, Orientation.LANDSCAPE, "test"
        )
    assert certificate_for_award(demo_db, JINAN_AWARD) is None
    target = tmp_path / "jinan.pdf"
    code = main(
        [
            *("--db", str(demo_db.path), "--lang", "zh_CN", "certificate", str(JINAN_AWARD)),
            *("--lang", "zh+en", "-o", str(target)),
        ]
    )
    assert code == 1
    assert not target.exists()
    assert certificate_for_award(demo_db, JINAN_AWARD) is None
    message = capsys.readouterr().err
    assert message.strip()


def test_a_new_received_award_is_refused_too(demo_db: Database) -> None:
    home = office_profile(demo_db).home_city_id
    award = create(
        demo_db,
        Award(
            title_en="Friendship Prize",
            awarded_on=PartialDate(2019),
            recipient_kind=RecipientKind.CITY,
            recipient_city_id=home,
        ),
    )
    assert award.id is not None
    with pytest.raises(AwardReceived):
        certificate_content(demo_db, award.id, LanguageMode.EN)


def test_the_printed_certificate_names_the_honour_and_the_giver(demo_db: Database) -> None:
    pdf = preview_pdf(demo_db, KFAR_SABA_AWARD, ALL, Design.FORMAL, Orientation.LANDSCAPE)
    text = _text(pdf).replace("\n", " ")
    assert "Award of the China International Friendship Cities Conference 2018" in text
    assert "2018中国国际友好城市大会奖项" in text
    assert "Chinese People's Association" in text
    assert "中国人民对外友好协会" in text
    assert "荣誉证书" in text


def test_emoji_are_said_to_be_unprintable(demo_db: Database) -> None:
    """No font offered would help: the message does not send anyone to find one."""
    award_id = _ambassador(demo_db)
    award = get_record(demo_db, "awards", award_id)
    update(demo_db, replace(award, citation_en="For ten years of friendship 🎉"))
    with pytest.raises(CertificateProblem) as refused:
        preview_pdf(demo_db, award_id, LanguageMode.EN, Design.FORMAL, Orientation.LANDSCAPE)
    message = refused.value.user_message()
    assert "emoji cannot be printed" in message
    assert "U+1F389" in message
    assert "SimSun" not in message
    assert "Install a font" not in message
