"""Quality gate: newsdesk's boilerplate removal on scraped text stays above the floors in bench/.

The text shapes of bench.text_extraction (region and page, from the corpus' HTML), cleaned by
clean() + normalise() with a line classifier trained without the page's site: two folds by
site here (the bench uses five), so the whole gate trains four small models and takes about a
minute. The floors sit a little under what this two-fold run measured, and below the bench's
five-fold figures, which train on more sites. Titles: the share of news-metadata pages whose
text gets its true title (or none when the text has no line of it); authors and date: the mean
author F1 and the share of right days of those pages' whole-page text (bench.metadata's
scoring).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / ".." / "shared" / "corpus"
FLOORS = json.loads((REPO / "bench" / "floors.json").read_text(encoding="utf-8"))["text"]
pytestmark = pytest.mark.corpus
sys.path.insert(0, str(REPO))


def test_text_shapes_cross_validated_above_floors() -> None:
    for name in ("article-extraction-benchmark", "news-metadata"):
        if not (CORPUS / name).exists():
            pytest.skip(f"{CORPUS / name} is absent: the reference corpus lives beside the repo")
    from bench.text_extraction import newsdesk_cross_validated
    from bench.text_shapes import build

    warnings.simplefilter("ignore")
    pages, left_out = build()
    assert len(pages) >= FLOORS["pages"] and len(left_out) <= 3
    scores, titles, authors, dates = newsdesk_cross_validated(pages, folds=FLOORS["folds"])
    for shape in ("region", "page"):
        assert scores[shape].f1 >= FLOORS[f"{shape}_f1"], (shape, scores[shape])
        assert titles[shape] >= FLOORS[f"{shape}_title"], (shape, titles[shape])
    # A whole page's text names its authors (a region text mostly holds no byline).
    assert authors["page"] >= FLOORS["page_authors"], authors
    # ... and its publication day, from the text alone.
    assert dates["page"] >= FLOORS["page_date"], dates
