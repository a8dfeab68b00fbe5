"""The ``scraper`` command line. Commands stay thin: they parse options, call the
library, and turn its errors into one-line messages and exit codes.

Exit codes: 0 success; 1 a URL could not be fetched or stored; 2 bad input
(usage, unreadable/empty/binary file, bad --db URL, malformed or refused query);
130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn, TextIO

import click

from scraper import __version__
from scraper.cli_archive import ARCHIVE_COMMANDS
from scraper.cli_crawl import crawl, schedule, sources
from scraper.cli_options import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    BadInput,
    Failed,
    db_option,
    fetch_options,
    make_fetcher,
    translate_errors,
)
from scraper.errors import FetchError, InputError
from scraper.fetch import write_recording
from scraper.logs import FORMATS as LOG_FORMATS
from scraper.logs import LogFormat
from scraper.output import FORMATS, render
from scraper.parse import parse_html
from scraper.pipeline import fetch_and_store
from storage import open_archive


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scraper")
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    default="text",
    show_default=True,
    envvar="SCRAPER_LOG_FORMAT",
    help="Progress and log lines as text, or as one JSON object per line (env SCRAPER_LOG_FORMAT).",
)
@click.pass_context
def cli(ctx: click.Context, log_format: str) -> None:
    """Scrape news articles into a versioned, queryable archive."""
    ctx.obj = LogFormat(log_format)


@cli.command(short_help="Parse saved pages into JSON Lines.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--url", metavar="URL", help="The page's address: resolves relative links; fallback for 'url'."
)
@translate_errors
def parse(files: tuple[Path, ...], url: str | None) -> None:
    """Parse saved pages and print one JSON object per page (JSON Lines).

    A FILE that is a directory stands for its *.html files in name order.
    """
    failures = 0
    for path in _expand(files):
        try:
            article = parse_html(_read_page(path), url)
        except InputError as err:
            failures += 1
            click.echo(f"Error: {path}: {err}", err=True)
            continue
        record = {"file": str(path), **article.to_dict()}
        click.echo(json.dumps(record, ensure_ascii=False))
    if failures:
        click.get_current_context().exit(EXIT_BAD_INPUT)


def _expand(paths: tuple[Path, ...]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            pages = sorted(p for p in path.glob("*.html") if p.is_file())
            if not pages:
                raise InputError(f"{path}: directory holds no *.html file")
            yield from pages
        else:
            yield path


def _read_page(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as err:
        raise InputError("no such file") from err
    except OSError as err:
        raise InputError(err.strerror or str(err)) from err


@cli.command()
@click.argument("urls", nargs=-1)
@click.option(
    "-i",
    "--input",
    "url_file",
    type=click.File("r", encoding="utf-8"),
    metavar="FILE",
    help="Also read URLs from FILE, one per line ('-' for stdin; '#' lines are skipped).",
)
@db_option
@fetch_options
@translate_errors
def fetch(
    urls: tuple[str, ...],
    url_file: TextIO | None,
    db: str,
    replay: Path | None,
    user_agent: str,
    timeout: float,
) -> None:
    """Fetch URLs, parse them and store them in the archive.

    Prints one line per URL: HTTP status, outcome (new, new_version, unchanged,
    skipped, error), URL, and the article and version it went to.
    """
    urls = (*urls, *_read_urls(url_file))
    if not urls:
        raise click.UsageError("give at least one URL, or --input FILE")
    reports = []
    with open_archive(db) as archive, make_fetcher(replay, user_agent, timeout) as fetcher:
        for url in urls:
            reports.append(fetch_and_store(url, fetcher, archive))
            click.echo(reports[-1].line())
    invalid = sum(r.invalid for r in reports)
    failed = sum(r.failed for r in reports)
    if invalid:
        raise BadInput(f"{invalid} of {len(urls)} argument(s) are not http(s) URLs")
    if failed:
        raise Failed(f"{failed} of {len(urls)} URL(s) failed")


def _read_urls(stream: TextIO | None) -> list[str]:
    if stream is None:
        return []
    lines = (line.strip() for line in stream)
    return [line for line in lines if line and not line.startswith("#")]


@cli.command(short_help="Run one read-only SQL query on the archive.")
@click.argument("query")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table: aligned columns; json: an array of row objects; csv: with a header.",
)
@translate_errors
def sql(query: str, db: str, fmt: str) -> None:
    """Run one read-only SQL QUERY against the archive and print the rows.

    Query the views: articles, article_versions, captures, duplicates. Statements
    that would write are refused and the archive is left unchanged: SQLite is
    opened read-only, PostgreSQL runs the query in a read-only transaction.
    """
    with open_archive(db, read_only=True) as archive:
        result = archive.query(query)
    click.echo(render(result.columns, result.rows, fmt), nl=False)


@cli.group()
def fixtures() -> None:
    """Record real pages for offline replay."""


@fixtures.command("record", short_help="Save live responses in the replay layout.")
@click.argument("urls", nargs=-1, required=True)
@click.option(
    "--into",
    "into",
    required=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the pages into, in the replay layout.",
)
@fetch_options
@translate_errors
def record(
    urls: tuple[str, ...], into: Path, replay: Path | None, user_agent: str, timeout: float
) -> None:
    """Fetch URLs and save each response under DIR/<host>/<path> (+ .headers.json)."""
    failed = 0
    with make_fetcher(replay, user_agent, timeout) as fetcher:
        for url in urls:
            try:
                page = fetcher.fetch(url)
            except FetchError as err:
                failed += 1
                click.echo(f"---  {url}  {err.reason}")
                continue
            targets = [*page.redirects[1:], page.url]
            for hop, target in zip(page.redirects, targets, strict=True):
                write_recording(into, hop, 301, {"location": target}, b"")
            path = write_recording(into, page.url, page.status, page.headers, page.content)
            click.echo(f"{page.status:>3}  {url}  -> {path}")
    if failed:
        raise Failed(f"{failed} of {len(urls)} URL(s) failed")


for _command in (*ARCHIVE_COMMANDS, crawl, schedule, sources):
    cli.add_command(_command)


def _error(argv: list[str] | None, message: str) -> None:
    """The one-line error, in the log format the command line asked for."""
    args = sys.argv[1:] if argv is None else argv
    wants_json = "json" in (
        args[args.index("--log-format") + 1 : args.index("--log-format") + 2]
        if "--log-format" in args
        else []
    )
    if wants_json or os.environ.get("SCRAPER_LOG_FORMAT") == "json":
        click.echo(LogFormat("json").line("error", level="error", message=message), err=True)
    else:
        click.echo(f"Error: {message}", err=True)


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point of the ``scraper`` console script."""
    try:
        code = cli.main(args=argv, prog_name="scraper", standalone_mode=False)
    except click.UsageError as err:
        hint = f" (see '{err.ctx.command_path} --help')" if err.ctx is not None else ""
        _error(argv, f"{err.format_message()}{hint}")
        code = err.exit_code
    except click.ClickException as err:
        _error(argv, err.format_message())
        code = err.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        code = EXIT_INTERRUPTED
    except click.exceptions.Exit as err:
        code = err.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        code = 0
    sys.exit(code or 0)
