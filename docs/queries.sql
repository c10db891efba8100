-- newsdesk: worked queries for analysts.
--
-- Run any of them in psql:  psql "$(newsdesk db-url)" -f docs/queries.sql
-- Tables, views and columns are described in docs/schema.md (and by \d+ name in psql).
-- The analyst views leave near-duplicate articles (articles.duplicate_of IS NOT NULL) out of
-- their counts, so a wire story republished ten times counts once.
--
-- Each query starts with "-- name:" and "-- expect:" lines; tests/analyst/test_queries.py
-- runs every one against the loaded samples/ and checks it returns rows when it expects
-- "rows" ("any" means an empty answer is fine on the samples).


-- name: top people
-- expect: rows
-- Who is mentioned in the most articles, with mentions and publishers as tie-breakers.
SELECT rank, name, articles, mentions, publishers, first_published, last_published
FROM top_people
ORDER BY rank, mentions DESC, name
LIMIT 10;


-- name: top organisations
-- expect: rows
SELECT rank, name, acronym, articles, mentions, publishers
FROM top_organisations
ORDER BY rank, mentions DESC, name
LIMIT 10;


-- name: mentions over time by publisher
-- expect: rows
-- Daily mentions of each entity per publisher, newest first. Undated articles have day NULL;
-- drop them with "WHERE day IS NOT NULL" when you plot.
SELECT day, publisher, entity_kind, entity_name, mentions, articles
FROM daily_entity_mentions
WHERE day IS NOT NULL
ORDER BY day DESC, mentions DESC, entity_name
LIMIT 50;


-- name: weekly mentions of one person
-- expect: rows
-- A time series for one entity: weeks with no mention are filled with 0 by generate_series.
WITH weeks AS (
    SELECT generate_series(
        date_trunc('week', min(day)), date_trunc('week', max(day)), interval '1 week'
    )::date AS week
    FROM daily_entity_mentions WHERE day IS NOT NULL
)
SELECT w.week, coalesce(sum(d.mentions), 0) AS mentions
FROM weeks w
LEFT JOIN daily_entity_mentions d
       ON date_trunc('week', d.day)::date = w.week AND d.entity_name = 'Lucinda Hale'
GROUP BY w.week
ORDER BY w.week;


-- name: who appears with whom
-- expect: rows
-- People mentioned together, strongest pairs first: the edges of a co-occurrence network.
SELECT person_a, person_b, shared_articles, first_published, last_published
FROM person_pairs
ORDER BY shared_articles DESC, person_a, person_b
LIMIT 20;


-- name: one person's network
-- expect: rows
-- Everyone (people and organisations) who shares an article with Daniel Whitcombe.
SELECT CASE WHEN name_a = 'Daniel Whitcombe' THEN name_b ELSE name_a END AS partner,
       CASE WHEN name_a = 'Daniel Whitcombe' THEN kind_b ELSE kind_a END AS kind,
       shared_articles
FROM entity_pairs
WHERE 'Daniel Whitcombe' IN (name_a, name_b)
ORDER BY shared_articles DESC, partner;


-- name: network edges for Gephi or networkx
-- expect: rows
-- Save with \copy (...) TO 'edges.csv' CSV HEADER; "Source,Target,Weight" is what Gephi reads.
SELECT name_a AS "Source", name_b AS "Target", shared_articles AS "Weight",
       kind_a, kind_b
FROM entity_pairs
ORDER BY shared_articles DESC, name_a, name_b;


-- name: full-text search, ranked with snippets
-- expect: rows
-- search_articles() takes web-search syntax: words, "a phrase", or, -word. Matches are in
-- **bold** in the snippet.
SELECT article_id, round(rank::numeric, 4) AS rank, publisher, title, snippet
FROM search_articles('ferry subsidy')
LIMIT 10;


-- name: full-text search by hand
-- expect: rows
-- The same search spelled out, to combine with other conditions. The to_tsvector(...)
-- expression must be exactly this one to use the index ix_articles_fts.
SELECT a.id, a.publisher, a.title,
       ts_rank_cd(to_tsvector('english', coalesce(a.title, '') || ' ' || a.body), q) AS rank
FROM articles a, websearch_to_tsquery('english', '"water company" or pipes') AS q
WHERE to_tsvector('english', coalesce(a.title, '') || ' ' || a.body) @@ q
  AND a.duplicate_of IS NULL
ORDER BY rank DESC
LIMIT 10;


-- name: top entities for a query
-- expect: rows
-- Which people and organisations the articles about a topic mention most.
SELECT e.entity_kind, e.entity_name, count(*) AS articles, sum(e.mentions) AS mentions
FROM search_articles('water') s
JOIN article_entities e ON e.article_id = s.article_id
GROUP BY e.entity_kind, e.entity_name
ORDER BY articles DESC, mentions DESC, e.entity_name
LIMIT 10;


-- name: short names resolved to full names
-- expect: rows
-- Every mention written differently from the canonical name, with its sentence: check that
-- "Whitcombe" really is Daniel Whitcombe.
SELECT p.name, m.surface, a.title, m.sentence
FROM mentions m
JOIN people p ON p.id = m.person_id
JOIN articles a ON a.id = m.article_id
WHERE m.surface <> p.name
ORDER BY p.name, a.id;


-- name: first appearance of each entity
-- expect: rows
-- When each person or organisation first appeared in the news, and in which publication.
SELECT DISTINCT ON (entity_kind, entity_id)
       entity_kind, entity_name, published_at AS first_seen, publisher, title
FROM article_entities
WHERE published_at IS NOT NULL AND duplicate_of IS NULL
ORDER BY entity_kind, entity_id, published_at;


-- name: articles per publisher and how many carry a date
-- expect: rows
-- A data-quality view: undated articles are missing from every time series.
SELECT publisher, count(*) AS articles,
       count(published_at) AS dated,
       count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS near_duplicates,
       round(avg(word_count)) AS avg_words
FROM articles
GROUP BY publisher
ORDER BY articles DESC, publisher;


-- name: near-duplicates and their originals
-- expect: any
SELECT c.id, c.publisher, c.title, o.id AS original_id, o.publisher AS original_publisher
FROM articles c
JOIN articles o ON o.id = c.duplicate_of
ORDER BY c.id;


-- name: why inputs were rejected
-- expect: any
SELECT stage, reason, count(*) AS inputs, min(detail) AS example
FROM rejects
GROUP BY stage, reason
ORDER BY inputs DESC;


-- name: merges analysts made
-- expect: any
-- Standing merges (undo one with: newsdesk split person --merge ID).
SELECT id, kind, kept_id, merged_name, cardinality(mention_ids) AS mentions_moved, note,
       merged_by, merged_at
FROM entity_merges
WHERE split_at IS NULL
ORDER BY merged_at DESC;


-- name: articles whose date came only from the URL
-- expect: any
-- Where each metadata value came from is in article_provenance (one row per article and
-- field; articles.provenance holds the same as JSON). Dates read off the URL path are the
-- weakest evidence (midnight UTC, no time or zone): these are the articles to check first.
SELECT article_id, published_at, url, publisher
FROM article_provenance
WHERE field = 'published_at' AND source = 'url'
ORDER BY published_at DESC, article_id;
