"""The same content under two articles: exact and near duplicates, never merged.

1. Exact: another article has a version with the same content hash.
2. Near, candidates: other articles' versions that share whole sentences with this
   one. Each sentence of ``MIN_SENTENCE_WORDS`` words or more is fingerprinted
   (64-bit blake2b of its normalised words) and posted in ``version_fingerprint``.
   A syndicated copy with another lead, an added paragraph or a trimmed ending keeps
   most sentences verbatim; unrelated articles share none.
3. A fingerprint posted by ``MAX_POSTINGS`` versions already is boilerplate ("This
   article first appeared in ...") and is neither posted again nor used, so a lookup
   reads at most ``MAX_SENTENCES x MAX_POSTINGS`` rows however large the archive grows.
4. Near, verification: the best candidates by shared sentences must reach
   ``NEAR_MIN_SIMILARITY`` of 3-word-shingle containment
   (``storage.simhash.text_similarity``). The simhash prefilter is not applied here:
   the sentence candidates are already few, and on the calibration corpus
   (``bench/calibrate_simhash.py``) the prefilter cost 48 of 350 true pairs and
   saved no false one.
5. Each pair is recorded once, from the article seen later to the one seen first,
   with its kind and similarity. A near pair later found exact becomes exact.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from storage import schema
from storage.prepare import PreparedContent
from storage.simhash import MIN_WORDS, NEAR_MIN_SIMILARITY, text_similarity, words
from storage.upsert import insert_ignore, insert_many_ignore

# A sentence found in this many versions is boilerplate, not evidence of a copy.
MAX_POSTINGS = 16
# Candidates verified per new version, best (most shared sentences) first.
MAX_NEAR_CANDIDATES = 20

# Statements built once (SQLAlchemy memoises their cache keys).
_F, _V, _ART, _D = (
    schema.version_fingerprint,
    schema.article_version,
    schema.article,
    schema.duplicate,
)
_PRINTS: sa.BindParameter[list[int]] = sa.bindparam("b_prints", expanding=True)
_ID: sa.BindParameter[int] = sa.bindparam("b_id")
_POSTINGS = (
    sa.select(_F.c.fingerprint, sa.func.count()).where(_F.c.fingerprint.in_(_PRINTS))
).group_by(_F.c.fingerprint)
_EXACT = (
    sa.select(_V.c.article_id)
    .where(_V.c.content_hash == sa.bindparam("b_hash"), _V.c.article_id != _ID)
    .distinct()
)
_SHARED = sa.func.count().label("shared")
_CANDIDATES = (
    sa.select(_F.c.article_id, _F.c.version, _SHARED)
    .where(_F.c.fingerprint.in_(_PRINTS), _F.c.article_id != _ID)
    .group_by(_F.c.article_id, _F.c.version)
    .order_by(_SHARED.desc(), _F.c.article_id)
    .limit(MAX_NEAR_CANDIDATES)
    .subquery()
)
_NEAR = sa.select(_V.c.article_id, _V.c.text).join(
    _CANDIDATES,
    sa.and_(_V.c.article_id == _CANDIDATES.c.article_id, _V.c.version == _CANDIDATES.c.version),
)
_ORDER = (
    sa.select(_ART.c.id)
    .where(_ART.c.id.in_(sa.bindparam("b_ids", expanding=True)))
    .order_by(_ART.c.first_seen, _ART.c.id)
)


def post(conn: sa.Connection, article_id: int, version: int, prints: list[int]) -> list[int]:
    """Post the version's fingerprints; return those that are not boilerplate."""
    if not prints:
        return []
    counts: dict[int, int] = {
        int(p): int(n) for p, n in conn.execute(_POSTINGS, {"b_prints": prints})
    }
    useful = [p for p in prints if counts.get(p, 0) < MAX_POSTINGS]
    insert_many_ignore(
        conn, _F, [{"fingerprint": p, "article_id": article_id, "version": version} for p in useful]
    )
    return useful


def record(
    conn: sa.Connection, article_id: int, version: int, prepared: PreparedContent, now: datetime
) -> None:
    """Index this version and record its duplicates under other articles."""
    useful = post(conn, article_id, version, list(prepared.prints))
    digest = prepared.digest
    _serialise(conn, digest)
    exact = _exact(conn, article_id, digest)
    for other in exact:
        _link(conn, article_id, other, "exact", 1.0, now)
    if exact or prepared.text_words < MIN_WORDS:
        return
    for other, similarity in _near(conn, article_id, useful, prepared.content.text).items():
        _link(conn, article_id, other, "near", similarity, now)


def _serialise(conn: sa.Connection, digest: str) -> None:
    """On PostgreSQL, writers of the same content take turns until they commit.

    Under READ COMMITTED two transactions storing the same content under two articles
    would each miss the other's uncommitted version; a transaction-scoped advisory
    lock on the hash makes the second wait, then see the first.
    """
    if conn.dialect.name == "postgresql":
        key = int(digest[:15], 16)  # 60 bits: fits a bigint
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _exact(conn: sa.Connection, article_id: int, digest: str) -> list[int]:
    rows = conn.execute(_EXACT, {"b_hash": digest, "b_id": article_id}).scalars()
    return [int(r) for r in rows]


def _near(conn: sa.Connection, article_id: int, prints: list[int], text: str) -> dict[int, float]:
    """Best similarity per other article among the sentence-sharing candidates."""
    if not prints:
        return {}
    rows = conn.execute(_NEAR, {"b_prints": prints, "b_id": article_id}).all()
    best: dict[int, float] = {}
    for other, other_text in rows:
        if len(words(other_text)) < MIN_WORDS:
            continue
        similarity = text_similarity(text, other_text)
        if similarity >= NEAR_MIN_SIMILARITY and similarity > best.get(int(other), -1.0):
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
    rows = conn.execute(_ORDER, {"b_ids": [a, b]}).scalars().all()
    return int(rows[-1]), int(rows[0])
