"""The `newsdesk` command: run, inspect, migrate, db-url, stop, and the analyst's commands."""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import gc
import json
import os
import signal
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdesk.errors import ConfigError, NewsdeskError
from newsdesk.records import Article, Mention, RawDocument, Rejected
from newsdesk.settings import Settings, get_settings

if TYPE_CHECKING:
    from flows.server import LocalServer
    from newsdesk.clean import CleanOptions
    from newsdesk.db import Location

# Every 15 minutes: frequent enough for news, rare enough that runs never pile up.
DEFAULT_CRON = "*/15 * * * *"
# inspect --json keys beyond the contract: only with --provenance.
PROVENANCE_KEYS = ("modified_at", "credits", "provenance")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); the fallback is fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    _skip_final_collection()
    args = _parser().parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:
        return _closed_pipe()
    except ConfigError as exc:
        print(f"newsdesk: configuration error: {exc}", file=sys.stderr)
        return 2
    except NewsdeskError as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsdesk: interrupted", file=sys.stderr)
        return 130


@cache
def _skip_final_collection() -> None:
    """Freeze the heap at exit so the interpreter's last garbage collection skips it: with
    Prefect and SQLAlchemy loaded that collection took 0.3 s of a 2 s rerun, to free memory the
    process hands back anyway (atexit handlers registered later still run before it)."""
    atexit.register(gc.freeze)


def _closed_pipe() -> int:
    """`newsdesk inspect ... | head`: the reader has gone, so stop quietly, as Unix tools do.

    Later writes (the interpreter's last flush among them) go to /dev/null, and the exit status
    is the one a shell reports for a tool ended by SIGPIPE.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + signal.SIGPIPE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Turn scraped news into clean Postgres tables of articles, people, "
        "organisations and mentions.",
        epilog="Database: NEWSDESK_DATABASE_URL, or unset for the embedded PostgreSQL.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="load files or folders into the database (idempotent)")
    run.add_argument(
        "paths", nargs="+", help=".txt/.html/.htm/.json/.jsonl/.warc/.warc.gz files or folders"
    )
    run.add_argument("--batch-size", type=int, default=None, help="articles per batch")
    run.add_argument(
        "--domain",
        dest="domains",
        action="append",
        default=None,
        metavar="HOST",
        help="WARC files: only records fetched from HOST or its subdomains (repeatable)",
    )
    run.add_argument(
        "--since", default=None, metavar="DATE", help="WARC files: only records fetched from DATE"
    )
    run.add_argument(
        "--until",
        default=None,
        metavar="DATE",
        help="WARC files: only records fetched up to DATE (a whole day for YYYY-MM-DD)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="show Prefect's logs")
    run.set_defaults(func=cmd_run)

    inspect = sub.add_parser("inspect", help="run every stage but loading and show the result")
    inspect.add_argument("paths", nargs="+")
    inspect.add_argument("--json", action="store_true", help="one JSON object per input a line")
    inspect.add_argument(
        "--provenance",
        action="store_true",
        help="with --json: add modified_at, credits and where each metadata value came from "
        "(always shown without --json)",
    )
    inspect.add_argument(
        "--no-entities",
        action="store_true",
        help="every stage but entities: no model loaded, no mentions (the fast way to see what "
        "the cleaning does)",
    )
    inspect.set_defaults(func=cmd_inspect)

    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(func=cmd_migrate)

    db_url = sub.add_parser("db-url", help="print a URL psql can connect to")
    db_url.set_defaults(func=cmd_db_url)

    serve = sub.add_parser(
        "serve", help="run the inbox flow on a schedule on this machine (no worker needed)"
    )
    serve.add_argument("--inbox", default=None, help="folder to watch (NEWSDESK_INBOX)")
    serve.add_argument("--archive", default=None, help="move processed files here")
    serve.add_argument("--cron", default=DEFAULT_CRON, help=f"schedule (default '{DEFAULT_CRON}')")
    serve.add_argument("--interval", type=int, default=None, help="seconds between runs, not cron")
    serve.add_argument("--name", default="newsdesk-inbox-local", help="deployment name")
    serve.add_argument(
        "--port", type=int, default=4200, help="port of the local Prefect server it starts"
    )
    serve.set_defaults(func=cmd_serve)

    autos = sub.add_parser(
        "automations", help="apply automations/ (notify on failed runs) to the Prefect server"
    )
    autos.add_argument("--webhook", required=True, help="URL the notifications are POSTed to")
    autos.set_defaults(func=cmd_automations)

    for name in ("stop", "db-stop"):
        stop = sub.add_parser(
            name,
            help="stop the embedded PostgreSQL and the local Prefect server (they keep "
            "running between commands)",
        )
        stop.set_defaults(func=cmd_stop)

    analyst = sub.add_parser(
        "create-analyst-role",
        help="create or update a read-only LOGIN role for analysts (SELECT on every table)",
    )
    analyst.add_argument("--role", default="newsdesk_analyst", help="role name")
    analyst.add_argument(
        "--password",
        default=None,
        help="its password (default: NEWSDESK_ANALYST_PASSWORD; unset: no password); one that "
        "starts with '-' is given as --password=VALUE",
    )
    analyst.set_defaults(func=cmd_create_analyst_role)
    _analyst_commands(sub)
    return parser


def _analyst_commands(sub: Any) -> None:
    """merge, split, reprocess, report, export: the analyst's side of the database."""
    merge = sub.add_parser("merge", help="merge entity B into entity A (later runs respect it)")
    merge.add_argument("kind", choices=["person", "organisation"])
    merge.add_argument("keep", metavar="A", help="the entity to keep: name, alias or id")
    merge.add_argument("away", metavar="B", help="the entity merged into A: name, alias or id")
    merge.add_argument("--note", default=None, help="why (kept in entity_merges)")
    merge.set_defaults(func=cmd_merge)

    split = sub.add_parser("split", help="undo a merge: restore the merged entity exactly")
    split.add_argument("kind", choices=["person", "organisation"])
    split.add_argument("merged", nargs="?", help="the merged entity's name or former id")
    split.add_argument("--merge", type=int, default=None, help="entity_merges.id to undo")
    split.set_defaults(func=cmd_split)

    reprocess = sub.add_parser(
        "reprocess", help="rebuild articles from the stored raw documents (after an upgrade)"
    )
    reprocess.add_argument(
        "--outdated-only", action="store_true", help="only articles of an older pipeline_version"
    )
    reprocess.add_argument("--batch-size", type=int, default=None, help="articles per batch")
    reprocess.add_argument("-v", "--verbose", action="store_true", help="show Prefect's logs")
    reprocess.set_defaults(func=cmd_reprocess)

    report = sub.add_parser("report", help="a self-contained HTML report for a date range")
    report.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    report.add_argument("--out", default="report.html", help="HTML file to write")
    report.set_defaults(func=cmd_report)

    export = sub.add_parser("export", help="tables and the flat view as CSV or Parquet files")
    export.add_argument("--format", choices=["csv", "parquet"], default="parquet")
    export.add_argument("--out", required=True, help="folder to write one file per table into")
    export.set_defaults(func=cmd_export)


def cmd_run(args: argparse.Namespace) -> int:
    """`newsdesk run PATH...`: the ETL flow with a progress bar and a summary."""
    _check_paths(args.paths)
    filters = {"domains": args.domains, "since": args.since, "until": args.until}
    from newsdesk import warc

    try:
        record_filter = warc.record_filter(args.domains or (), args.since, args.until)
    except ValueError as exc:
        raise NewsdeskError(str(exc)) from None
    if not record_filter and _nothing_new(args.paths):
        return 0
    _quiet_prefect(args.verbose)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    console = Console(stderr=True)
    prefect = _prefect_server(console.print)  # starts meanwhile, when it has to
    location = _locate()
    console.print(f"newsdesk: data in {location.describe()}")
    from flows.etl import etl, on_progress

    with (
        _reporting_to(prefect) as runs,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar,
    ):
        task_id = bar.add_task("inputs", total=None)
        on_progress(lambda done, total: bar.update(task_id, completed=done, total=total))
        try:
            summary = etl(
                args.paths, batch_size=args.batch_size, database_url=location.url, **filters
            )
        except NewsdeskError:
            raise
        except Exception as exc:
            console.print(f"newsdesk run failed: {type(exc).__name__}: {exc}")
            console.print("the failed run is recorded in pipeline_runs (status 'failed')")
            return 1
        finally:
            on_progress(None)
    summary["database"] = location.describe()
    hint = 'psql "$(newsdesk db-url)"' if location.embedded else f"psql '{location.psql_url}'"
    _print_summary(summary, hint, runs)
    if location.embedded or prefect is not None:
        print("  stop servers:   newsdesk stop (they stay up for the next command)")
    return 0 if summary.get("status") == "completed" else 1


def _nothing_new(paths: Sequence[str]) -> bool:
    """When every input is loaded already and nothing is owed, record the run and print its
    summary without starting Prefect (a run would change nothing: nothing to watch either).

    Checked only against a database that exists and is migrated; anything new, rejected or
    unsupported, and any owed work, makes it a real run.
    """
    settings = get_settings()
    if not settings.database_url and not (settings.data_dir / "pgdata").exists():
        return False  # the first run
    started = time.perf_counter()
    from newsdesk import load, sources
    from newsdesk.db import at_head, engine_for

    location = _locate(settings)
    engine = engine_for(location.url)
    survey = sources.survey(paths)
    if survey.unsupported or not at_head(engine):
        return False
    if any(sources.warc.is_warc(path) for path in survey.files):
        return False  # a crawl is read once, by the run: its skipped records are counted there
    options = sources.ReadOptions(max_input_bytes=settings.max_input_bytes)
    docs = (item for path in survey.files for item in sources.read(path, options))
    seen = load.all_loaded(engine, docs)
    if seen is None:
        return False
    counts = load.LoadCounts(already_loaded=seen)
    run_id = load.start_run(engine, None)
    totals = load.finish_run(engine, run_id, counts, "completed")
    summary: dict[str, Any] = {
        **dataclasses.asdict(counts),
        "inputs_seen": seen,
        "people_total": totals["people"],
        "organisations_total": totals["organisations"],
        "elapsed_seconds": time.perf_counter() - started,
        "slowest_stage": "none: nothing new to load",
        "database": location.describe(),
        "status": "completed",
    }
    hint = 'psql "$(newsdesk db-url)"' if location.embedded else f"psql '{location.psql_url}'"
    _print_summary(summary, hint, None)
    print("  (every input was loaded before and nothing is owed: no flow run was needed)")
    return True


def _locate(settings: Settings | None = None) -> Location:
    """The database; an embedded PostgreSQL is left running for the next command (like the
    local Prefect server): `newsdesk stop` ends both."""
    from newsdesk.db import locate

    return locate(settings, keep_running=True)


def _quiet_prefect(verbose: bool) -> None:
    """Prefect's log level for a command's own output."""
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def _prefect_server(announce: Any) -> Future[LocalServer] | None:
    """The local Prefect server, started in the background if it has to be; None when Prefect
    is configured with a server of its own (PREFECT_API_URL, in the environment or a profile)."""
    from prefect.settings import get_current_settings

    if get_current_settings().api.url:
        return None
    from flows.server import start_local_in_background

    return start_local_in_background(get_settings().data_dir, announce)


@contextmanager
def _reporting_to(prefect: Future[LocalServer] | None) -> Iterator[str | None]:
    """Flows in this block report to the local server (once it answers) or the configured one;
    yields where their runs can be watched."""
    if prefect is None:
        from prefect.settings import get_current_settings

        ui = get_current_settings().ui_url
        yield f"{ui}/runs" if ui else None
        return
    from flows.server import talking_to

    server = prefect.result()
    with talking_to(server):
        yield f"{server.ui_url}/runs"


def _check_paths(paths: Sequence[str]) -> None:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise NewsdeskError(f"no such file or folder: {', '.join(missing)}")


def _print_summary(summary: dict[str, Any], query_hint: str, runs: str | None) -> None:
    reasons = summary.get("rejected_by_reason") or {}
    why = f" ({', '.join(f'{k}: {v}' for k, v in sorted(reasons.items()))})" if reasons else ""
    rows = [
        ("inputs seen", summary["inputs_seen"]),
        ("loaded", summary["loaded"]),
        ("already loaded", summary["already_loaded"]),
        ("rejected", f"{summary['rejected']}{why}"),
        ("mentions", summary["mentions"]),
        *_record_rows(summary),
        ("people", f"{summary['people_total']} in the database"),
        ("organisations", f"{summary['organisations_total']} in the database"),
        (
            "elapsed",
            f"{summary['elapsed_seconds']:.1f} s (slowest stage: {summary.get('slowest_stage')})",
        ),
        ("data", summary["database"]),
        *([("runs", runs)] if runs else []),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"newsdesk run {summary.get('status')}")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    if summary["rejected"]:
        print("  see why:        SELECT source_uri, stage, reason, detail FROM rejects;")
    print(f"  query it:       {query_hint}")


def _record_rows(summary: dict[str, Any]) -> list[tuple[str, Any]]:
    """Summary rows for the records of WARC files that are no page, and those filtered out."""
    rows: list[tuple[str, Any]] = []
    skipped = summary.get("skipped_by_kind") or {}
    if skipped:
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items()))
        rows.append(("skipped records", f"{sum(skipped.values())} ({kinds})"))
    if summary.get("filtered"):
        rows.append(("filtered out", f"{summary['filtered']} (--domain/--since/--until)"))
    return rows


def cmd_inspect(args: argparse.Namespace) -> int:
    """`newsdesk inspect [--json] [--no-entities] PATH...`: every stage but loading, per input."""
    _check_paths(args.paths)
    details = args.provenance or not args.json
    for result in inspect_paths(args.paths, entities=not args.no_entities, provenance=details):
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(_readable(result))
    return 0


def inspect_paths(
    paths: Sequence[str], entities: bool = True, provenance: bool = False
) -> Iterator[dict[str, Any]]:
    """The contract's inspect record for each input (or its rejection); without `entities`,
    no model is loaded and the records have no `mentions`; with `provenance`, they have
    `modified_at` and `provenance` too."""
    from newsdesk import crawl, sources
    from newsdesk.clean import CleanOptions
    from newsdesk.normalise.publishers import user_names

    settings = get_settings()
    nlp = _inspect_model(settings) if entities else None
    read_options = sources.ReadOptions(max_input_bytes=settings.max_input_bytes)
    clean_options = CleanOptions(
        learned_boilerplate=_learned_lines(settings),
        max_html_depth=settings.max_html_depth,
        publisher_names=user_names(settings.publishers_file),
    )
    for path in sources.discover(paths):
        for item in crawl.read(path, read_options):  # a WARC file record by record
            if isinstance(item, Rejected):
                yield _rejected_record(item)
            else:
                record = _inspect_one(item, clean_options, nlp, settings.nlp_batch_size)
                yield record if provenance else _contract(record)


def _inspect_model(settings: Settings) -> Any:
    from newsdesk.entities import load_model

    return load_model(settings.spacy_model, settings.spacy_model_version)


def _contract(record: dict[str, Any]) -> dict[str, Any]:
    """An inspect record without the keys only --provenance asks for."""
    return {k: v for k, v in record.items() if k not in PROVENANCE_KEYS}


def _inspect_one(doc: RawDocument, options: CleanOptions, nlp: Any, batch: int) -> dict[str, Any]:
    """The run's chain for one input (`pipeline.prepare_one`, then, with a model, the guarded
    entities stage), rejecting it as a run would."""
    from newsdesk.pipeline import prepare_one

    item = prepare_one(doc, options)
    if isinstance(item, Rejected):
        return _rejected_record(item)
    if nlp is None:
        return inspect_record(doc, item.article, None)
    from newsdesk.entities.pool import extract_guarded  # the run's entities stage, guarded as there

    found, failed = extract_guarded(nlp, [item.article], batch)
    if failed:
        reason, detail = failed[0]
        return _rejected_record(_rejected(doc, "entities", reason, detail))
    return inspect_record(doc, item.article, found[0])


def _rejected(doc: RawDocument, stage: str, reason: str, detail: str) -> Rejected:
    return Rejected(doc.source_uri, doc.content_sha256, stage, reason, detail)


def _learned_lines(settings: Settings) -> frozenset[str]:
    """Boilerplate learned from the loaded corpus, when there is a database to learn from."""
    if not settings.database_url and not (settings.data_dir / "pgdata").exists():
        return frozenset()
    from newsdesk.db import engine_for
    from newsdesk.load import applied_lines

    try:
        learned = applied_lines(engine_for(_locate(settings).url))
    except Exception as exc:  # inspect works without a database; say why it learned nothing
        print(f"newsdesk: no learned boilerplate ({type(exc).__name__}: {exc})", file=sys.stderr)
        return frozenset()
    by_publisher: dict[str, list[str]] = {}
    for line, publishers in learned.values():
        for publisher in publishers:
            by_publisher.setdefault(publisher, []).append(line)
    for publisher, lines in sorted(by_publisher.items()):
        print(f"newsdesk: learned boilerplate for {publisher}: {len(lines)} lines", file=sys.stderr)
        for line in sorted(lines):
            print(f"    {line}", file=sys.stderr)
    return frozenset(learned)


def inspect_record(
    doc: RawDocument, article: Article, found: Sequence[Mention] | None
) -> dict[str, Any]:
    """The JSON object `inspect --json` prints for one article; `mentions` only when entities
    were extracted (absent, not empty, under --no-entities: none were looked for)."""
    record: dict[str, Any] = {
        "source": doc.source_uri,
        "title": article.title,
        "standfirst": article.standfirst,
        "authors": list(article.authors),
        "publisher": article.publisher,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "language": article.language,
        "body": article.body,
        "removed": [r.as_json() for r in article.removed],
        "modified_at": article.modified_at.isoformat() if article.modified_at else None,
        "credits": list(article.credits),
        "provenance": {name: found.as_json() for name, found in article.provenance.items()},
    }
    if found is not None:
        record["mentions"] = [
            {
                "kind": x.kind,
                "name": x.name,
                "text": x.surface,
                "field": x.field,
                "start": x.start,
                "end": x.end,
            }
            for x in found
        ]
    return record


def _rejected_record(r: Rejected) -> dict[str, Any]:
    return {
        "source": r.source_uri,
        "rejected": {"stage": r.stage, "reason": r.reason, "detail": r.detail},
    }


def _readable(result: dict[str, Any]) -> str:
    """A person's view of one inspect record."""
    if "rejected" in result:
        r = result["rejected"]
        return f"== {result['source']}\nREJECTED at {r['stage']} ({r['reason']}): {r['detail']}\n"
    out = [
        f"== {result['source']}",
        f"title:        {result['title']}",
        f"standfirst:   {result['standfirst']}",
        f"authors:      {', '.join(result['authors']) or '-'}",
        f"publisher:    {result['publisher']}",
        f"published at: {result['published_at']}",
        f"modified at:  {result.get('modified_at')}",
        f"credits:      {', '.join(result.get('credits') or []) or '-'}",
        f"language:     {result['language']}",
        *_readable_provenance(result.get("provenance") or {}),
        "",
        result["body"],
        "",
        f"removed ({len(result['removed'])}):",
        *[f"  [{r['reason']}] {r['text'][:100]}" for r in result["removed"]],
        *_readable_mentions(result.get("mentions")),
        "",
    ]
    return "\n".join(out)


def _readable_provenance(provenance: dict[str, Any]) -> list[str]:
    """Where each metadata value came from, and what lost, one line a field."""
    lines = ["", "provenance:"]
    for name, found in provenance.items():
        lost = ", ".join(c["source"] for c in found["lost"]) or "-"
        lines.append(f"  {name:<13} {found['source']}  (lost: {lost})")
    return lines


def _readable_mentions(mentions: list[dict[str, Any]] | None) -> list[str]:
    if mentions is None:
        return ["mentions: not extracted (--no-entities)"]
    return [
        f"mentions ({len(mentions)}):",
        *[
            f"  {x['kind']:<12} {x['name']:<32} '{x['text']}' {x['field']}[{x['start']}:{x['end']}]"
            for x in mentions
        ],
    ]


def cmd_migrate(args: argparse.Namespace) -> int:
    """`newsdesk migrate`: apply pending migrations."""
    from newsdesk.db import current_revision, make_engine, migrate

    location = _locate()
    engine = make_engine(location.url)
    before = current_revision(engine)
    migrate(engine)
    after = current_revision(engine)
    state = "already up to date" if before == after else f"migrated {before or 'empty'} -> {after}"
    print(f"newsdesk: {location.describe()}: {state}")
    return 0


def cmd_create_analyst_role(args: argparse.Namespace) -> int:
    """`newsdesk create-analyst-role`: a read-only role on the newsdesk database."""
    from newsdesk.db import ensure_migrated, make_engine
    from newsdesk.security import create_analyst_role

    secret = get_settings().analyst_password
    password = args.password or (secret.get_secret_value() if secret else None)
    location = _locate()
    engine = make_engine(location.url)
    ensure_migrated(engine)  # the grants cover the tables, so they must exist first
    create_analyst_role(engine, args.role, password)
    engine.dispose()
    login = "with a password" if password else "without a password (set one to log in remotely)"
    print(f"newsdesk: role {args.role} can read every table and view, {login}")
    return 0


def _analyst_engine() -> Any:
    """An engine on the configured database, migrated (the views come with migration 0003)."""
    from newsdesk.db import ensure_migrated, make_engine

    engine = make_engine(_locate().url)
    ensure_migrated(engine)
    return engine


def cmd_merge(args: argparse.Namespace) -> int:
    """`newsdesk merge person|organisation A B`: B's aliases and mentions move to A."""
    from newsdesk.analyst.corrections import merge

    engine = _analyst_engine()
    result = merge(engine, args.kind, args.keep, args.away, args.note)
    engine.dispose()
    kept = result.kept.name if result.kept else "?"
    print(
        f"newsdesk: merged {args.kind} '{result.merged.name}' (id {result.merged.id}) into "
        f"'{kept}' (id {result.kept.id if result.kept else '?'}): {result.aliases} alias(es), "
        f"{result.mentions} mention(s) moved; merge {result.merge_id} "
        f"(undo: newsdesk split {args.kind} --merge {result.merge_id})"
    )
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    """`newsdesk split person|organisation B`: undo the merge of B."""
    from newsdesk.analyst.corrections import split

    engine = _analyst_engine()
    result = split(engine, args.kind, args.merged, args.merge)
    engine.dispose()
    print(
        f"newsdesk: split {args.kind} '{result.merged.name}' (id {result.merged.id}) out again: "
        f"{result.aliases} alias(es), {result.mentions} mention(s) restored "
        f"(merge {result.merge_id})"
    )
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    """`newsdesk reprocess`: rebuild every article from its stored raw document."""
    _quiet_prefect(args.verbose)
    prefect = _prefect_server(lambda line: print(line, file=sys.stderr))
    location = _locate()
    print(f"newsdesk: reprocessing {location.describe()}", file=sys.stderr)
    from flows.reprocess import reprocess

    with _reporting_to(prefect):
        summary = reprocess(
            database_url=location.url, batch_size=args.batch_size, outdated_only=args.outdated_only
        )
    print(
        f"newsdesk reprocess {summary['status']}: {summary['reprocessed']} article(s) rebuilt, "
        f"{summary['mentions']} mention(s), {len(summary['kept'])} kept as they were, "
        f"{summary['elapsed_seconds']:.1f} s"
    )
    for kept in summary["kept"]:
        print(f"  kept {kept['source']}: {kept['stage']} now says {kept['reason']}")
    return 0 if summary["status"] == "completed" else 1


def cmd_report(args: argparse.Namespace) -> int:
    """`newsdesk report --from DATE --to DATE --out FILE`: the HTML report."""
    from datetime import date

    from newsdesk.analyst.report import write_report

    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError as exc:
        raise NewsdeskError(f"--from and --to take dates like 2025-03-31 ({exc})") from exc
    if end < start:
        raise NewsdeskError(f"--to {end} is before --from {start}")
    engine = _analyst_engine()
    data = write_report(engine, start, end, Path(args.out))
    engine.dispose()
    print(
        f"newsdesk: wrote {args.out}: {data.articles} article(s) from {start} to {end}, "
        f"{len(data.ranked)} entities"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """`newsdesk export --format csv|parquet --out DIR`: one file per table and flat view."""
    from newsdesk.analyst.export import export

    engine = _analyst_engine()
    written = export(engine, args.format, Path(args.out))
    engine.dispose()
    for item in written:
        print(f"  {item.path}  {item.rows} rows")
    print(f"newsdesk: exported {len(written)} tables and views to {args.out}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """`newsdesk serve`: a long-running process that runs the inbox flow on its schedule.

    Schedules need a Prefect server with its scheduler (the temporary one has none): with no
    PREFECT_API_URL set, this starts a local server for as long as it serves.
    """
    _quiet_prefect(verbose=True)
    inbox = args.inbox or str(get_settings().inbox)
    _check_paths([inbox])
    parameters: dict[str, Any] = {"inbox": inbox}
    if args.archive:
        parameters["archive_dir"] = args.archive
    when = f"every {args.interval} s" if args.interval else f"on '{args.cron}'"
    from flows.server import served

    with served(args.port, lambda line: print(line, flush=True)):
        from flows.etl import inbox_etl

        print(f"newsdesk: serving '{args.name}' {when} over {inbox}; Ctrl-C stops", flush=True)
        schedule: dict[str, Any] = (
            {"interval": args.interval} if args.interval else {"cron": args.cron}
        )
        inbox_etl.serve(name=args.name, parameters=parameters, limit=1, **schedule)
    return 0


def cmd_automations(args: argparse.Namespace) -> int:
    """`newsdesk automations --webhook URL`: notify on failed or crashed runs."""
    from flows.automations import apply

    with _reporting_to(_prefect_server(print)) as runs:
        ids = apply(args.webhook)
    where = f" on the Prefect server at {runs.removesuffix('/runs')}" if runs else ""
    print(f"newsdesk: {len(ids)} automation(s) applied{where}; notifications go to {args.webhook}")
    return 0


def cmd_db_url(args: argparse.Namespace) -> int:
    """`newsdesk db-url`: the psql URL; the embedded server is left running for it."""
    location = _locate()
    if location.embedded:
        print(
            f"newsdesk: embedded PostgreSQL running from {location.data_dir} "
            "(stop it with `newsdesk stop`)",
            file=sys.stderr,
        )
    print(location.psql_url)
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    """`newsdesk stop` (or `db-stop`): the embedded PostgreSQL and the local Prefect server."""
    from flows.server import stop_local
    from newsdesk.db import stop_embedded

    settings = get_settings()
    prefect = stop_local(settings.data_dir)
    print(f"newsdesk: local Prefect server {'stopped' if prefect else 'was not running'}")
    if settings.database_url:
        print("newsdesk: NEWSDESK_DATABASE_URL is set; no embedded PostgreSQL to stop")
        return 0
    stopped = stop_embedded(settings.data_dir)
    print(f"newsdesk: embedded PostgreSQL {'stopped' if stopped else 'was not running'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
