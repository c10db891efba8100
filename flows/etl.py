"""The ETL flow: discover -> read -> clean -> normalise -> extract entities -> load.

Tasks are thin wrappers over the pure stages in `newsdesk`; each handles a batch of articles
(a Prefect task costs milliseconds, so one task per article would dominate the run).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache, partial, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.context import FlowRunContext
from prefect.runtime import flow_run
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from newsdesk import crawl, load, pipeline, sources, warc
from newsdesk.analyst.stored import stored_articles
from newsdesk.clean import CleanOptions
from newsdesk.db import POOL_SIZE, Location, engine_for, ensure_migrated, locate
from newsdesk.errors import NewsdeskError, call_with_retries
from newsdesk.normalise.publishers import user_names
from newsdesk.records import Article, Item, Mention, RawDocument, Rejected, chunks
from newsdesk.settings import Settings

if TYPE_CHECKING:
    from newsdesk.learn import Rebuild, Settled

# Below the SQLAlchemy pool size, so concurrent tasks never queue for a connection.
MAX_TASK_WORKERS = max(1, POOL_SIZE // 2)
DB_RETRIES = 3
DB_RETRY_DELAYS: list[float] = [1, 4, 10]
# Fewer fresh articles than this in a batch are extracted in the flow process, whose model is
# loaded already, instead of starting the NER pool. On an idle 2-core machine a worker's start
# (a process importing spaCy and loading the model) takes ~0.9 s and NER ~38 ms an article
# (bench.throughput's bare NER), so two workers pay for their start from ~50 articles. A busy
# machine moves that far up: at load average 7-8, 128 articles took 6.8-9.1 s in the flow
# process and 14.3-14.5 s with the pool.
POOL_MIN_ARTICLES = 64

# On a Dask cluster a WARC file is cut into byte ranges, one task each, that read, skip by
# hash, clean, normalise and extract entities on a worker: this many compressed bytes per
# article of `batch_size` (a CC-NEWS record is about 15-30 KB gzipped), so a range holds
# about a batch. Ranges prepared ahead of the load: enough to keep every worker busy.
WARC_RANGE_BYTES_PER_ARTICLE = 16 * 1024
DASK_WINDOW = 16

T = TypeVar("T")
ProgressHook = Callable[[int, int], None]
_progress: list[ProgressHook] = []


def on_progress(hook: ProgressHook | None) -> None:
    """Let the CLI draw a progress bar: `hook(inputs_done, inputs_total)` after each batch."""
    _progress.clear()
    if hook is not None:
        _progress.append(hook)


@dataclass
class StageTimer:
    """Seconds spent per stage, to name the slowest one in the summary."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started

    def slowest(self) -> str | None:
        return max(self.seconds, key=self.seconds.__getitem__) if self.seconds else None


@lru_cache(maxsize=4)
def get_nlp(name: str, version: str) -> Any:
    """The spaCy pipeline, loaded once per process (it takes about a second).

    spaCy, the model and the NER workers are imported only here and in `extract_batch`, when a
    batch has fresh articles: a run with nothing new never pays for them.
    """
    from newsdesk import entities

    return entities.load_model(name, version)


def _db_task(fn: Callable[..., Any]) -> Any:
    """A task that only does database I/O, its transient errors retried with backoff.

    One retry policy for every database write (`retried`), inside the task, so a batch's load
    and its rejects, written in one task, are retried each on its own.
    """

    @wraps(fn)
    def with_retries(*args: Any, **kwargs: Any) -> Any:
        return retried(partial(fn, *args, **kwargs))

    return task(cache_policy=NONE)(with_retries)


def retried(call: Callable[[], T]) -> T:
    """`call` with transient database errors retried (DB_RETRIES times, DB_RETRY_DELAYS)."""
    return call_with_retries(call, attempts=DB_RETRIES + 1, delays=DB_RETRY_DELAYS)


@_db_task
def prepare_database(url: str) -> bool:
    """Apply pending migrations; True when any were applied."""
    return ensure_migrated(engine_for(url))


@_db_task
def start_run(url: str, flow_run_id: str | None) -> int:
    """Open this run's `pipeline_runs` row."""
    return load.start_run(engine_for(url), flow_run_id)


@_db_task
def skip_known(
    url: str, docs: list[RawDocument]
) -> tuple[list[RawDocument], int, list[RawDocument]]:
    """Drop documents already loaded (by content hash) before any NLP.

    Returns the fresh documents, how many were loaded before, and the repeats of a fresh
    document within this batch (each ends as its first copy does: loaded or rejected).
    """
    known = load.known_hashes(engine_for(url), (d.content_sha256 for d in docs))
    return _split_known(docs, known)


def _split_known(
    docs: list[RawDocument], known: set[str]
) -> tuple[list[RawDocument], int, list[RawDocument]]:
    """Fresh documents, how many are loaded already, repeats of a fresh one (`skip_known`)."""
    seen: set[str] = set()
    fresh: list[RawDocument] = []
    repeats: list[RawDocument] = []
    for doc in docs:
        if doc.content_sha256 in known:
            continue
        (repeats if doc.content_sha256 in seen else fresh).append(doc)
        seen.add(doc.content_sha256)
    return fresh, len(docs) - len(fresh) - len(repeats), repeats


@task(cache_policy=NONE)
def read_batch(paths: list[str], max_input_bytes: int) -> tuple[list[RawDocument], list[Rejected]]:
    """Read and decode one batch of files."""
    options = sources.ReadOptions(max_input_bytes=max_input_bytes)
    docs: list[RawDocument] = []
    rejects: list[Rejected] = []
    for path in paths:
        for item in sources.read(Path(path), options):
            (rejects if isinstance(item, Rejected) else docs).append(item)  # type: ignore[arg-type]
    return docs, rejects


@task(cache_policy=NONE)
def read_warc_slice(
    path: str, offset: int, limit: int, max_input_bytes: int, filters: warc.RecordFilter
) -> crawl.WarcSlice:
    """Read up to `limit` pages of a WARC file from the record at byte `offset` (streamed:
    one record in memory at a time, the slice's documents kept)."""
    options = sources.ReadOptions(max_input_bytes=max_input_bytes)
    return crawl.read_warc(Path(path), offset, limit, options, filters)


@dataclass
class WarcRange:
    """A byte range of a WARC file prepared whole, waiting for the load."""

    items: list[Item] = field(default_factory=list)  # with their mentions
    rejects: list[Rejected] = field(default_factory=list)  # read, clean, normalise, entities
    repeats: list[RawDocument] = field(default_factory=list)
    already: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    filtered: int = 0


@task(cache_policy=NONE)
def prepare_warc_range(
    url: str,
    path: str,
    start: int,
    end: int,
    filters: warc.RecordFilter,
    options: CleanOptions,
    max_input_bytes: int,
    model: str,
    version: str,
    nlp_batch_size: int,
) -> WarcRange:
    """The records that start in [start, end) of a WARC file, read, skipped by hash (a look
    at `documents`, before any parsing), cleaned, normalised and with their entities: the
    whole chain but the load, on a Dask worker."""
    first = warc.record_start(Path(path), start, end)
    if first is None:
        return WarcRange()
    read_options = sources.ReadOptions(max_input_bytes=max_input_bytes)
    part = crawl.read_warc(Path(path), first, 2**62, read_options, filters, end=end)
    known = retried(
        partial(load.known_hashes, engine_for(url), [d.content_sha256 for d in part.docs])
    )
    fresh, already, repeats = _split_known(part.docs, known)
    items, bad = pipeline.prepare(fresh, options)
    articles = [item.article for item in items]
    found, failed = _extract(articles, model, version, nlp_batch_size, 1) if items else ([], {})
    items, unextracted = pipeline.with_mentions(items, found, failed)
    rejects = part.rejects + bad + unextracted
    return WarcRange(items, rejects, repeats, already, part.skipped, part.filtered)


@task(cache_policy=NONE)
def prepare_batch(
    docs: list[RawDocument], options: CleanOptions
) -> tuple[list[Item], list[Rejected]]:
    """Clean, normalise and sign each document (CPU only, so not in the load)."""
    return pipeline.prepare(docs, options)


@task(cache_policy=NONE)
def extract_batch(
    articles: list[Article], model: str, version: str, batch_size: int, processes: int
) -> tuple[list[list[Mention]], dict[int, tuple[str, str]]]:
    """Mentions for each article, and the articles it could not take: index -> (reason, detail).

    An article too long for the model, or one that crashes it, is rejected on its own; the
    rest of its batch goes on. With `processes` > 1 the batch is shared among worker processes,
    unless it is too small to pay for starting them.
    """
    return _extract(articles, model, version, batch_size, processes)


def _extract(
    articles: list[Article], model: str, version: str, batch_size: int, processes: int
) -> tuple[list[list[Mention]], dict[int, tuple[str, str]]]:
    from newsdesk.entities import pool as nlp_pool

    if processes > 1 and len(articles) >= POOL_MIN_ARTICLES:
        return nlp_pool.extract(articles, model, version, batch_size, processes)
    return nlp_pool.extract_guarded(get_nlp(model, version), articles, batch_size)


@task(cache_policy=NONE)
def load_batch(
    url: str,
    run_id: int,
    items: list[Item],
    rejects: list[Rejected],
    repeats: list[RawDocument],
) -> tuple[load.LoadCounts, list[Rejected]]:
    """Write the batch in one transaction (set-based, COPY), then its rejects: those of the
    earlier stages, the articles the database refused, and the repeats of rejected inputs.

    A batch the database refuses is written again one article per transaction so only the bad
    article is rejected. Transient errors retry the whole batch, which rolled back as a unit.
    One task for both writes: a Prefect task call costs about as much as writing 200 articles.
    """
    engine = engine_for(url)
    counts = load.LoadCounts()
    outcomes = retried(partial(load.load_items, engine, items, counts.load_seconds, run_id))
    rejects = list(rejects)
    for item, outcome in zip(items, outcomes, strict=True):
        if isinstance(outcome, Exception):
            detail = f"{item.doc.source_uri}: the database refused the article: {outcome}"
            rejects.append(pipeline.rejected(item.doc, "load", "database_refused", detail))
        elif outcome is None:
            counts.already_loaded += 1
        else:
            counts.loaded += 1
            counts.mentions += len(item.mentions)
    twins = _repeats_rejected(repeats, rejects)
    rejects += twins
    counts.already_loaded += len(repeats) - len(twins)
    if rejects:
        retried(partial(load.record_rejects, engine, rejects, run_id))
    return counts, rejects


@_db_task
def learned_boilerplate(url: str) -> frozenset[str]:
    """The learned boilerplate as last applied to the loaded articles (folded lines)."""
    return frozenset(load.applied_lines(engine_for(url)))


@_db_task
def settle(url: str, run_id: int, settings: Settings) -> Settled | None:
    """Finish the work owed after articles committed: this run's, and what a killed run left
    (None when nothing is owed: then neither `learn` nor spaCy is imported).

    Idempotent, so a retry (or the next run, after a crash) simply does it again.
    """
    engine = engine_for(url)
    if not load.owes_work(engine):
        return None
    from newsdesk import learn  # imports newsdesk.entities, so spaCy: only when there is work

    return learn.settle(engine, _rebuilder(url, run_id, settings))


@_db_task
def relearn(url: str, run_id: int, settings: Settings) -> frozenset[str]:
    """Apply what the batches loaded so far teach; returns the learned lines to clean with."""
    from newsdesk import learn

    engine = engine_for(url)
    learn.relearn(engine, _rebuilder(url, run_id, settings))
    return frozenset(load.applied_lines(engine))


def _rebuilder(url: str, run_id: int, settings: Settings) -> Rebuild:
    """Rebuild stored articles through the chain with a learned set (for `learn.relearn`)."""

    def rebuild(ids: Sequence[int], learned: frozenset[str]) -> list[int]:
        options = CleanOptions(
            learned_boilerplate=learned,
            max_html_depth=settings.max_html_depth,
            publisher_names=user_names(settings.publishers_file),
        )
        done: list[int] = []
        for chunk in chunks(list(ids), settings.batch_size):
            stored = stored_articles(engine_for(url), chunk)
            done += rebuild_batch(url, stored, settings, options, run_id, settling=True).ids
        return done

    return rebuild


@dataclass
class Rebuilt:
    """What rebuilding stored articles in place did."""

    ids: list[int] = field(default_factory=list)  # articles rewritten
    mentions: int = 0
    kept: list[Rejected] = field(default_factory=list)  # now rejected: kept as they were


def rebuild_batch(
    url: str,
    stored: Sequence[tuple[int, int, RawDocument | Rejected]],
    settings: Settings,
    options: CleanOptions,
    run_id: int,
    relink: bool = False,
    settling: bool = False,
) -> Rebuilt:
    """Rebuild stored (article id, document id, document)s through the chain, in place.

    A document a stage now rejects keeps its article as it was. `relink` recomputes each
    article's near-duplicate signature and link (reprocess); `settling`: the caller holds the
    settle lock.
    """
    result = Rebuilt()
    document_of: dict[str, tuple[int, int]] = {}
    docs: list[RawDocument] = []
    for article_id, document_id, doc in stored:
        if isinstance(doc, Rejected):
            result.kept.append(doc)
            continue
        document_of[doc.content_sha256] = (article_id, document_id)
        docs.append(doc)
    items, rejects = pipeline.prepare(docs, options)
    found, failed = _extract(
        [item.article for item in items],
        settings.spacy_model,
        settings.spacy_model_version,
        settings.nlp_batch_size,
        settings.nlp_processes,
    )
    items, bad = pipeline.with_mentions(items, found, failed)
    result.kept += rejects + bad
    engine = engine_for(url)
    for item in items:
        article_id, document_id = document_of[item.doc.content_sha256]
        rewrite = partial(load.replace_article, engine, document_id, item, run_id, relink, settling)
        retried(rewrite)
        result.ids.append(article_id)
        result.mentions += len(item.mentions)
    return result


@_db_task
def finish_run(
    url: str, run_id: int, counts: load.LoadCounts, status: str, error: str | None
) -> dict[str, int]:
    """Close the run's row; returns the database totals."""
    return load.finish_run(engine_for(url), run_id, counts, status, error)


def _opaque(value: T) -> T:
    """A task argument Prefect passes on as it is, without walking it to look for futures.

    Walking a batch's articles, mentions and signatures (tens of thousands of objects) took
    longer than writing them to the database: 170 ms of ~200 per batch of 200 articles.
    """
    return cast(T, quote(value))


def _repeats_rejected(repeats: list[RawDocument], rejects: list[Rejected]) -> list[Rejected]:
    """A reject for each repeat whose first copy was rejected (the others count as loaded)."""
    first = {r.content_sha256: r for r in rejects}
    return [
        pipeline.rejected(
            doc,
            r.stage,
            r.reason,
            f"{doc.source_uri} has the same content as {r.source_uri}: {r.detail}",
        )
        for doc in repeats
        if (r := first.get(doc.content_sha256)) is not None
    ]


def _threads() -> TaskRunner[Any]:
    """The flows' own runner: threads, fewer than the SQLAlchemy pool's connections."""
    return ThreadPoolTaskRunner(max_workers=MAX_TASK_WORKERS)


@contextmanager
def _entity_runner(settings: Settings) -> Iterator[TaskRunner[Any] | None]:
    """Where entity extraction runs, chosen when the flow is called (not when it is imported):
    a Dask cluster when NEWSDESK_DASK_ADDRESS is set ("local": two single-threaded workers on
    this machine), else None for the flow's own thread runner.

    Only entity extraction goes there; the other stages run in the flow's process, so
    Postgres stays the one sink whatever runs the NLP.
    """
    address = settings.dask_address
    if not address:
        yield None
        return
    from prefect_dask import DaskTaskRunner

    # One single-threaded worker per core: spaCy is CPU-bound and holds the GIL.
    local = {"cluster_kwargs": {"n_workers": 2, "threads_per_worker": 1}}
    with DaskTaskRunner(**(local if address == "local" else {"address": address})) as runner:
        yield runner


@flow(name="newsdesk-etl", task_runner=_threads())
def etl(
    paths: list[str],
    batch_size: int | None = None,
    database_url: str | None = None,
    domains: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    """Load the articles under `paths` into Postgres; returns the run summary.

    `domains`, `since`, `until` filter the response records of WARC files by host (each
    domain and its subdomains) and by WARC-Date (`warc.record_filter`), before their HTML is
    parsed.
    """
    try:
        filters = warc.record_filter(domains or (), since, until)
    except ValueError as exc:
        raise NewsdeskError(str(exc)) from None
    return run_pipeline(paths, _settings(batch_size, database_url), filters=filters)


@flow(name="newsdesk-inbox", task_runner=_threads())
def inbox_etl(
    inbox: str | None = None,
    batch_size: int | None = None,
    archive_dir: str | None = None,
    database_url: str | None = None,
) -> dict[str, Any]:
    """The scheduled flow: load what is new in the inbox, optionally archive what was processed.

    An advisory lock in the database (per inbox) makes a run that overlaps another skip instead
    of reading the same files twice; the deployment's concurrency limit avoids the overlap in
    the first place.
    """
    settings = _settings(batch_size, database_url)
    folder = Path(inbox) if inbox else settings.inbox
    archive = Path(archive_dir) if archive_dir else settings.archive_dir
    logger = get_run_logger()
    if not folder.is_dir():
        raise NewsdeskError(f"inbox {folder} is not a folder; set NEWSDESK_INBOX or `inbox`")
    location = locate(settings)
    url = location.url
    prepare_database(url)
    with load.inbox_lock(engine_for(url), str(folder.resolve())) as held:
        if not held:
            logger.warning("another run is processing %s; this one skips", folder)
            return {"status": "skipped", "inbox": str(folder)}
        moves = (folder, archive) if archive else None
        return run_pipeline([str(folder)], settings, moves, location)


def _settings(batch_size: int | None, database_url: str | None) -> Settings:
    """The settings as the environment gives them when the flow is called (a long-running
    `serve` or worker process picks up a changed variable at its next run), with the run's
    overrides."""
    settings = Settings()
    overrides: dict[str, Any] = {}
    if database_url:
        overrides["database_url"] = database_url
    if batch_size:
        overrides["batch_size"] = batch_size
    return settings.model_copy(update=overrides) if overrides else settings


@dataclass
class Read:
    """One batch as read: the files it finishes, its documents and rejects, and (a slice of a
    WARC file) the records skipped by kind and filtered out."""

    files: list[str]
    docs: list[RawDocument]
    rejects: list[Rejected]
    skipped: dict[str, int] = field(default_factory=dict)
    filtered: int = 0


@dataclass
class Prepared:
    """A batch read, cleaned and normalised, waiting for its entities."""

    files: list[str]
    fresh: list[RawDocument]  # the documents not loaded before
    read_rejects: list[Rejected]
    already: int
    repeats: list[RawDocument]  # copies of a fresh document in the same batch
    items: list[Item] = field(default_factory=list)
    rejects: list[Rejected] = field(default_factory=list)  # read, clean and normalise
    entities: Any = None  # a PrefectFuture of (mentions, failed); None for an empty batch


def run_pipeline(
    paths: list[str],
    settings: Settings,
    archive: tuple[Path, Path] | None = None,
    location: Location | None = None,
    filters: warc.RecordFilter | None = None,
) -> dict[str, Any]:
    """Every batch through every stage; entity extraction of one batch overlaps the next's
    reading and cleaning. Before the batches, the run settles what a killed run left; after
    them, its own after-commit work. Returns the run summary."""
    logger = get_run_logger()
    started = time.perf_counter()
    location = location or locate(settings)  # once per run: it may start the embedded server
    url = location.url
    if prepare_database(url):
        logger.info("Database migrated to the newest schema")
    run_id = start_run(url, flow_run.get_id())
    survey = sources.survey(paths)
    files = [str(p) for p in survey.files]
    logger.info("%d input files under %s; data in %s", len(files), paths, location.describe())
    counts = load.LoadCounts()
    timer = StageTimer()
    status, error = "completed", None
    try:
        _settle(url, run_id, settings, counts, timer)
        options = CleanOptions(
            learned_boilerplate=learned_boilerplate(url),
            max_html_depth=settings.max_html_depth,
            publisher_names=user_names(settings.publishers_file),
        )
        _record_unsupported(url, run_id, survey.unsupported, counts)
        with _entity_runner(settings) as runner:
            record_filter = filters or warc.RecordFilter()
            # On a cluster a WARC file's records are prepared on it, a byte range a task.
            ranged = [f for f in files if runner is not None and warc.is_warc(f)]
            local = [f for f in files if not (runner is not None and warc.is_warc(f))]
            reads = _reads(local, settings, record_filter)
            done = _load_batches(
                url, reads, len(files), run_id, settings, options, counts, timer, runner, archive
            )
            if ranged and runner is not None:
                loader = Loader(url, run_id, counts, timer, archive)
                work = (ranged, runner, settings, options, record_filter)
                _load_warc_ranges(*work, loader, done, len(files))
        _settle(url, run_id, settings, counts, timer)
    except BaseException as exc:
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        raise
    finally:
        totals = finish_run(url, run_id, counts, status, error)
        summary = _summary(counts, totals, timer, time.perf_counter() - started, location)
        summary["run_id"] = run_id
        summary["status"] = status
        _publish(summary)
    return summary


def _reads(files: list[str], settings: Settings, filters: warc.RecordFilter) -> Iterator[Read]:
    """The run's batches as read: the plain files `batch_size` at a time, then each WARC file
    in slices of `batch_size` pages (so a batch never holds more than that many documents,
    whatever the size of the file)."""
    plain = [f for f in files if not warc.is_warc(f)]
    for batch in chunks(plain, settings.batch_size):
        docs, rejects = read_batch(batch, settings.max_input_bytes)
        yield Read(batch, docs, rejects)
    for path in (f for f in files if warc.is_warc(f)):
        offset: int | None = 0
        while offset is not None:
            part = read_warc_slice(
                path, offset, settings.batch_size, settings.max_input_bytes, filters
            )
            offset = part.next_offset
            done = [path] if offset is None else []
            yield Read(done, part.docs, part.rejects, part.skipped, part.filtered)


def _load_batches(
    url: str,
    reads: Iterator[Read],
    total_files: int,
    run_id: int,
    settings: Settings,
    options: CleanOptions,
    counts: load.LoadCounts,
    timer: StageTimer,
    runner: TaskRunner[Any] | None,
    archive: tuple[Path, Path] | None,
) -> int:
    """Every batch through every stage; one batch's entities overlap the next's preparing;
    returns how many files were finished.

    After 1, 2, 4, ... batches the learned lines are counted again, and the batch waiting for
    its entities is cleaned again when they changed.
    """
    finished = 0
    pending: Prepared | None = None
    number = 0
    while True:
        t = time.perf_counter()
        read = next(reads, None)
        timer.add("read", t)
        if read is None:
            break
        counts.add(load.LoadCounts(skipped_by_kind=read.skipped, filtered=read.filtered))
        prepared = _prepare(url, read, options, timer)
        if pending is not None:
            finished += _finish(url, pending, run_id, counts, timer, archive)
            if _relearns_after(number) and counts.loaded:
                t = time.perf_counter()
                learned = relearn(url, run_id, settings)
                if learned != options.learned_boilerplate:
                    options = replace(options, learned_boilerplate=learned)
                    _clean(prepared, options)  # its entities are not asked for yet
                timer.add("learned lines", t)
        prepared.entities = _submit_entities(prepared, settings, runner)
        pending = prepared
        number += 1
        _report(finished, total_files)
    if pending is not None:
        finished += _finish(url, pending, run_id, counts, timer, archive)
        _report(finished, total_files)
    return finished


@dataclass
class Loader:
    """Where prepared batches go: the run's database, counts, timer and archive."""

    url: str
    run_id: int
    counts: load.LoadCounts
    timer: StageTimer
    archive: tuple[Path, Path] | None


def _warc_ranges(path: str, batch_size: int) -> list[tuple[int, int]]:
    """The byte ranges of a WARC file, one Dask task each."""
    size = Path(path).stat().st_size
    step = max(1, batch_size * WARC_RANGE_BYTES_PER_ARTICLE)
    return [(start, min(start + step, size)) for start in range(0, size, step)] or [(0, 0)]


def _load_warc_ranges(
    files: list[str],
    runner: TaskRunner[Any],
    settings: Settings,
    options: CleanOptions,
    filters: warc.RecordFilter,
    loader: Loader,
    finished: int,
    total_files: int,
) -> None:
    """Every WARC file's ranges prepared on the cluster (DASK_WINDOW ahead of the load) and
    loaded here in file order, so many files on many workers feed the one database."""
    window: deque[tuple[str | None, Any]] = deque()
    for path in files:
        ranges = _warc_ranges(path, settings.batch_size)
        for number, (start, end) in enumerate(ranges):
            parameters = {
                "url": loader.url,
                "path": path,
                "start": start,
                "end": end,
                "filters": filters,
                "options": options,
                "max_input_bytes": settings.max_input_bytes,
                "model": settings.spacy_model,
                "version": settings.spacy_model_version,
                "nlp_batch_size": settings.nlp_batch_size,
            }
            last = path if number == len(ranges) - 1 else None
            window.append((last, runner.submit(prepare_warc_range, parameters)))
            if len(window) > DASK_WINDOW:
                finished += _load_range(loader, *window.popleft())
                _report(finished, total_files)
    while window:
        finished += _load_range(loader, *window.popleft())
        _report(finished, total_files)


def _load_range(loader: Loader, last_of: str | None, future: Any) -> int:
    """Wait for one prepared range and load it; returns the files it finished (0 or 1)."""
    t = time.perf_counter()
    prepared: WarcRange = future.result()
    loader.timer.add("prepare on the cluster (waiting)", t)
    found = load.LoadCounts(skipped_by_kind=prepared.skipped, filtered=prepared.filtered)
    loader.counts.add(found)
    files = [last_of] if last_of else []
    ready = (prepared.items, prepared.rejects, prepared.repeats, prepared.already)
    _load_prepared(loader, files, *ready)
    return len(files)


def _relearns_after(loaded_batches: int) -> bool:
    """Learn again after 1, 2, 4, 8, ... batches: what early batches teach reaches the later
    ones (fewer articles to rebuild), at a cost that grows with the log of the run."""
    return loaded_batches & (loaded_batches - 1) == 0


def _settle(
    url: str, run_id: int, settings: Settings, counts: load.LoadCounts, timer: StageTimer
) -> None:
    """Settle the owed work (`learn.settle`) and count what it did."""
    t = time.perf_counter()
    done = settle(url, run_id, settings)
    if done is None:
        return
    counts.settled += done.articles
    counts.rebuilt += done.rebuilt
    counts.resolved_across_articles += done.resolved
    if done.articles:
        timer.add("settle (learned lines, names across articles)", t)


def _record_unsupported(
    url: str, run_id: int, unsupported: Sequence[Path], counts: load.LoadCounts
) -> None:
    """A reject for each file of a kind newsdesk does not read, so none goes unaccounted."""
    if not unsupported:
        return
    rejects = [sources.unsupported_reject(path) for path in unsupported]
    retried(partial(load.record_rejects, engine_for(url), rejects, run_id))
    counts.rejected += len(rejects)
    counts.rejected_by_reason["unsupported_type"] = counts.rejected_by_reason.get(
        "unsupported_type", 0
    ) + len(rejects)


def _report(done: int, total: int) -> None:
    for hook in _progress:
        hook(done, total)


def _prepare(url: str, read: Read, options: CleanOptions, timer: StageTimer) -> Prepared:
    """Skip what is loaded (by hash, before any parsing), clean and normalise one batch."""
    t = time.perf_counter()
    fresh, already, repeats = skip_known(url, read.docs)
    timer.add("skip_known", t)
    rejects = read.rejects
    prepared = Prepared(read.files, fresh, rejects, already, repeats, rejects=rejects)
    if fresh:  # nothing new: no cleaning, and later no model
        t = time.perf_counter()
        _clean(prepared, options)
        timer.add("clean and normalise", t)
    return prepared


def _clean(prepared: Prepared, options: CleanOptions) -> None:
    """Clean and normalise the batch's fresh documents (again, when what is learned changed)."""
    items, bad = prepare_batch(prepared.fresh, options)
    prepared.items, prepared.rejects = items, prepared.read_rejects + bad


def _submit_entities(prepared: Prepared, settings: Settings, runner: TaskRunner[Any] | None) -> Any:
    """Start entity extraction on `runner` (a Dask cluster), else the flow's task runner."""
    if not prepared.items:
        return None
    get_nlp(settings.spacy_model, settings.spacy_model_version)  # a wrong model fails here
    # On a Dask cluster the workers are the parallelism: no process pool inside them.
    on_dask = runner is not None or _flow_on_dask()
    articles = [item.article for item in prepared.items]
    model, version = settings.spacy_model, settings.spacy_model_version
    processes = 1 if on_dask else settings.nlp_processes
    if runner is not None:
        parameters = {
            "articles": articles,
            "model": model,
            "version": version,
            "batch_size": settings.nlp_batch_size,
            "processes": processes,
        }
        return runner.submit(extract_batch, parameters)
    return extract_batch.submit(articles, model, version, settings.nlp_batch_size, processes)


def _flow_on_dask() -> bool:
    """Whether the flow itself was given a Dask runner (`etl.with_options(task_runner=...)`)."""
    context = FlowRunContext.get()
    return context is not None and type(context.task_runner).__name__ == "DaskTaskRunner"


def _finish(
    url: str,
    prepared: Prepared,
    run_id: int,
    counts: load.LoadCounts,
    timer: StageTimer,
    archive: tuple[Path, Path] | None,
) -> int:
    """Wait for a batch's entities, load it, record its rejects; returns its file count."""
    t = time.perf_counter()
    found, failed = prepared.entities.result() if prepared.entities is not None else ([], {})
    timer.add("entities (waiting)", t)
    items, bad = pipeline.with_mentions(prepared.items, found, failed)
    loader = Loader(url, run_id, counts, timer, archive)
    rejects = prepared.rejects + bad
    _load_prepared(loader, prepared.files, items, rejects, prepared.repeats, prepared.already)
    return len(prepared.files)


def _load_prepared(
    loader: Loader,
    files: list[str],
    items: list[Item],
    rejects: list[Rejected],
    repeats: list[RawDocument],
    already: int,
) -> None:
    """Load one prepared batch, record its rejects, count it, archive the files it finished."""
    t = time.perf_counter()
    url, run_id, counts, timer = loader.url, loader.run_id, loader.counts, loader.timer
    batch, rejects = load_batch(url, run_id, _opaque(items), _opaque(rejects), _opaque(repeats))
    timer.add("load", t)
    batch.already_loaded += already
    batch.rejected += len(rejects)
    for r in rejects:
        batch.rejected_by_reason[r.reason] = batch.rejected_by_reason.get(r.reason, 0) + 1
    counts.add(batch)
    get_run_logger().info(
        "batch finishing %d files: %d loaded, %d already loaded, %d rejected",
        len(files),
        batch.loaded,
        batch.already_loaded,
        batch.rejected,
    )
    if loader.archive is not None:
        sources.archive(files, *loader.archive)


def _summary(
    counts: load.LoadCounts,
    totals: dict[str, int],
    timer: StageTimer,
    elapsed: float,
    location: Location,
) -> dict[str, Any]:
    return {
        **asdict(counts),
        "inputs_seen": counts.loaded + counts.already_loaded + counts.rejected,
        "people_total": totals["people"],
        "organisations_total": totals["organisations"],
        "elapsed_seconds": round(elapsed, 2),
        "stage_seconds": {k: round(v, 3) for k, v in timer.seconds.items()},
        "load_seconds": {k: round(v, 3) for k, v in counts.load_seconds.items()},
        "slowest_stage": timer.slowest(),
        "database": location.describe(),
    }


def _publish(summary: dict[str, Any]) -> None:
    """The run summary as a Prefect markdown artifact (shown in the UI)."""
    reasons = summary["rejected_by_reason"] or {}
    lines = [
        "# newsdesk run",
        "",
        "| count | value |",
        "| --- | --- |",
        *[
            f"| {k.replace('_', ' ')} | {summary[k]} |"
            for k in (
                "status",
                "inputs_seen",
                "loaded",
                "already_loaded",
                "rejected",
                "mentions",
                "people_total",
                "organisations_total",
                "elapsed_seconds",
                "slowest_stage",
            )
        ],
        "",
        "## Rejected by reason",
        *([f"- {reason}: {n}" for reason, n in sorted(reasons.items())] or ["- none"]),
    ]
    try:
        create_markdown_artifact(
            key="newsdesk-run-summary", markdown="\n".join(lines), description="newsdesk run"
        )
    except Exception:  # the summary must never fail the run it describes
        get_run_logger().warning("could not publish the run summary artifact", exc_info=True)
