"""Shared helpers for the robustness tests: table snapshots, article corpora, subprocess env."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# Every table's content by natural keys (content hash, folded name), never by serial ids or
# timestamps, so two databases loaded in different ways compare equal when their data is.
SNAPSHOT_QUERIES = {
    "documents": "SELECT content_sha256, source_uri, media_type, md5(raw), fetched_at, "
    "target_uri, record_id, record_offset FROM documents",
    "articles": """
        SELECT d.content_sha256, a.source_uri, a.url, a.publisher, a.title, a.standfirst,
               a.authors, a.section, a.published_at, a.language, a.body, a.word_count,
               a.removed::text, a.pipeline_version
        FROM articles a JOIN documents d ON d.id = a.document_id""",
    # Which articles are near-duplicates of each other; which of a group is its "first"
    # depends on load order, so the groups are compared, not the links.
    "duplicate_groups": """
        SELECT string_agg(d.content_sha256, ',' ORDER BY d.content_sha256)
        FROM articles a JOIN documents d ON d.id = a.document_id
        GROUP BY coalesce(a.duplicate_of, a.id)""",
    "people": "SELECT name, name_key FROM people",
    "organisations": "SELECT name, name_key, acronym FROM organisations",
    "person_aliases": """
        SELECT x.alias_key, x.alias, p.name_key
        FROM person_aliases x JOIN people p ON p.id = x.person_id""",
    "organisation_aliases": """
        SELECT x.alias_key, x.alias, o.name_key
        FROM organisation_aliases x JOIN organisations o ON o.id = x.organisation_id""",
    "mentions": """
        SELECT d.content_sha256, p.name_key, o.name_key, m.field, m.start_char, m.end_char,
               m.surface, m.sentence, m.short_key, m.echo
        FROM mentions m JOIN articles a ON a.id = m.article_id
        JOIN documents d ON d.id = a.document_id
        LEFT JOIN people p ON p.id = m.person_id
        LEFT JOIN organisations o ON o.id = m.organisation_id""",
    "rejects": "SELECT source_uri, content_sha256, stage, reason, detail FROM rejects",
    "article_lines": """
        SELECT d.content_sha256, l.line_key, l.line
        FROM article_lines l JOIN articles a ON a.id = l.article_id
        JOIN documents d ON d.id = a.document_id""",
    "learned_lines": "SELECT line_key, line, publishers FROM learned_lines",
    # Work still owed once a run has finished: none, however the runs went.
    "pending_work": "SELECT count(*) FROM pending_work",
}


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every data table, sorted, without ids or timestamps."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: sorted((tuple(row) for row in conn.execute(text(query))), key=repr)
                for table, query in SNAPSHOT_QUERIES.items()
            }
    finally:
        engine.dispose()


def scalar(url: str, query: str, **params: Any) -> Any:
    """One value from the database at `url`."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(text(query), params)
    finally:
        engine.dispose()


PEOPLE = [
    ("Rosa Delgado", "Delgado"),
    ("Samuel Okafor", "Okafor"),
    ("Mei Lin Chen", "Chen"),
    ("Tomas Novak", "Novak"),
    ("Aisha Bello", "Bello"),
    ("Pieter de Vries", "de Vries"),
]
ORGS = [
    "Harbour Council",
    "Valley Heritage Trust",
    "Northern Water Board",
    "Metro Transit Authority",
]
TOPICS = ["ferry timetable", "library hours", "water rates", "school meals", "bus lanes", "museum"]


def article_text(i: int) -> str:
    """A small plain-text article whose people and organisations recur across the corpus."""
    full, short = PEOPLE[i % len(PEOPLE)]
    other, _ = PEOPLE[(i * 5 + 1) % len(PEOPLE)]
    org = ORGS[i % len(ORGS)]
    topic = TOPICS[i % len(TOPICS)]
    return (
        f"{org} reviews {topic} plan, number {i}\n\n"
        f"The {org} met on Monday to review the {topic} plan, {full} said.\n\n"
        f"{short} told reporters that residents had been consulted. {other} disagreed and "
        f"said the {org} should wait for report number {i}.\n"
    )


def write_corpus(
    folder: Path, numbers: range, text_of: Callable[[int], str] | None = None
) -> list[Path]:
    """Write article_text(i) (or text_of(i)) for each i as NNN.txt under folder."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in numbers:
        path = folder / f"{i:03d}.txt"
        path.write_text((text_of or article_text)(i))
        paths.append(path)
    return paths


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a child Python: the repo importable, the harness's Prefect API."""
    from prefect.settings import get_current_settings

    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    api = get_current_settings().api.url
    if api:
        env["PREFECT_API_URL"] = str(api)
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    env.update(extra)
    return env


def loader_inputs(i: int, people: list[str], orgs: list[str]) -> tuple[Any, Any, list[Any]]:
    """A (RawDocument, Article, mentions) triple built by hand, with exact offsets, no model."""

    from newsdesk.entities import fold_key
    from newsdesk.records import Article, Mention
    from tests.records import raw_document

    sentences = [
        f"{name} spoke to {org} on day {i}." for name, org in zip(people, orgs, strict=False)
    ]
    body = " ".join(sentences) or f"Nothing happened on day {i}."
    raw = f"article {i}\n{body}".encode()
    doc = raw_document(raw, source_uri=f"mem://{i}.txt")
    article = Article(
        source_uri=doc.source_uri,
        title=f"Day {i}",
        standfirst=None,
        authors=[],
        publisher="The Test Gazette",
        published_at=None,
        body=body,
    )
    mentions: list[Any] = []
    offset = 0
    for sentence, (name, org) in zip(sentences, zip(people, orgs, strict=False), strict=True):
        for kind, surface in (("person", name), ("organisation", org)):
            start = body.index(surface, offset)
            mentions.append(
                Mention(
                    kind=kind,  # type: ignore[arg-type]
                    name=surface,
                    key=fold_key(surface),
                    surface=surface,
                    field="body",
                    start=start,
                    end=start + len(surface),
                    sentence=sentence,
                )
            )
        offset += len(sentence) + 1
    return doc, article, mentions


# Two publishers, each with a line of its own furniture on every page (learned once three
# articles and a fifth of the publisher's carry it); people named in full in some articles and
# by surname alone in others, beside the same organisation (resolved across articles).
PUBLISHERS = [
    (
        "The Harbour Gazette",
        "Tide tables and ferry notices are printed every Friday in the weekend edition",
    ),
    ("The Valley Post", "Send your photographs of valley life to our picture desk on Mill Street"),
]


def story_text(i: int) -> str:
    """A plain-text article with a masthead, furniture, and people named in full or not."""
    publisher, furniture = PUBLISHERS[i % len(PUBLISHERS)]
    person = i % 4
    full, short = PEOPLE[person]
    org = ORGS[person % 3]  # each person speaks for one organisation
    topic = TOPICS[i % len(TOPICS)]
    said = "a spokesperson said" if i % 3 == 2 else f"{full} said"
    return (
        f"{publisher}\n\n{org} reviews the {topic} plan, number {i}\n\n"
        f"The {org} met on Monday to review the {topic} plan, {said} in a statement on day {i}.\n\n"
        f"{short} told the {org} that residents had been consulted about the {topic} before "
        f"the vote, and that report number {i} would follow.\n\n"
        f"{furniture}\n"
    )


def write_stories(folder: Path, numbers: range) -> list[Path]:
    """Write story_text(i) for each i as NNN.txt under folder."""
    return write_corpus(folder, numbers, story_text)


def empty_tables(url: str) -> None:
    """Delete every row of every table but the migration record (ids start again at 1)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            tables = conn.scalars(
                text(
                    "SELECT quote_ident(tablename) FROM pg_tables "
                    "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            ).all()
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()
