"""Replay and record saved sites, through the same layout.

Layout: a URL maps to ``DIR/<host>/<path>``; a path ending in ``/`` maps to
``index.html``; the query string and the port are ignored for the lookup. An
optional sidecar ``<file>.headers.json`` holds ``{"status": ..., "headers": {...}}``
(a sidecar alone, with no body file, serves e.g. a redirect). Anything absent is a 404.

Replay is an ``httpx.MockTransport``: the fetcher, the tests and downstream users
all go through it, so a replayed page takes exactly the path a live page takes.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

SIDECAR_SUFFIX = ".headers.json"
INDEX_FILE = "index.html"
# Response headers worth keeping in a recording; the body is stored decoded, so
# transfer and encoding headers would lie about it.
RECORDED_HEADERS = frozenset(
    {
        "content-type",
        "content-language",
        "etag",
        "last-modified",
        "location",
        "cache-control",
        "expires",
        "retry-after",
        "link",
        "x-robots-tag",
    }
)


def path_for(root: Path, url: str) -> Path | None:
    """The file that stands for ``url`` under ``root``, or None if it would escape it."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return None
    path = unquote(parts.path or "/")
    if path.endswith("/"):
        path += INDEX_FILE
    segments = [s for s in path.split("/") if s]
    if any(s in (".", "..") for s in segments):
        return None
    return root.joinpath(host, *segments)


def _response_for(root: Path, request: httpx.Request) -> httpx.Response:
    target = path_for(root, str(request.url))
    if target is None:
        return httpx.Response(404, request=request)
    if target.is_dir():
        target = target / INDEX_FILE
    sidecar = target.with_name(target.name + SIDECAR_SUFFIX)
    if not target.is_file() and not sidecar.is_file():
        return httpx.Response(404, request=request)
    status, headers = 200, dict[str, str]()
    if sidecar.is_file():
        status, headers = _read_sidecar(sidecar)
    body = target.read_bytes() if target.is_file() else b""
    if not any(k.lower() == "content-type" for k in headers) and target.is_file():
        headers["content-type"] = _guess_type(target)
    return httpx.Response(status, headers=headers, content=body, request=request)


def _read_sidecar(sidecar: Path) -> tuple[int, dict[str, str]]:
    try:
        data: Any = json.loads(sidecar.read_text(encoding="utf-8"))
        return int(data.get("status", 200)), {
            str(k): str(v) for k, v in data.get("headers", {}).items()
        }
    except (ValueError, TypeError, AttributeError, OSError):
        return 500, {"x-replay-error": f"unreadable sidecar {sidecar.name}"}


def _guess_type(path: Path) -> str:
    if path.suffix in ("", ".html", ".htm"):
        return "text/html"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def replay_transport(root: Path | str) -> httpx.MockTransport:
    """A transport that serves every request from ``root`` and never touches the network."""
    base = Path(root)

    def handler(request: httpx.Request) -> httpx.Response:
        return _response_for(base, request)

    return httpx.MockTransport(handler)


def write_recording(
    root: Path, url: str, status: int, headers: dict[str, str], body: bytes
) -> Path:
    """Save one response under ``root`` in the replay layout; returns the body's path."""
    target = path_for(root, url)
    if target is None:
        raise ValueError(f"cannot map {url} to a file")
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = {k.lower(): v for k, v in headers.items() if k.lower() in RECORDED_HEADERS}
    if body or status == 200:
        target.write_bytes(body)
    sidecar = target.with_name(target.name + SIDECAR_SUFFIX)
    if (
        status != 200
        or set(kept) - {"content-type"}
        or kept.get("content-type", "text/html") != _guess_type(target)
    ):
        sidecar.write_text(
            json.dumps({"status": status, "headers": kept}, indent=2) + "\n", encoding="utf-8"
        )
    elif sidecar.exists():
        sidecar.unlink()
    return target
