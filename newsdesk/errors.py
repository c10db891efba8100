"""One base error; terminal errors become `rejects` rows, transient ones are retried."""

from __future__ import annotations


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
