"""Analyst views, a comment on every table, view and column, full-text search, merge records.

Why: the people who use newsdesk write SQL. The views answer their common questions (mentions
per day and publisher, people mentioned together, top entities, one flat article-entity
table) without each analyst re-deriving the joins and remembering to drop near-duplicates;
the comments make `\\d+` in psql (and docs/schema.md, generated from them) explain every
column; `search_articles` ranks full-text matches through the expression index
`ix_articles_fts`; `entity_merges` records each analyst's merge so `newsdesk split` can undo
it exactly.

The comment texts live here, not imported from `models`, so this migration stays what it was
when applied; `models` carries the same texts and tests/test_migrations.py checks they agree.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The day an article counts under: its publication date in UTC (NULL when the page gave none).
DAY = "(a.published_at AT TIME ZONE 'UTC')::date"
# The exact expression of the GIN index ix_articles_fts; any other spelling scans the table.
FTS = "to_tsvector('english', coalesce(a.title, '') || ' ' || a.body)"

VIEWS: dict[str, str] = {
    "article_entities": f"""
        SELECT a.id AS article_id, a.published_at, {DAY} AS day, a.publisher, a.title, a.url,
               a.duplicate_of, 'person'::text AS entity_kind, p.id AS entity_id,
               p.name AS entity_name, count(*) AS mentions,
               bool_or(m.field = 'title') AS in_title
        FROM mentions m
        JOIN articles a ON a.id = m.article_id
        JOIN people p ON p.id = m.person_id
        GROUP BY a.id, p.id
        UNION ALL
        SELECT a.id, a.published_at, {DAY}, a.publisher, a.title, a.url, a.duplicate_of,
               'organisation'::text, o.id, o.name, count(*), bool_or(m.field = 'title')
        FROM mentions m
        JOIN articles a ON a.id = m.article_id
        JOIN organisations o ON o.id = m.organisation_id
        GROUP BY a.id, o.id
    """,
    "daily_entity_mentions": """
        SELECT day, publisher, entity_kind, entity_id, entity_name,
               sum(mentions)::bigint AS mentions, count(*) AS articles
        FROM article_entities
        WHERE duplicate_of IS NULL
        GROUP BY day, publisher, entity_kind, entity_id, entity_name
    """,
    "entity_pairs": """
        SELECT x.entity_kind AS kind_a, x.entity_id AS id_a, x.entity_name AS name_a,
               y.entity_kind AS kind_b, y.entity_id AS id_b, y.entity_name AS name_b,
               count(*) AS shared_articles,
               min(x.published_at) AS first_published, max(x.published_at) AS last_published
        FROM article_entities x
        JOIN article_entities y
          ON y.article_id = x.article_id
         AND (x.entity_kind, x.entity_id) < (y.entity_kind, y.entity_id)
        WHERE x.duplicate_of IS NULL
        GROUP BY x.entity_kind, x.entity_id, x.entity_name,
                 y.entity_kind, y.entity_id, y.entity_name
    """,
    "person_pairs": """
        SELECT id_a AS person_a_id, name_a AS person_a, id_b AS person_b_id, name_b AS person_b,
               shared_articles, first_published, last_published
        FROM entity_pairs
        WHERE kind_a = 'person' AND kind_b = 'person'
    """,
    "top_people": """
        SELECT rank() OVER (ORDER BY count(DISTINCT m.article_id) DESC) AS rank,
               p.id AS person_id, p.name,
               count(DISTINCT m.article_id) AS articles, count(*) AS mentions,
               count(DISTINCT a.publisher) AS publishers,
               min(a.published_at) AS first_published, max(a.published_at) AS last_published
        FROM people p
        JOIN mentions m ON m.person_id = p.id
        JOIN articles a ON a.id = m.article_id AND a.duplicate_of IS NULL
        GROUP BY p.id
    """,
    "top_organisations": """
        SELECT rank() OVER (ORDER BY count(DISTINCT m.article_id) DESC) AS rank,
               o.id AS organisation_id, o.name, o.acronym,
               count(DISTINCT m.article_id) AS articles, count(*) AS mentions,
               count(DISTINCT a.publisher) AS publishers,
               min(a.published_at) AS first_published, max(a.published_at) AS last_published
        FROM organisations o
        JOIN mentions m ON m.organisation_id = o.id
        JOIN articles a ON a.id = m.article_id AND a.duplicate_of IS NULL
        GROUP BY o.id
    """,
}

# STABLE and a single SELECT, so the planner inlines it and the WHERE clause reaches the index.
SEARCH_FUNCTION = f"""
CREATE FUNCTION search_articles(query text, include_duplicates boolean DEFAULT false)
RETURNS TABLE (article_id bigint, rank real, published_at timestamptz, publisher text,
               title text, snippet text)
LANGUAGE sql STABLE AS $$
    SELECT a.id, ts_rank_cd({FTS}, q), a.published_at, a.publisher, a.title,
           regexp_replace(
               ts_headline('english', a.body, q,
                           'MaxFragments=2, MinWords=8, MaxWords=25, StartSel=**, StopSel=**'),
               '\\s+', ' ', 'g')
    FROM articles a, websearch_to_tsquery('english', query) AS q
    WHERE {FTS} @@ q
      AND (include_duplicates OR a.duplicate_of IS NULL)
    ORDER BY 2 DESC, a.published_at DESC NULLS LAST, a.id
$$
"""

NO_DUPLICATES = " Near-duplicate articles (articles.duplicate_of IS NOT NULL) are not counted."
DAY_NOTE = "Day of publication in UTC (articles.published_at); NULL when the page gave no date."

RELATION_COMMENTS: dict[str, str] = {
    "documents": "Every raw input exactly as received, one row per distinct content; lets "
    "newsdesk reprocess everything after the cleaner or model improves, without re-scraping.",
    "articles": "One cleaned, normalised article per document. Full-text index ix_articles_fts "
    "on to_tsvector('english', coalesce(title, '') || ' ' || body); see search_articles().",
    "people": "A canonical person; spelling variants meet here through their folded name_key.",
    "organisations": "A canonical organisation; variants meet here through their folded name_key.",
    "person_aliases": "Alias key -> person. The loader looks names up here first, so pointing "
    "an alias at another person merges them for later runs (newsdesk merge does this).",
    "organisation_aliases": "Alias key -> organisation. The loader looks names up here first, "
    "so pointing an alias at another organisation merges them for later runs.",
    "mentions": "One mention of exactly one person or organisation in one field of one "
    "article, with its offsets and sentence.",
    "rejects": "An input that could not be loaded: at which stage and why. Every input ends in "
    "articles or here, never nowhere.",
    "pipeline_runs": "One row per flow run (load or reprocess) with its counts and status.",
    "article_signatures": "MinHash signature of an article's body, used to confirm "
    "near-duplicate candidates.",
    "article_bands": "One LSH band of an article's signature; articles sharing a band are "
    "near-duplicate candidates.",
    "entity_merges": "One row per analyst merge (newsdesk merge): what moved from the merged "
    "entity to the kept one, so newsdesk split can restore it exactly.",
    "article_entities": "Flat view: one row per article and entity it mentions, with the "
    "article's date, publisher and title. Includes near-duplicates; filter on duplicate_of "
    "IS NULL to drop them.",
    "daily_entity_mentions": "Mentions per entity per day and publisher." + NO_DUPLICATES,
    "entity_pairs": "Co-mention network: two entities (people or organisations) mentioned in "
    "the same article, once per pair (kind_a, id_a) < (kind_b, id_b), with the number of "
    "articles they share." + NO_DUPLICATES,
    "person_pairs": "People mentioned together: one row per pair (person_a_id < person_b_id) "
    "with the number of articles they share." + NO_DUPLICATES,
    "top_people": "People by the number of articles that mention them." + NO_DUPLICATES,
    "top_organisations": "Organisations by the number of articles that mention them."
    + NO_DUPLICATES,
}

FIRST = "Earliest publication time among the counted articles (NULL when none has a date)."
LAST = "Latest publication time among the counted articles (NULL when none has a date)."
KIND = "'person' or 'organisation'."

COLUMN_COMMENTS: dict[str, dict[str, str]] = {
    "documents": {
        "id": "Surrogate key.",
        "source_uri": "Where the input came from: file path, or path#line[index] for a record "
        "of a .json/.jsonl file.",
        "content_sha256": "SHA-256 of raw; unique, so the same content is stored once.",
        "media_type": "text/plain or text/html, as the reader judged it.",
        "raw": "The original bytes (for a JSON record: the record as canonical JSON).",
        "received_at": "When the document was first stored.",
    },
    "articles": {
        "id": "Surrogate key; stays the same when newsdesk reprocess rewrites the article.",
        "document_id": "The document this article was made from (documents.id); unique.",
        "source_uri": "Where the input came from (as documents.source_uri).",
        "url": "The article's canonical URL when the page or record gave one.",
        "publisher": "Publication name (e.g. 'The Valley Post'), or its domain when the page "
        "named none.",
        "title": "Headline.",
        "standfirst": "The summary line under the headline, when there is one.",
        "authors": "Bylined authors, in order; empty when none.",
        "section": "Section or desk (e.g. 'Transport') when the page gave one.",
        "published_at": "Publication time (timestamptz); NULL when the page gave no date.",
        "language": "ISO 639-1 code of the body's language.",
        "body": "Cleaned body text, paragraphs separated by blank lines.",
        "word_count": "Words in the body.",
        "removed": "What the cleaner took out: a JSON array of {text, reason}.",
        "duplicate_of": "The earliest article whose body this one nearly repeats (MinHash "
        "Jaccard >= 0.8); NULL for originals.",
        "pipeline_version": "newsdesk version that produced this row.",
        "loaded_at": "When this row was last written (load or reprocess).",
    },
    "people": {
        "id": "Surrogate key.",
        "name": "Display name: the longest well-formed variant seen (e.g. 'Kim Jong-un').",
        "name_key": "Folded name (case, accents, punctuation removed); unique.",
    },
    "organisations": {
        "id": "Surrogate key.",
        "name": "Display name: the longest well-formed variant seen.",
        "name_key": "Folded name (case, accents, punctuation and a leading 'the' removed); unique.",
        "acronym": "Acronym the articles introduced for it (e.g. 'KCNA'), if any.",
    },
    "person_aliases": {
        "alias_key": "Folded name variant; primary key.",
        "alias": "The variant as written (longest form seen).",
        "person_id": "The person this variant means (people.id).",
        "created_at": "When the alias was first recorded.",
    },
    "organisation_aliases": {
        "alias_key": "Folded name variant; primary key.",
        "alias": "The variant as written (longest form seen).",
        "organisation_id": "The organisation this variant means (organisations.id).",
        "created_at": "When the alias was first recorded.",
    },
    "mentions": {
        "id": "Surrogate key.",
        "article_id": "The article (articles.id).",
        "person_id": "The person mentioned (people.id); NULL for an organisation mention.",
        "organisation_id": "The organisation mentioned (organisations.id); NULL for a person "
        "mention.",
        "field": "Which field of the article: 'title', 'standfirst' or 'body'.",
        "start_char": "Offset of the first character in that field (0-based, characters).",
        "end_char": "Offset just past the last character; end_char - start_char = "
        "char_length(surface).",
        "surface": "The text as written (e.g. 'Zhao' for Zhao Leji).",
        "sentence": "The sentence containing the mention, for reading.",
    },
    "rejects": {
        "id": "Surrogate key.",
        "source_uri": "The input that was rejected.",
        "content_sha256": "SHA-256 of its bytes; NULL when it could not be read; unique.",
        "stage": "Stage that rejected it: read, clean, normalise, entities or load.",
        "reason": "Short machine-readable reason (e.g. 'empty', 'binary').",
        "detail": "What went wrong and what to do, for a person.",
        "run_id": "The run that last rejected it (pipeline_runs.id).",
        "created_at": "When it was (last) rejected.",
    },
    "pipeline_runs": {
        "id": "Surrogate key.",
        "flow_run_id": "Prefect flow-run id, to find the run in the Prefect UI.",
        "started_at": "When the run started.",
        "finished_at": "When it finished; NULL while running or after a crash.",
        "status": "running, completed or failed.",
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
    "article_signatures": {
        "article_id": "The article (articles.id).",
        "signature": "128 MinHash values over 5-word shingles of the body.",
    },
    "article_bands": {
        "band_key": "Hash of one band (4 values) of the signature.",
        "article_id": "The article (articles.id).",
    },
    "entity_merges": {
        "id": "Merge number (newsdesk split --merge takes it).",
        "kind": KIND,
        "kept_id": "The entity the other was merged into (people.id or organisations.id).",
        "merged_id": "The entity merged away; its row is deleted and restored by a split.",
        "merged_name": "Display name of the merged entity.",
        "merged_name_key": "Folded name key of the merged entity.",
        "merged_acronym": "Acronym of a merged organisation, if any.",
        "alias_keys": "Alias keys that moved to the kept entity.",
        "mention_ids": "Mentions that moved to the kept entity.",
        "note": "Why the analyst merged them, if they said.",
        "merged_by": "Database user who merged them.",
        "merged_at": "When they were merged.",
        "split_at": "When the merge was undone; NULL while it holds.",
    },
    "article_entities": {
        "article_id": "The article (articles.id).",
        "published_at": "The article's publication time.",
        "day": DAY_NOTE,
        "publisher": "The article's publisher.",
        "title": "The article's headline.",
        "url": "The article's URL.",
        "duplicate_of": "Non-NULL for a near-duplicate article (articles.duplicate_of).",
        "entity_kind": KIND,
        "entity_id": "people.id or organisations.id, as entity_kind says.",
        "entity_name": "The entity's display name.",
        "mentions": "Times the article mentions the entity.",
        "in_title": "True when the headline mentions it.",
    },
    "daily_entity_mentions": {
        "day": DAY_NOTE,
        "publisher": "The publisher.",
        "entity_kind": KIND,
        "entity_id": "people.id or organisations.id, as entity_kind says.",
        "entity_name": "The entity's display name.",
        "mentions": "Mentions that day by that publisher.",
        "articles": "Articles that day by that publisher that mention the entity.",
    },
    "entity_pairs": {
        "kind_a": "Kind of the first entity: " + KIND,
        "id_a": "Id of the first entity.",
        "name_a": "Name of the first entity.",
        "kind_b": "Kind of the second entity: " + KIND,
        "id_b": "Id of the second entity.",
        "name_b": "Name of the second entity.",
        "shared_articles": "Articles that mention both.",
        "first_published": FIRST,
        "last_published": LAST,
    },
    "person_pairs": {
        "person_a_id": "The person with the smaller id (people.id).",
        "person_a": "Their name.",
        "person_b_id": "The person with the larger id (people.id).",
        "person_b": "Their name.",
        "shared_articles": "Articles that mention both.",
        "first_published": FIRST,
        "last_published": LAST,
    },
    "top_people": {
        "rank": "1 for the person in most articles; ties share a rank.",
        "person_id": "The person (people.id).",
        "name": "Their display name.",
        "articles": "Articles that mention them.",
        "mentions": "Mentions in those articles.",
        "publishers": "Distinct publishers of those articles.",
        "first_published": FIRST,
        "last_published": LAST,
    },
    "top_organisations": {
        "rank": "1 for the organisation in most articles; ties share a rank.",
        "organisation_id": "The organisation (organisations.id).",
        "name": "Its display name.",
        "acronym": "Its acronym, if any.",
        "articles": "Articles that mention it.",
        "mentions": "Mentions in those articles.",
        "publishers": "Distinct publishers of those articles.",
        "first_published": FIRST,
        "last_published": LAST,
    },
}

SEARCH_COMMENT = (
    'Ranked full-text search over title and body (websearch syntax: words, "a phrase", '
    "or, -not). Uses ix_articles_fts. Returns article_id, rank (ts_rank_cd), published_at, "
    "publisher, title and a snippet with matches in **bold**; near-duplicates only when "
    "include_duplicates is true."
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comment_all() -> None:
    for relation, comment in RELATION_COMMENTS.items():
        kind = "VIEW" if relation in VIEWS else "TABLE"
        op.execute(f"COMMENT ON {kind} {relation} IS {_quote(comment)}")
    for relation, columns in COLUMN_COMMENTS.items():
        for column, comment in columns.items():
            op.execute(f"COMMENT ON COLUMN {relation}.{column} IS {_quote(comment)}")
    op.execute(f"COMMENT ON FUNCTION search_articles(text, boolean) IS {_quote(SEARCH_COMMENT)}")


def upgrade() -> None:
    op.create_table(
        "entity_merges",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("kept_id", sa.BigInteger(), nullable=False),
        sa.Column("merged_id", sa.BigInteger(), nullable=False),
        sa.Column("merged_name", sa.Text(), nullable=False),
        sa.Column("merged_name_key", sa.Text(), nullable=False),
        sa.Column("merged_acronym", sa.Text(), nullable=True),
        sa.Column("alias_keys", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("mention_ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("merged_by", sa.Text(), server_default=sa.text("CURRENT_USER"), nullable=False),
        sa.Column(
            "merged_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("split_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('person', 'organisation')", name=op.f("ck_entity_merges_kind_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_merges")),
    )
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")
    op.execute(SEARCH_FUNCTION)
    _comment_all()


def downgrade() -> None:
    op.execute("DROP FUNCTION search_articles(text, boolean)")
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW {name}")
    op.drop_table("entity_merges")
    for relation in RELATION_COMMENTS:
        if relation in VIEWS or relation == "entity_merges":
            continue
        op.execute(f"COMMENT ON TABLE {relation} IS NULL")
        for column in COLUMN_COMMENTS[relation]:
            op.execute(f"COMMENT ON COLUMN {relation}.{column} IS NULL")
