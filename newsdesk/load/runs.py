"""Runs: a `pipeline_runs` row per run, its counts, and the locks that tell live runs from dead
ones and keep two runs off one inbox.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, select, text, update
from sqlalchemy.dialects.postgresql import insert

import models as m
from newsdesk import PIPELINE_VERSION

log = logging.getLogger(__name__)


@dataclass
class LoadCounts:
    """What a batch (or a run) did to the database."""

    loaded: int = 0
    already_loaded: int = 0
    rejected: int = 0
    mentions: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    resolved_across_articles: int = 0
    settled: int = 0  # articles whose after-commit work was finished (learn.settle)
    rebuilt: int = 0  # of which rebuilt because the learned lines they hold changed
    # Seconds in each step of the bulk load (load.STEPS), to see where loading time goes.
    load_seconds: dict[str, float] = field(default_factory=dict)
    # Records of WARC files that are no page (request, metadata, revisit, non-HTML response,
    # ...), by kind: neither loaded nor rejected.
    skipped_by_kind: dict[str, int] = field(default_factory=dict)
    filtered: int = 0  # WARC response records --domain/--since/--until kept out

    def add(self, other: LoadCounts) -> None:
        """Fold another batch's counts into these."""
        self.loaded += other.loaded
        self.already_loaded += other.already_loaded
        self.rejected += other.rejected
        self.mentions += other.mentions
        self.resolved_across_articles += other.resolved_across_articles
        self.settled += other.settled
        self.rebuilt += other.rebuilt
        for reason, n in other.rejected_by_reason.items():
            self.rejected_by_reason[reason] = self.rejected_by_reason.get(reason, 0) + n
        for step, seconds in other.load_seconds.items():
            self.load_seconds[step] = self.load_seconds.get(step, 0.0) + seconds
        for kind, n in other.skipped_by_kind.items():
            self.skipped_by_kind[kind] = self.skipped_by_kind.get(kind, 0) + n
        self.filtered += other.filtered


@contextmanager
def inbox_lock(engine: Engine, inbox: str) -> Iterator[bool]:
    """Hold a session advisory lock on `inbox` for the block; yields False if another run has it.

    The lock lives on its own connection, so a crashed run releases it when its connection dies.
    """
    with engine.connect() as conn:
        key = conn.scalar(select(func.hashtext("newsdesk:inbox:" + inbox)))
        held = bool(conn.scalar(select(func.pg_try_advisory_lock(key))))
        conn.commit()
        try:
            yield held
        finally:
            if held:
                conn.execute(select(func.pg_advisory_unlock(key)))
                conn.commit()


# Advisory-lock namespace of live runs: a run holds (RUN_LOCKS, its id) on a connection of its
# own until it finishes, so a run whose process died is one whose lock anyone can take.
RUN_LOCKS = 0x6E64

_run_locks: dict[int, Connection] = {}


def start_run(engine: Engine, flow_run_id: str | None) -> int:
    """A `pipeline_runs` row for this run; its id tags the run's rejects.

    Runs left 'running' by a process that died (SIGKILL, lost machine) are closed as 'crashed'.
    """
    close_dead_runs(engine)
    with engine.begin() as conn:
        run_id = conn.execute(
            insert(m.PipelineRun)
            .values(flow_run_id=flow_run_id, pipeline_version=PIPELINE_VERSION)
            .returning(m.PipelineRun.id)
        ).scalar_one()
    holder = engine.connect()
    holder.execute(
        text("SELECT pg_advisory_lock(:ns, :id)"), {"ns": RUN_LOCKS, "id": _lock_id(run_id)}
    )
    holder.commit()
    _run_locks[run_id] = holder
    return run_id


def close_dead_runs(engine: Engine) -> list[int]:
    """Mark 'crashed' every 'running' run whose process no longer holds its lock."""
    with engine.begin() as conn:
        running = conn.scalars(
            select(m.PipelineRun.id).where(m.PipelineRun.status == "running")
        ).all()
        dead = [
            run_id
            for run_id in running
            if conn.scalar(
                text("SELECT pg_try_advisory_xact_lock(:ns, :id)"),
                {"ns": RUN_LOCKS, "id": _lock_id(run_id)},
            )
        ]
        if dead:
            conn.execute(
                update(m.PipelineRun)
                .where(m.PipelineRun.id.in_(dead), m.PipelineRun.status == "running")
                .values(
                    status="crashed",
                    finished_at=func.now(),
                    error="the run stopped without closing its row (process killed or lost); "
                    "its loaded articles are complete, and the next run loaded the rest",
                )
            )
    return dead


def _lock_id(run_id: int) -> int:
    return run_id % 2**31  # the two-key advisory lock takes int4 keys


def _release_run_lock(run_id: int) -> None:
    holder = _run_locks.pop(run_id, None)
    if holder is None:
        return
    try:
        # Unlocked by hand: closing only returns the connection to the pool, where a session
        # lock would stay held (and block a later run given the same id, after a restore).
        holder.execute(
            text("SELECT pg_advisory_unlock(:ns, :id)"), {"ns": RUN_LOCKS, "id": _lock_id(run_id)}
        )
        holder.commit()
        holder.close()
    except Exception:  # the server may be gone; then the lock went with it
        log.debug("releasing the run lock failed", exc_info=True)
        holder.invalidate()


def finish_run(
    engine: Engine, run_id: int, counts: LoadCounts, status: str, error: str | None = None
) -> dict[str, int]:
    """Close the run's row with its counts; returns the table totals for the summary."""
    _release_run_lock(run_id)
    with engine.begin() as conn:
        totals = {
            "people": conn.scalar(select(func.count()).select_from(m.Person)) or 0,
            "organisations": conn.scalar(select(func.count()).select_from(m.Organisation)) or 0,
        }
        conn.execute(
            update(m.PipelineRun)
            .where(m.PipelineRun.id == run_id)
            .values(
                finished_at=datetime.now(UTC),
                status=status,
                inputs_seen=counts.loaded + counts.already_loaded + counts.rejected,
                loaded=counts.loaded,
                already_loaded=counts.already_loaded,
                rejected=counts.rejected,
                mentions=counts.mentions,
                people=totals["people"],
                organisations=totals["organisations"],
                error=error,
            )
        )
    return totals
