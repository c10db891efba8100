"""Agencies as credits: "Photo: AFP", "[YONHAP]", "(AP)", "Reuters" kept apart from authors.

Read from where pages credit a source: the caption, credit and byline lines the cleaner
removed, the author values (a JSON-LD author "Reuters" is a credit, not a person), and a wire
dateline opening the body ("SEOUL (AP) -"). The agencies and how pages write them are data:
`agencies.tsv` beside this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from newsdesk.records import Removed

AGENCIES = Path(__file__).with_name("agencies.tsv")
# Removed lines that credit a source.
CREDIT_REASONS = frozenset({"photo_caption", "publisher_credit", "byline", "html:figure"})
# A wire dateline: a place (and date) in capitals or Title Case, the agency in brackets, a dash.
WIRE_DATELINE = re.compile(r"^[A-Z][\w .,'’-]{0,60}?\((?P<agency>[^()]{2,40})\)\s*[-–—:]")


@cache
def agency_forms() -> list[tuple[re.Pattern[str], str]]:
    """(pattern of one written form, the agency's name), longest form first."""
    forms: list[tuple[str, str]] = []
    for line in AGENCIES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, written = line.partition("\t")
        forms += [(form.strip(), name.strip()) for form in written.split("|") if form.strip()]
    forms.sort(key=lambda pair: -len(pair[0]))
    return [
        (re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])", 0 if form.isupper() else re.I), name)
        for form, name in forms
    ]


def agencies_in(text: str) -> list[str]:
    """The agencies a credit text names, in order of appearance."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, name in agency_forms():
        for match in pattern.finditer(text):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue  # inside a longer form already read ("AP Photo", "EPA-EFE")
            taken.append(span)
            found.append((span[0], name))
    return list(dict.fromkeys(name for _, name in sorted(found)))


def credits(removed: Iterable[Removed], authors: Iterable[object], body: str) -> list[str]:
    """The agencies an article credits, each once: its wire dateline's first, then those of
    its caption, credit and byline lines, then those credited as authors."""
    dateline = WIRE_DATELINE.match(body.split("\n", 1)[0])
    texts: list[object] = [dateline.group("agency")] if dateline else []  # the story's wire
    texts += [r.text for r in removed if r.reason in CREDIT_REASONS]
    for value in authors:
        items = value if isinstance(value, list) else [value]
        texts += [i.get("name") if isinstance(i, dict) else i for i in items]
    names: list[str] = []
    for text in texts:
        if isinstance(text, str):
            names += agencies_in(text)
    return list(dict.fromkeys(names))
