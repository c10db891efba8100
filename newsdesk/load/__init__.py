"""The load stage: articles into Postgres whole or not at all, idempotently, and the
bookkeeping around it (runs, rejects, the work owed after a commit).

Running twice loads nothing new: documents are unique on their content hash, people and
organisations on their name key, and an article is only written with its document.

- `batch`: the set-based write of a batch of `records.Item`s (the way articles go in);
- `replace`: one stored article rewritten in place (reprocess, learned-line rebuilds);
- `articles`, `entities`: the rows of articles and mentions, and entity ids (merges first);
- `duplicates`: the near-duplicate linker both use;
- `documents`: what is loaded already; `rejects`: what could not be; `runs`: pipeline_runs;
- `owed`: the work owed after a commit (`pending_work`) and the settle lock.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsdesk.load.batch import STEPS, Outcome, Steps, load_items, write
    from newsdesk.load.documents import all_loaded, known_hashes
    from newsdesk.load.entities import entity_ids, write_mentions
    from newsdesk.load.owed import (
        APPLIED_LINES_SQL,
        SETTLE_LOCK,
        applied_lines,
        owe_work,
        owes_work,
        share_settle_lock,
    )
    from newsdesk.load.rejects import record_rejects
    from newsdesk.load.replace import replace_article
    from newsdesk.load.runs import LoadCounts, close_dead_runs, finish_run, inbox_lock, start_run

# Where each name lives. The package imports a part when a name of it is first asked for, so
# a command that only reads (`inspect`, the learned lines) does not import the batch write.
_WHERE = {
    "STEPS": "batch",
    "Outcome": "batch",
    "Steps": "batch",
    "load_items": "batch",
    "write": "batch",
    "all_loaded": "documents",
    "known_hashes": "documents",
    "entity_ids": "entities",
    "write_mentions": "entities",
    "APPLIED_LINES_SQL": "owed",
    "SETTLE_LOCK": "owed",
    "applied_lines": "owed",
    "owe_work": "owed",
    "owes_work": "owed",
    "share_settle_lock": "owed",
    "record_rejects": "rejects",
    "replace_article": "replace",
    "LoadCounts": "runs",
    "close_dead_runs": "runs",
    "finish_run": "runs",
    "inbox_lock": "runs",
    "start_run": "runs",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)


__all__ = [
    "APPLIED_LINES_SQL",
    "SETTLE_LOCK",
    "STEPS",
    "LoadCounts",
    "Outcome",
    "Steps",
    "all_loaded",
    "applied_lines",
    "close_dead_runs",
    "entity_ids",
    "finish_run",
    "inbox_lock",
    "known_hashes",
    "load_items",
    "owe_work",
    "owes_work",
    "record_rejects",
    "replace_article",
    "share_settle_lock",
    "start_run",
    "write",
    "write_mentions",
]
