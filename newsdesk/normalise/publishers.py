"""Publisher names for pages that name none: a registry by web or e-mail domain.

The shipped registry (`publishers.tsv`, beside this module) is extended or overridden by the
user's file (the setting `publishers_file`, passed in through `CleanOptions.publisher_names`).
Names learned from loaded pages (`learn.settle`, the table `publisher_names`) are applied in
the database, to every article of the domain that names no publisher of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from newsdesk.urls import host_of

SHIPPED = Path(__file__).with_name("publishers.tsv")


def read_registry(path: Path) -> dict[str, str]:
    """domain -> name from a registry file: `domain<TAB>name` lines, `#` comments.

    Raises ValueError naming the line for a line that is not two tab-separated fields.
    """
    names: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        domain, tab, name = line.partition("\t")
        if not tab or not domain.strip() or not name.strip():
            raise ValueError(f"{path}:{number}: expected 'domain<TAB>name', got {line!r}")
        names[_bare(domain)] = " ".join(name.split())
    return names


def user_names(path: Path | None) -> tuple[tuple[str, str], ...]:
    """The user's registry as `CleanOptions.publisher_names` takes it (none without a file)."""
    return tuple(read_registry(path).items()) if path else ()


@cache
def shipped() -> dict[str, str]:
    """The registry shipped with newsdesk."""
    return read_registry(SHIPPED)


def name_for(domain: str, extra: Mapping[str, str]) -> str | None:
    """The registered name of a domain or of the nearest parent domain that has one; the
    user's names (`extra`) before the shipped ones."""
    labels = _bare(domain).split(".")
    for start in range(max(len(labels) - 1, 0)):
        key = ".".join(labels[start:])
        found = extra.get(key) or shipped().get(key)
        if found:
            return found
    return None


def url_domain(url: str | None) -> str | None:
    """The host of a URL without "www." ("https://www.example.com/a" -> "example.com")."""
    host = host_of(url)
    return _bare(host) if host and "." in host else None


def _bare(domain: str) -> str:
    """A domain lower-cased, without a leading "www." or a trailing dot."""
    domain = domain.strip().lower().rstrip(".")
    return domain[4:] if domain.startswith("www.") else domain
