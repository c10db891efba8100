"""Runs cut anywhere give the tables of one run: what is done after each commit (learned
boilerplate, names resolved across articles) depends on which articles are loaded, not on the
runs or batches they came in."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.etl import etl
from tests.robustness.helpers import empty_tables, scalar, snapshot, story_text

pytestmark = pytest.mark.slow

STORIES = 16


def _write(inbox: Path, numbers: range) -> None:
    for i in numbers:
        (inbox / f"{i:03d}.txt").write_text(story_text(i))


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.integers(1, STORIES - 1), min_size=1, max_size=3, unique=True),
    st.integers(2, 6),
)
def test_runs_cut_anywhere_give_the_tables_of_one_run(
    prefect_harness: None,
    db_url: str,
    other_db_url: str,
    tmp_path: Path,
    cuts: list[int],
    batch_size: int,
) -> None:
    inbox = tmp_path / "inbox"
    one_run = _one_run(inbox, other_db_url)
    empty_tables(db_url)
    for path in inbox.iterdir():
        path.unlink()
    edges = [0, *sorted(cuts), STORIES]
    for start, end in pairwise(edges):  # the inbox fills up run by run
        _write(inbox, range(start, end))
        assert (
            etl([str(inbox)], batch_size=batch_size, database_url=db_url)["status"] == "completed"
        )
    assert snapshot(db_url) == one_run
    runs = scalar(db_url, "SELECT string_agg(DISTINCT status, ',') FROM pipeline_runs")
    assert runs == "completed"


_ONE_RUN: dict[str, Any] = {}


def _one_run(inbox: Path, url: str) -> Any:
    """The tables of all the stories loaded in one run (made once per test)."""
    if _ONE_RUN.get("inbox") != inbox:
        inbox.mkdir(exist_ok=True)
        _write(inbox, range(STORIES))
        etl([str(inbox)], batch_size=STORIES, database_url=url)
        # The premises: something was learned, and a short name resolved across articles.
        assert scalar(url, "SELECT count(*) FROM learned_lines") >= 2
        assert scalar(url, "SELECT count(*) FROM mentions WHERE short_key IS NOT NULL") > 0
        _ONE_RUN.update(inbox=inbox, tables=snapshot(url))
    return _ONE_RUN["tables"]
