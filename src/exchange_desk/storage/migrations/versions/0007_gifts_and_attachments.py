"""The gifts register, and scans and photos on every record.

- New table `gifts`: given or received, when, on which occasion, between whom, what it is
  (in three languages), its estimated value, what became of it and its declaration.
- New table `attachment_previews`: an attached image made smaller once (a thumbnail for the
  window, a picture for documents), by the hash of its bytes.
- `attachments` gains the caption in Chinese and Hebrew and an image's size in pixels.
- `cities` gains the photo its dossier opens with.
- `office_profile` gains the gift declaration threshold and currency, and the largest file a
  record may have attached (20 MB unless the office says otherwise).

Images attached before this revision have no preview; the program shows a plain file icon
for them until they are attached again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INT4_RANGE = "BETWEEN -2147483648 AND 2147483647"


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def _text(name: str, length: int = 200) -> sa.Column[object]:
    return sa.Column(name, sa.String(length=length), server_default="", nullable=False)


def _date_sql(column: str, dialect: str) -> str:
    # A copy of storage.schema.partial_date_sql as it was at this revision (as 0004 keeps
    # its own): a migration makes the same schema whatever the program later changes.
    if dialect == "postgresql":
        return f"{column} ~ '^[0-9]{{4}}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$'"
    year = "[0-9][0-9][0-9][0-9]"
    month = f"substr({column}, 6, 2) BETWEEN '01' AND '12'"
    return (
        f"{column} GLOB '{year}'"
        f" OR ({column} GLOB '{year}-[01][0-9]' AND {month})"
        f" OR ({column} GLOB '{year}-[01][0-9]-[0-3][0-9]' AND {month}"
        f" AND substr({column}, 9, 2) BETWEEN '01' AND '31')"
    )


def _recreate(dialect: str) -> Literal["auto", "always"]:
    # SQLite adds a key or a check only by copying the table (rows, indexes and
    # constraints kept); PostgreSQL alters it in place.
    return "always" if dialect == "sqlite" else "auto"


def _gifts(dialect: str) -> None:
    op.create_table(
        "gifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.String(length=10), nullable=False),
        sa.Column("direction", _enum("given", "received", name="direction"), nullable=False),
        sa.Column("description_en", sa.String(length=200), nullable=False),
        sa.Column("description_zh", sa.String(length=200), nullable=False),
        sa.Column("description_he", sa.String(length=200), nullable=False),
        sa.Column(
            "category",
            _enum(
                "art",
                "porcelain",
                "textile",
                "book",
                "plaque",
                "craft",
                "food",
                "device",
                "other",
                name="category",
            ),
            nullable=False,
        ),
        sa.Column("partner_city_id", sa.Integer(), nullable=True),
        sa.Column("partner_organization_id", sa.Integer(), nullable=True),
        sa.Column("partner_person_id", sa.Integer(), nullable=True),
        sa.Column("official_person_id", sa.Integer(), nullable=True),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("estimated_value", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("photo_attachment_id", sa.Integer(), nullable=True),
        sa.Column(
            "disposition",
            _enum("kept", "archived", "displayed", "handed_over", name="disposition"),
            nullable=True,
        ),
        sa.Column(
            "declaration_status",
            _enum("not_required", "to_declare", "declared", name="declaration_status"),
            nullable=False,
        ),
        sa.Column("declared_on", sa.Date(), nullable=True),
        sa.Column("declaration_reference", sa.String(length=80), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("length(description_en) > 0", name=op.f("ck_gifts_description_en")),
        sa.CheckConstraint(
            "estimated_value IS NULL OR estimated_value >= 0",
            name=op.f("ck_gifts_estimated_value_not_negative"),
        ),
        sa.CheckConstraint(
            f"given_on IS NULL OR ({_date_sql('given_on', dialect)})",
            name=op.f("ck_gifts_given_on_format"),
        ),
        *(
            sa.ForeignKeyConstraint(
                [column],
                [f"{table}.id"],
                name=op.f(f"fk_gifts_{column}_{table}"),
                ondelete="RESTRICT",
            )
            for column, table in (
                ("partner_city_id", "cities"),
                ("partner_organization_id", "organizations"),
                ("partner_person_id", "persons"),
                ("official_person_id", "persons"),
                ("delegation_id", "delegations"),
                ("event_id", "cultural_events"),
            )
        ),
        sa.ForeignKeyConstraint(
            ["photo_attachment_id"],
            ["attachments.id"],
            name=op.f("fk_gifts_photo_attachment_id_attachments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gifts")),
    )
    for column in (
        "given_on",
        "partner_city_id",
        "partner_organization_id",
        "partner_person_id",
        "official_person_id",
        "delegation_id",
        "event_id",
    ):
        op.create_index(op.f(f"ix_gifts_{column}"), "gifts", [column])


def _attachments(dialect: str) -> None:
    op.add_column("attachments", _text("caption_zh"))
    op.add_column("attachments", _text("caption_he"))
    op.add_column("attachments", sa.Column("width", sa.Integer(), nullable=True))
    op.add_column("attachments", sa.Column("height", sa.Integer(), nullable=True))
    if dialect == "sqlite":
        with op.batch_alter_table("attachments", recreate="always") as batch:
            for column in ("width", "height"):
                batch.create_check_constraint(
                    op.f(f"ck_attachments_{column}_range"), f"{column} {INT4_RANGE}"
                )
    op.create_table(
        "attachment_previews",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=False),
        sa.Column("picture", sa.LargeBinary(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["attachment_blobs.sha256"],
            name=op.f("fk_attachment_previews_sha256_attachment_blobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_previews")),
    )


def _cities(dialect: str) -> None:
    op.add_column("cities", sa.Column("photo_attachment_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("cities", recreate=_recreate(dialect)) as batch:
        batch.create_foreign_key(
            op.f("fk_cities_photo_attachment_id_attachments"),
            "attachments",
            ["photo_attachment_id"],
            ["id"],
            ondelete="SET NULL",
        )


def _office_profile(dialect: str) -> None:
    op.add_column("office_profile", sa.Column("gift_threshold", sa.Float(), nullable=True))
    op.add_column("office_profile", _text("gift_currency", 3))
    op.add_column(
        "office_profile",
        sa.Column("attachment_limit_mb", sa.Integer(), server_default="20", nullable=False),
    )
    with op.batch_alter_table("office_profile", recreate=_recreate(dialect)) as batch:
        batch.create_check_constraint(
            op.f("ck_office_profile_gift_threshold_not_negative"),
            "gift_threshold IS NULL OR gift_threshold >= 0",
        )
        batch.create_check_constraint(
            op.f("ck_office_profile_attachment_limit"),
            "attachment_limit_mb >= 1 AND attachment_limit_mb <= 500",
        )
        if dialect == "sqlite":
            batch.create_check_constraint(
                op.f("ck_office_profile_attachment_limit_mb_range"),
                f"attachment_limit_mb {INT4_RANGE}",
            )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _attachments(dialect)
    _gifts(dialect)
    _cities(dialect)
    _office_profile(dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("office_profile") as batch:
        batch.drop_constraint(op.f("ck_office_profile_gift_threshold_not_negative"), "check")
        batch.drop_constraint(op.f("ck_office_profile_attachment_limit"), "check")
        if dialect == "sqlite":
            batch.drop_constraint(op.f("ck_office_profile_attachment_limit_mb_range"), "check")
        for column in ("gift_threshold", "gift_currency", "attachment_limit_mb"):
            batch.drop_column(column)
    with op.batch_alter_table("cities") as batch:
        batch.drop_constraint(op.f("fk_cities_photo_attachment_id_attachments"), "foreignkey")
        batch.drop_column("photo_attachment_id")
    op.drop_table("gifts")
    op.drop_table("attachment_previews")
    with op.batch_alter_table("attachments") as batch:
        if dialect == "sqlite":
            for column in ("width", "height"):
                batch.drop_constraint(op.f(f"ck_attachments_{column}_range"), "check")
        for column in ("caption_zh", "caption_he", "width", "height"):
            batch.drop_column(column)
