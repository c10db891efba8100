"""Load the spaCy model once, check it is the one newsdesk was measured with, add the ruler."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path

import spacy
import srsly
from spacy.language import Language

from newsdesk.entities.keys import fold_key, initials
from newsdesk.entities.resolve import acronym_of
from newsdesk.errors import ConfigError

# Shipped EntityRuler patterns; every *.jsonl file in this folder is loaded, so users extend
# the ruler by adding a file beside organisations.jsonl.
PATTERNS_DIR = Path(__file__).parent / "patterns"
# Components the entities stage never reads, left out at load time. NER and the sentence
# recogniser ("senter", which replaces the costlier parser for sentence boundaries) share only
# tok2vec with these; dropping them left every entity and sentence on the GUM bench unchanged
# and cut pipeline time by about a quarter.
EXCLUDED = ("lemmatizer", "parser", "tagger", "attribute_ruler")
RULER_NAME = "newsdesk_ruler"


def _installed_package(name: str) -> None:
    """Raise ConfigError naming the pip package when the model package is missing."""
    if importlib.util.find_spec(name) is None and not Path(name).exists():
        pip_name = name.replace("_", "-")
        raise ConfigError(
            f"spaCy model {name!r} is not installed. Install it with "
            f"`pip install {pip_name}` or set NEWSDESK_SPACY_MODEL to an installed model."
        )


def check_meta(nlp: Language, name: str, version: str) -> None:
    """Raise ConfigError unless the loaded model is `name` at `version`."""
    meta = nlp.meta
    installed = f"{meta.get('lang')}_{meta.get('name')}"
    if installed != name or meta.get("version") != version:
        raise ConfigError(
            f"spaCy model mismatch: installed {installed} {meta.get('version')}, configured "
            f"{name} {version}. Set NEWSDESK_SPACY_MODEL={installed} and "
            f"NEWSDESK_SPACY_MODEL_VERSION={meta.get('version')}, or install {name}=={version}."
        )


def read_patterns(paths: Iterable[Path]) -> list[dict[str, object]]:
    """EntityRuler patterns from JSONL files, one pattern object per line."""
    patterns: list[dict[str, object]] = []
    for path in sorted(paths):
        try:
            patterns.extend(dict(line) for line in srsly.read_jsonl(path))
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                f"EntityRuler patterns file {path} is not valid JSONL ({exc}); fix or remove it."
            ) from exc
    return patterns


def add_ruler(nlp: Language, patterns: list[dict[str, object]]) -> None:
    """Add an EntityRuler before "ner" that keeps spaCy's own entities where they don't clash."""
    ruler = nlp.add_pipe(
        "entity_ruler", name=RULER_NAME, before="ner", config={"overwrite_ents": False}
    )
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]


def known_acronyms(nlp: Language) -> dict[str, str]:
    """Organisation key -> acronym, from ruler patterns that name an acronym's long form.

    A pattern {"pattern": [{"ORTH": "KCNA"}], "id": "Korean Central News Agency"} lets a
    mention of the long form carry "KCNA" even where the article never uses the acronym.
    """
    if RULER_NAME not in nlp.pipe_names:
        return {}
    found: dict[str, str] = {}
    for pattern in nlp.get_pipe(RULER_NAME).patterns:  # type: ignore[attr-defined]
        tokens, long_form = pattern.get("pattern"), pattern.get("id")
        if long_form and isinstance(tokens, list) and len(tokens) == 1:
            acronym = acronym_of(str(tokens[0].get("ORTH", "")))
            if acronym and initials(long_form) == acronym:
                found.setdefault(fold_key(long_form, "organisation"), acronym)
    return found


def load_model(name: str, version: str, patterns_dir: Path = PATTERNS_DIR) -> Language:
    """Load and check the NER model, with unused components off and the ruler added."""
    _installed_package(name)
    try:
        nlp = spacy.load(name, exclude=list(EXCLUDED))
    except OSError as exc:
        raise ConfigError(f"Cannot load spaCy model {name!r}: {exc}") from exc
    check_meta(nlp, name, version)
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    add_ruler(nlp, read_patterns(patterns_dir.glob("*.jsonl")))
    return nlp
