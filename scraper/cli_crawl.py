"""``scraper crawl``: turn start points into a complete, up-to-date archive of a site."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import click

from scraper.cli_options import BadInput, Failed, db_option, translate_errors
from scraper.crawl.check import check_sources
from scraper.crawl.config import DEFAULT_MAX_DEPTH, Source, from_starts, load_sources
from scraper.crawl.fetchers import DEFAULT_FETCH_WORKERS, ProcessFetcher
from scraper.crawl.runner import Crawler, CrawlSettings, CrawlStats
from scraper.crawl.scheduler import Scheduler
from scraper.crawl.workers import DEFAULT_PARSE_WORKERS, run_loop
from scraper.fetch import DEFAULT_USER_AGENT, FetchOptions, PageFetcher, async_fetcher
from scraper.logs import LogFormat
from storage import Archive, open_archive

PLAIN_PROGRESS_S = 10.0  # without a terminal: one progress line this often


@click.command(short_help="Crawl sites politely into the archive (resumable).")
@click.argument("starts", nargs=-1, metavar="[START]...")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="TOML file of [[source]] tables (start, hosts, include, exclude, limits, revisit policy).",
)
@click.option(
    "--source",
    "source_names",
    multiple=True,
    metavar="NAME",
    help="Only this source of --config (repeatable).",
)
@db_option
@click.option(
    "--replay",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="DIR",
    help="Serve every request from DIR; no network.",
)
@click.option(
    "--max-pages", type=click.IntRange(min=1), metavar="N", help="Stop after N fetches this run."
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_DEPTH,
    show_default=True,
    help="Link hops from a start point (START URLs only).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 512),
    default=16,
    show_default=True,
    help="Requests in flight at once, all hosts together.",
)
@click.option(
    "--per-host",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Requests in flight at once to one host.",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Seconds between request starts to one host (robots.txt Crawl-delay raises it).",
)
@click.option("--user-agent", default=DEFAULT_USER_AGENT, show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=20.0,
    show_default=True,
    help="Connect/read timeout in seconds (3x for a whole response).",
)
@click.option(
    "--until-idle", is_flag=True, help="Process everything due, then exit (what cron runs)."
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Treat every known URL as due now (revisited with conditional GET).",
)
@click.option(
    "--parse-workers",
    type=click.IntRange(min=0),
    default=DEFAULT_PARSE_WORKERS,
    show_default="cores - 1, at least 1",
    help="Processes that parse pages while this one fetches and writes"
    " (0: parse in the crawler's process).",
)
@click.option(
    "--fetch-workers",
    type=click.IntRange(min=0),
    default=DEFAULT_FETCH_WORKERS,
    show_default="cores - 1, 1 to 3",
    help="Processes that run revisits (conditional requests) while this one"
    " schedules and writes; first visits are fetched in-process (0: all are)."
    " Politeness limits hold across them.",
)
@click.option(
    "--worker",
    is_flag=True,
    help="Run as one of several crawlers sharing this archive's frontier (on "
    "PostgreSQL, on any number of machines): --per-host holds across all of them.",
)
@click.option(
    "--lease",
    type=click.FloatRange(min=1),
    metavar="S",
    help="Seconds a claimed URL stays reserved [default: 6 x --timeout, at least "
    "60]; a dead worker's URLs come back after it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@translate_errors
def crawl(
    starts: tuple[str, ...],
    config: Path | None,
    source_names: tuple[str, ...],
    db: str,
    replay: Path | None,
    max_pages: int | None,
    max_depth: int,
    concurrency: int,
    per_host: int,
    delay: float,
    user_agent: str,
    timeout: float,
    until_idle: bool,
    refresh: bool,
    parse_workers: int,
    fetch_workers: int,
    worker: bool,
    lease: float | None,
    as_json: bool,
) -> None:
    """Crawl from START points (a home page, a sitemap or a feed URL) or the sources of
    --config into the archive.

    The frontier lives in the archive: a crawl killed at any point and started again
    loses no URL and fetches nothing twice that it already stored. Known articles are
    revisited on a schedule keyed on their last change, with conditional GET.

    Exit codes: 0 the run completed (page failures are recorded in captures);
    1 every fetch failed, or the archive could not be written; 2 bad input;
    130 interrupted (the frontier keeps the work).
    """
    sources = _sources(starts, config, source_names, max_depth)
    settings = CrawlSettings(
        sources=tuple(sources),
        concurrency=concurrency,
        per_host=per_host,
        delay_s=delay,
        until_idle=until_idle,
        refresh=refresh,
        max_pages=max_pages,
        lease=timedelta(seconds=lease or max(60.0, timeout * 6)),
        worker=worker,
        parse_workers=parse_workers,
        fetch_workers=fetch_workers,
        user_agent=user_agent,
    )
    options = FetchOptions(user_agent=user_agent, timeout_s=timeout)
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: the run is recorded
    with open_archive(db) as archive:
        stats = run_loop(_run(archive, options, replay, settings))
    _summary(stats, as_json)
    if stats.fetched and stats.errors == stats.fetched:
        raise Failed(f"all {stats.fetched} fetches failed")


async def _run(
    archive: Archive,
    options: FetchOptions,
    replay: Path | None,
    settings: CrawlSettings,
) -> CrawlStats:
    fetcher: PageFetcher
    if settings.fetch_workers:
        fetcher = ProcessFetcher(options, replay, settings.fetch_workers, settings.concurrency)
    else:
        fetcher = async_fetcher(options, replay, max_connections=settings.concurrency)
    try:
        return await Crawler(archive, fetcher, settings, progress=_progress()).run()
    finally:
        await fetcher.aclose()


def _interrupt(*_args: object) -> None:
    raise KeyboardInterrupt


def _sources(
    starts: tuple[str, ...], config: Path | None, names: tuple[str, ...], max_depth: int
) -> list[Source]:
    if config is None and names:
        raise BadInput("--source needs --config")
    sources = load_sources(config, names) if config is not None else []
    if starts:
        sources.append(from_starts(starts, max_depth=max_depth))
    if not sources:
        raise click.UsageError("give START URLs or --config FILE")
    return sources


def _progress() -> Callable[[CrawlStats], None]:
    log = click.get_current_context().find_object(LogFormat) or LogFormat()
    tty = sys.stderr.isatty() and log.kind == "text"
    last = [0.0]

    def show(stats: CrawlStats) -> None:
        if not tty and stats.elapsed() - last[0] < PLAIN_PROGRESS_S:
            return
        last[0] = stats.elapsed()
        if log.kind == "json":
            click.echo(log.line("crawl.progress", **stats.as_dict()), err=True)
            return
        counts = " ".join(f"{k}={v}" for k, v in sorted(stats.outcomes.items()))
        line = (
            f"{stats.fetched} pages, {stats.fetched / max(stats.elapsed(), 1e-9):.1f}/s, "
            f"queue {stats.queued}, errors {stats.errors}  {counts}"
        )
        click.echo(f"\r\x1b[2K{line}" if tty else line, err=True, nl=not tty)

    return show


def _summary(stats: CrawlStats, as_json: bool) -> None:
    data = stats.as_dict()
    log = click.get_current_context().find_object(LogFormat) or LogFormat()
    if log.kind == "json":
        click.echo(log.line("crawl.summary", **data), err=True)
    elif sys.stderr.isatty():
        click.echo("", err=True)
    if as_json:
        click.echo(json.dumps(data))
        return
    counts = ", ".join(f"{k} {v}" for k, v in data["outcomes"].items()) or "nothing due"
    click.echo(
        f"crawled {data['pages']} pages in {data['elapsed_s']:.1f} s "
        f"({data['pages_per_s']}/s): {counts}; {data['errors']} errors; "
        f"{data['queue']} URLs still due"
    )


@click.group()
def sources() -> None:
    """Crawl sources files."""


@sources.command("check", short_help="Validate a sources file.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def check(file: Path) -> None:
    """Check every key of every [[source]] in FILE; print each problem with its line.

    Exit 0 when the file is good, 2 when it has problems.
    """
    result = check_sources(file)
    for problem in result.problems:
        click.echo(problem, err=True)
    if result.problems:
        raise BadInput(f"{file}: {len(result.problems)} problem(s)")
    for source in result.sources:
        click.echo(
            f"{source.name}: {len(source.starts)} start point(s), hosts "
            f"{', '.join(sorted(source.hosts))}, depth {source.max_depth}"
        )


@click.group()
def schedule() -> None:
    """Run crawls on the sources' schedules (for hosts without cron)."""


@schedule.command("run", short_help="Foreground scheduler: crawl each source on its cron.")
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--run-now", is_flag=True, help="Crawl every source once at start.")
@click.option(
    "--max-runs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Exit after N crawl runs (default: run until SIGTERM).",
)
@translate_errors
def schedule_run(config: Path, db: str, run_now: bool, max_runs: int | None) -> None:
    """Crawl each [[source]] of CONFIG that has a `schedule` (a cron expression) at its
    times, one run at a time, until SIGTERM or Ctrl-C (exit 0 then)."""
    log = click.get_current_context().find_object(LogFormat) or LogFormat()
    scheduler = Scheduler(config, db, run_now=run_now, log=log.emitter(click.echo))
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: scheduler.stop.set())
    scheduler.run(max_runs)
