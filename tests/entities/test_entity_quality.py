"""Quality gate: GUM news scores for newsdesk stay above pinned floors (slow, corpus).

The floors sit a little under the scores measured when they were set (see bench/entities.py
for the definitions), so noise does not fail the build but a real regression does.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.corpus]

BENCH = Path(__file__).resolve().parents[2] / "bench" / "entities.py"
# Measured 0.594 document-level entity-set F1 (bare spaCy 0.514) when pinned.
MIN_ENTITY_SET_F1 = 0.57
# The target: at least 5 points above bare spaCy with the same model.
MIN_MARGIN_OVER_SPACY = 0.05
# The target for short names resolved to the chain's full name (measured 1.0).
MIN_SHORT_NAME_ACCURACY = 0.95
# Measured 0.659 exact span + kind mention F1 (bare spaCy 0.523) when pinned.
MIN_MENTION_F1 = 0.63
# Measured 0.899 of one-word person names found at their exact span (bare spaCy 0.647).
MIN_SHORT_NAME_COVERAGE = 0.87


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("newsdesk_bench_entities", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report(corpus: Path) -> dict[str, Any]:
    gum = corpus / "gum-news"
    if not any(gum.glob("*.conll")):
        pytest.skip(f"no GUM files under {gum}")
    return _bench().evaluate(gum, repeat=0)


def test_entity_sets_beat_bare_spacy(report: dict[str, Any]) -> None:
    ours = report["newsdesk"]["entity_sets"]["macro_f1"]
    theirs = report["bare_spacy"]["entity_sets"]["macro_f1"]
    assert ours >= MIN_ENTITY_SET_F1
    assert ours - theirs >= MIN_MARGIN_OVER_SPACY


def test_short_names_resolve(report: dict[str, Any]) -> None:
    assert report["newsdesk"]["short_names"]["accuracy"] >= MIN_SHORT_NAME_ACCURACY
    assert report["newsdesk"]["short_names"]["coverage"] >= MIN_SHORT_NAME_COVERAGE


def test_mentions_hold(report: dict[str, Any]) -> None:
    assert report["newsdesk"]["mentions"]["f1"] >= MIN_MENTION_F1
