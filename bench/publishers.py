"""The settle's publisher pass (`newsdesk.learn.learn_publishers`) as the database grows.

    .venv/bin/python -m bench.publishers [--n 5000] [--scale 10]

Builds N and then scale x N synthetic articles straight into a fresh database (no cleaning, no
NER: documents and articles written by COPY): 50 fictional publishers, each article with the
lines a cleaning removes (two of its publisher's four promos, an ad label, eight captions and
ten related links of its own; a URL on its publisher's domain and a name from og:site_name, so
the pass learns each domain's name), and one article in a hundred a text dump with no URL
and no name, whose furniture names it. Each size is timed over two passes, as a settle runs
them: the first names the unnamed articles by their furniture, the second finds them named and
rewrites nothing.
Printed: seconds per pass and per 1,000 articles, and the ratio of the big size's time per
article to the small one's (same run): about 1 for a pass that grows linearly with the corpus;
a pass that re-reads the whole corpus per unnamed article shows about the scale.

The database: a new one on NEWSDESK_BENCH_DATABASE_URL's server when set, else an embedded
one (pgserver), as bench.throughput.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from sqlalchemy import create_engine, make_url, text

from bench.throughput import fresh_database
from newsdesk import learn
from newsdesk.db import migrate

PUBLISHERS = 50
UNNAMED_EVERY = 100  # one article in this many names no publisher
PROMOS = 4  # promos per publisher; each article prints two of them


def removed_lines(n: int, publisher: int, rnd: random.Random) -> list[dict[str, str]]:
    """The removed lines of synthetic article n of a publisher."""
    promos = [f"Get more with the Courier {publisher} offer {j}" for j in range(PROMOS)]
    lines = [{"text": t, "reason": "promo"} for t in rnd.sample(promos, 2)]
    lines.append({"text": "Advertisement", "reason": "advert"})
    lines += [
        {"text": f"A view of the quay, picture {n}-{k}. Photo: AFP", "reason": "photo_caption"}
        for k in range(8)
    ]
    lines += [
        {"text": f"Related: story {rnd.randrange(10**9)}", "reason": "related_link"}
        for _ in range(10)
    ]
    return lines


def fill(url: str, start: int, count: int) -> None:
    """Write articles start+1 .. start+count (and their documents) by COPY."""
    rnd = random.Random(start)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        ids = range(start + 1, start + count + 1)
        columns = "id, source_uri, content_sha256, media_type, raw"
        with conn.cursor().copy(f"COPY documents ({columns}) FROM STDIN") as copy:
            for i in ids:
                copy.write_row((i, f"bench://{i}.txt", f"{i:064x}", "text/plain", b""))
        columns = (
            "id, document_id, source_uri, url, publisher, body, word_count, pipeline_version, "
            "removed, provenance"
        )
        with conn.cursor().copy(f"COPY articles ({columns}) FROM STDIN") as copy:
            for i in ids:
                publisher = (i + i // UNNAMED_EVERY) % PUBLISHERS  # the unnamed spread over all
                removed = json.dumps(removed_lines(i, publisher, rnd))
                if i % UNNAMED_EVERY == 0:  # a text dump: no URL, no name
                    row = (None, None, "{}")
                else:  # a page naming its site, on its site's domain
                    name = f"The Courier {publisher}"
                    found = {"publisher": {"source": "meta:og:site_name", "value": name}}
                    url = f"https://courier{publisher}.example/news/{i}"
                    row = (url, name, json.dumps(found))
                copy.write_row(
                    (i, i, f"bench://{i}.txt", row[0], row[1], "", 0, "bench", removed, row[2])
                )
        conn.execute("ANALYZE articles")


def passes(url: str) -> tuple[float, float, int]:
    """Seconds of two publisher passes, and the articles named by their furniture."""
    engine = create_engine(url)
    times = []
    for _ in range(2):
        started = time.perf_counter()
        learn.learn_publishers(engine)
        times.append(time.perf_counter() - started)
    with engine.connect() as conn:
        named = conn.scalar(
            text(
                "SELECT count(*) FROM articles "
                "WHERE provenance #>> '{publisher,source}' = 'learned_furniture'"
            )
        )
    engine.dispose()
    return times[0], times[1], int(named or 0)


def main() -> None:
    """Time both sizes and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="articles of the small size")
    parser.add_argument("--scale", type=int, default=10, help="the big size is this x n")
    args = parser.parse_args()
    url, keep = fresh_database()
    engine = create_engine(url)
    migrate(engine)
    engine.dispose()
    per_article = []
    size = 0
    for target in (args.n, args.n * args.scale):
        fill(url, size, target - size)
        size = target
        first, second, named = passes(url)
        per_article.append((first + second) / size)
        print(
            f"{size:>8,} articles: first pass {first:6.2f} s, second {second:6.2f} s "
            f"({1000 * (first + second) / size:.3f} s per 1,000 articles); "
            f"{named:,} named by their furniture (of {size // UNNAMED_EVERY:,} unnamed)",
            flush=True,
        )
    print(
        f"time per article at {args.scale} x the articles: "
        f"{per_article[1] / per_article[0]:.2f} x the small size's (1 = linear)"
    )
    del keep


if __name__ == "__main__":
    main()
