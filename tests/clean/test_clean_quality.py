"""Quality gate: newsdesk's extraction and metadata scores stay above the floors in bench/.

Runs newsdesk only (not the comparison tools) over ../shared/corpus, so it takes seconds.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / ".." / "shared" / "corpus"
FLOORS = json.loads((REPO / "bench" / "floors.json").read_text(encoding="utf-8"))
pytestmark = pytest.mark.corpus
sys.path.insert(0, str(REPO))


def _require(name: str) -> None:
    """Skip with a reason when a corpus folder is absent."""
    if not (CORPUS / name).exists():
        pytest.skip(f"{CORPUS / name} is absent: the reference corpus lives beside the repo")


def test_extraction_f1_above_floor() -> None:
    _require("article-extraction-benchmark")
    from bench.extraction import newsdesk_body, pages, run

    warnings.simplefilter("ignore")
    score, _, _ = run({"newsdesk": newsdesk_body}, pages())["newsdesk"]
    assert score.f1 >= FLOORS["extraction"]["f1"], score


def test_metadata_scores_above_floors() -> None:
    _require("news-metadata")
    from bench.metadata import corpus, evaluate

    warnings.simplefilter("ignore")
    means, _, _ = evaluate("newsdesk", corpus())
    for field, floor in FLOORS["metadata"].items():
        assert means[field] >= floor, (field, means[field], floor)
