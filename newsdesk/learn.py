"""What the loaded corpus teaches, settled after articles commit: per-publisher boilerplate,
and short names an article never expanded (or the model never tagged) but the story did.

Work owed after a commit is recorded with the articles (`pending_work`, written in their
transaction) and `settle` does it, in any run that finds some: the run that loaded them, or
the next one if that run was killed. What settling decides depends only on which articles are
loaded, not on the order of runs or batches they came in: the learned lines are counted on
what articles keep without them (`article_lines`), and every short name the pass decided
(`mentions.short_key`) is decided again from the mentions the articles decided themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, delete, text
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.types import BigInteger, Text

import models as m
from newsdesk import load
from newsdesk.clean.learned import LEARN_MAX_WORDS
from newsdesk.entities.echo import Taken, find_echoes
from newsdesk.entities.keys import fold_key
from newsdesk.entities.spans import name_words
from newsdesk.records import Field, Mention, chunks

# A line is a publisher's boilerplate when at least this many of the publisher's original
# articles keep it ... (three: two articles of one story can share real paragraphs)
LEARN_MIN_ARTICLES = 3
# ... and at least this share of them (promos and widget labels run on most pages; a quoted
# sentence recurs in a handful of follow-ups, not in a fifth of everything).
LEARN_MIN_SHARE = 0.2

# Counted on what articles keep without learned boilerplate, so applying a learned line never
# changes what is learned. Near-duplicates count once (wire copy would otherwise teach its
# own paragraphs). An article named by its furniture (FURNITURE_SQL) teaches nothing: its
# name comes from what cleaning removed, learned lines among it, which would otherwise feed
# on themselves.
LEARNED_SQL = text(
    """
    WITH originals AS MATERIALIZED (
        SELECT id, publisher FROM articles
        WHERE publisher IS NOT NULL AND duplicate_of IS NULL
          AND provenance #>> '{publisher,source}' IS DISTINCT FROM 'learned_furniture'
    ),
    sizes AS (SELECT publisher, count(*) AS n FROM originals GROUP BY publisher)
    SELECT o.publisher, l.line_key, min(l.line) AS line
    FROM article_lines l JOIN originals o ON o.id = l.article_id JOIN sizes s USING (publisher)
    GROUP BY o.publisher, l.line_key, s.n
    HAVING count(*) >= :min_articles AND count(*) >= :min_share * s.n
    ORDER BY 1, 2
    """
)
HOLDING_SQL = text(
    "SELECT DISTINCT article_id FROM article_lines WHERE line_key = ANY(:keys) ORDER BY 1"
).bindparams(bindparam("keys", type_=ARRAY(Text)))
PENDING_SQL = text("SELECT article_id FROM pending_work ORDER BY 1")
SETTLED_SQL = text("DELETE FROM pending_work WHERE article_id = ANY(:ids)").bindparams(
    bindparam("ids", type_=ARRAY(BigInteger))
)

# A domain's publisher name is learned when at least this many of its original articles name
# their site (og:site_name, JSON-LD publisher, a masthead, a record's field) ...
PUBLISHER_MIN_ARTICLES = 2
# ... and one name is at least this share of them (a single mistaken masthead cannot win).
PUBLISHER_MIN_SHARE = 2 / 3
# The sources that are not a page naming itself: a bare domain, or a name given from outside.
NOT_NAMED = ("email-domain", "registry", "learned", "url", "learned_furniture")

# Each article's domain: its URL's host without "www.", else its byline e-mail's domain (a
# publisher candidate of source 'email-domain', chosen or lost); its publisher's source.
_DOMAINS = """
    SELECT a.id, a.publisher, a.duplicate_of, a.provenance #>> '{publisher,source}' AS source,
           coalesce(
               lower(regexp_replace(
                   substring(a.url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/@]*@)?([^/:?#]+)'),
                   '^www\\.', '')),
               (SELECT c ->> 'value'
                FROM jsonb_array_elements(
                    coalesce(a.provenance #> '{publisher,lost}', '[]'::jsonb)
                    || jsonb_build_array(coalesce(a.provenance -> 'publisher', '{}'::jsonb))
                ) AS c
                WHERE c ->> 'source' = 'email-domain'
                LIMIT 1)
           ) AS domain
    FROM articles a
"""
# The articles a learned name may go to (or be taken from): those naming no publisher.
_UNNAMED = (
    " WHERE a.publisher IS NULL"
    " OR a.provenance #>> '{publisher,source}' IN ('email-domain', 'learned')"
)
LEARN_PUBLISHERS_SQL = text(
    f"""
    WITH domains AS MATERIALIZED (
        {_DOMAINS} WHERE a.publisher IS NOT NULL AND a.duplicate_of IS NULL
    ),
    named AS (
        SELECT domain, publisher AS name, count(*) AS n
        FROM domains
        WHERE domain IS NOT NULL AND source IS NOT NULL AND source <> ALL(:not_named)
        GROUP BY 1, 2
    ),
    shares AS (
        SELECT domain, name, n, sum(n) OVER (PARTITION BY domain) AS total FROM named
    )
    SELECT domain, name, n FROM shares
    WHERE n >= :min_articles AND n >= :min_share * total
    ORDER BY 1
    """
).bindparams(bindparam("not_named", type_=ARRAY(Text)))
# Articles that took a learned name whose domain no longer has it: back to what they had (the
# first candidate that lost to the learned name: their e-mail's domain, or nothing).
UNLEARN_PUBLISHERS_SQL = text(
    f"""
    WITH domains AS MATERIALIZED ({_DOMAINS}{_UNNAMED})
    UPDATE articles a
    SET publisher = CASE WHEN a.provenance #>> '{{publisher,lost,0,source}}' = 'email-domain'
                         THEN a.provenance #>> '{{publisher,lost,0,value}}' END,
        provenance = CASE
            WHEN a.provenance #>> '{{publisher,lost,0,source}}' = 'email-domain'
            THEN jsonb_set(a.provenance, '{{publisher}}', jsonb_build_object(
                'source', 'email-domain',
                'value', a.provenance #> '{{publisher,lost,0,value}}',
                'lost', (a.provenance #> '{{publisher,lost}}') - 0))
            ELSE a.provenance - 'publisher' END
    FROM domains d
    WHERE d.id = a.id AND d.source = 'learned'
      AND NOT EXISTS (
          SELECT 1 FROM publisher_names n WHERE n.domain = d.domain AND n.name = d.publisher
      )
    """
)
# Articles of a learned domain that name no publisher of their own take the learned name; what
# they had (a bare domain, or nothing but their URL) is kept as the candidate that lost.
APPLY_PUBLISHERS_SQL = text(
    f"""
    WITH domains AS MATERIALIZED ({_DOMAINS}{_UNNAMED})
    UPDATE articles a
    SET publisher = n.name,
        provenance = jsonb_set(a.provenance, '{{publisher}}', jsonb_build_object(
            'source', 'learned',
            'value', n.name,
            'lost', CASE
                WHEN d.source IS NULL THEN jsonb_build_array(
                    jsonb_build_object('source', 'url', 'value', d.domain))
                ELSE jsonb_build_array(jsonb_build_object(
                         'source', d.source, 'value', a.provenance #> '{{publisher,value}}'))
                     || coalesce(a.provenance #> '{{publisher,lost}}', '[]'::jsonb)
                END))
    FROM domains d JOIN publisher_names n USING (domain)
    WHERE d.id = a.id AND (d.source IS NULL OR d.source = 'email-domain')
    """
)

# A publisher's furniture: the short lines cleaning removed from at least LEARN_MIN_ARTICLES
# of its original articles and at least LEARN_MIN_SHARE of them, whatever removed them (a
# learned line, or a rule: a promo, a widget label, an advert), compared folded (case and
# everything but letters and digits). The one publisher owning every such line an article's
# cleaning removed names the articles that name no publisher (none, or only their byline
# e-mail's domain) and those a settle named so before: a line two publishers' pages carry
# says nothing against either; lines of two publishers, or only shared lines, name none.
# Articles named so count for no publisher here, nor in LEARNED_SQL, so this depends on the
# loaded articles only, not on what an earlier settle gave them.
# The folded lines are `articles.removed_keys` (migration 0009: Postgres folds `removed` on
# write, so a settle does not fold every removed line of every article again); each array holds
# a line once and no empty line, so (article, line) pairs here are unique.
_FURNITURE_OWNERS = """
    furnishable AS MATERIALIZED (
        SELECT id, removed_keys FROM articles
        WHERE publisher IS NULL
           OR provenance #>> '{publisher,source}' IN ('email-domain', 'learned_furniture')
    ),
    furnishable_lines AS MATERIALIZED (
        SELECT f.id, k AS line_key FROM furnishable f CROSS JOIN LATERAL unnest(f.removed_keys) k
    ),
    line_keys AS MATERIALIZED (
        SELECT DISTINCT line_key FROM furnishable_lines
        WHERE array_length(regexp_split_to_array(line_key, ' '), 1) <= :max_words
    ),
    originals AS MATERIALIZED (
        SELECT id, publisher, removed_keys FROM articles
        WHERE publisher IS NOT NULL AND duplicate_of IS NULL
          AND provenance #>> '{publisher,source}' IS DISTINCT FROM 'learned_furniture'
          AND EXISTS (SELECT 1 FROM line_keys)
    ),
    sizes AS (SELECT publisher, count(*) AS n FROM originals GROUP BY publisher),
    removed_lines AS (
        SELECT o.id, o.publisher, k AS line_key
        FROM originals o CROSS JOIN LATERAL unnest(o.removed_keys) k
        WHERE k IN (SELECT line_key FROM line_keys)
    ),
    furniture AS MATERIALIZED (
        SELECT l.line_key, array_agg(l.publisher ORDER BY l.publisher) AS publishers
        FROM (
            SELECT publisher, line_key, count(*) AS n FROM removed_lines GROUP BY 1, 2
        ) l JOIN sizes s USING (publisher)
        WHERE l.n >= :min_articles AND l.n >= :min_share * s.n
        GROUP BY l.line_key
    ),
    held AS MATERIALIZED (
        SELECT fl.id, fu.line_key, fu.publishers
        FROM furnishable_lines fl JOIN furniture fu USING (line_key)
    ),
    held_sizes AS (SELECT id, count(*) AS n FROM held GROUP BY id),
    every_line AS (
        SELECT h.id, p.name
        FROM held h JOIN held_sizes s USING (id)
        CROSS JOIN LATERAL unnest(h.publishers) AS p(name)
        GROUP BY h.id, p.name, s.n
        HAVING count(DISTINCT h.line_key) = s.n
    ),
    owners AS MATERIALIZED (
        SELECT id, min(name) AS name FROM every_line GROUP BY id HAVING count(*) = 1
    )
"""
# Articles a settle named by their furniture whose furniture now names no one, or someone else,
# or whose domain has a learned name (which goes first): back to what they had before (their
# e-mail's domain, or nothing).
UNFURNISH_SQL = text(
    f"""
    WITH {_FURNITURE_OWNERS},
    domains AS MATERIALIZED (
        {_DOMAINS} WHERE a.provenance #>> '{{publisher,source}}' = 'learned_furniture'
    )
    UPDATE articles a
    SET publisher = e.value,
        provenance = CASE
            WHEN e.value IS NULL THEN a.provenance - 'publisher'
            ELSE jsonb_set(a.provenance, '{{publisher}}', jsonb_build_object(
                'source', 'email-domain', 'value', e.value, 'lost', e.rest)) END
    FROM articles b
    JOIN domains d ON d.id = b.id
    LEFT JOIN owners o ON o.id = b.id
    CROSS JOIN LATERAL (
        SELECT min(c ->> 'value') FILTER (WHERE c ->> 'source' = 'email-domain') AS value,
               coalesce(jsonb_agg(c) FILTER (
                   WHERE c ->> 'source' NOT IN ('email-domain', 'furniture-domain')),
                   '[]'::jsonb) AS rest
        FROM jsonb_array_elements(coalesce(b.provenance #> '{{publisher,lost}}', '[]'::jsonb)) c
    ) e
    WHERE a.id = b.id
      AND (o.name IS DISTINCT FROM b.publisher
           OR EXISTS (SELECT 1 FROM publisher_names n WHERE n.domain = d.domain))
    """
)
# Articles naming no publisher take the one their furniture belongs to (FURNITURE_OWNERS),
# and those named so before are brought up to date; rows already right are not written. The
# lost candidates: the domains the name was learned on (publisher_names) as
# 'furniture-domain', then what the article had (its e-mail's domain and what that beat).
FURNITURE_SQL = text(
    f"""
    WITH {_FURNITURE_OWNERS},
    learned_domains AS (
        SELECT name, jsonb_agg(jsonb_build_object('source', 'furniture-domain', 'value', domain)
                               ORDER BY domain) AS found
        FROM publisher_names GROUP BY name
    ),
    named AS (
        SELECT a.id, o.name, jsonb_build_object(
            'source', 'learned_furniture',
            'value', o.name,
            'lost', coalesce(d.found, '[]'::jsonb) || CASE
                WHEN a.publisher IS NULL THEN '[]'::jsonb
                WHEN a.provenance #>> '{{publisher,source}}' = 'email-domain'
                THEN jsonb_build_array(jsonb_build_object(
                         'source', 'email-domain', 'value', a.publisher))
                     || coalesce(a.provenance #> '{{publisher,lost}}', '[]'::jsonb)
                ELSE coalesce((
                    SELECT jsonb_agg(c ORDER BY n)
                    FROM jsonb_array_elements(a.provenance #> '{{publisher,lost}}')
                         WITH ORDINALITY AS x(c, n)
                    WHERE c ->> 'source' <> 'furniture-domain'), '[]'::jsonb)
                END) AS found
        FROM owners o JOIN articles a ON a.id = o.id
        LEFT JOIN learned_domains d ON d.name = o.name
    )
    UPDATE articles a
    SET publisher = n.name, provenance = jsonb_set(a.provenance, '{{publisher}}', n.found)
    FROM named n
    WHERE a.id = n.id AND a.provenance -> 'publisher' IS DISTINCT FROM n.found
    """
)

# Every mention whose person a one-word name stands for ("choe"): those the article left
# short, and those an earlier pass decided (short_key). For each, the full-name person the
# story gives it: the one full name fitting the word that other articles mention in a
# sentence with an entity that shares the short mention's sentence. None fits, or several:
# NULL. Skipped (NULL) when the mention's own article names a fitting full person (the
# article left it short on purpose: ambiguous there).
# Only mentions their article decided (short_key IS NULL) are evidence, so the answer depends
# on the loaded articles, not on what earlier passes concluded. Written to stay linear in the
# corpus whatever the planner's statistics say: the full names a word fits come from a hash
# join on words, and the sentences each of those names shares with other entities are
# collected once (`together`), with the first and last article they occur in.
SHORT_NAMES_SQL = text(
    """
    WITH short AS MATERIALIZED (
        SELECT m.id, m.article_id, m.sentence, m.person_id, m.surface, m.echo, m.short_key,
               coalesce(m.short_key, p.name_key) AS word
        FROM mentions m JOIN people p ON p.id = m.person_id
        WHERE m.short_key IS NOT NULL OR strpos(p.name_key, ' ') = 0
    ),
    name_words AS (
        SELECT id AS person_id, unnest(string_to_array(name_key, ' ')) AS word
        FROM people WHERE strpos(name_key, ' ') > 0
    ),
    open_short AS MATERIALIZED (
        SELECT s.* FROM short s
        WHERE NOT EXISTS (
            SELECT 1 FROM mentions o JOIN name_words w ON w.person_id = o.person_id
            WHERE o.article_id = s.article_id AND o.short_key IS NULL AND w.word = s.word
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
        WHERE o.id <> s.id AND o.short_key IS NULL
          AND (op.id IS NULL OR strpos(op.name_key, ' ') > 0)
    ),
    together AS MATERIALIZED (
        SELECT fm.person_id AS full_id, om.person_id, om.organisation_id,
               min(fm.article_id) AS first_article, max(fm.article_id) AS last_article
        FROM mentions fm
        JOIN mentions om ON om.article_id = fm.article_id AND om.sentence = fm.sentence
        WHERE fm.person_id IN (SELECT person_id FROM fitting) AND om.id <> fm.id
          AND fm.short_key IS NULL AND om.short_key IS NULL
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
    SELECT s.id, s.person_id, s.surface, s.word, s.echo, s.short_key, r.person_id AS target
    FROM short s LEFT JOIN resolved r ON r.short_id = s.id
    ORDER BY s.id
    """
)
MOVE_SQL = text(
    """
    UPDATE mentions m SET person_id = v.person_id, short_key = v.short_key
    FROM unnest(CAST(:ids AS bigint[]), CAST(:people AS bigint[]), CAST(:keys AS text[]))
         AS v(id, person_id, short_key)
    WHERE m.id = v.id
    """
)
DROP_SQL = text("DELETE FROM mentions WHERE id = ANY(:ids)").bindparams(
    bindparam("ids", type_=ARRAY(BigInteger))
)
# Entities no mention refers to any more (a short name resolved, a rebuilt article that no
# longer names them), unless an analyst's merge gave them a name of another entity.
ORPHANS_SQL = [
    text(
        f"""
        DELETE FROM {table} e
        WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.{fk} = e.id)
          AND NOT EXISTS (
              SELECT 1 FROM {aliases} a WHERE a.{fk} = e.id AND a.alias_key <> e.name_key
          )
        """
    )
    for table, aliases, fk in (
        ("people", "person_aliases", "person_id"),
        ("organisations", "organisation_aliases", "organisation_id"),
    )
]

# Articles to look through for lone name words: those being settled, and older ones holding a
# word of a full name those mention (through the full-text index, whose expression this
# repeats so the planner can use it).
SCOPE_SQL = text(
    """
    SELECT id FROM articles
    WHERE :query <> ''
      AND to_tsvector('english', coalesce(title, '') || ' ' || body)
          @@ to_tsquery('english', :query)
    ORDER BY id
    """
)
FULL_NAMES_SQL = text("SELECT name FROM people WHERE strpos(name_key, ' ') > 0")
NAMES_IN_SQL = text(
    """
    SELECT DISTINCT p.name
    FROM mentions mn JOIN people p ON p.id = mn.person_id
    WHERE mn.article_id = ANY(:ids) AND strpos(p.name_key, ' ') > 0
    """
).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))
ARTICLE_TEXTS_SQL = text(
    "SELECT id, title, standfirst, body FROM articles WHERE id = ANY(:ids)"
).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))
ARTICLE_MENTIONS_SQL = text(
    "SELECT article_id, field, start_char, end_char, sentence FROM mentions "
    "WHERE article_id = ANY(:ids)"
).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))
# Articles read per round trip while looking for echoes (bounds memory on large corpora).
ECHO_CHUNK = 500

# Rebuild articles (ids, in id order) with a learned set; returns the ids it rewrote.
Rebuild = Callable[[Sequence[int], frozenset[str]], Sequence[int]]


@dataclass
class Settled:
    """What one settle did."""

    articles: int = 0  # articles whose owed work it finished
    rebuilt: int = 0  # articles rebuilt because the learned lines they hold changed
    resolved: int = 0  # mentions the cross-article pass re-pointed (echoes included)
    learned: int = 0  # learned lines after it


@contextmanager
def _settling(engine: Engine) -> Iterator[None]:
    """Hold the settle lock exclusively on a connection of its own for the block."""
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": load.SETTLE_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": load.SETTLE_LOCK})
            conn.commit()


def settle(engine: Engine, rebuild: Rebuild | None = None) -> Settled:
    """Finish the work owed for every article in `pending_work`; idempotent.

    1. `learn_publishers`, then `relearn`: the learned lines are counted again (on the
       publishers just settled), and the articles holding a line that became or stopped
       being learned are rebuilt with the new set; then `learn_publishers` again (rebuilt
       articles, and the names articles take from the learned lines they hold).
    2. The cross-article pass (`resolve_short_names`) over the owed and rebuilt articles,
       in one transaction that also deletes their `pending_work` rows.
    Killed at any point, the rows are still there and the next settle does it all again.
    """
    with _settling(engine):
        with engine.connect() as conn:
            pending = list(conn.scalars(PENDING_SQL))
        if not pending:
            return Settled()
        learn_publishers(engine)
        rebuilt, learned = _relearn(engine, rebuild)
        # Again: a rebuilt article comes back with its page's own name, and the furniture that
        # names pages includes the lines just learned (removed from the rebuilt articles).
        learn_publishers(engine)
        resolved = resolve_short_names(engine, sorted(set(pending) | set(rebuilt)))
        return Settled(len(pending), len(rebuilt), resolved, learned)


def learn_publishers(engine: Engine) -> dict[str, str]:
    """Learn publisher names by domain from the articles that name their site, store them in
    `publisher_names`, and give them to the domain's articles that name none (and take a
    name away where its domain lost it); then give an article still naming none the one
    publisher the furniture its cleaning removed belongs to (`_FURNITURE_OWNERS`). One
    transaction; depends only on what is loaded."""
    with engine.begin() as conn:
        rows = conn.execute(
            LEARN_PUBLISHERS_SQL,
            {
                "not_named": list(NOT_NAMED),
                "min_articles": PUBLISHER_MIN_ARTICLES,
                "min_share": PUBLISHER_MIN_SHARE,
            },
        ).all()
        learned = {domain: name for domain, name, _ in rows}
        names = m.PublisherName
        conn.execute(delete(names).where(names.domain.not_in(list(learned))))
        if rows:
            upsert = insert(names).values(
                [{"domain": d, "name": name, "articles": n} for d, name, n in rows]
            )
            conn.execute(
                upsert.on_conflict_do_update(
                    index_elements=["domain"],
                    set_={"name": upsert.excluded.name, "articles": upsert.excluded.articles},
                )
            )
        furniture = {
            "max_words": LEARN_MAX_WORDS,
            "min_articles": LEARN_MIN_ARTICLES,
            "min_share": LEARN_MIN_SHARE,
        }
        conn.execute(UNFURNISH_SQL, furniture)
        conn.execute(UNLEARN_PUBLISHERS_SQL)
        conn.execute(APPLY_PUBLISHERS_SQL)
        conn.execute(FURNITURE_SQL, furniture)
    return learned


def relearn(engine: Engine, rebuild: Rebuild | None = None) -> tuple[list[int], int]:
    """Count the learned lines again and apply a change to the articles holding it.

    The articles holding a line that became or stopped being learned are rebuilt with the new
    set (`rebuild`, which needs the model; without one a change raises ValueError), keeping
    their owed work owed; then the new set is stored as applied. Returns the rebuilt ids and
    the number of learned lines. A run calls this between batches too, so that later
    batches are cleaned with what the earlier ones taught and few articles need a rebuild.
    """
    with _settling(engine):
        return _relearn(engine, rebuild)


def _relearn(engine: Engine, rebuild: Rebuild | None) -> tuple[list[int], int]:
    """`relearn` with the settle lock held."""
    learned = learned_lines(engine)
    with engine.connect() as conn:
        stored = {key: publishers for key, _, publishers in conn.execute(load.APPLIED_LINES_SQL)}
        changed = sorted(set(learned) ^ set(stored))
        holding = list(conn.scalars(HOLDING_SQL, {"keys": changed})) if changed else []
    rebuilt: list[int] = []
    if holding:
        if rebuild is None:
            raise ValueError("the learned lines changed: applying them needs a rebuild")
        rebuilt = list(rebuild(holding, frozenset(learned)))
    # A line whose publishers changed is stored too (learned_lines says whose it is).
    if changed or any(stored[key] != owners for key, (_, owners) in learned.items()):
        _store_learned(engine, learned)
    return rebuilt, len(learned)


def learned_lines(engine: Engine) -> dict[str, tuple[str, list[str]]]:
    """Folded line -> (the line as written, the publishers repeating it): what to apply now."""
    learned: dict[str, tuple[str, list[str]]] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            LEARNED_SQL, {"min_articles": LEARN_MIN_ARTICLES, "min_share": LEARN_MIN_SHARE}
        )
        for publisher, key, line in rows:
            learned.setdefault(key, (line, []))[1].append(publisher)
    return learned


def learned_boilerplate(engine: Engine) -> dict[str, list[str]]:
    """Per publisher, the lines its articles repeat often enough to be page furniture."""
    by_publisher: dict[str, list[str]] = {}
    for line, publishers in learned_lines(engine).values():
        for publisher in publishers:
            by_publisher.setdefault(publisher, []).append(line)
    return {p: sorted(lines) for p, lines in sorted(by_publisher.items())}


def _store_learned(engine: Engine, learned: dict[str, tuple[str, list[str]]]) -> None:
    """Make `learned` the applied set, keeping when each surviving line was first applied."""
    with engine.begin() as conn:
        conn.execute(delete(m.LearnedLine).where(m.LearnedLine.line_key.not_in(list(learned))))
        if learned:
            rows = [
                {"line_key": key, "line": line, "publishers": publishers}
                for key, (line, publishers) in sorted(learned.items())
            ]
            statement = insert(m.LearnedLine)
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["line_key"],
                    set_={
                        "line": statement.excluded.line,
                        "publishers": statement.excluded.publishers,
                    },
                ),
                rows,
            )


def resolve_short_names(engine: Engine, scope: Sequence[int] | None = None) -> int:
    """The cross-article pass over the articles of `scope` (default: every owed article).

    Lone name words the model missed ("Choe" where another article names "Choe Ryong-hae")
    are looked for in those articles and in older articles holding words of the full names
    they mention; then every short person mention of the corpus takes the one full name the
    story gives it, or goes back to its one-word name (a missed word: goes) when the story
    gives none, or several. Deletes the `pending_work` rows of `scope` in the same
    transaction. Returns how many mentions it re-pointed (echoes included).
    """
    with engine.begin() as conn:
        if scope is None:
            scope = list(conn.scalars(PENDING_SQL))
        _write_echoes(conn, scope)
        changed = _decide_short_names(conn)
        for orphans in ORPHANS_SQL:
            conn.execute(orphans)
        conn.execute(SETTLED_SQL, {"ids": list(scope)})
    return changed


def _decide_short_names(conn: Connection) -> int:
    """Point each short person mention at the story's full name, or back at its own name."""
    rows = conn.execute(SHORT_NAMES_SQL).all()
    back = [r for r in rows if r.target is None and not r.echo and r.short_key is not None]
    own = load.entity_ids(conn, "person", [_one_word(r.surface, r.word) for r in back])
    moves: list[tuple[int, int, str | None]] = []
    drop: list[int] = []
    for r in rows:
        if r.target is not None:
            wanted: tuple[int, str | None] = (r.target, r.word)
        elif r.echo:
            drop.append(r.id)  # a missed word the story does not settle: a guess, so it goes
            continue
        else:
            wanted = (own.get(r.word, r.person_id), None)
        if wanted != (r.person_id, r.short_key):
            moves.append((r.id, *wanted))
    if moves:
        ids, people, keys = zip(*moves, strict=True)
        conn.execute(MOVE_SQL, {"ids": list(ids), "people": list(people), "keys": list(keys)})
    if drop:
        conn.execute(DROP_SQL, {"ids": drop})
    current = {r.id: r.person_id for r in rows}
    return sum(1 for mention_id, person, _ in moves if person != current[mention_id])


def _one_word(surface: str, key: str) -> Mention:
    """A stand-in mention naming the one-word person `key` (for the entity upsert)."""
    return Mention("person", surface, key, surface, "body", 0, len(surface), "")


def _write_echoes(conn: Connection, scope: Sequence[int]) -> None:
    """Store lone name words of known full names as one-word mentions (echo, short_key)."""
    if not scope:
        return
    words = name_words(conn.scalars(FULL_NAMES_SQL))
    fresh = sorted(words & name_words(conn.scalars(NAMES_IN_SQL, {"ids": list(scope)})))
    older = conn.scalars(SCOPE_SQL, {"query": " | ".join(fresh)})
    for chunk in chunks(sorted(set(scope) | set(older)), ECHO_CHUNK):
        load.write_mentions(conn, _echo_mentions(conn, chunk, words), echo=True)


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
