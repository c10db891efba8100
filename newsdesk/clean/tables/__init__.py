"""The HTML cleaner's tables as data: tags and class/id tokens, one a line in *.txt here ("#"
comments), so they are read and extended without touching code (as entities/words/ is)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

TABLES = Path(__file__).parent


@cache
def read_table(name: str) -> frozenset[str]:
    """The lines of tables/<name>.txt, stripped, comments and blank lines skipped."""
    text = (TABLES / f"{name}.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip()[:1] not in {"", "#"}
    )
