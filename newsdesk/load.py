"""Idempotent writes: one transaction per article, entities upserted on their folded keys.

Running twice loads nothing new: documents are unique on their content hash, people and
organisations on their name key, and an article is only written with its document.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Connection,
    Delete,
    Engine,
    Table,
    Text,
    any_,
    bindparam,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert

import models as m
from newsdesk import PIPELINE_VERSION
from newsdesk.clean.dedupe import band_keys, similarity
from newsdesk.records import Article, EntityKind, Item, Mention, RawDocument, Rejected

log = logging.getLogger(__name__)

# Estimated Jaccard similarity of 5-word shingles above which a body repeats an earlier one:
# wire copy with a changed headline or a trimmed last paragraph stays above 0.8; two reports
# of the same event in different words stay far below.
DUPLICATE_SIMILARITY = 0.8


@dataclass
class LoadCounts:
    """What a batch (or a run) did to the database."""

    loaded: int = 0
    already_loaded: int = 0
    rejected: int = 0
    mentions: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    resolved_across_articles: int = 0
    settled: int = 0  # articles whose after-commit work was finished (learn.settle)
    rebuilt: int = 0  # of which rebuilt because the learned lines they hold changed
    # Seconds in each step of the bulk load (bulk.STEPS), to see where loading time goes.
    load_seconds: dict[str, float] = field(default_factory=dict)

    def add(self, other: LoadCounts) -> None:
        """Fold another batch's counts into these."""
        self.loaded += other.loaded
        self.already_loaded += other.already_loaded
        self.rejected += other.rejected
        self.mentions += other.mentions
        self.resolved_across_articles += other.resolved_across_articles
        self.settled += other.settled
        self.rebuilt += other.rebuilt
        for reason, n in other.rejected_by_reason.items():
            self.rejected_by_reason[reason] = self.rejected_by_reason.get(reason, 0) + n
        for step, seconds in other.load_seconds.items():
            self.load_seconds[step] = self.load_seconds.get(step, 0.0) + seconds


def known_hashes(engine: Engine, hashes: Iterable[str]) -> set[str]:
    """The content hashes among `hashes` whose documents are already loaded."""
    wanted = sorted(set(hashes))
    if not wanted:
        return set()
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.Document.content_sha256).where(m.Document.content_sha256.in_(wanted))
        )
        return {row[0] for row in rows}


def load_article(
    engine: Engine,
    doc: RawDocument,
    article: Article,
    mentions: Sequence[Mention],
    signature: Sequence[int] | None = None,
    lines: Sequence[tuple[str, str]] = (),
) -> int | None:
    """Write one article with its document, entities and mentions in one transaction.

    Returns the article id, or None when the document was already there (another run won).
    The same code as a batch load (`bulk.write`), with a batch of one.
    """
    from newsdesk import bulk  # bulk builds on this module's entity upserts

    bands = band_keys(signature) if signature else ()
    item = Item(doc, article, mentions, signature, bands, lines)
    with engine.begin() as conn:
        outcome = bulk.write(conn, [item])[0]
    assert not isinstance(outcome, Exception)
    return outcome


# Advisory-lock key of settling: a settling run holds it exclusively, every load transaction
# shares it, so a settle sees each batch whole and no batch commits between what a settle
# reads and what it writes. A crashed run's lock goes with its connection.
SETTLE_LOCK = 0x6E64_7365_7474


def share_settle_lock(conn: Connection) -> None:
    """Hold the settle lock shared until commit: call at the start of a load transaction."""
    conn.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": SETTLE_LOCK})


# Advisory-lock key (one bigint) of the near-duplicate index; the two-int run locks live in a
# key space of their own.
NEAR_DUPLICATE_LOCK = 0x6E64_6475_7073


def lock_near_duplicates(conn: Connection) -> None:
    """Hold the near-duplicate index until commit, before looking for near-duplicates in it.

    Two runs loading near-duplicates at once would each miss the other's uncommitted articles
    and link neither, so looking up candidates, writing the articles with their links and
    indexing their bands happen under one lock, and the second run's lookup sees the first's
    commit. One lock, not one per band key: a batch has thousands of band keys, and as many
    locks cost more than the wait (and can exhaust the server's lock table). Take it after
    anything that may wait for another transaction's rows (documents, entities), so a
    transaction holding it never waits for one waiting for it.
    """
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": NEAR_DUPLICATE_LOCK})


def _link_duplicate(
    conn: Connection, article_id: int, signature: Sequence[int], earlier_only: bool = False
) -> None:
    """Point `duplicate_of` at the earliest article this one nearly repeats; index its bands.

    `earlier_only` is for an article rewritten in place (reprocess): only articles loaded
    before it may be its original.
    """
    keys = band_keys(signature)
    lock_near_duplicates(conn)
    sharing = select(m.ArticleBand.article_id).where(
        m.ArticleBand.band_key == any_(bindparam("keys", keys, type_=ARRAY(BigInteger)))
    )
    query = select(m.ArticleSignature.article_id, m.ArticleSignature.signature).where(
        m.ArticleSignature.article_id.in_(sharing)
    )
    if earlier_only:
        query = query.where(m.ArticleSignature.article_id < article_id)
    for other_id, other in conn.execute(query.order_by(m.ArticleSignature.article_id)).all():
        if similarity(signature, other) >= DUPLICATE_SIMILARITY:
            original = conn.scalar(select(m.Article.duplicate_of).where(m.Article.id == other_id))
            target = original or other_id  # link to the first of the chain, not a copy of it
            conn.execute(
                update(m.Article).where(m.Article.id == article_id).values(duplicate_of=target)
            )
            break
    conn.execute(
        insert(m.ArticleSignature).values(article_id=article_id, signature=list(signature))
    )
    conn.execute(
        insert(m.ArticleBand)
        .values([{"band_key": k, "article_id": article_id} for k in sorted(set(keys))])
        .on_conflict_do_nothing()
    )


def article_row(document_id: int, article: Article) -> dict[str, object]:
    return {
        "document_id": document_id,
        "source_uri": article.source_uri,
        "url": article.url,
        "publisher": article.publisher,
        "title": article.title,
        "standfirst": article.standfirst,
        "authors": list(article.authors),
        "section": article.section,
        "published_at": article.published_at,
        "language": article.language,
        "body": article.body,
        "word_count": article.word_count,
        "removed": [asdict(r) for r in article.removed],
        "pipeline_version": PIPELINE_VERSION,
    }


def write_mentions(
    conn: Connection, mentions: Sequence[tuple[int, Mention]], echo: bool = False
) -> list[int]:
    """Insert (article id, mention) pairs, their entities resolved first; returns the new ids.

    `echo`: the mentions are lone name words the cross-article pass found (`mentions.echo`),
    standing for their one-word key (`mentions.short_key`) until the pass decides them.
    """
    found = [x for _, x in mentions]
    people = entity_ids(conn, "person", [x for x in found if x.kind == "person"])
    orgs = entity_ids(conn, "organisation", [x for x in found if x.kind == "organisation"])
    rows = [
        {
            "article_id": article_id,
            "person_id": people.get(x.key) if x.kind == "person" else None,
            "organisation_id": orgs.get(x.key) if x.kind == "organisation" else None,
            "field": x.field,
            "start_char": x.start,
            "end_char": x.end,
            "surface": x.surface,
            "sentence": x.sentence,
            "echo": echo,
            "short_key": x.key if echo else None,
        }
        for article_id, x in mentions
    ]
    if not rows:
        return []
    return list(conn.scalars(insert(m.Mention).returning(m.Mention.id), rows))


APPLIED_LINES_SQL = text("SELECT line_key, line, publishers FROM learned_lines ORDER BY 1")
OWED_SQL = text("SELECT EXISTS (SELECT 1 FROM pending_work)")


def applied_lines(engine: Engine) -> dict[str, tuple[str, list[str]]]:
    """Learned boilerplate as last applied (`learned_lines`), what new articles are cleaned
    with: folded line -> (the line as written, the publishers repeating it)."""
    with engine.connect() as conn:
        return {key: (line, list(pubs)) for key, line, pubs in conn.execute(APPLIED_LINES_SQL)}


def owes_work(engine: Engine) -> bool:
    """Whether some article's after-commit work is owed (`pending_work`; see learn.settle)."""
    with engine.connect() as conn:
        return bool(conn.scalar(OWED_SQL))


def all_loaded(engine: Engine, docs: Iterable[RawDocument | Rejected]) -> int | None:
    """How many inputs there are when every one is loaded already and no work is owed (a run
    would change nothing); None as soon as one is new or rejected, or work is owed."""
    if owes_work(engine):
        return None
    hashes: set[str] = set()
    seen = 0
    for doc in docs:
        if isinstance(doc, Rejected):
            return None  # a reject is written again by each run: a run has work to do
        hashes.add(doc.content_sha256)
        seen += 1
    return seen if len(known_hashes(engine, hashes)) == len(hashes) else None


def owe_work(conn: Connection, article_ids: Sequence[int], run_id: int | None) -> None:
    """Record that these articles' after-commit work is owed (`pending_work`, see learn)."""
    if not article_ids:
        return
    conn.execute(
        text(
            "INSERT INTO pending_work (article_id, run_id) "
            "SELECT unnest(CAST(:ids AS bigint[])), :run ON CONFLICT (article_id) DO NOTHING"
        ),
        {"ids": list(article_ids), "run": run_id},
    )


def entity_ids(conn: Connection, kind: EntityKind, mentions: Sequence[Mention]) -> dict[str, int]:
    """Entity id per folded key: an alias (an analyst's merge) first, else upsert on the key.

    Set-based whatever the number of names: one lookup, at most one statement of each kind.
    """
    if not mentions:
        return {}
    _, alias_table, alias_fk = _entity_tables(kind)
    best: dict[str, Mention] = {}
    for x in mentions:
        # The longest well-formed name seen becomes the display name.
        if x.key not in best or len(x.name) > len(best[x.key].name):
            best[x.key] = x
    keys = sorted(best)  # a fixed order keeps concurrent upserts from deadlocking
    known = conn.execute(
        select(alias_table.c.alias_key, alias_table.c[alias_fk], alias_table.c.alias).where(
            alias_table.c.alias_key == any_(bindparam("keys", keys, type_=ARRAY(Text)))
        )
    ).all()
    ids = {key: entity_id for key, entity_id, _ in known}
    longer = [best[key] for key, _, alias in known if len(best[key].name) > len(alias)]
    if longer:
        _rename(conn, kind, sorted(longer, key=lambda x: x.key))
    missing = [best[k] for k in keys if k not in ids]
    if missing:
        ids.update(_upsert_entities(conn, kind, missing))
    return ids


def _rename(conn: Connection, kind: EntityKind, longer: list[Mention]) -> None:
    """A longer well-formed variant of a known name becomes its display name."""
    table, alias_table, _ = _entity_tables(kind)
    params = {"keys": [x.key for x in longer], "names": [x.name for x in longer]}
    new = "unnest(CAST(:keys AS text[]), CAST(:names AS text[])) AS v(key, name)"
    conn.execute(
        text(
            f"UPDATE {alias_table.name} t SET alias = v.name FROM {new} WHERE t.alias_key = v.key"
        ),
        params,
    )
    # Only the entity that owns the key: a merged alias must not rename its new entity.
    conn.execute(
        text(
            f"UPDATE {table.name} t SET name = v.name FROM {new} "
            "WHERE t.name_key = v.key AND char_length(t.name) < char_length(v.name)"
        ),
        params,
    )


def _upsert_entities(conn: Connection, kind: EntityKind, best: list[Mention]) -> dict[str, int]:
    """Insert new entities (or lengthen a display name) and their aliases; folded key -> id.

    One statement: the upsert returns the ids the alias insert needs. `best` is sorted by key.
    """
    table, alias_table, alias_fk = _entity_tables(kind)
    params = {
        "keys": [x.key for x in best],
        "names": [x.name for x in best],
        "acronyms": [x.acronym for x in best],
    }
    acronym = kind == "organisation"
    columns = "name, name_key, acronym" if acronym else "name, name_key"
    longer = (
        "CASE WHEN char_length(excluded.name) > char_length(t.name) "
        "THEN excluded.name ELSE t.name END"
    )
    set_ = f"name = {longer}" + (
        ", acronym = coalesce(t.acronym, excluded.acronym)" if acronym else ""
    )
    statement = text(
        "WITH v AS (SELECT * FROM unnest(CAST(:keys AS text[]), CAST(:names AS text[]), "
        "CAST(:acronyms AS text[])) WITH ORDINALITY AS v(key, name, acronym, n)), "
        f"up AS (INSERT INTO {table.name} AS t ({columns}) "
        f"SELECT {columns.replace('name_key', 'key')} FROM v ORDER BY n "
        f"ON CONFLICT (name_key) DO UPDATE SET {set_} RETURNING t.name_key, t.id), "
        f"aliases AS (INSERT INTO {alias_table.name} (alias_key, alias, {alias_fk}) "
        "SELECT v.key, v.name, up.id FROM v JOIN up ON up.name_key = v.key ORDER BY v.n "
        "ON CONFLICT (alias_key) DO NOTHING) "
        "SELECT name_key, id FROM up"
    )
    return dict(conn.execute(statement, params).tuples().all())


def _entity_tables(kind: EntityKind) -> tuple[Table, Table, str]:
    """The entity table, its alias table and the alias table's foreign-key column."""
    if kind == "person":
        return m.Person.__table__, m.PersonAlias.__table__, "person_id"  # type: ignore[return-value]
    return (
        m.Organisation.__table__,  # type: ignore[return-value]
        m.OrganisationAlias.__table__,
        "organisation_id",
    )


def record_rejects(engine: Engine, rejects: Sequence[Rejected], run_id: int | None) -> None:
    """Write rejects; an input rejected again updates its row instead of adding one."""
    if not rejects:
        return
    with engine.begin() as conn:
        for r in _dedupe_rejects(rejects):
            # A reject without a hash (unreadable, too large) has no key to upsert on; its
            # path's newer outcome replaces it, so a rerun does not add a second row.
            conn.execute(_hashless_rejects(r.source_uri))
            stmt = insert(m.Reject).values(
                source_uri=r.source_uri,
                content_sha256=r.content_sha256,
                stage=r.stage,
                reason=r.reason,
                detail=r.detail,
                run_id=run_id,
            )
            if r.content_sha256 is not None:
                stmt = stmt.on_conflict_do_update(
                    index_elements=["content_sha256"],
                    set_={
                        "source_uri": stmt.excluded.source_uri,
                        "stage": stmt.excluded.stage,
                        "reason": stmt.excluded.reason,
                        "detail": stmt.excluded.detail,
                        "run_id": stmt.excluded.run_id,
                        "created_at": func.now(),
                    },
                )
            conn.execute(stmt)


def _hashless_rejects(source_uri: str) -> Delete:
    """Delete the rows of an input rejected before it could be hashed."""
    return delete(m.Reject).where(
        m.Reject.source_uri == source_uri, m.Reject.content_sha256.is_(None)
    )


def _dedupe_rejects(rejects: Sequence[Rejected]) -> list[Rejected]:
    """One row per content hash: the same bytes twice in a batch would conflict with itself."""
    seen: dict[str | None, Rejected] = {}
    out = []
    for r in rejects:
        if r.content_sha256 is None:
            out.append(r)
        elif r.content_sha256 not in seen:
            seen[r.content_sha256] = r
            out.append(r)
    return out


@contextmanager
def inbox_lock(engine: Engine, inbox: str) -> Iterator[bool]:
    """Hold a session advisory lock on `inbox` for the block; yields False if another run has it.

    The lock lives on its own connection, so a crashed run releases it when its connection dies.
    """
    with engine.connect() as conn:
        key = conn.scalar(select(func.hashtext("newsdesk:inbox:" + inbox)))
        held = bool(conn.scalar(select(func.pg_try_advisory_lock(key))))
        conn.commit()
        try:
            yield held
        finally:
            if held:
                conn.execute(select(func.pg_advisory_unlock(key)))
                conn.commit()


# Advisory-lock namespace of live runs: a run holds (RUN_LOCKS, its id) on a connection of its
# own until it finishes, so a run whose process died is one whose lock anyone can take.
RUN_LOCKS = 0x6E64
_run_locks: dict[int, Connection] = {}


def start_run(engine: Engine, flow_run_id: str | None) -> int:
    """A `pipeline_runs` row for this run; its id tags the run's rejects.

    Runs left 'running' by a process that died (SIGKILL, lost machine) are closed as 'crashed'.
    """
    close_dead_runs(engine)
    with engine.begin() as conn:
        run_id = conn.execute(
            insert(m.PipelineRun)
            .values(flow_run_id=flow_run_id, pipeline_version=PIPELINE_VERSION)
            .returning(m.PipelineRun.id)
        ).scalar_one()
    holder = engine.connect()
    holder.execute(
        text("SELECT pg_advisory_lock(:ns, :id)"), {"ns": RUN_LOCKS, "id": _lock_id(run_id)}
    )
    holder.commit()
    _run_locks[run_id] = holder
    return run_id


def close_dead_runs(engine: Engine) -> list[int]:
    """Mark 'crashed' every 'running' run whose process no longer holds its lock."""
    with engine.begin() as conn:
        running = conn.scalars(
            select(m.PipelineRun.id).where(m.PipelineRun.status == "running")
        ).all()
        dead = [
            run_id
            for run_id in running
            if conn.scalar(
                text("SELECT pg_try_advisory_xact_lock(:ns, :id)"),
                {"ns": RUN_LOCKS, "id": _lock_id(run_id)},
            )
        ]
        if dead:
            conn.execute(
                update(m.PipelineRun)
                .where(m.PipelineRun.id.in_(dead), m.PipelineRun.status == "running")
                .values(
                    status="crashed",
                    finished_at=func.now(),
                    error="the run stopped without closing its row (process killed or lost); "
                    "its loaded articles are complete, and the next run loaded the rest",
                )
            )
    return dead


def _lock_id(run_id: int) -> int:
    return run_id % 2**31  # the two-key advisory lock takes int4 keys


def _release_run_lock(run_id: int) -> None:
    holder = _run_locks.pop(run_id, None)
    if holder is None:
        return
    try:
        # Unlocked by hand: closing only returns the connection to the pool, where a session
        # lock would stay held (and block a later run given the same id, after a restore).
        holder.execute(
            text("SELECT pg_advisory_unlock(:ns, :id)"), {"ns": RUN_LOCKS, "id": _lock_id(run_id)}
        )
        holder.commit()
        holder.close()
    except Exception:  # the server may be gone; then the lock went with it
        log.debug("releasing the run lock failed", exc_info=True)
        holder.invalidate()


def finish_run(
    engine: Engine, run_id: int, counts: LoadCounts, status: str, error: str | None = None
) -> dict[str, int]:
    """Close the run's row with its counts; returns the table totals for the summary."""
    _release_run_lock(run_id)
    with engine.begin() as conn:
        totals = {
            "people": conn.scalar(select(func.count()).select_from(m.Person)) or 0,
            "organisations": conn.scalar(select(func.count()).select_from(m.Organisation)) or 0,
        }
        conn.execute(
            update(m.PipelineRun)
            .where(m.PipelineRun.id == run_id)
            .values(
                finished_at=datetime.now(UTC),
                status=status,
                inputs_seen=counts.loaded + counts.already_loaded + counts.rejected,
                loaded=counts.loaded,
                already_loaded=counts.already_loaded,
                rejected=counts.rejected,
                mentions=counts.mentions,
                people=totals["people"],
                organisations=totals["organisations"],
                error=error,
            )
        )
    return totals


def replace_article(
    engine: Engine,
    document_id: int,
    article: Article,
    mentions: Sequence[Mention],
    signature: Sequence[int] | None = None,
    lines: Sequence[tuple[str, str]] = (),
    run_id: int | None = None,
    relink: bool = True,
    settling: bool = False,
) -> int | None:
    """Rewrite one document's article, mentions and lines in place, in one transaction.

    The article keeps its id, so `duplicate_of` links and analysts' saved ids stay valid.
    With `relink` (reprocess: the cleaning may have changed) its signature and near-duplicate
    link are recomputed against earlier articles only (never a later copy of itself); without
    (a rebuild for learned lines, which never change the signature) they are kept. Mentions go
    through the aliases like any load, so analysts' merges hold; the article's after-commit
    work becomes owed. `settling`: the caller holds the settle lock (learn.settle).
    Returns the article id, or None when the document has no article.
    """
    with engine.begin() as conn:
        if not settling:
            share_settle_lock(conn)
        article_id = conn.scalar(
            select(m.Article.id)
            .where(m.Article.document_id == document_id)
            # Not FOR UPDATE: loads referencing this article (duplicate_of) may go on.
            .with_for_update(key_share=True)  # FOR NO KEY UPDATE
        )
        if article_id is None:
            return None
        row = article_row(document_id, article)
        links = {"duplicate_of": None} if relink else {}
        conn.execute(
            update(m.Article)
            .where(m.Article.id == article_id)
            .values(**row, **links, loaded_at=func.now())
        )
        for model in (m.Mention, m.ArticleLine):
            conn.execute(delete(model).where(model.article_id == article_id))
        if relink:
            for model in (m.ArticleBand, m.ArticleSignature):  # type: ignore[assignment]
                conn.execute(delete(model).where(model.article_id == article_id))
        # Entities first: see lock_near_duplicates.
        write_mentions(conn, [(article_id, x) for x in mentions])
        write_lines(conn, article_id, lines)
        if relink and signature:
            _link_duplicate(conn, article_id, signature, earlier_only=True)
        owe_work(conn, [article_id], run_id)
        return article_id


def write_lines(conn: Connection, article_id: int, lines: Sequence[tuple[str, str]]) -> None:
    """The article's learnable lines (`article_lines`)."""
    if lines:
        conn.execute(
            insert(m.ArticleLine),
            [{"article_id": article_id, "line_key": k, "line": line} for k, line in lines],
        )
