"""Writers for ``scraper export``: article versions as JSON Lines or CSV, captures as WARC.

They are pure writers over plain frozen records (filled by the caller from the archive),
so the format rules live here and nothing here touches the database.

- **JSON Lines**: one JSON object per version and per line, UTF-8 text kept as is
  (``ensure_ascii=False``). JSON already escapes control characters, so a newline inside a
  paragraph never splits a record; U+0085, U+2028 and U+2029, which ``str.splitlines`` and
  JavaScript treat as line ends, are escaped too. ``fetched_at`` is ISO 8601 in UTC.
- **CSV**: a header row, then one row per version (RFC 4180 via :mod:`csv`, ``\\r\\n`` rows;
  a cell with a newline is quoted). List fields are JSON text in their cell; None is an
  empty cell. Open the output with ``newline=""``.
- **WARC** (1.1, one gzip member per record, written with warcio): a ``warcinfo`` record,
  then per capture a ``response`` record: the reconstructed HTTP status line and headers,
  then the body. The archive keeps bodies *decoded* (after Content-Encoding), so
  Content-Encoding, Transfer-Encoding and Content-Length are dropped from the stored
  headers and a Content-Length matching the stored body is set. WARC-Target-URI is the
  final URL, WARC-Date the fetch time (UTC, microseconds), WARC-Payload-Digest and
  WARC-Block-Digest are sha256 (base32, as warcio writes digests). A body whose sha256
  already went out in this file becomes a ``revisit`` record (identical-payload-digest
  profile) with the HTTP headers but no payload, pointing at the first record by
  WARC-Refers-To, WARC-Refers-To-Target-URI and WARC-Refers-To-Date.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from typing import IO, Any

# Stored bodies are decoded, so these describe bytes the WARC does not hold.
DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
WARC_VERSION = "1.1"
SOFTWARE = "news-scraper-archive (storage.export)"
# Characters that JSON leaves raw but that some readers take for line ends.
_JSONL_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True, slots=True)
class ExportVersion:
    """One stored version of one article. A naive ``fetched_at`` is taken as UTC."""

    article_id: int
    url: str
    site: str
    version: int
    fetched_at: datetime
    content_hash: str
    parser_version: str
    title: str | None
    bylines: list[str]
    published: str | None
    modified: str | None
    language: str | None
    lead: str | None
    text: str
    paragraphs: list[str]
    subheadings: list[str]
    captions: list[str]
    reverted_to: int | None


@dataclass(frozen=True, slots=True)
class ExportCapture:
    """One fetch with its decoded body. ``body_sha256`` is the hex sha256 of ``body``."""

    capture_id: int
    requested_url: str
    final_url: str
    status: int
    fetched_at: datetime
    headers: dict[str, str]
    body_sha256: str
    body: bytes


@dataclass(frozen=True, slots=True)
class WarcStats:
    """Records written besides the warcinfo one."""

    responses: int
    revisits: int

    @property
    def records(self) -> int:
        return self.responses + self.revisits


EXPORT_FIELDS = tuple(f.name for f in dataclasses.fields(ExportVersion))


# --- JSON Lines and CSV ------------------------------------------------------------------


def write_jsonl(rows: Iterable[ExportVersion], out: IO[str]) -> int:
    """Write one JSON object per line; returns the number of rows."""
    count = 0
    for row in rows:
        line = json.dumps(_plain(row), ensure_ascii=False)
        for char, escaped in _JSONL_LINE_BREAKS.items():
            line = line.replace(char, escaped)  # only string contents can hold them
        out.write(line + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[ExportVersion], out: IO[str]) -> int:
    """Write a header row and one row per version; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_FIELDS)
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(value) for value in _plain(row).values()])
        count += 1
    return count


def _plain(row: ExportVersion) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in EXPORT_FIELDS}
    values["fetched_at"] = _utc(row.fetched_at).isoformat()
    return values


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- WARC --------------------------------------------------------------------------------


def write_warc(
    captures: Iterable[ExportCapture],
    out: IO[bytes],
    *,
    info: Mapping[str, str] | None = None,
) -> WarcStats:
    """Write a gzipped WARC 1.1 file: warcinfo, then a response or revisit per capture.

    ``info`` adds fields to the warcinfo record. Raises ValueError when a capture's
    ``body_sha256`` is not the sha256 of its body (the dedup key would lie).
    """
    from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]  # export only

    writer = WARCWriter(out, gzip=True, warc_version=WARC_VERSION)
    warcinfo = writer.create_warcinfo_record(None, _warcinfo_fields(info))
    writer.write_record(warcinfo)
    warcinfo_id = warcinfo.rec_headers.get_header("WARC-Record-ID")
    # sha256 hex -> (record id, target URI, WARC-Date) of the response that holds it
    first: dict[str, tuple[str, str, str]] = {}
    responses = revisits = 0
    for capture in captures:
        sha = hashlib.sha256(capture.body).hexdigest()
        if sha != capture.body_sha256.lower():
            raise ValueError(
                f"capture {capture.capture_id}: body_sha256 {capture.body_sha256} "
                f"is not the sha256 of its body ({sha})"
            )
        date = warc_date(capture.fetched_at)
        common = {"WARC-Date": date, "WARC-Warcinfo-ID": warcinfo_id}
        if sha in first:
            record = _revisit_record(writer, capture, common, first[sha])
            revisits += 1
        else:
            record = _response_record(writer, capture, common)
            first[sha] = (record.rec_headers.get_header("WARC-Record-ID"), capture.final_url, date)
            responses += 1
        writer.write_record(record)
    return WarcStats(responses=responses, revisits=revisits)


def warc_date(moment: datetime) -> str:
    """WARC 1.1 date: UTC, ``Z``, microseconds when there are any."""
    utc = _utc(moment)
    fraction = f".{utc.microsecond:06d}" if utc.microsecond else ""
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def warc_digest(data: bytes) -> str:
    """``sha256:`` + base32, the labelled-digest form warcio writes and checks."""
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode("ascii")


def http_headers(capture: ExportCapture) -> Any:
    """The capture's status line and headers, as they describe the stored (decoded) body."""
    try:
        reason = HTTPStatus(capture.status).phrase
    except ValueError:
        reason = ""
    kept = [
        (_one_line(name), _one_line(value))
        for name, value in capture.headers.items()
        if name.lower() not in DROPPED_HEADERS
    ]
    kept.append(("Content-Length", str(len(capture.body))))
    status_line = f"{capture.status} {reason}".rstrip()
    from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]

    return StatusAndHeaders(status_line, kept, protocol="HTTP/1.1")


def _response_record(writer: Any, capture: ExportCapture, common: dict[str, str]) -> Any:
    headers = http_headers(capture)
    digests = {
        "WARC-Payload-Digest": warc_digest(capture.body),
        "WARC-Block-Digest": warc_digest(_header_bytes(headers) + capture.body),
    }
    return writer.create_warc_record(
        capture.final_url,
        "response",
        payload=BytesIO(capture.body),
        length=len(capture.body),
        http_headers=headers,
        warc_headers_dict={**common, **digests},
    )


def _revisit_record(
    writer: Any,
    capture: ExportCapture,
    common: dict[str, str],
    original: tuple[str, str, str],
) -> Any:
    record_id, target_uri, date = original
    headers = http_headers(capture)
    record = writer.create_revisit_record(
        capture.final_url,
        digest=warc_digest(capture.body),
        refers_to_uri=target_uri,
        refers_to_date=date,
        http_headers=headers,
        warc_headers_dict={
            **common,
            "WARC-Refers-To": record_id,
            "WARC-Block-Digest": warc_digest(_header_bytes(headers)),
        },
    )
    # warcio labels a 1.1 revisit with the 1.1 profile; say so explicitly all the same.
    record.rec_headers.replace_header("WARC-Profile", REVISIT_PROFILE)
    return record


def _header_bytes(headers: Any) -> bytes:
    """The HTTP header block exactly as warcio will write it (what the block digest covers)."""
    headers.compute_headers_buffer(None)
    buffer: bytes = headers.headers_buff
    return buffer


def _one_line(text: str) -> str:
    """Header names and values cannot carry line breaks into the record."""
    return " ".join(text.splitlines())


def _warcinfo_fields(info: Mapping[str, str] | None) -> dict[str, str]:
    fields = {
        "software": SOFTWARE,
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": "Captures exported from a news archive; bodies stored decoded.",
    }
    fields.update(info or {})
    return fields
