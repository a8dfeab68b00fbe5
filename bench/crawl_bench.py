"""Crawl benchmark: ``scraper crawl`` against Scrapy on a local static news site.

Usage: python bench/crawl_bench.py [--articles 5000] [--concurrency 16] [--keep]
       [--skip-scrapy] [--skip-scrapy-light] [--skip-scrapy-samework] [--profile]

1. Generates the site (``bench/crawl_site.py``) into a temporary folder, with the
   sitemaps, feed and robots.txt pointing at a free port of 127.0.0.1.
2. Serves it with nginx from the OS packages, under a ``nginx.conf`` written into the
   temporary folder (one worker, ``etag on``, no access log, error log and pid file in
   the folder, ``daemon off``), started as a child process and stopped by its PID in a
   ``finally``.
3. Runs, each in a subprocess and measured the same way:
   - ours, first crawl: ``scraper crawl URL --db sqlite:///ours.db --until-idle
     --concurrency C --per-host C --max-depth 3 --json``;
   - ours, recrawl of the unchanged site: the same with ``--refresh`` (every known URL
     due now, revisited with conditional GET: nginx answers 304);
   - Scrapy, light peer: ``scrapy runspider bench/scrapy_spider.py`` at the same
     concurrency and depth (selectolax with the site's own CSS for headline, byline
     and paragraphs, one SQLite row per article): the issue's peer, doing less per
     page than we do;
   - Scrapy, same-work peer: ``scrapy runspider bench/scrapy_samework.py``, same
     settings: Scrapy fetches and schedules, and every response goes through our
     per-page step (``store_before_parse``, ``parse_page`` via ``parse_for_crawl``,
     ``store_parsed``: full generic extraction, raw snapshot, versions, duplicates)
     into an archive of our own (``samework.db``), without our frontier. It measures
     our engine (fetching, scheduling, parse workers, archive thread) against Scrapy's
     with the per-page work held equal.
   ``--skip-scrapy-light`` and ``--skip-scrapy-samework`` leave out one peer,
   ``--skip-scrapy`` both.
4. Measures, per run: wall seconds; pages (ours: the JSON summary's ``pages``, and the
   captures and articles in the archive; Scrapy: responses received, robots.txt
   included, and the articles in its database, and for the same-work peer the
   captures of its archive, robots.txt not included); CPU seconds of the whole process
   tree (the delta of ``getrusage(RUSAGE_CHILDREN)`` around the wait: it includes the
   parse worker processes, which their parent reaps before it exits); peak memory of
   the tree (the RSS of the process and all its descendants, summed, polled from
   ``/proc`` every ``POLL_S``; the table gives the peak of that sum, and the peak of
   the summed PSS, which counts the pages forked workers share with their parent
   once); the CPU seconds of each thread and child process, last seen in ``/proc``
   (where the time goes: the event loop, the archive thread, the parse workers).
   Ratios of our first crawl are printed against each peer that ran: pages/s, CPU s
   per page, peak RSS MB and peak PSS MB.

``--profile`` adds one more run: ours, first crawl with ``--parse-workers 0`` under
cProfile into a fresh archive, and prints the functions with the most cumulative and
own time (wall time of that run is inflated by the profiler; use it for shares only).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawl_site import generate

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
POLL_S = 0.05  # RSS sampling period; the brief asks for 50 ms
NGINX_START_S = 10.0  # how long nginx may take to answer before the run gives up
PROFILE_CHILD = "--profile-child"  # internal: this script re-run as the profiled crawler
PROFILE_ROWS = 22  # functions shown per profile table
BYTES_PER_KB = 1024  # /proc page counts are turned into kB


@dataclass
class Run:
    name: str
    pages: int
    wall_s: float
    cpu_s: float
    peak_mb: float
    extra: dict[str, Any] = field(default_factory=dict)
    peak_pss_mb: float = 0.0

    @property
    def rate(self) -> float:
        return self.pages / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def cpu_per_page(self) -> float:
        return self.cpu_s / self.pages if self.pages else 0.0


@dataclass(frozen=True)
class Peer:
    """A Scrapy spider of ``bench/``, run the same way, with its database tables."""

    key: str  # file stem of its database and stats
    name: str  # its row in the table
    spider: str
    tables: tuple[str, ...]


LIGHT = Peer("scrapy", "Scrapy 2.x + selectolax (light)", "scrapy_spider.py", ("article",))
SAMEWORK = Peer(
    "samework",
    "Scrapy 2.x + our parser and archive (same work)",
    "scrapy_samework.py",
    ("capture", "article"),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def nginx_binary() -> str:
    """The nginx executable; installs the OS package when it is missing (root only)."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "nginx-light"], check=True)
        return "/usr/sbin/nginx"
    raise SystemExit("nginx not found: apt-get install nginx (or nginx-light)")


def nginx_conf(work: Path, site: Path, port: int) -> Path:
    conf = work / "nginx.conf"
    conf.write_text(
        f"""worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    etag on;
    client_body_temp_path {work}/nginx-tmp;
    proxy_temp_path {work}/nginx-tmp;
    fastcgi_temp_path {work}/nginx-tmp;
    uwsgi_temp_path {work}/nginx-tmp;
    scgi_temp_path {work}/nginx-tmp;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        index index.html;
    }}
}}
""",
        encoding="utf-8",
    )
    (work / "nginx-tmp").mkdir(exist_ok=True)
    return conf


def start_nginx(conf: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [nginx_binary(), "-c", str(conf), "-e", str(conf.parent / "nginx-error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + NGINX_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"nginx exited with {proc.returncode}: {err}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=1):
                return proc
        except OSError:
            time.sleep(0.05)
    stop(proc)
    log = (conf.parent / "nginx-error.log").read_text(errors="replace").splitlines()[-3:]
    raise SystemExit("nginx did not answer /robots.txt: " + " | ".join(log))


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class TreeSampler:
    """Samples the process tree of ``root`` from /proc: summed RSS and per-thread CPU."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak_kb = 0
        self.peak_pss_kb = 0  # proportional set size: pages shared after fork counted once
        self.ticks: dict[tuple[int, int], int] = {}  # (pid, tid) -> utime + stime, last seen
        self._page_kb = os.sysconf("SC_PAGE_SIZE") // BYTES_PER_KB

    def sample(self) -> None:
        parent: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            fields = _stat(f"/proc/{entry.name}/stat") if entry.name.isdigit() else None
            if fields is not None:
                parent[int(entry.name)] = int(fields[1])
                rss[int(entry.name)] = int(fields[21]) * self._page_kb
        tree, frontier = {self.root}, [self.root]
        while frontier:
            current = frontier.pop()
            kids = [p for p, pp in parent.items() if pp == current and p not in tree]
            tree.update(kids)
            frontier.extend(kids)
        self.peak_kb = max(self.peak_kb, sum(rss.get(p, 0) for p in tree))
        self.peak_pss_kb = max(self.peak_pss_kb, sum(_pss_kb(p) for p in tree))
        for pid in tree:
            for task in _tasks(pid):
                fields = _stat(f"/proc/{pid}/task/{task}/stat")
                if fields is not None:
                    self.ticks[(pid, int(task))] = int(fields[11]) + int(fields[12])

    def cpu_by_thread(self) -> dict[str, float]:
        """CPU seconds per thread: the crawler's main thread, its other threads, children."""
        hz = os.sysconf("SC_CLK_TCK")
        out: dict[str, float] = {}
        for (pid, tid), ticks in sorted(self.ticks.items()):
            if pid == self.root:
                label = "main thread" if tid == pid else f"thread {tid}"
            else:
                label = f"child {pid}"
            if ticks:
                out[label] = round(ticks / hz, 2)
        return out


def _stat(path: str) -> list[str] | None:
    """The fields of a /proc stat file after the command name (field 3 onwards)."""
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            return f.read().rpartition(")")[2].split()
    except OSError:
        return None


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tasks(pid: int) -> list[str]:
    try:
        return os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []


def measure(name: str, cmd: list[str], cwd: Path) -> tuple[Run, str]:
    """Run ``cmd``; its wall time, tree CPU seconds and peak tree RSS, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler_state = TreeSampler(proc.pid)
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            sampler_state.sample()
            done.wait(POLL_S)

    sampler = threading.Thread(target=poll, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.monotonic() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-4000:])
        raise SystemExit(f"{name}: exit code {proc.returncode}")
    tail = err.decode(errors="replace").strip().splitlines()[-3:]
    run = Run(name, 0, wall, cpu, sampler_state.peak_kb / 1024, {"stderr_tail": tail})
    run.extra["cpu_by_thread"] = sampler_state.cpu_by_thread()
    run.peak_pss_mb = sampler_state.peak_pss_kb / 1024
    return run, out.decode(errors="replace")


def db_counts(path: Path, tables: tuple[str, ...]) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def ours(work: Path, url: str, conc: int, refresh: bool, name: str) -> Run:
    db = work / "ours.db"
    cmd = [
        str(VENV_BIN / "scraper"),
        "crawl",
        url,
        "--db",
        f"sqlite:///{db}",
        "--until-idle",
        "--concurrency",
        str(conc),
        "--per-host",
        str(conc),
        "--max-depth",
        "3",
        "--json",
    ]
    if refresh:
        cmd.append("--refresh")
    run, out = measure(name, cmd, ROOT)
    summary = json.loads(out.strip().splitlines()[-1])
    run.pages = int(summary["pages"])
    run.extra.update(summary=summary, db=db_counts(db, ("capture", "article")))
    return run


def scrapy(work: Path, url: str, conc: int, peer: Peer) -> Run:
    db, stats = work / f"{peer.key}.db", work / f"{peer.key}-stats.json"
    cmd = [
        str(VENV_BIN / "scrapy"),
        "runspider",
        str(ROOT / "bench" / peer.spider),
        "-a",
        f"start={url}",
        "-a",
        f"db={db}",
        "-a",
        f"stats={stats}",
        "-s",
        f"CONCURRENT_REQUESTS={conc}",
        "-s",
        f"CONCURRENT_REQUESTS_PER_DOMAIN={conc}",
        "-s",
        "DEPTH_LIMIT=3",
    ]
    run, _ = measure(peer.name, cmd, work)
    data = json.loads(stats.read_text(encoding="utf-8"))
    run.pages = int(data.get("response_received_count", 0))
    run.extra.update(
        db=db_counts(db, peer.tables),
        status={k: v for k, v in data.items() if "status_count" in k},
    )
    outcomes = {k.rpartition("/")[2]: v for k, v in data.items() if "/outcome/" in k}
    if outcomes:  # the same-work peer counts our archive's outcomes
        run.extra["outcomes"] = outcomes
    return run


def profile(work: Path, url: str, conc: int) -> None:
    """Ours with every thread under cProfile, parsing in-process, into a fresh archive."""
    db, out = work / "profile.db", work / "crawl.prof"
    argv = ["crawl", url, "--db", f"sqlite:///{db}", "--until-idle", "--concurrency", str(conc)]
    argv += ["--per-host", str(conc), "--max-depth", "3", "--json", "--parse-workers", "0"]
    cmd = [sys.executable, str(Path(__file__).resolve()), PROFILE_CHILD, str(out), *argv]
    run, text = measure("ours, profiled", cmd, ROOT)
    print(f"\nprofiled run (parse-workers 0): {text.strip()}  wall {run.wall_s:.1f} s")
    for path in sorted(work.glob("crawl.prof.*")):
        print(f"\n=== thread {path.suffix[1:]}: own time, then cumulative ===")
        stats = pstats.Stats(str(path))
        stats.sort_stats("tottime").print_stats(PROFILE_ROWS)
        stats.sort_stats("cumulative").print_stats(PROFILE_ROWS)


def profile_child(out: str, argv: list[str]) -> None:
    """Run ``scraper`` with one cProfile per thread; dump each to ``out.THREADNAME``.

    ``cProfile`` sees only the thread that enables it, and the crawler stores pages in
    a thread of its own (``archive_0``), so each new thread enables its own profiler
    from ``threading.setprofile``'s first call.
    """
    profiles: dict[str, cProfile.Profile] = {}
    lock = threading.Lock()

    def start(*_: object) -> None:
        sys.setprofile(None)
        prof = cProfile.Profile()
        with lock:
            profiles[threading.current_thread().name] = prof
        prof.enable()

    threading.setprofile(start)
    profiles["main"] = main_prof = cProfile.Profile()
    from scraper.cli import main as scraper_main

    main_prof.enable()
    try:
        scraper_main(argv)
    except SystemExit:
        pass
    finally:
        main_prof.disable()
        for name, prof in profiles.items():
            prof.dump_stats(f"{out}.{name}")


def table(runs: list[Run]) -> str:
    lines = [
        "| run | pages | seconds | pages/s | CPU s | CPU ms/page | peak MB | peak PSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        per = 1000 * r.cpu_per_page
        lines.append(
            f"| {r.name} | {r.pages} | {r.wall_s:.1f} | {r.rate:.1f} | "
            f"{r.cpu_s:.1f} | {per:.2f} | {r.peak_mb:.0f} | {r.peak_pss_mb:.0f} |"
        )
    return "\n".join(lines)


def ratios(first: Run, again: Run, peers: list[Run]) -> list[str]:
    out = [f"recrawl / first crawl, pages/s: {again.rate / first.rate:.2f}x (target >= 5x)"]
    for peer in peers:
        out += peer_ratios(first, peer)
    return out


def peer_ratios(first: Run, peer: Run) -> list[str]:
    """Our first crawl against one Scrapy peer, each line naming the peer."""
    if peer.rate <= 0 or not peer.cpu_per_page or not peer.peak_mb or not peer.peak_pss_mb:
        return [f"ours / {peer.name}: no pages, no ratio"]
    label = f"ours / {peer.name}"
    return [
        f"{label}, pages/s: {first.rate / peer.rate:.2f}x (target >= 2x, aim 3x)",
        f"{label}, CPU s per page: {first.cpu_per_page / peer.cpu_per_page:.2f}",
        f"{label}, peak RSS MB: {first.peak_mb / peer.peak_mb:.2f} (target < 1)",
        f"{label}, peak PSS MB: {first.peak_pss_mb / peer.peak_pss_mb:.2f} (target < 1)",
    ]


def peers_to_run(args: argparse.Namespace) -> list[Peer]:
    if args.skip_scrapy:
        return []
    chosen = [] if args.skip_scrapy_light else [LIGHT]
    return chosen if args.skip_scrapy_samework else [*chosen, SAMEWORK]


def bench(args: argparse.Namespace, work: Path) -> None:
    port = free_port()
    site = work / "site"
    t0 = time.monotonic()
    info = generate(site, args.articles, args.seed, f"http://127.0.0.1:{port}")
    print(f"site: {info} in {time.monotonic() - t0:.1f} s -> {site}", flush=True)
    url = f"http://127.0.0.1:{port}/"
    nginx = start_nginx(nginx_conf(work, site, port), port)
    try:
        runs = [ours(work, url, args.concurrency, False, "ours, first crawl")]
        runs.append(ours(work, url, args.concurrency, True, "ours, recrawl (--refresh)"))
        peers = [scrapy(work, url, args.concurrency, p) for p in peers_to_run(args)]
        runs += peers
        if args.profile:
            profile(work, url, args.concurrency)
    finally:
        stop(nginx)
    print(f"\nconcurrency {args.concurrency}, {args.articles} articles, nginx on {url}\n")
    print(table(runs))
    print()
    for line in ratios(runs[0], runs[1], peers):
        print(line)
    for r in runs:
        print(f"{r.name}: {json.dumps({k: v for k, v in r.extra.items() if k != 'stderr_tail'})}")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == PROFILE_CHILD:
        profile_child(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--skip-scrapy", action="store_true", help="run neither Scrapy peer")
    parser.add_argument(
        "--skip-scrapy-light", action="store_true", help="leave out the light Scrapy peer"
    )
    parser.add_argument(
        "--skip-scrapy-samework",
        action="store_true",
        help="leave out the same-work Scrapy peer (our parser and archive)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile ours with --parse-workers 0 (cProfile)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="crawl-bench-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user and must read the site
    try:
        bench(args, work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
