"""Work owed after a commit (`pending_work`), the settle lock, and the learnable lines an
article brings (`article_lines`); `newsdesk.learn.settle` does the work.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine, text

from newsdesk.load.copy import copy_rows
from newsdesk.records import Item

# Advisory-lock key of settling: a settling run holds it exclusively, every load transaction
# shares it, so a settle sees each batch whole and no batch commits between what a settle
# reads and what it writes. A crashed run's lock goes with its connection.
SETTLE_LOCK = 0x6E64_7365_7474


def share_settle_lock(conn: Connection) -> None:
    """Hold the settle lock shared until commit: call at the start of a load transaction."""
    conn.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": SETTLE_LOCK})


APPLIED_LINES_SQL = text("SELECT line_key, line, publishers FROM learned_lines ORDER BY 1")

OWED_SQL = text("SELECT EXISTS (SELECT 1 FROM pending_work)")


def applied_lines(engine: Engine) -> dict[str, tuple[str, list[str]]]:
    """Learned boilerplate as last applied (`learned_lines`), what new articles are cleaned
    with: folded line -> (the line as written, the publishers repeating it)."""
    with engine.connect() as conn:
        return {key: (line, list(pubs)) for key, line, pubs in conn.execute(APPLIED_LINES_SQL)}


def owes_work(engine: Engine) -> bool:
    """Whether some article's after-commit work is owed (`pending_work`; see learn.settle)."""
    with engine.connect() as conn:
        return bool(conn.scalar(OWED_SQL))


def owe_work(conn: Connection, article_ids: Sequence[int], run_id: int | None) -> None:
    """Record that these articles' after-commit work is owed (`pending_work`, see learn)."""
    if not article_ids:
        return
    conn.execute(
        text(
            "INSERT INTO pending_work (article_id, run_id) "
            "SELECT unnest(CAST(:ids AS bigint[])), :run ON CONFLICT (article_id) DO NOTHING"
        ),
        {"ids": list(article_ids), "run": run_id},
    )


def copy_lines(conn: Connection, article_ids: Sequence[int], items: Sequence[Item]) -> None:
    """Each article's learnable lines (`article_lines`, what learned boilerplate counts)."""
    rows = (
        (article_id, key, line)
        for article_id, item in zip(article_ids, items, strict=True)
        for key, line in item.lines
    )
    copy_rows(conn, "article_lines", ("article_id", "line_key", "line"), rows)
