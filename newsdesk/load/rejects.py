"""Rejects: one row per input that could not be loaded, updated when it is rejected again."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Delete, Engine, delete, func
from sqlalchemy.dialects.postgresql import insert

import models as m
from newsdesk.records import Rejected


def record_rejects(engine: Engine, rejects: Sequence[Rejected], run_id: int | None) -> None:
    """Write rejects; an input rejected again updates its row instead of adding one."""
    if not rejects:
        return
    with engine.begin() as conn:
        for r in _dedupe_rejects(rejects):
            # A reject without a hash (unreadable, too large) has no key to upsert on; its
            # path's newer outcome replaces it, so a rerun does not add a second row.
            conn.execute(_hashless_rejects(r.source_uri))
            stmt = insert(m.Reject).values(
                source_uri=r.source_uri,
                content_sha256=r.content_sha256,
                stage=r.stage,
                reason=r.reason,
                detail=r.detail,
                run_id=run_id,
            )
            if r.content_sha256 is not None:
                stmt = stmt.on_conflict_do_update(
                    index_elements=["content_sha256"],
                    set_={
                        "source_uri": stmt.excluded.source_uri,
                        "stage": stmt.excluded.stage,
                        "reason": stmt.excluded.reason,
                        "detail": stmt.excluded.detail,
                        "run_id": stmt.excluded.run_id,
                        "created_at": func.now(),
                    },
                )
            conn.execute(stmt)


def _hashless_rejects(source_uri: str) -> Delete:
    """Delete the rows of an input rejected before it could be hashed."""
    return delete(m.Reject).where(
        m.Reject.source_uri == source_uri, m.Reject.content_sha256.is_(None)
    )


def _dedupe_rejects(rejects: Sequence[Rejected]) -> list[Rejected]:
    """One row per content hash: the same bytes twice in a batch would conflict with itself."""
    seen: dict[str | None, Rejected] = {}
    out = []
    for r in rejects:
        if r.content_sha256 is None:
            out.append(r)
        elif r.content_sha256 not in seen:
            seen[r.content_sha256] = r
            out.append(r)
    return out
