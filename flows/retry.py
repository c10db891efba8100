"""Transient database errors are retried with backoff; everything else is terminal."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from newsdesk.errors import is_transient

T = TypeVar("T")

__all__ = ["call_with_retries", "is_transient"]


def call_with_retries(fn: Callable[[], T], attempts: int, delays: Sequence[float]) -> T:
    """Call `fn`, retrying transient errors with the given delays; re-raise the last one."""
    for attempt in range(attempts):
        try:
            return fn()
        except Exception as exc:
            if attempt == attempts - 1 or not is_transient(exc):
                raise
            time.sleep(delays[min(attempt, len(delays) - 1)])
    raise AssertionError("unreachable")
