"""Article rows: one way to build them, for the batch load (COPY) and a rewrite in place."""

from __future__ import annotations

import json
from typing import Any

from newsdesk import PIPELINE_VERSION
from newsdesk.records import Article

# The columns an article's content fills (beside its id, document and near-duplicate link).
CONTENT_COLUMNS = (
    "source_uri",
    "url",
    "publisher",
    "title",
    "standfirst",
    "authors",
    "credits",
    "section",
    "published_at",
    "modified_at",
    "language",
    "body",
    "word_count",
    "removed",
    "provenance",
    "pipeline_version",
)


def content(article: Article) -> dict[str, Any]:
    """The article's content columns (CONTENT_COLUMNS) as Python values (an UPDATE's)."""
    return {
        "source_uri": article.source_uri,
        "url": article.url,
        "publisher": article.publisher,
        "title": article.title,
        "standfirst": article.standfirst,
        "authors": list(article.authors),
        "credits": list(article.credits),
        "section": article.section,
        "published_at": article.published_at,
        "modified_at": article.modified_at,
        "language": article.language,
        "body": article.body,
        "word_count": article.word_count,
        "removed": [r.as_json() for r in article.removed],
        "provenance": {name: found.as_json() for name, found in article.provenance.items()},
        "pipeline_version": PIPELINE_VERSION,
    }


def row(article: Article) -> tuple[Any, ...]:
    """The article's content columns in CONTENT_COLUMNS order, as COPY takes them (JSON as
    its text)."""
    values = content(article)
    values["removed"] = json.dumps(values["removed"])
    values["provenance"] = json.dumps(values["provenance"], ensure_ascii=False)
    return tuple(values[column] for column in CONTENT_COLUMNS)
