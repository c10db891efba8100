"""Documents: what is loaded already (by content hash), and the insert of new ones."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ARRAY, Connection, Engine, Text, bindparam, text

from newsdesk.load.owed import owes_work
from newsdesk.records import Item, RawDocument, Rejected

# The same bytes twice in a batch: the first copy wins. Sorted by hash, one lock order for
# concurrent runs inserting the same documents.
# A record of a WARC file also says where it came from (NULLs for other documents).
INSERT_DOCUMENTS = text(
    "INSERT INTO documents (source_uri, content_sha256, media_type, raw, fetched_at, "
    "target_uri, record_id, record_offset) "
    "SELECT * FROM unnest(CAST(:uris AS text[]), CAST(:shas AS text[]), "
    "CAST(:types AS text[]), CAST(:raws AS bytea[]), CAST(:fetched AS timestamptz[]), "
    "CAST(:targets AS text[]), CAST(:records AS text[]), CAST(:offsets AS bigint[])) ORDER BY 2 "
    "ON CONFLICT (content_sha256) DO NOTHING RETURNING content_sha256, id"
)


# Plain SQL, no ORM: a rerun with nothing new asks this, and importing the models costs it more
# than the query.
KNOWN_SQL = text(
    "SELECT content_sha256 FROM documents WHERE content_sha256 = ANY(:hashes)"
).bindparams(bindparam("hashes", type_=ARRAY(Text)))


def known_hashes(engine: Engine, hashes: Iterable[str]) -> set[str]:
    """The content hashes among `hashes` whose documents are already loaded."""
    wanted = sorted(set(hashes))
    if not wanted:
        return set()
    with engine.connect() as conn:
        return set(conn.scalars(KNOWN_SQL, {"hashes": wanted}))


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


def insert_documents(conn: Connection, items: Sequence[Item]) -> dict[str, int]:
    """Insert the documents not yet loaded; content hash -> id of those inserted now."""
    first: dict[str, RawDocument] = {}
    for item in items:
        first.setdefault(item.doc.content_sha256, item.doc)
    docs = list(first.values())
    params = {
        "uris": [d.source_uri for d in docs],
        "shas": [d.content_sha256 for d in docs],
        "types": [d.media_type for d in docs],
        "raws": [d.raw for d in docs],
        "fetched": [d.origin.fetched_at if d.origin else None for d in docs],
        "targets": [d.origin.url if d.origin else None for d in docs],
        "records": [d.origin.record_id if d.origin else None for d in docs],
        "offsets": [d.origin.offset if d.origin else None for d in docs],
    }
    return dict(conn.execute(INSERT_DOCUMENTS, params).tuples().all())
