"""Rewrite the golden expectations from the current cleaner: `python -m tests.golden.regenerate`.

Inputs are `tests/golden/cases/*` and the team's `samples/*`; each gets
`tests/golden/expected/<name>.json`. Review the diff like code before committing it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from newsdesk.clean import clean  # noqa: E402
from newsdesk.normalise import normalise  # noqa: E402
from newsdesk.records import RawDocument  # noqa: E402

CASES = ROOT / "tests" / "golden" / "cases"
SAMPLES = ROOT / "samples"
EXPECTED = ROOT / "tests" / "golden" / "expected"
MEDIA_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}
MEDIA_TYPES[".json"] = "application/json"


def inputs() -> list[Path]:
    """Every golden input: the cases folder and the samples."""
    files = [*CASES.glob("*"), *SAMPLES.glob("*")]
    return sorted(p for p in files if p.suffix in MEDIA_TYPES)


def document(path: Path) -> RawDocument:
    """A RawDocument as the reader would build it (JSON records split into text + metadata)."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    metadata: dict[str, Any] = {}
    if path.suffix == ".json":
        record = json.loads(text)
        text = record.pop("text")
        metadata = record
    digest = hashlib.sha256(raw).hexdigest()
    return RawDocument(
        path.name, digest, MEDIA_TYPES[path.suffix], raw, text, "utf-8", metadata=metadata
    )


def result(path: Path) -> dict[str, Any]:
    """The Article fields and removed lines for one input, as JSON-ready values."""
    doc = document(path)
    article = normalise(doc, clean(doc))
    return {
        "title": article.title,
        "standfirst": article.standfirst,
        "authors": article.authors,
        "publisher": article.publisher,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "section": article.section,
        "language": article.language,
        "url": article.url,
        "body": article.body.split("\n\n"),
        "removed": [{"reason": r.reason, "text": r.text} for r in article.removed],
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
