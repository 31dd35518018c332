"""Migration 0003 on an office's real database: organizations that delegations, events and
awards refer to survive the copy SQLite makes of their table, in both directions."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from exchange_desk.domain.enums import LanguageMode
from exchange_desk.services.certificate_content import certificate_content
from exchange_desk.storage.database import (
    SCHEMA_HEAD,
    alembic_config,
    make_engine,
    open_database,
    resolve_url,
)

STAMP = "'2018-11-16 10:00:00'"
ROWS = (
    "INSERT INTO cities (id, name_en, name_zh, name_he, name_local, country, region,"
    f" created_at, updated_at, is_sample) VALUES (1, 'Jinan', '济南', '', '', 'CN', '',"
    f" {STAMP}, {STAMP}, false), (2, 'Kfar Saba', '', '', '', 'IL', '', {STAMP}, {STAMP},"
    " false)",
    "INSERT INTO organizations (id, name_en, name_zh, name_he, kind, city_id, notes,"
    f" created_at, updated_at, is_sample) VALUES (1, 'CPAFFC', '中国人民对外友好协会', '',"
    f" 'association', 1, '', {STAMP}, {STAMP}, false)",
    "INSERT INTO delegations (id, direction, city_id, leader, leader_title, purpose, outcome,"
    " status, created_at, updated_at, is_sample) VALUES (1, 'incoming', 2, '', '', '', '',"
    f" 'done', {STAMP}, {STAMP}, false)",
    "INSERT INTO delegation_organizations (delegation_id, organization_id) VALUES (1, 1)",
    "INSERT INTO awards (id, title_en, title_zh, title_he, awarded_on, giver_organization_id,"
    " recipient_kind, recipient_city_id, citation_en, citation_zh, citation_he, created_at,"
    f" updated_at, is_sample) VALUES (1, 'Friendship Award', '', '', '2018-11', 1, 'city', 2,"
    f" '', '', '', {STAMP}, {STAMP}, false)",
    "INSERT INTO office_profile (id, home_city_id, office_name_en, office_name_zh,"
    " office_name_he, signatory_en, signatory_zh, signatory_he, signatory_title_en,"
    " signatory_title_zh, signatory_title_he, updated_at) VALUES (1, 1, 'Jinan FAO', '', '',"
    f" '', '', '', '', '', '', {STAMP})",
)


def test_0002_to_head_and_back_keeps_every_reference(database_url: str) -> None:
    engine = make_engine(resolve_url(database_url))
    command.upgrade(alembic_config(engine), "0002")
    with engine.begin() as connection:
        for statement in ROWS:
            connection.execute(text(statement))
    engine.dispose()

    database = open_database(database_url, migrate=False)
    try:
        database.upgrade()
        assert database.schema_state().current == SCHEMA_HEAD
        with database.engine.connect() as connection:
            assert connection.execute(
                text("SELECT organization_id FROM delegation_organizations")
            ).all() == [(1,)]
            assert connection.execute(
                text("SELECT giver_organization_id, formal_name_en FROM awards, organizations")
            ).all() == [(1, "")]
            if database.backend == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                # The check is on again for the program's own writes.
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        foreign = inspect(database.engine).get_foreign_keys("organizations")
        assert any(fk["constrained_columns"] == ["seal_attachment_id"] for fk in foreign)
        # The award the CPAFFC gave is printed on its behalf.
        zh = certificate_content(database, 1, LanguageMode.ZH).sides[0]
        assert zh.issuer == "中国人民对外友好协会"

        command.downgrade(alembic_config(database.engine), "0002")
        columns = {c["name"] for c in inspect(database.engine).get_columns("organizations")}
        assert "seal_attachment_id" not in columns
        assert "formal_name_en" not in columns
        with database.engine.connect() as connection:
            assert (
                connection.execute(text("SELECT count(*) FROM delegation_organizations")).scalar()
                == 1
            )
    finally:
        database.dispose()
