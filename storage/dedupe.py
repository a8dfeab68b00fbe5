"""The same content under two articles: exact and near duplicates, never merged.

1. Exact: another article has a version with the same content hash.
2. Near: another article's version shares a simhash band with this one (the
   pigeonhole bands of ``storage.simhash``: any pair within ``NEAR_MAX_HAMMING`` bits
   shares one), lies within that Hamming distance, and passes the text check.
3. Each pair is recorded once, from the article seen later to the one seen first,
   with its kind and similarity. A near pair later found exact becomes exact.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from storage import schema
from storage.simhash import MIN_WORDS, bands, is_near_duplicate
from storage.upsert import insert_ignore

# At most this many band-sharing versions are checked per new version, so a flood of
# near-identical boilerplate pages cannot make one write slow.
MAX_NEAR_CANDIDATES = 200


def record(
    conn: sa.Connection,
    article_id: int,
    version: int,
    digest: str,
    text: str,
    simhash: int,
    now: datetime,
) -> None:
    """Index this version's bands and record its duplicates under other articles."""
    for band, value in enumerate(bands(simhash)):
        insert_ignore(
            conn,
            schema.version_band,
            band=band,
            value=value,
            article_id=article_id,
            version=version,
        )
    exact = _exact(conn, article_id, digest)
    for other in exact:
        _link(conn, article_id, other, "exact", 1.0, now)
    if exact or len(text.split()) < MIN_WORDS:
        return
    for other, similarity in _near(conn, article_id, simhash, text).items():
        _link(conn, article_id, other, "near", similarity, now)


def _exact(conn: sa.Connection, article_id: int, digest: str) -> list[int]:
    v = schema.article_version
    rows = conn.execute(
        sa.select(v.c.article_id)
        .where(v.c.content_hash == digest, v.c.article_id != article_id)
        .distinct()
    ).scalars()
    return [int(r) for r in rows]


def _near(conn: sa.Connection, article_id: int, simhash: int, text: str) -> dict[int, float]:
    """Best similarity per other article among the band-sharing candidates."""
    vb, v = schema.version_band, schema.article_version
    keys = list(enumerate(bands(simhash)))
    candidates = (
        sa.select(vb.c.article_id, vb.c.version)
        .where(sa.tuple_(vb.c.band, vb.c.value).in_(keys), vb.c.article_id != article_id)
        .distinct()
        .limit(MAX_NEAR_CANDIDATES)
        .subquery()
    )
    rows = conn.execute(
        sa.select(v.c.article_id, v.c.simhash, v.c.text).join(
            candidates,
            sa.and_(v.c.article_id == candidates.c.article_id, v.c.version == candidates.c.version),
        )
    ).all()
    best: dict[int, float] = {}
    for other, other_hash, other_text in rows:
        if other_hash is None:
            continue
        similarity = is_near_duplicate(simhash, text, int(other_hash), other_text)
        if similarity is not None and similarity > best.get(int(other), -1.0):
            best[int(other)] = similarity
    return best


def _link(conn: sa.Connection, a: int, b: int, kind: str, similarity: float, now: datetime) -> None:
    """Record the pair from the later article to the earlier one."""
    later, earlier = _order(conn, a, b)
    d = schema.duplicate
    inserted = insert_ignore(
        conn,
        d,
        article_id=later,
        duplicate_of=earlier,
        kind=kind,
        similarity=similarity,
        found_at=now,
    )
    if not inserted and kind == "exact":
        conn.execute(
            d.update()
            .where(d.c.article_id == later, d.c.duplicate_of == earlier, d.c.kind != "exact")
            .values(kind="exact", similarity=1.0, found_at=now)
        )


def _order(conn: sa.Connection, a: int, b: int) -> tuple[int, int]:
    art = schema.article
    rows = (
        conn.execute(
            sa.select(art.c.id).where(art.c.id.in_([a, b])).order_by(art.c.first_seen, art.c.id)
        )
        .scalars()
        .all()
    )
    earlier, later = int(rows[0]), int(rows[-1])
    return later, earlier
