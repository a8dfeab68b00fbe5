"""Commands that read or maintain the archive: history, diff, reparse, export, browse, db."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

import storage
from scraper.cli_options import BadInput, Failed, db_option, translate_errors
from scraper.crawl.config import duration
from scraper.diffing import VersionText, diff_versions, render_diff
from scraper.output import FORMATS, render
from scraper.parse import PARSER_VERSION
from scraper.pipeline import extract_snapshot
from storage import Archive, VersionRow, open_archive
from storage.export import write_csv, write_jsonl, write_warc
from storage.schema import VIEW_DOCS


def _article(archive: Archive, url: str) -> tuple[int, list[VersionRow]]:
    article_id = archive.find(url)
    if article_id is None:
        raise BadInput(f"no article in the archive is known by {url}")
    return article_id, archive.versions(article_id)


@click.command(short_help="List the versions of an article.")
@click.argument("url")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table, json or csv.",
)
@translate_errors
def history(url: str, db: str, fmt: str) -> None:
    """List the versions of the article at URL, oldest first.

    Any URL the article was seen under finds it: the canonical, the AMP copy, a
    link with tracking parameters, the URL before a redirect.
    """
    with open_archive(db, read_only=True) as archive:
        article_id, versions = _article(archive, url)
    columns = ("version", "fetched_at", "words", "parser", "content_hash", "reverted_to", "title")
    rows = [
        (
            v.version,
            v.fetched_at.isoformat(),
            v.words,
            v.parser_version,
            v.content_hash[:12],
            f"v{v.reverted_to}" if v.reverted_to else None,
            v.title,
        )
        for v in versions
    ]
    if fmt == "table":
        click.echo(f"article {article_id}: {len(versions)} version(s)")
    click.echo(render(columns, rows, fmt), nl=False)


@click.command(short_help="Show what changed between two versions of an article.")
@click.argument("url")
@click.option(
    "--from", "from_", type=int, metavar="N", help="Older version [default: second-last]."
)
@click.option("--to", "to", type=int, metavar="M", help="Newer version [default: last].")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Mark words with ANSI colours, or with [-removed-] and {+added+}.",
)
@click.option(
    "--context",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Unchanged paragraphs shown around each change.",
)
@db_option
@translate_errors
def diff(url: str, from_: int | None, to: int | None, color: str, context: int, db: str) -> None:
    """Show a paragraph-level diff of the article at URL, with changed words marked.

    Compares the last two versions unless --from/--to name others.
    """
    with open_archive(db, read_only=True) as archive:
        _, versions = _article(archive, url)
    by_number = {v.version: v for v in versions}
    if len(versions) < 2 and (from_ is None or to is None):
        raise BadInput(f"the article has {len(versions)} version(s); nothing to compare")
    new = to if to is not None else versions[-1].version
    old = from_ if from_ is not None else max((n for n in by_number if n < new), default=0)
    for n in (old, new):
        if n not in by_number:
            raise BadInput(f"no version {n}; the article has v1..v{versions[-1].version}")
    use_color = color == "always" or (color == "auto" and sys.stdout.isatty())
    blocks = diff_versions(_text(by_number[old]), _text(by_number[new]))
    lines = render_diff(blocks, color=use_color, context=context, old_version=old, new_version=new)
    click.echo("\n".join(lines))


def _text(v: VersionRow) -> VersionText:
    return VersionText(
        version=v.version,
        title=v.title,
        bylines=v.bylines,
        lead=v.lead,
        paragraphs=v.paragraphs,
        subheadings=v.subheadings,
        captions=v.captions,
    )


@click.command(short_help="Re-extract every stored raw snapshot with this parser.")
@click.option(
    "--stale-only",
    is_flag=True,
    help=f"Only versions made by another parser version than {PARSER_VERSION}.",
)
@db_option
@translate_errors
def reparse(stale_only: bool, db: str) -> None:
    """Re-extract every stored version from its raw snapshot with the current parser.

    Versions keep their numbers and fetch times: a parser upgrade is never
    recorded as an editorial change. Each batch of versions is one transaction.
    """
    with open_archive(db) as archive:
        result = archive.reparse(extract_snapshot, stale_for=PARSER_VERSION if stale_only else None)
    click.echo(
        f"reparsed {result.reparsed} of {result.seen} version(s) with parser {PARSER_VERSION};"
        f" {result.changed} changed their content hash; {result.failed} could not be parsed"
    )
    if result.failed:
        raise Failed(f"{result.failed} snapshot(s) could not be parsed")


@click.command(short_help="Export versions (jsonl, csv) or raw captures (warc).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "warc"]),
    required=True,
    help="jsonl/csv: one row per version; warc: WARC 1.1 of the raw captures.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write to FILE (atomically) instead of standard output.",
)
@db_option
@translate_errors
def export(fmt: str, output: Path | None, db: str) -> None:
    """Export the archive: every version as JSON Lines or CSV, or every raw capture
    as WARC 1.1 (a body already written goes out as a revisit record)."""
    if fmt == "warc" and output is None and sys.stdout.isatty():
        raise BadInput("WARC is binary: give --output FILE or redirect standard output")
    with open_archive(db, read_only=True) as archive, _sink(output, binary=fmt == "warc") as out:
        if fmt == "warc":
            stats = write_warc(archive.export_captures(), out)
            count = stats.responses + stats.revisits
        else:
            writer = write_jsonl if fmt == "jsonl" else write_csv
            count = writer(archive.export_versions(), out)
    click.echo(f"exported {count} record(s)", err=True)


@contextmanager
def _sink(path: Path | None, *, binary: bool) -> Iterator[Any]:
    """Standard output, or a temporary file renamed onto ``path`` only on success."""
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as err:
        raise BadInput(f"cannot write {path}: {err.strerror or err}") from err
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else _TEXT)) as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_TEXT: dict[str, Any] = {"encoding": "utf-8", "newline": ""}


@click.command(short_help="Open the SQLite archive in Datasette (optional extra).")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--metadata-only", is_flag=True, help="Print Datasette's metadata and exit.")
@db_option
@translate_errors
def browse(port: int, metadata_only: bool, db: str) -> None:
    """Serve the SQLite archive read-only in Datasette on 127.0.0.1, with the views
    described. Needs the extra: pip install 'news-scraper-archive[browse]'."""
    with open_archive(db, read_only=True) as archive:  # an archive at this revision?
        path = archive.sqlite_path
    if path is None:
        raise BadInput("browse opens a SQLite archive file; for PostgreSQL use any SQL client")
    metadata = datasette_metadata(Path(path).stem)
    if metadata_only:
        click.echo(json.dumps(metadata, indent=2))
        return
    if importlib.util.find_spec("datasette") is None:
        raise BadInput("Datasette is not installed: pip install 'news-scraper-archive[browse]'")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as meta:
        json.dump(metadata, meta)
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "datasette",
                "serve",
                "-i",
                path,
                "--metadata",
                meta.name,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            check=False,
        )
    finally:
        Path(meta.name).unlink(missing_ok=True)


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette metadata: the public views with their descriptions."""
    tables = {name: {"description": text} for name, text in VIEW_DOCS.items()}
    return {
        "title": "News archive",
        "description": "Articles, their versions, captures and duplicates. Query the views.",
        "databases": {database: {"tables": tables}},
    }


@click.command(short_help="Summarise crawl runs, outcomes and errors by host.")
@click.option("--since", metavar="DURATION", help="Only captures this recent (30m, 12h, 7d).")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Runs and error lines shown.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@db_option
@translate_errors
def stats(since: str | None, limit: int, fmt: str, db: str) -> None:
    """Summarise the archive: the latest crawl runs, captures per host by outcome, and
    the commonest errors per host."""
    start = datetime.now(UTC) - duration(since) if since else None
    with open_archive(db, read_only=True) as archive:
        sections = archive.stats(start, limit)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    k: [dict(zip(r.columns, row, strict=True)) for row in r.rows]
                    for k, r in sections.items()
                },
                default=str,
            )
        )
        return
    for title, result in sections.items():
        click.echo(f"# {title}")
        click.echo(render(result.columns, result.rows, fmt), nl=False)
        click.echo("")


@click.group()
def db() -> None:
    """Manage the archive's schema."""


@db.command("upgrade", short_help="Apply pending schema migrations.")
@db_option
@translate_errors
def upgrade(db: str) -> None:
    """Bring the archive's schema to this version, in one transaction (back it up first)."""
    done = storage.upgrade_schema(db)
    if done.changed:
        click.echo(f"upgraded the archive from {done.before or 'empty'} to {done.after}")
    else:
        click.echo(f"the archive is already at {done.after}")


ARCHIVE_COMMANDS = (history, diff, reparse, export, browse, stats, db)
__all__ = ["ARCHIVE_COMMANDS", "datasette_metadata"]
