"""Entities stage: people and organisations mentioned in articles, resolved within each one."""

from newsdesk.entities.extract import EntityOptions, check_length, extract, mentions_from_docs
from newsdesk.entities.keys import fold_key
from newsdesk.entities.known import resolve_with_known
from newsdesk.entities.model import load_model

__all__ = [
    "EntityOptions",
    "check_length",
    "extract",
    "fold_key",
    "load_model",
    "mentions_from_docs",
    "resolve_with_known",
]
