"""People and protocol: contacts in full, delegation members, visit programmes, guest
lists, letter templates and the register of letters.

- `persons` gains the name as in the passport (family and given names, their order), the
  honorific and position per language, city, protocol rank and category, photo, notes, the
  data a visa letter needs (passport number, nationality, date of birth, sex), and the
  Chinese name's pinyin for search (filled by the program on the next save; the upgrade
  fills it for the rows there are).
- New tables: `delegation_members`, `programme_items`, `guests`, `letter_templates`,
  `letters`.
- `office_profile` gains the letterhead (address, telephone, e-mail) and the letters'
  numbering pattern.

A delegation's stored member count stays as it was: it is what a delegation that lists no
members shows; one that lists members shows their number.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INT4_RANGE = "BETWEEN -2147483648 AND 2147483647"


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    ]


def _text(name: str, length: int = 200) -> sa.Column[object]:
    return sa.Column(name, sa.String(length=length), server_default="", nullable=False)


PERSON_COLUMNS = (
    "family_name",
    "given_name",
    "title_zh",
    "title_he",
    "passport_number",
    "nationality",
    "honorific_en",
    "honorific_zh",
    "honorific_he",
    "name_order",
    "city_id",
    "rank",
    "category",
    "photo_attachment_id",
    "notes",
    "date_of_birth",
    "sex",
    "name_pinyin",
)


ENUMS = {
    "name_order": ("given_first", "family_first"),
    "category": (
        "elected",
        "government",
        "diplomat",
        "business",
        "academic",
        "culture",
        "civil_society",
        "other",
    ),
    "sex": ("female", "male", "unspecified"),
}


def _persons(dialect: str) -> None:
    # The columns first (a plain ADD COLUMN on both backends), then their checks and keys:
    # on SQLite in one copy of the table (its rows, indexes and constraints kept),
    # PostgreSQL in place.
    for name in ("family_name", "given_name", "title_zh", "title_he"):
        op.add_column("persons", _text(name))
    op.add_column("persons", _text("passport_number", 40))
    op.add_column("persons", _text("nationality", 2))
    for name in ("honorific_en", "honorific_zh", "honorific_he"):
        op.add_column("persons", _text(name, 40))
    op.add_column(
        "persons",
        sa.Column("name_order", sa.String(12), server_default="given_first", nullable=False),
    )
    op.add_column("persons", sa.Column("city_id", sa.Integer(), nullable=True))
    op.add_column("persons", sa.Column("rank", sa.Integer(), nullable=True))
    op.add_column("persons", sa.Column("category", sa.String(13), nullable=True))
    op.add_column("persons", sa.Column("photo_attachment_id", sa.Integer(), nullable=True))
    op.add_column("persons", sa.Column("notes", sa.Text(), server_default="", nullable=False))
    op.add_column("persons", sa.Column("date_of_birth", sa.Date(), nullable=True))
    op.add_column("persons", sa.Column("sex", sa.String(11), nullable=True))
    op.add_column("persons", _text("name_pinyin", 600))
    with op.batch_alter_table(
        "persons", recreate="always" if dialect == "sqlite" else "auto"
    ) as batch:
        batch.create_index(op.f("ix_persons_city_id"), ["city_id"], unique=False)
        batch.create_foreign_key(
            op.f("fk_persons_photo_attachment_id_attachments"),
            "attachments",
            ["photo_attachment_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            op.f("fk_persons_city_id_cities"), "cities", ["city_id"], ["id"], ondelete="RESTRICT"
        )
        batch.create_check_constraint(op.f("ck_persons_rank_positive"), "rank IS NULL OR rank >= 1")
        if dialect == "sqlite":
            batch.create_check_constraint(op.f("ck_persons_rank_range"), f"rank {INT4_RANGE}")
        for column, values in ENUMS.items():
            allowed = ", ".join(f"'{value}'" for value in values)
            batch.create_check_constraint(op.f(f"ck_persons_{column}"), f"{column} IN ({allowed})")


def _pinyin(connection: sa.Connection) -> None:
    """Fill the pinyin of the Chinese names there are (the program keeps it from now on)."""
    rows = connection.execute(sa.text("SELECT id, name_zh FROM persons WHERE name_zh <> ''")).all()
    if not rows:
        return
    from exchange_desk.domain.protocol import pinyin_keys

    for row_id, name_zh in rows:
        keys = pinyin_keys(name_zh)[:600]
        if keys:
            connection.execute(
                sa.text("UPDATE persons SET name_pinyin = :keys WHERE id = :id"),
                {"keys": keys, "id": row_id},
            )


def upgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    _persons(dialect)
    _pinyin(connection)
    op.create_table(
        "delegation_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            _enum("head", "deputy_head", "member", "interpreter", "staff", "security", name="role"),
            nullable=False,
        ),
        sa.Column("arrival", sa.Date(), nullable=True),
        sa.Column("departure", sa.Date(), nullable=True),
        sa.Column("notes", sa.String(length=200), nullable=False),
        *_stamps(),
        sa.CheckConstraint(
            "departure IS NULL OR arrival IS NULL OR departure >= arrival",
            name=op.f("ck_delegation_members_stay"),
        ),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
            name=op.f("fk_delegation_members_delegation_id_delegations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_delegation_members_person_id_persons"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation_members")),
        sa.UniqueConstraint(
            "delegation_id",
            "person_id",
            name=op.f("uq_delegation_members_delegation_id_person_id"),
        ),
    )
    op.create_index(
        op.f("ix_delegation_members_delegation_id"), "delegation_members", ["delegation_id"]
    )
    op.create_index(op.f("ix_delegation_members_person_id"), "delegation_members", ["person_id"])
    op.create_table(
        "programme_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.String(length=5), nullable=True),
        sa.Column("ends_at", sa.String(length=5), nullable=True),
        sa.Column("activity_en", sa.String(length=200), nullable=False),
        sa.Column("activity_zh", sa.String(length=200), nullable=False),
        sa.Column("activity_he", sa.String(length=200), nullable=False),
        _text("place_en"),
        _text("place_zh"),
        _text("place_he"),
        sa.Column("host_person_id", sa.Integer(), nullable=True),
        sa.Column("interpreter_person_id", sa.Integer(), nullable=True),
        sa.Column(
            "dress_code",
            _enum("business", "formal", "smart_casual", "casual", "national", name="dress_code"),
            nullable=True,
        ),
        sa.Column("is_reception", sa.Boolean(), nullable=False),
        _text("notes_en", 2000),
        _text("notes_zh", 2000),
        _text("notes_he", 2000),
        *_stamps(),
        sa.CheckConstraint(
            "ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at",
            name=op.f("ck_programme_items_period"),
        ),
        sa.CheckConstraint("length(activity_en) > 0", name=op.f("ck_programme_items_activity_en")),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
            name=op.f("fk_programme_items_delegation_id_delegations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_person_id"],
            ["persons.id"],
            name=op.f("fk_programme_items_host_person_id_persons"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["interpreter_person_id"],
            ["persons.id"],
            name=op.f("fk_programme_items_interpreter_person_id_persons"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_items")),
    )
    op.create_index("ix_programme_items_day", "programme_items", ["delegation_id", "day"])
    for column in ("delegation_id", "host_person_id", "interpreter_person_id"):
        op.create_index(op.f(f"ix_programme_items_{column}"), "programme_items", [column])
    op.create_table(
        "guests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("programme_item_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("side", _enum("host", "guest", name="side"), nullable=False),
        sa.Column("notes", sa.String(length=200), nullable=False),
        *_stamps(),
        sa.CheckConstraint(
            "(event_id IS NULL) <> (programme_item_id IS NULL)",
            name=op.f("ck_guests_one_occasion"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["cultural_events.id"],
            name=op.f("fk_guests_event_id_cultural_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_guests_person_id_persons"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["programme_item_id"],
            ["programme_items.id"],
            name=op.f("fk_guests_programme_item_id_programme_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guests")),
        sa.UniqueConstraint("event_id", "person_id", name=op.f("uq_guests_event_id_person_id")),
        sa.UniqueConstraint(
            "programme_item_id", "person_id", name=op.f("uq_guests_programme_item_id_person_id")
        ),
    )
    for column in ("event_id", "person_id", "programme_item_id"):
        op.create_index(op.f(f"ix_guests_{column}"), "guests", [column])
    op.create_table(
        "letter_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "letter", _enum("invitation", "visa", "congratulation", name="letter"), nullable=False
        ),
        sa.Column("language", _enum("zh", "en", "he", name="language"), nullable=False),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        *_stamps(),
        sa.CheckConstraint("length(body) > 0", name=op.f("ck_letter_templates_body")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_templates")),
        sa.UniqueConstraint("letter", "language", name=op.f("uq_letter_templates_letter_language")),
    )
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column(
            "letter", _enum("invitation", "visa", "congratulation", name="letter"), nullable=False
        ),
        sa.Column("languages", sa.String(length=20), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=400), nullable=False),
        *_stamps(),
        sa.CheckConstraint("length(number) > 0", name=op.f("ck_letters_number")),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
            name=op.f("fk_letters_delegation_id_delegations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_letters_partnership_id_partnerships"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
        sa.UniqueConstraint("number", name=op.f("uq_letters_number")),
    )
    op.create_index(op.f("ix_letters_delegation_id"), "letters", ["delegation_id"])
    op.create_index(op.f("ix_letters_partnership_id"), "letters", ["partnership_id"])
    for column in ("address_en", "address_zh", "address_he"):
        op.add_column("office_profile", _text(column, 400))
    op.add_column("office_profile", _text("phone"))
    op.add_column("office_profile", _text("email"))
    op.add_column(
        "office_profile",
        sa.Column(
            "letter_number_pattern",
            sa.String(length=80),
            server_default="L{year}-{seq:03}",
            nullable=False,
        ),
    )


def downgrade() -> None:
    for column in (
        "address_en",
        "address_zh",
        "address_he",
        "phone",
        "email",
        "letter_number_pattern",
    ):
        with op.batch_alter_table("office_profile") as batch:
            batch.drop_column(column)
    for table in ("letters", "letter_templates", "guests", "programme_items", "delegation_members"):
        op.drop_table(table)
    with op.batch_alter_table("persons") as batch:
        batch.drop_index(op.f("ix_persons_city_id"))
        batch.drop_constraint(op.f("fk_persons_photo_attachment_id_attachments"), "foreignkey")
        batch.drop_constraint(op.f("fk_persons_city_id_cities"), "foreignkey")
        batch.drop_constraint(op.f("ck_persons_rank_positive"), "check")
        if op.get_bind().dialect.name == "sqlite":
            batch.drop_constraint(op.f("ck_persons_rank_range"), "check")
        for column in ENUMS:
            batch.drop_constraint(op.f(f"ck_persons_{column}"), "check")
        for column in PERSON_COLUMNS:
            batch.drop_column(column)
