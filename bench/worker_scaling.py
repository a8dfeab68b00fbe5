"""Crawl workers sharing one PostgreSQL archive: pages per second with 1, 2 and 4 workers.

Usage:
    cd bench && ../.venv/bin/python worker_scaling.py [--articles 2000] [--workers 1 2 4]

For each worker count: a fresh PostgreSQL schema, the generated site of
``crawl_site.py`` behind nginx (with an access log this time), then N processes of
``scraper crawl --worker --until-idle`` started together. Reported: wall time, pages per
second, and from nginx's log how many article pages were requested more than once (it
must be 0: no page is fetched twice for the same due time).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from crawl_bench import free_port, nginx_conf, start_nginx, stop
from crawl_site import generate

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ARTICLE = re.compile(r'"GET (/\d{4}/\d\d/\d\d/[^ ]+\.html) ')


def fresh_schema(name: str) -> str:
    engine = sa.create_engine(PG)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    engine.dispose()
    return f"{PG}?options=-csearch_path%3D{name}"


def drop_schema(name: str) -> None:
    engine = sa.create_engine(PG)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    engine.dispose()


def crawl(db: str, url: str, workers: int, concurrency: int) -> float:
    subprocess.run([sys.executable, "-m", "scraper", "db", "upgrade", "--db", db],
                   cwd=ROOT, check=True, capture_output=True)
    cmd = [sys.executable, "-m", "scraper", "crawl", url, "--db", db, "--worker",
           "--until-idle", "--concurrency", str(concurrency), "--per-host", str(concurrency),
           "--parse-workers", "1", "--json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(workers)]
    for proc in procs:
        _, err = proc.communicate(timeout=3600)
        if proc.returncode != 0:
            raise SystemExit(f"worker failed: {err.decode()[-500:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scaling-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # nginx workers run as an unprivileged user and must read the site
        generate(work / "site", args.articles)
        print("| workers | pages | s | pages/s | articles fetched twice |")
        print("|---|---|---|---|---|")
        for n in args.workers:
            port = free_port()
            conf = nginx_conf(work, work / "site", port)
            logs = work / f"logs-{n}"
            logs.mkdir(mode=0o777)
            logs.chmod(0o777)  # the nginx worker user writes the access log here
            log = logs / "access.log"
            conf.write_text(conf.read_text().replace("access_log off;", f"access_log {log};"))
            nginx = start_nginx(conf, port)
            schema = f"bench_workers_{n}"
            try:
                seconds = crawl(fresh_schema(schema), f"http://127.0.0.1:{port}/", n,
                                args.concurrency)
            finally:
                stop(nginx)
                drop_schema(schema)
            hits = Counter(m[1] for m in ARTICLE.finditer(log.read_text()))
            pages = sum(1 for _ in log.open())
            twice = sum(1 for c in hits.values() if c > 1)
            print(f"| {n} | {pages} | {seconds:.1f} | {pages / seconds:.1f} | {twice} |",
                  flush=True)


if __name__ == "__main__":
    main()
