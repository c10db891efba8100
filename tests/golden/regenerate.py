"""Rewrite the golden expectations from the current cleaner: `python -m tests.golden.regenerate`.

Inputs are `tests/golden/cases/*` and the team's `samples/*`; each is read and prepared as a
run reads and prepares it (`sources.read`, then `pipeline.prepare_one`) and gets
`tests/golden/expected/<name>.json`. Review the diff like code before committing it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from newsdesk import sources  # noqa: E402
from newsdesk.clean import CleanOptions  # noqa: E402
from newsdesk.pipeline import prepare_one  # noqa: E402
from newsdesk.records import Article, RawDocument, Rejected  # noqa: E402

CASES = ROOT / "tests" / "golden" / "cases"
SAMPLES = ROOT / "samples"
EXPECTED = ROOT / "tests" / "golden" / "expected"


def inputs() -> list[Path]:
    """Every golden input: the cases folder and the samples."""
    files = [*CASES.glob("*"), *SAMPLES.glob("*")]
    return sorted(p for p in files if p.suffix in sources.SUFFIXES)


def document(path: Path) -> RawDocument:
    """The input as the run reads it (`sources.read`: one document per file here)."""
    (doc,) = list(sources.read(path))
    assert isinstance(doc, RawDocument), doc
    return doc


def article(path: Path) -> Article:
    """The input through the run's chain (`pipeline.prepare_one`), nothing learned yet."""
    item = prepare_one(document(path), CleanOptions())
    assert not isinstance(item, Rejected), item
    return item.article


def result(path: Path) -> dict[str, Any]:
    """The Article fields, removed lines and provenance for one input, as JSON-ready values."""
    found = article(path)
    return {
        "title": found.title,
        "standfirst": found.standfirst,
        "authors": found.authors,
        "publisher": found.publisher,
        "published_at": found.published_at.isoformat() if found.published_at else None,
        "modified_at": found.modified_at.isoformat() if found.modified_at else None,
        "credits": found.credits,
        "section": found.section,
        "language": found.language,
        "url": found.url,
        "body": found.body.split("\n\n"),
        "removed": [r.as_json() for r in found.removed],
        "provenance": {name: f.as_json() for name, f in sorted(found.provenance.items())},
    }


def expected_path(path: Path) -> Path:
    """Where the expectation for an input lives."""
    return EXPECTED / f"{path.parent.name}--{path.name}.json"


def main() -> None:
    """Write every expectation file."""
    EXPECTED.mkdir(exist_ok=True)
    for path in inputs():
        text = json.dumps(result(path), indent=2, ensure_ascii=False) + "\n"
        expected_path(path).write_text(text, encoding="utf-8")
        print(f"wrote {expected_path(path).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
