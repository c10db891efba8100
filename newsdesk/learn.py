"""What the loaded corpus teaches later runs: per-publisher boilerplate, and short names that
an article never expanded but other articles of the same story did.

Both read (and the second updates) the database; both are idempotent, so a rerun or a run in
another order reaches the same state.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

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
SHORT_NAMES_SQL = text(
    """
    WITH short AS (
        SELECT m.id, m.article_id, m.sentence, p.name_key AS word
        FROM mentions m JOIN people p ON p.id = m.person_id
        WHERE strpos(p.name_key, ' ') = 0
    ),
    open_short AS (
        SELECT s.* FROM short s
        WHERE NOT EXISTS (
            SELECT 1 FROM mentions o JOIN people fp ON fp.id = o.person_id
            WHERE o.article_id = s.article_id AND strpos(fp.name_key, ' ') > 0
              AND s.word = ANY(string_to_array(fp.name_key, ' '))
        )
    ),
    partners AS (
        SELECT s.id AS short_id, s.article_id, o.person_id, o.organisation_id
        FROM open_short s
        JOIN mentions o ON o.article_id = s.article_id AND o.sentence = s.sentence
        LEFT JOIN people op ON op.id = o.person_id
        WHERE o.id <> s.id AND (op.id IS NULL OR strpos(op.name_key, ' ') > 0)
    ),
    candidates AS (
        SELECT DISTINCT pa.short_id, fp.id AS person_id
        FROM partners pa
        JOIN open_short s ON s.id = pa.short_id
        JOIN mentions om ON om.article_id <> pa.article_id
         AND (om.person_id = pa.person_id OR om.organisation_id = pa.organisation_id)
        JOIN mentions fm ON fm.article_id = om.article_id AND fm.sentence = om.sentence
        JOIN people fp ON fp.id = fm.person_id
        WHERE strpos(fp.name_key, ' ') > 0
          AND s.word = ANY(string_to_array(fp.name_key, ' '))
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


def resolve_short_names(engine: Engine) -> int:
    """Point unexpanded one-word person mentions at the one full name the story gives them.

    Returns how many mentions were re-pointed. A short name with no candidate, or with more
    than one, is left as it is: stored, not guessed.
    """
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('newsdesk:short-names'))"))
        changed = conn.execute(SHORT_NAMES_SQL).rowcount
        if changed:
            conn.execute(ORPHANS_SQL)
    return changed
