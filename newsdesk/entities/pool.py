"""A pool of worker processes for entity extraction, so NER uses every core.

spaCy holds the GIL while it runs, so threads cannot spread NER over cores; processes can. The
pool starts once per flow process (each worker loads the model once, about a second) and is
reused by every batch; articles go out and mentions come back, both small to pickle.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from multiprocessing import util as multiprocessing_util
from types import FrameType
from typing import Any

from newsdesk import entities
from newsdesk.entities.extract import check_length
from newsdesk.errors import Failure, attempt
from newsdesk.processes import ask_parent_death_signal
from newsdesk.records import Article, Mention

_pool: ProcessPoolExecutor | None = None
_pool_key: tuple[str, str, int] | None = None
_lock = threading.Lock()
_nlp: Any = None


# How often the portable watch looks for its parent: workers outlive a killed flow by at most
# this long where the kernel cannot tell them (not Linux).
PARENT_POLL_SECONDS = 1.0
# The signal the kernel sends a worker when its parent goes; a handler checks the parent is
# really gone (see watch_parent), so a user signal nothing else sends.
_PARENT_DEATH_SIGNAL = signal.SIGUSR1


def _init_worker(model: str, version: str) -> None:
    """Worker initializer: exit with the flow process; load the model once per worker."""
    watch_parent()
    _load(model, version)


def _load(model: str, version: str) -> None:
    global _nlp
    _nlp = entities.load_model(model, version)


def watch_parent() -> None:
    """Exit this worker when the process that started it dies.

    A flow process killed with SIGKILL cannot shut its pool down, and its workers would wait
    for work forever. On Linux the kernel tells the worker (PR_SET_PDEATHSIG); it signals also
    when the *thread* that started the worker ends (a task runner's thread), so the handler
    exits only when the parent process is really gone. Elsewhere a daemon thread polls the
    parent's pid.
    """
    parent = os.getppid()
    if not _ask_kernel(parent):
        threading.Thread(target=_poll_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the watch was in place
        os._exit(1)


def _ask_kernel(parent: int) -> bool:
    """Have Linux send _PARENT_DEATH_SIGNAL when the parent goes; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        signal.signal(_PARENT_DEATH_SIGNAL, _exit_if_orphaned(parent))
    except ValueError:  # not the main thread: no handler can be set
        return False
    return ask_parent_death_signal(_PARENT_DEATH_SIGNAL)


def _exit_if_orphaned(parent: int) -> Callable[[int, FrameType | None], None]:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        if os.getppid() != parent:
            os._exit(1)

    return handler


def _poll_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


Extracted = tuple[list[list[Mention]], dict[int, tuple[str, str]]]


def extract_guarded(nlp: Any, articles: Sequence[Article], batch_size: int) -> Extracted:
    """Mentions per article, and index -> (reason, detail) for the articles the model can't take.

    An article too long for the model, or one that crashes it, is rejected on its own; the
    rest of the batch goes on.
    """
    options = entities.EntityOptions(batch_size=batch_size)
    failed: dict[int, tuple[str, str]] = {}
    for i, article in enumerate(articles):
        checked = attempt(article.source_uri, "entities", partial(check_length, nlp, article))
        if isinstance(checked, Failure):
            failed[i] = (checked.reason, checked.detail)
    fits = [i for i in range(len(articles)) if i not in failed]
    found: list[list[Mention]] = [[] for _ in articles]
    try:
        extracted = entities.extract(nlp, [articles[i] for i in fits], options)
        for i, mentions in zip(fits, extracted, strict=True):
            found[i] = mentions
    except Exception:
        # One bad article must not fail its batch: again one by one, each under the guard.
        for i in fits:
            step = partial(_extract_one, nlp, articles[i], options)
            one = attempt(articles[i].source_uri, "entities", step)
            if isinstance(one, Failure):
                failed[i] = (one.reason, one.detail)
            else:
                found[i] = one
    return found, failed


def _extract_one(nlp: Any, article: Article, options: entities.EntityOptions) -> list[Mention]:
    return entities.extract(nlp, [article], options)[0]


def _extract(articles: Sequence[Article], batch_size: int) -> Extracted:
    """In a worker: the guarded entities stage over a share of the batch."""
    return extract_guarded(_nlp, articles, batch_size)


def _get_pool(model: str, version: str, processes: int) -> ProcessPoolExecutor:
    global _pool, _pool_key
    with _lock:
        if _pool is None or _pool_key != (model, version, processes):
            if _pool is not None:
                _pool.shutdown()
            # spawn, not fork: the flow process runs threads (Prefect, the connection pool)
            # that a forked child would inherit in an undefined state.
            _pool = ProcessPoolExecutor(
                max_workers=processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(model, version),
            )
            _pool_key = (model, version, processes)
        return _pool


def extract(
    articles: Sequence[Article], model: str, version: str, batch_size: int, processes: int
) -> Extracted:
    """`extract_guarded` over the batch, shared among `processes` workers in contiguous parts."""
    if not articles:
        return [], {}
    pool = _get_pool(model, version, processes)
    size = -(-len(articles) // processes)  # ceiling division: one share per worker
    starts = list(range(0, len(articles), size))
    futures = [pool.submit(_extract, list(articles[i : i + size]), batch_size) for i in starts]
    found: list[list[Mention]] = []
    failed: dict[int, tuple[str, str]] = {}
    for start, future in zip(starts, futures, strict=True):
        share_found, share_failed = future.result()
        found += share_found
        failed.update({start + i: why for i, why in share_failed.items()})
    return found, failed


def shutdown() -> None:
    """Stop the workers (at exit, or when a test wants the memory back)."""
    global _pool, _pool_key
    with _lock:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
        _pool, _pool_key = None, None


atexit.register(shutdown)
# In a process that is itself a multiprocessing child (Prefect's runner starts each flow run
# as one), the end of the process joins its children *before* atexit handlers run: idle pool
# workers would wait for work and the flow-run process would never exit. A multiprocessing
# finalizer with a priority runs before that join.
multiprocessing_util.Finalize(None, shutdown, exitpriority=100)
