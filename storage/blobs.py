"""Raw bodies, stored once by sha256 and compressed with zstd, per site with a dictionary.

A news site serves every article in one template, so most of a page's bytes repeat
across the site. zstd compresses a page alone to about a fifth of its size; with a
dictionary trained on the site's own pages, the template nearly vanishes.

1. A body already stored (same sha256) is not stored again.
2. A new body is compressed with its site's dictionary when the site has one,
   otherwise on its own (``codec = 'zstd'``).
3. When a site without a dictionary reaches ``DICT_TRAIN_SAMPLES`` stored bodies,
   a dictionary is trained on them, stored in ``zstd_dict``, and those bodies are
   recompressed with it, in the same transaction as the write that crossed the line.
4. Reading decompresses with the dictionary the blob names (``codec = 'zstd-dict'``).
   A site whose training failed (too little material) gets an empty row, so it is
   not retried on every write.

Compressor objects are cached per dictionary; like the archive's connections, they
are not shared between threads.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
import zstandard

from storage import schema
from storage.upsert import insert_ignore

# zstd level 3: 29.7% of raw alone, 28.1% at level 10 for 5x the CPU (4-5 ms a 90 KB
# page, the crawler's largest single cost in bench/crawl_bench.py's profile).
ZSTD_LEVEL = 3
# Dictionary settings, calibrated by bench/compress_bench.py on 56 sites x 90 pages
# (see bench/README.md): stored bytes 8.7% of raw (6.2% on pages after the training
# ones) against 28% with zstd alone. Training on 8 to 32 pages changed < 0.5 point;
# 64 KB beats 32 KB once a site has hundreds of pages; level 3 costs ~1 point against
# level 10 for a fifth of the CPU, level 19 gains 0.2 point for 15x. zstd's own k/d
# search made large dictionaries worse (11.6%): they are fixed.
DICT_TRAIN_SAMPLES = 24  # pages of one site before its dictionary is trained
DICT_SIZE = 64 * 1024
DICT_K, DICT_D = 1024, 8  # COVER segment and d-mer sizes
DICT_LEVEL = 3


_B, _DICT = schema.blob, schema.zstd_dict
_EXISTS = sa.select(_B.c.sha256).where(_B.c.sha256 == sa.bindparam("b_sha"))
# A dictionary row never changes once written: its id and training time name it, and
# its 64 KB are read from the database once per process (``_DICTS``), not per write.
_SITE_DICT = sa.select(_DICT.c.id, _DICT.c.trained_at, sa.func.length(_DICT.c.data)).where(
    _DICT.c.site == sa.bindparam("b_site")
)
_DICT_DATA = sa.select(_DICT.c.data).where(_DICT.c.id == sa.bindparam("b_id"))
_DICTS: dict[tuple[str, int, str], bytes] = {}
MAX_CACHED_DICTS = 64  # sites whose dictionary a process keeps (64 KB each)


def sha256_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def put(conn: sa.Connection, body: bytes, site: str | None) -> str:
    """Store ``body`` once; return its sha256."""
    sha = sha256_of(body)
    b = schema.blob
    if conn.execute(_EXISTS, {"b_sha": sha}).first() is not None:
        return sha
    row = _site_row(conn, site) if site else None
    dictionary = row if row is not None and row[1] else None
    if dictionary is None:
        data, codec, dict_id = _compressor(None).compress(body), "zstd", None
    else:
        dict_id, dict_data = dictionary
        data, codec = _compressor(dict_data).compress(body), "zstd-dict"
    insert_ignore(
        conn, b, sha256=sha, size=len(body), codec=codec, data=data, dict_id=dict_id, site=site
    )
    if row is None and site:
        _maybe_train(conn, site)
    return sha


def read(conn: sa.Connection, sha: str) -> bytes:
    """The raw body stored under ``sha``."""
    b, d = schema.blob, schema.zstd_dict
    row = conn.execute(
        sa.select(b.c.data, b.c.codec, d.c.data.label("dict"))
        .select_from(b.outerjoin(d, d.c.id == b.c.dict_id))
        .where(b.c.sha256 == sha)
    ).one()
    dict_data = bytes(row.dict) if row.codec == "zstd-dict" else None
    return _decompressor(dict_data).decompress(row.data)


@lru_cache(maxsize=16)  # a dictionary's tables take ~1 ms to build; sites repeat
def _compressor(dict_data: bytes | None) -> zstandard.ZstdCompressor:
    if dict_data is None:
        return zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    zdict = zstandard.ZstdCompressionDict(dict_data)
    return zstandard.ZstdCompressor(level=DICT_LEVEL, dict_data=zdict)


@lru_cache(maxsize=16)
def _decompressor(dict_data: bytes | None) -> zstandard.ZstdDecompressor:
    if dict_data is None:
        return zstandard.ZstdDecompressor()
    return zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(dict_data))


def _site_row(conn: sa.Connection, site: str) -> tuple[int, bytes] | None:
    """The site's dictionary row; empty data marks a site whose training failed."""
    row = conn.execute(_SITE_DICT, {"b_site": site}).first()
    if row is None:
        return None
    dict_id, size = int(row[0]), int(row[2] or 0)
    if not size:
        return dict_id, b""
    key = (conn.engine.url.render_as_string(), dict_id, str(row[1]))
    data = _DICTS.get(key)
    if data is None:
        data = bytes(conn.execute(_DICT_DATA, {"b_id": dict_id}).scalar_one())
        if len(_DICTS) >= MAX_CACHED_DICTS:
            _DICTS.pop(next(iter(_DICTS)))
        _DICTS[key] = data
    return dict_id, data


def _maybe_train(conn: sa.Connection, site: str) -> None:
    """Train the site's dictionary once it has enough pages, and recompress them with it."""
    b = schema.blob
    shas = (
        conn.execute(
            sa.select(b.c.sha256)
            .where(b.c.site == site, b.c.dict_id.is_(None))
            .limit(DICT_TRAIN_SAMPLES)
        )
        .scalars()
        .all()
    )
    if len(shas) < DICT_TRAIN_SAMPLES:
        return
    bodies = {sha: read(conn, sha) for sha in shas}
    try:
        trained = zstandard.train_dictionary(
            DICT_SIZE, list(bodies.values()), k=DICT_K, d=DICT_D, level=DICT_LEVEL
        )
        dict_data = trained.as_bytes()
    except zstandard.ZstdError:
        dict_data = b""  # too little to learn from: the site's pages stay compressed alone
    insert_ignore(
        conn,
        schema.zstd_dict,
        site=site,
        data=dict_data,
        samples=len(bodies),
        trained_at=datetime.now(UTC),
    )
    found = _site_row(conn, site)
    if found is None or not found[1]:
        return
    dict_id, dict_data = found
    compressor = _compressor(dict_data)
    for sha, body in bodies.items():
        conn.execute(
            b.update()
            .where(b.c.sha256 == sha, b.c.dict_id.is_(None))
            .values(data=compressor.compress(body), codec="zstd-dict", dict_id=dict_id)
        )
