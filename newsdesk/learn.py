"""What the loaded corpus teaches later runs: per-publisher boilerplate, and short names that
an article never expanded (or the model never tagged) but other articles of the same story did.

Both read (and the second updates) the database; both are idempotent, so a rerun or a run in
another order reaches the same state.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import islice

from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import BigInteger

from newsdesk import load
from newsdesk.entities.echo import Taken, find_echoes
from newsdesk.entities.keys import fold_key
from newsdesk.entities.spans import name_words
from newsdesk.records import Field, Mention

# A line is a publisher's boilerplate when it stands alone in at least this many of the
# publisher's articles ... (three: two articles of one story can share real paragraphs)
LEARN_MIN_ARTICLES = 3
# ... and in at least this share of them (promos and widget labels run on most pages; a
# quoted sentence recurs in a handful of follow-ups, not in a fifth of everything).
LEARN_MIN_SHARE = 0.2
# Boilerplate lines are short; a long paragraph that recurs is wire copy, not furniture.
LEARN_MAX_WORDS = 25

LEARNED_SQL = text(
    """
    WITH lines AS (
        SELECT a.publisher, a.id, btrim(line) AS line
        FROM articles a, regexp_split_to_table(a.body, E'\\n+') AS line
        WHERE a.publisher IS NOT NULL AND a.duplicate_of IS NULL
    ),
    sizes AS (
        SELECT publisher, count(*) AS n FROM articles
        WHERE publisher IS NOT NULL AND duplicate_of IS NULL GROUP BY publisher
    )
    SELECT l.publisher, l.line
    FROM lines l JOIN sizes s USING (publisher)
    WHERE l.line <> ''
      AND array_length(regexp_split_to_array(l.line, '\\s+'), 1) <= :max_words
    GROUP BY l.publisher, l.line, s.n
    HAVING count(DISTINCT l.id) >= :min_articles
       AND count(DISTINCT l.id) >= :min_share * s.n
    ORDER BY l.publisher, l.line
    """
)


def learned_boilerplate(engine: Engine) -> dict[str, list[str]]:
    """Per publisher, the lines its loaded articles repeat often enough to be page furniture."""
    with engine.connect() as conn:
        rows = conn.execute(
            LEARNED_SQL,
            {
                "min_articles": LEARN_MIN_ARTICLES,
                "min_share": LEARN_MIN_SHARE,
                "max_words": LEARN_MAX_WORDS,
            },
        ).all()
    learned: dict[str, list[str]] = {}
    for publisher, line in rows:
        learned.setdefault(publisher, []).append(line)
    return learned


# For each mention still named by a one-word person key ("choe"), the full-name people
# ("choe ryong hae") that other articles mention in a sentence with an entity that shares the
# short mention's sentence. Skipped when the short mention's own article names a fitting full
# person (then the article left it short on purpose: ambiguous there).
# Written to stay linear in the corpus whatever the planner's statistics say: the full names a
# short word fits come from a hash join on words, and the sentences each of those names shares
# with other entities are collected once (`together`), with the first and last article they
# occur in, instead of joining every partner's mentions with every sentence (which took
# minutes at 20,000 articles, and seconds at 2,000 when the plan went wrong).
SHORT_NAMES_SQL = text(
    """
    WITH short AS (
        SELECT m.id, m.article_id, m.sentence, p.name_key AS word
        FROM mentions m JOIN people p ON p.id = m.person_id
        WHERE strpos(p.name_key, ' ') = 0
    ),
    name_words AS (
        SELECT id AS person_id, unnest(string_to_array(name_key, ' ')) AS word
        FROM people WHERE strpos(name_key, ' ') > 0
    ),
    open_short AS MATERIALIZED (
        SELECT s.* FROM short s
        WHERE NOT EXISTS (
            SELECT 1 FROM mentions o JOIN name_words w ON w.person_id = o.person_id
            WHERE o.article_id = s.article_id AND w.word = s.word
        )
    ),
    fitting AS MATERIALIZED (
        SELECT DISTINCT s.id AS short_id, s.article_id, w.person_id
        FROM open_short s JOIN name_words w ON w.word = s.word
    ),
    partners AS MATERIALIZED (
        SELECT DISTINCT s.id AS short_id, o.person_id, o.organisation_id
        FROM open_short s
        JOIN mentions o ON o.article_id = s.article_id AND o.sentence = s.sentence
        LEFT JOIN people op ON op.id = o.person_id
        WHERE o.id <> s.id AND (op.id IS NULL OR strpos(op.name_key, ' ') > 0)
    ),
    together AS MATERIALIZED (
        SELECT fm.person_id AS full_id, om.person_id, om.organisation_id,
               min(fm.article_id) AS first_article, max(fm.article_id) AS last_article
        FROM mentions fm
        JOIN mentions om ON om.article_id = fm.article_id AND om.sentence = fm.sentence
        WHERE fm.person_id IN (SELECT person_id FROM fitting) AND om.id <> fm.id
        GROUP BY 1, 2, 3
    ),
    candidates AS (
        SELECT f.short_id, f.person_id
        FROM fitting f
        JOIN partners pa ON pa.short_id = f.short_id
        JOIN together t ON t.full_id = f.person_id AND t.person_id = pa.person_id
        WHERE t.first_article <> f.article_id OR t.last_article <> f.article_id
        UNION
        SELECT f.short_id, f.person_id
        FROM fitting f
        JOIN partners pa ON pa.short_id = f.short_id
        JOIN together t ON t.full_id = f.person_id AND t.organisation_id = pa.organisation_id
        WHERE t.first_article <> f.article_id OR t.last_article <> f.article_id
    ),
    resolved AS (
        SELECT short_id, min(person_id) AS person_id
        FROM candidates GROUP BY short_id HAVING count(*) = 1
    )
    UPDATE mentions m SET person_id = r.person_id
    FROM resolved r WHERE m.id = r.short_id
    """
)

# One-word people left with no mentions after resolution (their aliases go with them).
ORPHANS_SQL = text(
    """
    DELETE FROM people p
    WHERE strpos(p.name_key, ' ') = 0
      AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.person_id = p.id)
      AND NOT EXISTS (
          SELECT 1 FROM person_aliases a WHERE a.person_id = p.id AND a.alias_key <> p.name_key
      )
    """
)


# Articles to look through for lone name words: those written since the run started, and
# older ones holding a word of a full name this run mentioned (through the full-text index,
# whose expression this repeats so the planner can use it).
SCOPE_SQL = text(
    """
    SELECT id FROM articles WHERE loaded_at >= :since
    UNION
    SELECT id FROM articles
    WHERE :query <> ''
      AND to_tsvector('english', coalesce(title, '') || ' ' || body)
          @@ to_tsquery('english', :query)
    ORDER BY id
    """
)
FULL_NAMES_SQL = text("SELECT name FROM people WHERE strpos(name_key, ' ') > 0")
FRESH_NAMES_SQL = text(
    """
    SELECT DISTINCT p.name
    FROM articles a JOIN mentions mn ON mn.article_id = a.id JOIN people p ON p.id = mn.person_id
    WHERE a.loaded_at >= :since AND strpos(p.name_key, ' ') > 0
    """
)
ARTICLE_TEXTS_SQL = text(
    "SELECT id, title, standfirst, body FROM articles WHERE id = ANY(:ids)"
).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))
ARTICLE_MENTIONS_SQL = text(
    "SELECT article_id, field, start_char, end_char, sentence FROM mentions "
    "WHERE article_id = ANY(:ids)"
).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))
# Echoes the story did not resolve: a guess would be all they are, so they go.
UNRESOLVED_ECHOES_SQL = text(
    """
    DELETE FROM mentions mn USING people p
    WHERE mn.id = ANY(:ids) AND p.id = mn.person_id AND strpos(p.name_key, ' ') = 0
    """
).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))
# Articles read per round trip while looking for echoes (bounds memory on large corpora).
ECHO_CHUNK = 500


def resolve_short_names(engine: Engine, run_id: int | None = None) -> int:
    """Point unexpanded one-word person mentions at the one full name the story gives them.

    With `run_id`, first look for lone name words the model missed ("Choe" where another
    article names "Choe Ryong-hae") in the articles that run wrote and in older articles
    holding words of the names it mentioned; those the story resolves become mentions, the
    rest are dropped. Returns how many mentions were re-pointed (echoes included). A short
    name with no candidate, or with more than one, is left as it is: stored, not guessed.
    Whatever order articles arrive in, over as many runs as it takes, the outcome is the same.
    """
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('newsdesk:short-names'))"))
        echoes = _write_echoes(conn, _run_started(conn, run_id)) if run_id is not None else []
        changed = conn.execute(SHORT_NAMES_SQL).rowcount
        if echoes:
            conn.execute(UNRESOLVED_ECHOES_SQL, {"ids": echoes})
        if changed or echoes:
            conn.execute(ORPHANS_SQL)
    return changed


def _run_started(conn: Connection, run_id: int) -> datetime:
    started = conn.scalar(
        text("SELECT started_at FROM pipeline_runs WHERE id = :id"), {"id": run_id}
    )
    if started is None:
        raise ValueError(f"no pipeline run {run_id}")
    return started


def _write_echoes(conn: Connection, since: datetime) -> list[int]:
    """Store lone name words of known full names as one-word mentions; returns their ids."""
    words = name_words(conn.scalars(FULL_NAMES_SQL))
    fresh = sorted(words & name_words(conn.scalars(FRESH_NAMES_SQL, {"since": since})))
    ids = list(conn.scalars(SCOPE_SQL, {"since": since, "query": " | ".join(fresh)}))
    written: list[int] = []
    for chunk in _chunks(ids, ECHO_CHUNK):
        written += load.write_mentions(conn, _echo_mentions(conn, chunk, words))
    return written


def _echo_mentions(
    conn: Connection, ids: Sequence[int], words: set[str]
) -> list[tuple[int, Mention]]:
    """(article id, one-word person mention) for every echo in these articles."""
    taken: dict[int, list[Taken]] = {}
    for article_id, field, start, end, sentence in conn.execute(ARTICLE_MENTIONS_SQL, {"ids": ids}):
        taken.setdefault(article_id, []).append(Taken(field, start, end, sentence))
    out = []
    for article_id, title, standfirst, body in conn.execute(ARTICLE_TEXTS_SQL, {"ids": ids}):
        texts: dict[Field, str] = {
            "title": title or "",
            "standfirst": standfirst or "",
            "body": body,
        }
        for e in find_echoes(texts, taken.get(article_id, []), words):
            key = fold_key(e.surface, "person")
            mention = Mention(
                "person", e.surface, key, e.surface, e.field, e.start, e.end, e.sentence
            )
            out.append((article_id, mention))
    return out


def _chunks(items: Sequence[int], size: int) -> Iterator[list[int]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
