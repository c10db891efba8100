"""Quality gate: newsdesk's entity figures on the three dev sets stay above pinned floors.

Runs bench/entities.py's evaluation (slow, corpus): newsdesk with its kind model held out by
document, and bare spaCy with the same model in the same run. The floors in bench/floors.json
sit a little under the figures measured when they were set, so noise does not fail the build
but a real regression does; the margins are the issue's target over bare spaCy.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.corpus]

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "entities.py"
FLOORS = json.loads((REPO / "bench" / "floors.json").read_text(encoding="utf-8"))["entities"]
# The target: per-document entity sets and mention overlap at least 5 points above
# bare spaCy with the same model, on every set.
MIN_MARGIN_OVER_SPACY = 0.05


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("newsdesk_bench_entities", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report(corpus: Path) -> dict[str, Any]:
    bench = _bench()
    missing = [name for name in bench.SETS if not bench.load_set(name, corpus)]
    if missing:
        pytest.skip(f"dev sets {missing} are absent under {corpus}")
    return dict(bench.evaluate(bench.SETS, corpus))


@pytest.mark.parametrize("name", ["gum-news", "conll-dev", "gum-genres"])
def test_figures_stay_above_their_floors(report: dict[str, Any], name: str) -> None:
    ours = report[name]["newsdesk"]
    floors = FLOORS[name]
    assert ours["mentions"]["f1"] >= floors["mention_exact_f1"]
    assert ours["overlap"]["f1"] >= floors["mention_overlap_f1"]
    assert ours["entity_sets"]["macro_f1"] >= floors["entity_set_f1"]
    assert ours["short_names"]["accuracy"] >= floors["short_name_accuracy"]
    assert ours["short_names"]["coverage"] >= floors["short_name_coverage"]


@pytest.mark.parametrize("name", ["gum-news", "conll-dev", "gum-genres"])
def test_every_set_beats_bare_spacy(report: dict[str, Any], name: str) -> None:
    ours, theirs = report[name]["newsdesk"], report[name]["bare_spacy"]
    for section, key in (("entity_sets", "macro_f1"), ("overlap", "f1")):
        assert ours[section][key] - theirs[section][key] >= MIN_MARGIN_OVER_SPACY, (section, key)
    assert ours["mentions"]["f1"] > theirs["mentions"]["f1"]
