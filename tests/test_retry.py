"""Transient database errors are retried with backoff; terminal ones are not."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from newsdesk.errors import call_with_retries, is_transient


def _wrapped(exc: Exception) -> DBAPIError:
    return DBAPIError.instance("SELECT 1", {}, exc, psycopg.Error)


@pytest.mark.parametrize(
    "exc",
    [errors.SerializationFailure("x"), errors.DeadlockDetected("x"), errors.AdminShutdown("x")],
)
def test_serialization_deadlock_and_shutdown_are_transient(exc: Exception) -> None:
    assert is_transient(_wrapped(exc))


def test_refused_connection_is_transient() -> None:
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/x")
    with pytest.raises(OperationalError) as caught, engine.connect():
        pass
    assert is_transient(caught.value)


def test_bad_data_is_terminal(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
        conn.execute(text("INSERT INTO people (name, name_key) VALUES ('a', 'k'), ('b', 'k')"))
    assert not is_transient(caught.value)
    assert not is_transient(ValueError("bad input"))


def test_call_with_retries_retries_only_transient_errors() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _wrapped(errors.DeadlockDetected("x"))
        return "ok"

    assert call_with_retries(flaky, attempts=4, delays=[0]) == "ok" and len(calls) == 3

    def broken() -> None:
        calls.append(1)
        raise ValueError("terminal")

    calls.clear()
    with pytest.raises(ValueError):
        call_with_retries(broken, attempts=4, delays=[0])
    assert len(calls) == 1
