"""Every worked query in docs/queries.sql runs against the loaded samples, so none rots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine

pytestmark = pytest.mark.slow

QUERIES = Path(__file__).resolve().parents[2] / "docs" / "queries.sql"


def _queries() -> list[tuple[str, str, str]]:
    """(name, expect, sql) for each query of the file."""
    found = []
    for block in re.split(r"\n(?=-- name: )", QUERIES.read_text(encoding="utf-8"))[1:]:
        name = re.search(r"^-- name: (.+)$", block, re.M)
        expect = re.search(r"^-- expect: (rows|any)$", block, re.M)
        assert name and expect, f"query without name/expect lines:\n{block}"
        sql = block.strip().rstrip(";")
        code = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
        assert ";" not in code, f"{name.group(1)}: one statement per query"
        found.append((name.group(1), expect.group(1), sql))
    return found


def test_the_file_holds_a_dozen_named_queries() -> None:
    names = [n for n, _, _ in _queries()]
    assert len(names) >= 12 and len(set(names)) == len(names)


@pytest.mark.parametrize("name,expect,sql", _queries(), ids=[q[0] for q in _queries()])
def test_query_runs_on_the_samples(loaded_db: str, name: str, expect: str, sql: str) -> None:
    engine = create_engine(loaded_db)
    try:
        with engine.connect() as conn:
            result = conn.exec_driver_sql(sql)
            got = result.all()
            columns = list(result.keys())
    finally:
        engine.dispose()
    assert columns, name
    if expect == "rows":
        assert got, f"'{name}' returned no rows on the samples"
