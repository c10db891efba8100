"""SQLAlchemy 2 typed models of newsdesk's tables (the database contract analysts rely on).

The schema itself is created and changed only by the Alembic migrations in `migrations/`;
these models describe it for queries and loads, and a test checks the two agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
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
    # Migration 0006: where a record of a WARC file came from (NULL for other documents).
    fetched_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True),
        comment="For a WARC record: its WARC-Date, when the crawler fetched the page (never "
        "the publication date, which is articles.published_at).",
    )
    target_uri: Mapped[str | None] = mapped_column(
        Text,
        comment="For a WARC record: its WARC-Target-URI, the URL the page was fetched from "
        "(the article's url).",
    )
    record_id: Mapped[str | None] = mapped_column(
        Text, comment="For a WARC record: its WARC-Record-ID."
    )
    record_offset: Mapped[int | None] = mapped_column(
        BigInteger,
        comment="For a WARC record: the byte offset its record starts at in the file "
        "source_uri names (in the compressed file for .warc.gz).",
    )


class Article(Base):
    """One cleaned, normalised article."""

    __tablename__ = "articles"
    __table_args__ = (
        Index(
            "ix_articles_fts",
            text("to_tsvector('english', coalesce(title, '') || ' ' || body)"),
            postgresql_using="gin",
        ),
        # Migration 0009: the articles a settle named by their furniture, found by index.
        Index("ix_articles_publisher_source", text("(provenance #>> '{publisher,source}')")),
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
    provenance: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb")
    )
    modified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    credits: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, server_default=text("'{}'")
    )
    # Migration 0009: what newsdesk.learn compares removed lines by, folded once on write.
    removed_keys: Mapped[list[str]] = mapped_column(
        ARRAY(Text),
        Computed("newsdesk_folded_lines(removed)", persisted=True),
        comment="The text of each removed line folded (lower case, runs of anything but letters "
        "and digits as one space), each once, sorted; computed from removed by Postgres.",
    )


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
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
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
    short_key: Mapped[str | None] = mapped_column(
        Text,
        comment="For a mention the cross-article pass decided: the one-word name key it was "
        "written as (e.g. 'choe'); NULL when the article itself decided it.",
    )
    echo: Mapped[bool] = mapped_column(
        Boolean,
        server_default=text("false"),
        comment="True for a lone name word the model did not tag, found by the cross-article "
        "pass in another article of the same story.",
    )


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


class PendingWork(Base):
    """An article whose after-commit work is not done yet (see newsdesk.learn.settle)."""

    __tablename__ = "pending_work"
    __table_args__ = (
        {
            "comment": "Articles whose after-commit work (learned boilerplate, cross-article "
            "names) is not done yet: written with the article, deleted by the run that settles "
            "it. Rows here after every run has finished mean a run was killed; the next run "
            "settles them."
        },
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
        comment="The article (articles.id).",
    )
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("pipeline_runs.id", ondelete="SET NULL"),
        comment="The run that wrote or rewrote the article (pipeline_runs.id).",
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True),
        server_default=func.now(),
        comment="When the work became owed.",
    )


class ArticleLine(Base):
    """A short line an article keeps without learned boilerplate: what learning counts."""

    __tablename__ = "article_lines"
    __table_args__ = (
        {
            "comment": "The short lines an article keeps when no learned boilerplate is applied: "
            "what learned boilerplate is counted on."
        },
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
        comment="The article (articles.id).",
    )
    line_key: Mapped[str] = mapped_column(
        Text,
        primary_key=True,
        index=True,
        comment="The line folded (case, quotes, punctuation; newsdesk.clean.text.fold).",
    )
    line: Mapped[str] = mapped_column(Text, comment="The line as the article first writes it.")


class LearnedLine(Base):
    """A line of learned boilerplate, as last applied to the loaded articles."""

    __tablename__ = "learned_lines"
    __table_args__ = (
        {
            "comment": "Boilerplate learned from the loaded articles and applied to them: a line "
            "that at least 3 articles and a fifth of one publisher's originals keep."
        },
    )

    line_key: Mapped[str] = mapped_column(
        Text,
        primary_key=True,
        comment="The folded line; articles holding it list it in removed as 'learned'.",
    )
    line: Mapped[str] = mapped_column(Text, comment="The line as one of those articles writes it.")
    publishers: Mapped[list[str]] = mapped_column(
        ARRAY(Text),
        server_default=text("'{}'"),
        comment="The publishers whose articles repeat it.",
    )
    learned_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True),
        server_default=func.now(),
        comment="When it was first applied.",
    )


class PublisherName(Base):
    """A publisher name learned for a domain (see newsdesk.learn.learn_publishers)."""

    __tablename__ = "publisher_names"
    __table_args__ = (
        {
            "comment": "Publisher names learned from the loaded articles: a web or e-mail "
            "domain whose pages name their site (og:site_name, JSON-LD publisher, a masthead) "
            "in at least 2 originals, one name for at least two thirds of them. Articles of "
            "the domain that name no publisher of their own take it (provenance source "
            "'learned'). Relearned by every settle."
        },
    )

    domain: Mapped[str] = mapped_column(
        Text,
        primary_key=True,
        comment="The host of the articles' URL without 'www.', or the domain of their byline "
        "e-mails.",
    )
    name: Mapped[str] = mapped_column(Text, comment="The publisher name the domain's pages give.")
    articles: Mapped[int] = mapped_column(
        Integer, comment="Original articles of the domain that give that name."
    )
    learned_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True),
        server_default=func.now(),
        comment="When the name was first learned.",
    )


class EntityMerge(Base):
    """One analyst merge of two people or organisations, so `newsdesk split` can undo it."""

    __tablename__ = "entity_merges"
    __table_args__ = (
        CheckConstraint("kind IN ('person', 'organisation')", name="kind_known"),
        {
            "comment": "One row per analyst merge (newsdesk merge): what moved from the merged "
            "entity to the kept one, so newsdesk split can restore it exactly."
        },
    )

    id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, comment="Merge number (newsdesk split --merge takes it)."
    )
    kind: Mapped[str] = mapped_column(Text, comment="'person' or 'organisation'.")
    kept_id: Mapped[int] = mapped_column(
        BigInteger,
        comment="The entity the other was merged into (people.id or organisations.id).",
    )
    merged_id: Mapped[int] = mapped_column(
        BigInteger,
        comment="The entity merged away; its row is deleted and restored by a split.",
    )
    merged_name: Mapped[str] = mapped_column(Text, comment="Display name of the merged entity.")
    merged_name_key: Mapped[str] = mapped_column(
        Text, comment="Folded name key of the merged entity."
    )
    merged_acronym: Mapped[str | None] = mapped_column(
        Text, comment="Acronym of a merged organisation, if any."
    )
    alias_keys: Mapped[list[str]] = mapped_column(
        ARRAY(Text), comment="Alias keys that moved to the kept entity."
    )
    mention_ids: Mapped[list[int]] = mapped_column(
        ARRAY(BigInteger), comment="Mentions that moved to the kept entity."
    )
    note: Mapped[str | None] = mapped_column(
        Text, comment="Why the analyst merged them, if they said."
    )
    merged_by: Mapped[str] = mapped_column(
        Text, server_default=text("CURRENT_USER"), comment="Database user who merged them."
    )
    merged_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), comment="When they were merged."
    )
    split_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="When the merge was undone; NULL while it holds."
    )


# The comments migration 0003 puts on the tables of 0001/0002, as later migrations (0005,
# 0006) changed them (each migration keeps its own copy so history never changes;
# tests/test_migrations.py checks the models agree with the migrated schema).
TABLE_COMMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "documents": (
        "Every raw input exactly as received, one row per distinct content; lets "
        "newsdesk reprocess everything after the cleaner or model improves, without "
        "re-scraping.",
        {
            "id": "Surrogate key.",
            "source_uri": "Where the input came from: file path, path#line[index] for a "
            "record of a .json/.jsonl file, or path#offset for a record of a WARC file.",
            "content_sha256": "SHA-256 of raw (for a WARC record: of its payload, decoded); "
            "unique, so the same content is stored once.",
            "media_type": "text/plain or text/html, as the reader judged it.",
            "raw": "The original bytes (for a JSON record: the record as canonical JSON; for a "
            "WARC record: its HTTP block, status line, headers and payload as stored).",
            "received_at": "When the document was first stored.",
        },
    ),
    "articles": (
        "One cleaned, normalised article per document. Full-text index ix_articles_fts "
        "on to_tsvector('english', coalesce(title, '') || ' ' || body); see "
        "search_articles().",
        {
            "id": "Surrogate key; stays the same when newsdesk reprocess rewrites the article.",
            "document_id": "The document this article was made from (documents.id); unique.",
            "source_uri": "Where the input came from (as documents.source_uri).",
            "url": "The article's canonical URL when the page or record gave one.",
            "publisher": "Publication name (e.g. 'The Valley Post'), or its domain when the "
            "page named none.",
            "title": "Headline.",
            "standfirst": "The summary line under the headline, when there is one.",
            "authors": "Bylined authors, in order; empty when none.",
            "section": "Section or desk (e.g. 'Transport') when the page gave one.",
            "published_at": "Publication time (timestamptz); NULL when the page gave no date.",
            "language": "ISO 639-1 code of the body's language.",
            "body": "Cleaned body text, paragraphs separated by blank lines.",
            "word_count": "Words in the body.",
            "removed": "What the cleaner took out: a JSON array of {text, reason}.",
            "duplicate_of": "The earliest article whose body this one nearly repeats "
            "(MinHash Jaccard >= 0.8); NULL for originals.",
            "pipeline_version": "newsdesk version that produced this row.",
            "loaded_at": "When this row was last written (load or reprocess).",
            "provenance": "Where each metadata value came from: a JSON object keyed by field "
            "(title, standfirst, authors, publisher, published_at, modified_at; only fields "
            "with a value), each {source, value, lost: [{source, value}]}: the rule that won "
            "(e.g. 'json-ld:datePublished', 'meta:og:site_name', 'time-tag', 'byline-line', "
            "'dateline', 'url') with the value as found, and the candidates that lost. See "
            "the view article_provenance.",
            "modified_at": "When the page says the article was last updated (timestamptz); "
            "NULL when it gives no such date. Kept apart from published_at.",
            "credits": "News and photo agencies the article credits (e.g. 'AFP', 'Yonhap', "
            "'Reuters'), the wire dateline's first; kept apart from authors. Empty when none.",
        },
    ),
    "people": (
        "A canonical person; spelling variants meet here through their folded name_key.",
        {
            "id": "Surrogate key.",
            "name": "Display name: the longest well-formed variant seen (e.g. 'Kim Jong-un').",
            "name_key": "Folded name (case, accents, punctuation removed); unique.",
        },
    ),
    "organisations": (
        "A canonical organisation; variants meet here through their folded name_key.",
        {
            "id": "Surrogate key.",
            "name": "Display name: the longest well-formed variant seen.",
            "name_key": "Folded name (case, accents, punctuation and a leading 'the' "
            "removed); unique.",
            "acronym": "Acronym the articles introduced for it (e.g. 'KCNA'), if any.",
        },
    ),
    "person_aliases": (
        "Alias key -> person. The loader looks names up here first, so pointing an "
        "alias at another person merges them for later runs (newsdesk merge does "
        "this).",
        {
            "alias_key": "Folded name variant; primary key.",
            "alias": "The variant as written (longest form seen).",
            "person_id": "The person this variant means (people.id).",
            "created_at": "When the alias was first recorded.",
        },
    ),
    "organisation_aliases": (
        "Alias key -> organisation. The loader looks names up here first, so "
        "pointing an alias at another organisation merges them for later "
        "runs.",
        {
            "alias_key": "Folded name variant; primary key.",
            "alias": "The variant as written (longest form seen).",
            "organisation_id": "The organisation this variant means (organisations.id).",
            "created_at": "When the alias was first recorded.",
        },
    ),
    "mentions": (
        "One mention of exactly one person or organisation in one field of one article, "
        "with its offsets and sentence.",
        {
            "id": "Surrogate key.",
            "article_id": "The article (articles.id).",
            "person_id": "The person mentioned (people.id); NULL for an organisation mention.",
            "organisation_id": "The organisation mentioned (organisations.id); NULL for a "
            "person mention.",
            "field": "Which field of the article: 'title', 'standfirst' or 'body'.",
            "start_char": "Offset of the first character in that field (0-based, characters).",
            "end_char": "Offset just past the last character; end_char - start_char = "
            "char_length(surface).",
            "surface": "The text as written (e.g. 'Zhao' for Zhao Leji).",
            "sentence": "The sentence containing the mention, for reading.",
        },
    ),
    "rejects": (
        "An input that could not be loaded: at which stage and why. Every input ends in "
        "articles or here, never nowhere.",
        {
            "id": "Surrogate key.",
            "source_uri": "The input that was rejected.",
            "content_sha256": "SHA-256 of its bytes; NULL when it could not be read; unique.",
            "stage": "Stage that rejected it: discover (a file of a kind newsdesk does not "
            "read), read, clean, normalise, entities or load.",
            "reason": "Short machine-readable reason (e.g. 'empty', 'binary').",
            "detail": "What went wrong and what to do, for a person.",
            "run_id": "The run that last rejected it (pipeline_runs.id).",
            "created_at": "When it was (last) rejected.",
        },
    ),
    "pipeline_runs": (
        "One row per flow run (load or reprocess) with its counts and status.",
        {
            "id": "Surrogate key.",
            "flow_run_id": "Prefect flow-run id, to find the run in the Prefect UI.",
            "started_at": "When the run started.",
            "finished_at": "When it finished; NULL while running or after a crash.",
            "status": "running, completed, failed, or crashed (the process died mid-run).",
            "inputs_seen": "Inputs the run looked at (loaded + already_loaded + rejected).",
            "loaded": "Articles written (for a reprocess run: rewritten).",
            "already_loaded": "Inputs skipped because their content was loaded before.",
            "rejected": "Inputs rejected, each with a row in rejects.",
            "people": "People in the database when the run finished.",
            "organisations": "Organisations in the database when the run finished.",
            "mentions": "Mentions written by this run.",
            "pipeline_version": "newsdesk version of the run.",
            "error": "The error that failed the run, if it failed.",
        },
    ),
    "article_signatures": (
        "MinHash signature of an article's body, used to confirm near-duplicate candidates.",
        {
            "article_id": "The article (articles.id).",
            "signature": "128 MinHash values over 5-word shingles of the body.",
        },
    ),
    "article_bands": (
        "One LSH band of an article's signature; articles sharing a band are "
        "near-duplicate candidates.",
        {
            "band_key": "Hash of one band (6 values) of the signature.",
            "article_id": "The article (articles.id).",
        },
    ),
}


def _apply_comments() -> None:
    """Put the comments on the models' tables and columns."""
    for name, (comment, columns) in TABLE_COMMENTS.items():
        table = Base.metadata.tables[name]
        table.comment = comment
        for column, text_ in columns.items():
            table.c[column].comment = text_


_apply_comments()
