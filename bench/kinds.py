"""Rebuild newsdesk's kind model (newsdesk/entities/kinds.json) from the three dev sets.

    .venv/bin/python bench/kinds.py [--corpus DIR] [--check]

Training data: every name group newsdesk forms in the documents of ../shared/corpus/gum-news,
conll-dev and gum-genres (see bench/entities.py for how each set is read), labelled person,
organisation or neither from the gold mention each candidate overlaps most (a group takes its
members' majority), weighed by the square root of its mentions. The file keeps weights of
hashed features only (numbers, no text). It prints the held-out accuracy (folds by document,
as bench/entities.py scores the stage) beside the in-sample one; `--check` compares with the
shipped file instead of writing it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.entities import (  # noqa: E402
    CORPUS,
    FOLDS,
    GROUP_WEIGHT_POWER,
    SETS,
    examples,
    group_weight,
    load_set,
    prepare,
)
from newsdesk.entities.kinds import (  # noqa: E402
    KIND_MODEL_PATH,
    L2,
    LEARNING_RATE,
    STEPS,
    KindModel,
    fit,
    load_kind_model,
)


def accuracy(model: KindModel, rows: Sequence[dict[int, float]], labels: Sequence[int]) -> float:
    """Share of groups whose most probable class is their label."""
    hits = sum(1 for row, label in zip(rows, labels, strict=True) if model.kind(row) == label)
    return hits / max(len(rows), 1)


def main(argv: Sequence[str] | None = None) -> int:
    """Fit on every set, report held-out and in-sample accuracy, write (or check) the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    loaded = {name: load_set(name, args.corpus) for name in SETS}
    if not all(loaded.values()):
        print(f"the dev sets {SETS} are not all under {args.corpus}")
        return 2
    data = examples(prepare(loaded, spacy_too=False))
    names = ("person", "organisation", "neither")
    labels = [names[y] for y in data.labels]
    held = 0.0
    for fold in range(FOLDS):
        train = [i for i, f in enumerate(data.folds) if f != fold]
        test = [i for i, f in enumerate(data.folds) if f == fold]
        model = fit(
            [data.rows[i] for i in train],
            [data.labels[i] for i in train],
            [group_weight(data.sizes[i]) for i in train],
        )
        held += accuracy(model, [data.rows[i] for i in test], [labels[i] for i in test]) * len(test)
    model = fit(data.rows, data.labels, [group_weight(size) for size in data.sizes])
    print(f"groups {len(data.rows)}: held-out accuracy {held / len(data.rows):.4f}, ", end="")
    print(f"in-sample {accuracy(model, data.rows, labels):.4f}")
    if args.check:
        shipped = load_kind_model()
        print(f"shipped model, in-sample {accuracy(shipped, data.rows, labels):.4f}")
        return 0
    provenance = {
        "command": ".venv/bin/python bench/kinds.py",
        "data": "name groups newsdesk forms in ../shared/corpus gum-news (16 documents), "
        "conll-dev (216) and gum-genres (118), labelled from their gold mentions",
        "groups": len(data.rows),
        "fit": {
            "l2": L2,
            "steps": STEPS,
            "learning_rate": LEARNING_RATE,
            "group_weight": f"mentions ** {GROUP_WEIGHT_POWER}",
        },
        "held_out_accuracy": round(held / len(data.rows), 4),
        "folds": FOLDS,
    }
    model.save(KIND_MODEL_PATH, provenance)
    print(f"wrote {KIND_MODEL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
