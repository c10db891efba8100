"""SQLAlchemy 2 typed models of newsdesk's tables (the database contract analysts rely on).

The schema itself is created and changed only by the Alembic migrations in `migrations/`;
these models describe it for queries and loads, and a test checks the two agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names are stable and predictable, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _now() -> Any:
    return mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class Document(Base):
    """Every raw input exactly as received; lets the pipeline reprocess without re-scraping."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source_uri: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = _now()


class Article(Base):
    """One cleaned, normalised article."""

    __tablename__ = "articles"
    __table_args__ = (
        Index(
            "ix_articles_fts",
            text("to_tsvector('english', coalesce(title, '') || ' ' || body)"),
            postgresql_using="gin",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), unique=True
    )
    source_uri: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text, index=True)
    title: Mapped[str | None] = mapped_column(Text)
    standfirst: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, server_default=text("'{}'")
    )
    section: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    language: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    removed: Mapped[list[dict[str, str]]] = mapped_column(
        JSONB, nullable=False, server_default=text("'[]'::jsonb")
    )
    duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    pipeline_version: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = _now()


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text, unique=True)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text, unique=True)
    acronym: Mapped[str | None] = mapped_column(Text, index=True)


class PersonAlias(Base):
    """Alias key -> person. Point an alias at another person to merge them."""

    __tablename__ = "person_aliases"

    alias_key: Mapped[str] = mapped_column(Text, primary_key=True)
    alias: Mapped[str] = mapped_column(Text)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = _now()


class OrganisationAlias(Base):
    """Alias key -> organisation. Point an alias at another organisation to merge them."""

    __tablename__ = "organisation_aliases"

    alias_key: Mapped[str] = mapped_column(Text, primary_key=True)
    alias: Mapped[str] = mapped_column(Text)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = _now()


class Mention(Base):
    """One mention of a person or an organisation in one field of one article."""

    __tablename__ = "mentions"
    __table_args__ = (
        CheckConstraint(
            "(person_id IS NULL) <> (organisation_id IS NULL)", name="exactly_one_entity"
        ),
        CheckConstraint("field IN ('title', 'standfirst', 'body')", name="field_known"),
        CheckConstraint(
            "start_char >= 0 AND end_char > start_char "
            "AND end_char - start_char = char_length(surface)",
            name="offsets_valid",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(Text)
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    surface: Mapped[str] = mapped_column(Text)
    sentence: Mapped[str] = mapped_column(Text)


class Reject(Base):
    """An input that could not be loaded, with the stage and a reason a person understands."""

    __tablename__ = "rejects"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source_uri: Mapped[str] = mapped_column(Text)
    # Unique: one reject per input; a rerun updates it, a later successful load deletes it.
    content_sha256: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    stage: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("pipeline_runs.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = _now()


class PipelineRun(Base):
    """One row per flow run, with its counts and status."""

    __tablename__ = "pipeline_runs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow_run_id: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = _now()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text, server_default="running")
    inputs_seen: Mapped[int] = mapped_column(Integer, server_default="0")
    loaded: Mapped[int] = mapped_column(Integer, server_default="0")
    already_loaded: Mapped[int] = mapped_column(Integer, server_default="0")
    rejected: Mapped[int] = mapped_column(Integer, server_default="0")
    people: Mapped[int] = mapped_column(Integer, server_default="0")
    organisations: Mapped[int] = mapped_column(Integer, server_default="0")
    mentions: Mapped[int] = mapped_column(Integer, server_default="0")
    pipeline_version: Mapped[str] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)


class ArticleSignature(Base):
    """MinHash signature of an article's body, to confirm near-duplicate candidates."""

    __tablename__ = "article_signatures"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    signature: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))


class ArticleBand(Base):
    """One LSH band of an article's signature: articles sharing a band are candidates."""

    __tablename__ = "article_bands"

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
