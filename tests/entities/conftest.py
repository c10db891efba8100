"""Fixtures for the entities tests: hand-built Docs, and the real model loaded once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from entity_docs import MODEL_NAME, MODEL_VERSION, MakeDoc, build_doc
from spacy.language import Language

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@pytest.fixture
def make_doc() -> MakeDoc:
    """The hand-built Doc factory."""
    return build_doc


@pytest.fixture(scope="session")
def nlp() -> Iterator[Language]:
    """The real model with newsdesk's pipeline, loaded once per test session."""
    from newsdesk.entities import load_model

    yield load_model(MODEL_NAME, MODEL_VERSION)


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared reference corpus; skips when it is not checked out beside the repo."""
    if not CORPUS.is_dir():
        pytest.skip(f"reference corpus not found at {CORPUS.resolve()}")
    return CORPUS.resolve()
