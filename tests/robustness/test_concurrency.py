"""Concurrency: two runs at once over overlapping inputs duplicate nothing and never deadlock.

Loader level: two threads load the same 50 articles (sharing every name) in opposite orders,
the worst case for lock ordering. Flow level: two `etl` runs in two processes over
overlapping file lists, compared with one clean run.
"""

from __future__ import annotations

import hashlib
import subprocess
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from flows.etl import etl
from newsdesk import load
from newsdesk.dedupe import signature
from newsdesk.errors import call_with_retries, is_transient
from newsdesk.records import Article, Item, RawDocument
from tests.records import load_article
from tests.robustness.helpers import (
    PEOPLE,
    PYTHON,
    loader_inputs,
    scalar,
    snapshot,
    subprocess_env,
    write_corpus,
)

ARTICLES = 50
NAMES = [full for full, _ in PEOPLE] + ["Ines Duarte", "Kwame Mensah", "Olga Petrova"]
ORGS = ["Harbour Council", "Water Board", "Transit Authority", "Heritage Trust", "Port Agency"]


def _inputs(i: int) -> tuple[object, object, list[object]]:
    # Every article names several of the same people and organisations, rotated.
    people = [NAMES[(i + k) % len(NAMES)] for k in range(4)]
    orgs = [ORGS[(i * 3 + k) % len(ORGS)] for k in range(4)]
    return loader_inputs(i, people, orgs)


def test_two_loaders_in_opposite_orders(engine: Engine) -> None:
    corpus = [_inputs(i) for i in range(ARTICLES)]
    barrier = threading.Barrier(2)
    results: dict[str, list[int | None]] = {}
    retried: list[str] = []
    errors: list[BaseException] = []

    def one(name: str, order: list[int]) -> None:
        def attempt(i: int) -> int | None:
            try:
                return load_article(engine, *corpus[i])  # type: ignore[arg-type]
            except Exception as exc:
                if is_transient(exc):
                    retried.append(type(exc).__name__)
                raise

        try:
            barrier.wait()
            results[name] = [
                call_with_retries(lambda i=i: attempt(i), attempts=4, delays=[0.1]) for i in order
            ]
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=one, args=("up", list(range(ARTICLES)))),
        threading.Thread(target=one, args=("down", list(reversed(range(ARTICLES))))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    print(f"transient errors retried: {retried}")
    won = [x is not None for x in results["up"]] + [x is not None for x in results["down"]]
    assert sum(won) == ARTICLES  # each article written by exactly one loader
    url = engine.url.render_as_string(hide_password=False)
    assert scalar(url, "SELECT count(*) FROM documents") == ARTICLES
    assert scalar(url, "SELECT count(*) FROM articles") == ARTICLES
    assert scalar(url, "SELECT count(*) FROM people") == len(NAMES)
    assert scalar(url, "SELECT count(*) FROM organisations") == len(ORGS)
    assert scalar(url, "SELECT count(*) FROM mentions") == sum(len(c[2]) for c in corpus)


def _near_copy(i: int, variant: str) -> tuple[RawDocument, Article]:
    """Article i as edited by `variant`: near-identical to every other variant of it."""
    doc, article, _ = loader_inputs(i, [], [])
    body = f"Story {i}: the council met and agreed the harbour plan in full. " * 8
    body += f"Edited by {variant}."
    raw = body.encode()
    doc = replace(
        doc,
        source_uri=f"mem://{i}-{variant}",
        raw=raw,
        text=body,
        content_sha256=hashlib.sha256(raw).hexdigest(),
    )
    return doc, replace(article, source_uri=doc.source_uri, body=body)


@pytest.mark.parametrize("path", ["per_article", "batch"])
def test_near_duplicates_loaded_at_once_are_linked(engine: Engine, path: str) -> None:
    """Two loaders write near-identical copies of each story at the same moment."""
    stories = 20
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def one(variant: str) -> None:
        try:
            copies = [_near_copy(i, variant) for i in range(stories)]
            if path == "per_article":
                for doc, article in copies:
                    barrier.wait()
                    load_article(engine, doc, article, [], signature(article.body))
            else:
                items = [Item(d, a, [], signature(a.body)) for d, a in copies]
                barrier.wait()
                load.load_items(engine, items)
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=one, args=(v,)) for v in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    url = engine.url.render_as_string(hide_password=False)
    assert scalar(url, "SELECT count(*) FROM articles") == 2 * stories
    # Without band locks two concurrent transactions never see each other: 0 of 20 linked.
    assert scalar(url, "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL") == stories


CHILD = """
import json, sys
from flows.etl import etl
summary = etl(sys.argv[2:], batch_size=5, database_url=sys.argv[1])
print(json.dumps({k: summary[k] for k in ("status", "loaded", "already_loaded", "rejected")}))
"""


@pytest.mark.slow
def test_two_flow_runs_over_overlapping_inputs(
    prefect_harness: None, db_url: str, other_db_url: str, tmp_path: Path
) -> None:
    import json

    files = [str(p) for p in write_corpus(tmp_path / "inbox", range(75))]
    first, second = files[:50], files[25:]  # 25 files in both runs
    children = [
        subprocess.Popen(
            [PYTHON, "-c", CHILD, db_url, *part],
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for part in (first, second)
    ]
    outputs = [child.communicate(timeout=300) for child in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err[-3000:]
    a, b = (json.loads(out.strip().splitlines()[-1]) for out, _ in outputs)
    print(f"run A {a}, run B {b}")
    assert a["status"] == b["status"] == "completed"
    assert a["loaded"] + a["already_loaded"] == b["loaded"] + b["already_loaded"] == 50
    assert a["loaded"] + b["loaded"] == 75  # each article loaded once, by one run
    clean = etl([str(tmp_path / "inbox")], batch_size=25, database_url=other_db_url)
    assert clean["loaded"] == 75
    got, want = snapshot(db_url), snapshot(other_db_url)
    for table in want:
        assert got[table] == want[table], table
