"""One base error; terminal errors become `rejects` rows, transient ones are retried."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


class NewsdeskError(Exception):
    """Base of every error newsdesk raises on purpose."""


class RejectError(NewsdeskError):
    """Terminal: this input cannot be processed. The run records a reject and goes on.

    `stage` names where it failed (read, clean, normalise, entities, load); `reason` is a short
    machine-friendly label; the message says, for a person, what is wrong and what to do.
    """

    def __init__(self, stage: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage
        self.reason = reason

    @property
    def detail(self) -> str:
        return str(self)


class ConfigError(NewsdeskError):
    """Terminal for the whole run: a setting is wrong (bad URL, wrong model). Fix and rerun."""


# SQLSTATEs worth retrying: serialization failure, deadlock, admin/crash shutdown, cannot
# connect now, and the connection-exception class (08xxx).
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "57P01", "57P02", "57P03"})
TRANSIENT_CLASSES = ("08",)


def is_transient(error: Any) -> bool:
    """True for an exception (or a failed Prefect state holding one) worth retrying."""
    from sqlalchemy.exc import DBAPIError  # here: the CLI imports this module on every command

    exc = _exception_of(error)
    if exc is None:
        return False
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        exc = exc.orig if exc.orig is not None else exc
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate:
        return sqlstate in TRANSIENT_SQLSTATES or sqlstate.startswith(TRANSIENT_CLASSES)
    # psycopg raises OperationalError without a SQLSTATE when the server cannot be reached.
    return type(exc).__name__ in {"OperationalError", "ConnectionTimeout", "InterfaceError"}


def _exception_of(error: Any) -> BaseException | None:
    if isinstance(error, BaseException):
        return error
    try:  # a Prefect State
        result = error.result(raise_on_failure=False)
    except Exception as exc:
        return exc
    return result if isinstance(result, BaseException) else None


def call_with_retries(fn: Callable[[], T], attempts: int, delays: Sequence[float]) -> T:
    """Call `fn`, retrying transient errors with the given delays; re-raise the last one.

    The one retry policy of newsdesk's database writes (the flows call it through `retried`).
    """
    for attempt in range(attempts):
        try:
            return fn()
        except Exception as exc:
            if attempt == attempts - 1 or not is_transient(exc):
                raise
            time.sleep(delays[min(attempt, len(delays) - 1)])
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Failure:
    """Why one input could not go through a stage: what becomes its `rejects` row."""

    stage: str
    reason: str
    detail: str


def attempt(source_uri: str, stage: str, step: Callable[[], T]) -> T | Failure:
    """Run one stage for one input: the one guard every stage runs under.

    A RejectError fails it at the stage it names; a RecursionError is input nested too deeply;
    anything else is a bug in the stage, recorded as an internal error (a run must go on).
    """
    try:
        return step()
    except RejectError as exc:
        return Failure(exc.stage, exc.reason, exc.detail)
    except RecursionError:
        return Failure(stage, "too_deep", f"{source_uri} is nested too deeply to parse")
    except Exception as exc:
        detail = f"{source_uri}: {type(exc).__name__}: {exc} (please report this input)"
        return Failure(stage, "internal_error", detail)
