"""Reprocess: rebuild every article from its stored raw document after the cleaner or model
improves, without re-scraping and without duplicating anything.

The same stages as the ETL flow (its tasks, reused), then `load.replace_article` rewrites each
article and its mentions in place, in one transaction per article: article ids stay stable and
analysts' merges hold, because mentions resolve through the alias tables like any load.
A document a stage now rejects keeps its current article; the summary lists it.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from flows.etl import (
    DB_RETRIES,
    DB_RETRY_DELAYS,
    _db_task,
    _settings,
    clean_batch,
    extract_batch,
    finish_run,
    get_nlp,
    learned_boilerplate,
    normalise_batch,
    prepare_database,
    resolve_across_articles,
    start_run,
)
from flows.retry import call_with_retries
from newsdesk import load
from newsdesk.analyst.stored import stored_batch
from newsdesk.clean import CleanOptions
from newsdesk.clean.dedupe import signature
from newsdesk.db import engine_for, locate
from newsdesk.records import Article, Mention, RawDocument, Rejected


@_db_task
def fetch_batch(
    url: str, after_article: int, limit: int, outdated_only: bool
) -> list[tuple[int, int, RawDocument | Rejected]]:
    """The next batch of stored documents, in article order."""
    return stored_batch(engine_for(url), after_article, limit, outdated_only)


@task(cache_policy=NONE)
def replace_batch(
    url: str, document_ids: list[int], articles: list[Article], mentions: list[list[Mention]]
) -> int:
    """Rewrite each article in its own transaction; returns the mentions written."""
    engine = engine_for(url)
    written = 0
    for document_id, article, found in zip(document_ids, articles, mentions, strict=True):
        rewrite = partial(
            load.replace_article, engine, document_id, article, found, signature(article.body)
        )
        call_with_retries(
            rewrite,
            attempts=DB_RETRIES + 1,
            delays=DB_RETRY_DELAYS,
        )
        written += len(found)
    return written


@flow(name="newsdesk-reprocess")
def reprocess(
    database_url: str | None = None, batch_size: int | None = None, outdated_only: bool = False
) -> dict[str, Any]:
    """Rebuild articles from `documents.raw`; returns a summary with what was kept and why."""
    settings = _settings(batch_size, database_url)
    logger = get_run_logger()
    started = time.perf_counter()
    url = locate(settings).url
    prepare_database(url)
    get_nlp(settings.spacy_model, settings.spacy_model_version)
    run_id = start_run(url, flow_run.get_id())
    options = CleanOptions(
        learned_boilerplate=learned_boilerplate(url), max_html_depth=settings.max_html_depth
    )
    counts = load.LoadCounts()
    kept: list[dict[str, str]] = []
    status, error = "completed", None
    try:
        after = 0
        while batch := fetch_batch(url, after, settings.batch_size, outdated_only):
            after = batch[-1][0]
            counts.loaded += _rebuild(url, batch, settings, options, counts, kept)
        if counts.loaded:
            counts.resolved_across_articles = resolve_across_articles(url, run_id)
    except BaseException as exc:
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        raise
    finally:
        totals = finish_run(url, run_id, counts, status, error)
    logger.info("reprocessed %d articles; %d kept as they were", counts.loaded, len(kept))
    return {
        "status": status,
        "run_id": run_id,
        "reprocessed": counts.loaded,
        "mentions": counts.mentions,
        "kept": kept,
        "people_total": totals["people"],
        "organisations_total": totals["organisations"],
        "elapsed_seconds": round(time.perf_counter() - started, 2),
    }


def _rebuild(
    url: str,
    batch: list[tuple[int, int, RawDocument | Rejected]],
    settings: Any,
    options: CleanOptions,
    counts: load.LoadCounts,
    kept: list[dict[str, str]],
) -> int:
    """Clean, normalise, extract and rewrite one batch; returns how many were rewritten."""
    document_of = {}
    docs: list[RawDocument] = []
    for _, document_id, doc in batch:
        if isinstance(doc, Rejected):
            kept.append(_kept(doc))
            continue
        document_of[doc.content_sha256] = document_id
        docs.append(doc)
    cleaned, bad = clean_batch(docs, options)
    pairs, bad_too = normalise_batch(cleaned)
    if not pairs:
        kept.extend(_kept(r) for r in bad + bad_too)
        return 0
    found, failed = extract_batch(
        [a for _, a in pairs],
        settings.spacy_model,
        settings.spacy_model_version,
        settings.nlp_batch_size,
        settings.nlp_processes,
    )
    kept.extend(_kept(r) for r in bad + bad_too)
    kept.extend(
        {"source": pairs[i][0].source_uri, "stage": "entities", "reason": reason}
        for i, (reason, _) in sorted(failed.items())
    )
    good = [i for i in range(len(pairs)) if i not in failed]
    counts.mentions += replace_batch(
        url,
        [document_of[pairs[i][0].content_sha256] for i in good],
        [pairs[i][1] for i in good],
        [found[i] for i in good],
    )
    return len(good)


def _kept(r: Rejected) -> dict[str, str]:
    return {"source": r.source_uri, "stage": r.stage, "reason": r.reason}
