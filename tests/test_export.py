"""Export writers, read back with the readers everyone else will use: json, csv, warcio."""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]

from storage.export import (
    EXPORT_FIELDS,
    REVISIT_PROFILE,
    ExportCapture,
    ExportVersion,
    write_csv,
    write_jsonl,
    write_warc,
)

WHEN = datetime(2025, 3, 3, 14, 7, 5, 123456, tzinfo=UTC)
LIST_FIELDS = ("bylines", "paragraphs", "subheadings", "captions")


def version(**changes: Any) -> ExportVersion:
    base = ExportVersion(
        article_id=7,
        url="https://www.journaldusoir.example/planete/secheresse.html",
        site="www.journaldusoir.example",
        version=2,
        fetched_at=WHEN,
        content_hash="ab" * 32,
        parser_version="0.4.0",
        title="Sécheresse : les nappes « au plus bas » dans le Sud-Est",
        bylines=["Léa Dupré", "Jürgen Groß"],
        published="2025-03-04T06:15:00+01:00",
        modified=None,
        language="fr",
        lead='Un hiver sec, puis un printemps "inquiétant", dit-elle.',
        text="Premier paragraphe,\navec un retour à la ligne.\n\nDeuxième\u2028ligne.",
        paragraphs=["Premier paragraphe,\navec un retour à la ligne.", "Deuxième\u2028ligne."],
        subheadings=["Des puits à sec"],
        captions=["Le lac de Sainte-Croix, le 2 mars 2025. 日本語も"],
        reverted_to=None,
    )
    return replace(base, **changes)


def expected_json(row: ExportVersion) -> dict[str, Any]:
    """What a reader should get back: every field, the time as ISO 8601 UTC."""
    values = {name: getattr(row, name) for name in EXPORT_FIELDS}
    values["fetched_at"] = row.fetched_at.astimezone(UTC).isoformat()
    return values


# --- JSON Lines --------------------------------------------------------------------------


def test_jsonl_round_trips_non_ascii_and_newlines_one_record_per_line() -> None:
    rows = [version(), version(version=3, reverted_to=1, title=None, bylines=[])]
    out = io.StringIO()
    assert write_jsonl(rows, out) == 2
    text = out.getvalue()
    assert "Sécheresse" in text and "日本語" in text  # kept as UTF-8, not \\u-escaped
    lines = text.splitlines()  # the strictest splitter: \u2028 and \x85 are line ends to it
    assert [json.loads(line) for line in lines] == [expected_json(row) for row in rows]


def test_naive_fetch_times_are_utc_and_aware_ones_are_converted() -> None:
    paris = timezone(timedelta(hours=1))
    rows = [
        version(fetched_at=datetime(2025, 3, 3, 14, 0)),
        version(fetched_at=WHEN.astimezone(paris)),
    ]
    out = io.StringIO()
    write_jsonl(rows, out)
    times = [json.loads(line)["fetched_at"] for line in out.getvalue().splitlines()]
    assert times == ["2025-03-03T14:00:00+00:00", "2025-03-03T14:07:05.123456+00:00"]


# --- CSV ---------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def expected_csv(row: ExportVersion) -> dict[str, str]:
    cells = {}
    for name, value in expected_json(row).items():
        if value is None:
            cells[name] = ""
        elif name in LIST_FIELDS:
            cells[name] = value  # compared after json.loads
        else:
            cells[name] = str(value)
    return cells


def decoded(cells: dict[str, str]) -> dict[str, Any]:
    return {k: json.loads(v) if k in LIST_FIELDS else v for k, v in cells.items()}


def test_csv_has_a_header_and_round_trips_lists_as_json_cells() -> None:
    rows = [version(), version(version=3, reverted_to=1, lead=None)]
    out = io.StringIO(newline="")
    assert write_csv(rows, out) == 2
    assert out.getvalue().split("\r\n", 1)[0] == ",".join(EXPORT_FIELDS)
    assert [decoded(r) for r in read_csv(out.getvalue())] == [expected_csv(r) for r in rows]


def test_csv_of_no_rows_is_just_the_header() -> None:
    out = io.StringIO(newline="")
    assert write_csv([], out) == 0
    assert read_csv(out.getvalue()) == []


TEXT = st.text()  # any code point but surrogates: NUL, \r, \x85, \u2028, quotes, commas


@settings(max_examples=150, deadline=None)
@given(title=TEXT, paragraphs=st.lists(TEXT, max_size=4), lead=st.none() | TEXT)
def test_any_text_round_trips_through_jsonl_and_csv(
    title: str, paragraphs: list[str], lead: str | None
) -> None:
    row = version(title=title, paragraphs=paragraphs, lead=lead, text="\n\n".join(paragraphs))
    jsonl = io.StringIO()
    write_jsonl([row], jsonl)
    [line] = jsonl.getvalue().splitlines()
    assert json.loads(line) == expected_json(row)

    table = io.StringIO(newline="")
    write_csv([row], table)
    [cells] = read_csv(table.getvalue())
    assert decoded(cells) == expected_csv(row)


# --- WARC --------------------------------------------------------------------------------

PAGE = "<html><body><p>Élections : résultats</p></body></html>".encode()
OTHER = b"<html><body><p>Another page</p></body></html>"


def capture(capture_id: int, url: str, body: bytes, **changes: Any) -> ExportCapture:
    base = ExportCapture(
        capture_id=capture_id,
        requested_url=url.replace("https://", "http://"),
        final_url=url,
        status=200,
        fetched_at=WHEN + timedelta(hours=capture_id),
        headers={
            "content-type": "text/html; charset=utf-8",
            "content-encoding": "gzip",
            "Transfer-Encoding": "chunked",
            "Content-Length": "12",
            "etag": '"abc"',
        },
        body_sha256=hashlib.sha256(body).hexdigest(),
        body=body,
    )
    return replace(base, **changes)


def read_warc(data: bytes) -> list[dict[str, Any]]:
    records = []
    for record in ArchiveIterator(io.BytesIO(data), check_digests="raise"):
        content = record.content_stream().read()
        headers = record.http_headers
        records.append(
            {
                "type": record.rec_type,
                "warc": dict(record.rec_headers.headers),
                "http": dict(headers.headers) if headers else None,
                "status": headers.get_statuscode() if headers else None,
                "content": content,
                "digest_ok": record.digest_checker.passed,
            }
        )
    return records


def test_warc_round_trip_with_a_revisit_for_the_repeated_body() -> None:
    captures = [
        capture(1, "https://a.example/one", PAGE),
        capture(2, "https://b.example/two", OTHER, status=404),
        capture(3, "https://a.example/one-again", PAGE),
    ]
    out = io.BytesIO()
    stats = write_warc(captures, out)
    assert (stats.responses, stats.revisits, stats.records) == (2, 1, 3)

    info, first, second, revisit = read_warc(out.getvalue())
    assert info["type"] == "warcinfo" and info["warc"]["WARC-Date"]
    assert [r["type"] for r in (first, second, revisit)] == ["response", "response", "revisit"]
    assert [r["warc"]["WARC-Target-URI"] for r in (first, second, revisit)] == [
        c.final_url for c in captures
    ]
    assert (first["content"], second["content"], revisit["content"]) == (PAGE, OTHER, b"")
    assert (first["status"], second["status"], revisit["status"]) == ("200", "404", "200")
    assert first["digest_ok"] is second["digest_ok"] is True  # warcio skips revisits
    for record in (first, second, revisit):
        assert record["warc"]["WARC-Warcinfo-ID"] == info["warc"]["WARC-Record-ID"]

    refers = revisit["warc"]
    assert refers["WARC-Profile"] == REVISIT_PROFILE
    assert refers["WARC-Refers-To-Target-URI"] == "https://a.example/one"
    assert refers["WARC-Refers-To-Date"] == first["warc"]["WARC-Date"]
    assert first["warc"]["WARC-Date"] == "2025-03-03T15:07:05.123456Z"
    assert refers["WARC-Refers-To"] == first["warc"]["WARC-Record-ID"]
    assert refers["WARC-Payload-Digest"] == first["warc"]["WARC-Payload-Digest"]
    assert refers["WARC-Date"] == "2025-03-03T17:07:05.123456Z"


def test_warc_headers_describe_the_decoded_body() -> None:
    out = io.BytesIO()
    write_warc([capture(1, "https://a.example/one", PAGE)], out)
    _, response = read_warc(out.getvalue())
    names = {name.lower() for name in response["http"]}
    assert not names & {"content-encoding", "transfer-encoding"}
    assert [v for k, v in response["http"].items() if k.lower() == "content-length"] == [
        str(len(PAGE))
    ]
    assert response["http"]["etag"] == '"abc"'
    assert response["warc"]["WARC-Payload-Digest"].startswith("sha256:")


def test_warc_is_one_gzip_member_per_record_and_version_1_1() -> None:
    out = io.BytesIO()
    write_warc([capture(1, "https://a.example/one", PAGE)], out)
    raw = gzip.decompress(out.getvalue())
    assert raw.startswith(b"WARC/1.1\r\n") and raw.count(b"WARC/1.1\r\n") == 2


def test_the_revisit_block_digest_covers_its_http_headers() -> None:
    out = io.BytesIO()
    write_warc(
        [capture(1, "https://a.example/1", PAGE), capture(2, "https://a.example/2", PAGE)], out
    )
    last = gzip.decompress(out.getvalue()).split(b"WARC/1.1\r\n")[-1]
    head, _, rest = last.partition(b"\r\n\r\n")
    fields = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
    block = rest[: int(fields["Content-Length"])]
    assert block.startswith(b"HTTP/1.1 200 OK\r\n") and block.endswith(b"\r\n\r\n")
    digest = base64.b32encode(hashlib.sha256(block).digest()).decode()
    assert (fields["WARC-Type"], fields["WARC-Block-Digest"]) == ("revisit", f"sha256:{digest}")


def test_a_body_that_does_not_match_its_sha256_is_refused() -> None:
    bad = capture(1, "https://a.example/one", PAGE, body_sha256="00" * 32)
    with pytest.raises(ValueError, match="capture 1"):
        write_warc([bad], io.BytesIO())


def test_an_empty_export_is_a_warcinfo_record_alone() -> None:
    out = io.BytesIO()
    assert write_warc([], out).records == 0
    assert [r["type"] for r in read_warc(out.getvalue())] == ["warcinfo"]


HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20)


@settings(max_examples=60, deadline=None)
@given(
    bodies=st.lists(st.sampled_from([b"", b"x", PAGE, OTHER, bytes(range(256))]), max_size=6),
    extra=st.dictionaries(st.from_regex(r"X-[A-Za-z]{1,8}", fullmatch=True), HEADER_TEXT),
    status=st.integers(min_value=100, max_value=599),
)
def test_every_capture_comes_back_once_and_repeats_are_revisits(
    bodies: list[bytes], extra: dict[str, str], status: int
) -> None:
    captures = [
        capture(k, f"https://s.example/{k}", body, headers=extra, status=status)
        for k, body in enumerate(bodies)
    ]
    out = io.BytesIO()
    stats = write_warc(captures, out)
    records = read_warc(out.getvalue())[1:]
    assert stats.records == len(records) == len(bodies)
    assert stats.revisits == len(bodies) - len(set(bodies))
    seen: set[bytes] = set()
    for record, body in zip(records, bodies, strict=True):
        assert record["type"] == ("revisit" if body in seen else "response")
        assert record["content"] == (b"" if body in seen else body)
        assert record["status"] == str(status)
        assert {k: v for k, v in record["http"].items() if k != "Content-Length"} == {
            k.strip(): v.strip() for k, v in extra.items()
        }
        seen.add(body)
