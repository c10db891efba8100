"""Golden files: every input in tests/golden/cases and samples/ against its stored expectation."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

# regenerate.py is a script, not a package module: load it by path so the suite needs no
# tests/__init__.py.
_SPEC = importlib.util.spec_from_file_location(
    "golden_regenerate", Path(__file__).with_name("regenerate.py")
)
assert _SPEC is not None and _SPEC.loader is not None
regenerate = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(regenerate)
expected_path, inputs, result = regenerate.expected_path, regenerate.inputs, regenerate.result

INPUTS = inputs()


def test_every_input_has_an_expectation() -> None:
    """A new input without an expectation fails loudly (run regenerate.py and review)."""
    missing = [p.name for p in INPUTS if not expected_path(p).exists()]
    assert not missing
    assert len(INPUTS) >= 6


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden(path: Path) -> None:
    """The cleaned article equals the reviewed expectation, field by field."""
    expected = json.loads(expected_path(path).read_text(encoding="utf-8"))
    actual = result(path)
    for field in expected:
        assert actual[field] == expected[field], field
