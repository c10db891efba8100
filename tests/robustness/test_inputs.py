"""Every input accounted for: bad, odd and vanishing inputs are loaded or rejected with a reason.

One flow run over an inbox holding every kind of bad input the pipeline meets; it must finish,
load what is usable, reject the rest with the stage and a readable reason, and its counts must
add up (inputs seen = loaded + already loaded + rejected) in the summary and in pipeline_runs.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from flows.etl import etl, on_progress
from newsdesk.records import RawDocument, Rejected
from newsdesk.sources import discover, read, survey

PARAGRAPH = (
    "The minister, Jane Roe, met officials of the Harbour Council on Monday to discuss the "
    "budget for next year. "
)
GOOD = (
    "Council approves the harbour budget\n\n" + PARAGRAPH + "\n\nRoe said the plan would be "
    "published in March. The Harbour Council will vote again in April.\n"
)
FRENCH = (
    "Le conseil municipal adopte le budget\n\nLe maire Emmanuel Dupont a rencontré lundi les "
    "représentants du conseil municipal pour discuter du budget de l'année prochaine. Il a "
    "déclaré que la ville devait investir dans les transports publics et les écoles.\n"
)

# What each input must become: ("loaded", None) or ("rejected", (stage, reason)).
LOADED = ("loaded", None)


def _rejected(stage: str, reason: str) -> tuple[str, tuple[str, str]]:
    return ("rejected", (stage, reason))


def _deep_html(depth: int) -> str:
    return (
        "<html><body>"
        + "<div>" * depth
        + f"<p>{PARAGRAPH * 3}</p>"
        + "</div>" * depth
        + "</body></html>"
    )


def build_inbox(folder: Path) -> dict[str, tuple[str, tuple[str, str] | None]]:
    """Write every bad input under folder; returns the expected outcome per source URI."""
    expected: dict[str, tuple[str, tuple[str, str] | None]] = {}

    def put(name: str, data: bytes, outcome: tuple[str, tuple[str, str] | None]) -> Path:
        path = folder / name
        path.write_bytes(data)
        expected[str(path)] = outcome
        return path

    # "good-again.txt" sorts first, so it is loaded and this copy counts as already loaded.
    put("good.txt", GOOD.encode(), ("already", None))
    put("empty.txt", b"", _rejected("read", "empty"))
    put("whitespace.txt", b" \n\t \r\n  ", _rejected("read", "empty"))
    put("image.html", b"\x89PNG\r\n\x1a\n" + os.urandom(4096), _rejected("read", "binary"))
    put(
        "paper.txt",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + os.urandom(4096),
        _rejected("read", "binary"),
    )
    put("noise.txt", os.urandom(8192), _rejected("read", "binary"))
    put("bad-utf8.txt", GOOD.encode() + b"\xff\xfe\xfa broken \xc3\x28 bytes.\n", LOADED)
    put("utf16.txt", ("Zoë’s café reopens\n\n" + PARAGRAPH * 2).encode("utf-16"), LOADED)
    put("latin1.txt", ("Grüße aus Köln\n\n" + PARAGRAPH * 2).encode("latin-1"), LOADED)
    put(
        "cp1252.txt",
        ("The minister’s “plan” — agreed\n\n" + PARAGRAPH * 2).encode("cp1252"),
        LOADED,
    )
    put("nul.txt", (GOOD.replace("budget", "bud\x00get")).encode(), LOADED)
    # Over NEWSDESK_MAX_INPUT_BYTES (10 MB by default): rejected before a byte is read.
    put(
        "huge.txt",
        (PARAGRAPH + "\n\n").encode() * (20_000_000 // len(PARAGRAPH)),
        _rejected("read", "too_large"),
    )
    # Under the input limit but over spaCy's 1,000,000 characters: rejected by the NER stage.
    put(
        "one-line.txt",
        (PARAGRAPH * (5_000_000 // len(PARAGRAPH))).encode(),
        _rejected("entities", "too_long"),
    )
    put("deep.html", _deep_html(10_000).encode(), LOADED)
    scripts = b"<html><head><script>var a = 1;</script></head><body><script>track()</script></body></html>"
    put("scripts.html", scripts, _rejected("clean", "no_article_text"))
    put("scripts-again.html", scripts, _rejected("clean", "no_article_text"))
    put("french.txt", FRENCH.encode(), LOADED)
    put("good-again.txt", GOOD.encode(), LOADED)
    records = [
        {"url": "https://example.org/a", "text": GOOD.replace("Monday", "Tuesday")},
        "{not json",
        {"url": "https://example.org/b", "summary": "no article field"},
        {"url": "https://example.org/c", "html": f"<html><body><p>{PARAGRAPH}</p></body></html>"},
    ]
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n")
    for n, outcome in enumerate(
        [LOADED, _rejected("read", "bad_json"), _rejected("read", "bad_record"), LOADED], 1
    ):
        expected[f"{folder / 'feed.jsonl'}#{n}"] = outcome
    # A link to nowhere, a link to itself, a link to the folder itself (a loop to walk into).
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    expected[str(folder / "dangling.txt")] = _rejected("read", "unreadable")
    (folder / "self-loop.txt").symlink_to(folder / "self-loop.txt")
    expected[str(folder / "self-loop.txt")] = _rejected("read", "unreadable")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    # Files of kinds newsdesk does not read: listed as rejects, never opened; and droppings
    # (hidden files, editor backups) that are no one's input: passed over without a word.
    put(
        "photos.tar.gz",
        b"\x1f\x8b\x08\x00" + os.urandom(512),
        _rejected("discover", "unsupported_type"),
    )
    put("budget.xlsx", b"PK\x03\x04" + os.urandom(512), _rejected("discover", "unsupported_type"))
    # A WARC file is read (issue 19): one that is no WARC inside is a damaged record.
    (folder / "crawl.warc.gz").write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(512))
    expected[f"{folder / 'crawl.warc.gz'}#0"] = _rejected("read", "damaged_record")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + os.urandom(64))
    (folder / "good.txt~").write_bytes(GOOD.encode())
    (folder / "#good.txt#").write_bytes(GOOD.encode())
    # Named to sort last, so they are read after the first batch finishes (see the hook).
    put("zz-vanishes.txt", GOOD.replace("March", "May").encode(), _rejected("read", "unreadable"))
    put(
        "zz-becomes-a-folder.txt",
        GOOD.replace("March", "June").encode(),
        _rejected("read", "unreadable"),
    )
    return expected


@pytest.fixture
def inbox(tmp_path: Path) -> Iterator[tuple[Path, dict[str, tuple[str, tuple[str, str] | None]]]]:
    folder = tmp_path / "inbox"
    folder.mkdir()
    yield folder, build_inbox(folder)
    on_progress(None)


def test_discovery_survives_link_loops_and_lists_dangling_links(tmp_path: Path) -> None:
    expected = build_inbox(tmp_path)
    files = {str(p) for p in discover([tmp_path])}
    unsupported = {uri for uri, (_, why) in expected.items() if why and why[0] == "discover"}
    assert files == {uri.split("#")[0] for uri in expected} - unsupported
    assert not any("/loop/" in f for f in files)
    assert {str(p) for p in survey([tmp_path]).unsupported} == unsupported


@pytest.mark.parametrize("name", ["dangling.txt", "self-loop.txt"])
def test_broken_links_are_rejected_as_unreadable(tmp_path: Path, name: str) -> None:
    build_inbox(tmp_path)
    (item,) = list(read(tmp_path / name))
    assert isinstance(item, Rejected) and item.reason == "unreadable"
    assert name in item.detail and "could not be read" in item.detail


def test_a_path_replaced_by_a_folder_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.mkdir()
    (item,) = list(read(path))
    assert isinstance(item, Rejected) and item.reason == "unreadable"
    assert "directory" in item.detail.lower()


def test_decodings_keep_the_text(tmp_path: Path) -> None:
    build_inbox(tmp_path)
    texts = {}
    for name in ("utf16.txt", "latin1.txt", "cp1252.txt", "nul.txt", "bad-utf8.txt"):
        (doc,) = list(read(tmp_path / name))
        assert isinstance(doc, RawDocument), doc
        assert "\x00" not in doc.text
        texts[name] = doc.text
    assert "Zoë’s café" in texts["utf16.txt"]
    assert "Grüße aus Köln" in texts["latin1.txt"]
    assert "minister’s “plan” — agreed" in texts["cp1252.txt"]
    assert "budget" in texts["nul.txt"]
    assert "broken" in texts["bad-utf8.txt"] and PARAGRAPH in texts["bad-utf8.txt"]


@pytest.mark.slow
def test_every_input_is_accounted_for(
    prefect_harness: None,
    db_url: str,
    inbox: tuple[Path, dict[str, tuple[str, tuple[str, str] | None]]],
) -> None:
    folder, expected = inbox

    def vanish(done: int, total: int) -> None:
        # After the first batch: one file is deleted, another replaced by a folder.
        if (folder / "zz-vanishes.txt").exists():
            (folder / "zz-vanishes.txt").unlink()
            (folder / "zz-becomes-a-folder.txt").unlink()
            (folder / "zz-becomes-a-folder.txt").mkdir()

    on_progress(vanish)
    summary = etl([str(folder)], batch_size=4, database_url=db_url)

    outcomes = [o for o, _ in expected.values()]
    assert summary["status"] == "completed"
    assert summary["inputs_seen"] == len(expected)
    assert (
        summary["inputs_seen"]
        == summary["loaded"] + summary["already_loaded"] + summary["rejected"]
    )
    assert summary["loaded"] == outcomes.count("loaded")
    assert summary["already_loaded"] == outcomes.count("already")
    assert summary["rejected"] == outcomes.count("rejected")
    want_reasons: dict[str, int] = {}
    for _, why in expected.values():
        if why:
            want_reasons[why[1]] = want_reasons.get(why[1], 0) + 1
    assert summary["rejected_by_reason"] == want_reasons

    engine = create_engine(db_url)
    with engine.connect() as conn:
        run = conn.execute(
            text("SELECT status, inputs_seen, loaded, already_loaded, rejected FROM pipeline_runs")
        ).one()
        rejects = {
            uri: (stage, reason, detail)
            for uri, stage, reason, detail in conn.execute(
                text("SELECT source_uri, stage, reason, detail FROM rejects")
            )
        }
        loaded = dict(
            conn.execute(text("SELECT source_uri, language FROM articles")).tuples().all()
        )
        bodies = dict(
            conn.execute(text("SELECT source_uri, concat_ws(' ', title, body) FROM articles"))
            .tuples()
            .all()
        )
    engine.dispose()
    assert tuple(run) == (
        "completed",
        summary["inputs_seen"],
        summary["loaded"],
        summary["already_loaded"],
        summary["rejected"],
    )
    # Every rejected input has its row (a copy shares its first copy's row: same content hash).
    for uri, (outcome, why) in expected.items():
        if outcome == "loaded":
            assert uri in loaded, uri
        elif outcome == "rejected" and "/scripts" not in uri:
            stage, reason, detail = rejects[uri]
            assert (stage, reason) == why, uri
            assert uri in detail and len(detail) > len(uri) + 10  # says what is wrong
    assert loaded[str(folder / "french.txt")] == "fr"
    assert "Zoë’s café" in bodies[str(folder / "utf16.txt")]
    assert "Grüße aus Köln" in bodies[str(folder / "latin1.txt")]
    assert "minister’s “plan”" in bodies[str(folder / "cp1252.txt")]
    assert PARAGRAPH.strip() in bodies[str(folder / "deep.html")]
    assert all("\x00" not in b for b in bodies.values())
    # The two scripts-only copies share one row (one per content hash), naming one of them.
    assert len([uri for uri in rejects if "/scripts" in uri]) == 1
    assert len(rejects) == summary["rejected"] - 1


@pytest.mark.slow
def test_a_rerun_over_the_same_inbox_changes_nothing(
    prefect_harness: None, db_url: str, tmp_path: Path
) -> None:
    build_inbox(tmp_path)
    shutil.rmtree(tmp_path / "loop", ignore_errors=True)
    (tmp_path / "loop").unlink(missing_ok=True)
    (tmp_path / "one-line.txt").unlink()  # slow to clean, and proven in the test above
    first = etl([str(tmp_path)], batch_size=50, database_url=db_url)
    from tests.robustness.helpers import snapshot

    before = snapshot(db_url)
    second = etl([str(tmp_path)], batch_size=50, database_url=db_url)
    assert second["loaded"] == 0
    assert second["already_loaded"] == first["loaded"] + first["already_loaded"]
    assert second["rejected"] == first["rejected"]
    assert second["inputs_seen"] == first["inputs_seen"]
    assert snapshot(db_url) == before
