"""Reprocess: rebuild every article from its stored raw document after the cleaner or model
improves, without re-scraping and without duplicating anything.

The same stages as the ETL flow (its tasks, reused), then `load.replace_article` rewrites each
article and its mentions in place, in one transaction per article: article ids stay stable and
analysts' merges hold, because mentions resolve through the alias tables like any load.
A document a stage now rejects keeps its current article; the summary lists it.
"""

from __future__ import annotations

import time
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from flows.etl import (
    StageTimer,
    _db_task,
    _settings,
    _settle,
    finish_run,
    get_nlp,
    learned_boilerplate,
    prepare_database,
    rebuild_batch,
    start_run,
)
from newsdesk import load
from newsdesk.analyst.stored import stored_batch
from newsdesk.clean import CleanOptions
from newsdesk.db import engine_for, locate
from newsdesk.normalise.publishers import user_names
from newsdesk.records import RawDocument, Rejected
from newsdesk.settings import Settings


@_db_task
def fetch_batch(
    url: str, after_article: int, limit: int, outdated_only: bool
) -> list[tuple[int, int, RawDocument | Rejected]]:
    """The next batch of stored documents, in article order."""
    return stored_batch(engine_for(url), after_article, limit, outdated_only)


@task(cache_policy=NONE)
def replace_batch(
    url: str,
    stored: list[tuple[int, int, RawDocument | Rejected]],
    settings: Settings,
    options: CleanOptions,
    run_id: int,
) -> tuple[int, int, list[Rejected]]:
    """Rebuild each article in its own transaction: (rewritten, mentions, kept as they were)."""
    done = rebuild_batch(url, stored, settings, options, run_id, relink=True)
    return len(done.ids), done.mentions, done.kept


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
    counts = load.LoadCounts()
    timer = StageTimer()
    kept: list[dict[str, str]] = []
    status, error = "completed", None
    try:
        _settle(url, run_id, settings, counts, timer)
        options = CleanOptions(
            learned_boilerplate=learned_boilerplate(url),
            max_html_depth=settings.max_html_depth,
            publisher_names=user_names(settings.publishers_file),
        )
        after = 0
        while batch := fetch_batch(url, after, settings.batch_size, outdated_only):
            after = batch[-1][0]
            rewritten, mentions, left = replace_batch(url, batch, settings, options, run_id)
            counts.loaded += rewritten
            counts.mentions += mentions
            kept.extend(_kept(r) for r in left)
        _settle(url, run_id, settings, counts, timer)
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


def _kept(r: Rejected) -> dict[str, str]:
    return {"source": r.source_uri, "stage": r.stage, "reason": r.reason}
