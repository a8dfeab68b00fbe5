"""The pure part of storing a version: what can be computed without the database.

``prepare`` turns a ``ContentRecord`` into a ``PreparedContent``: the content hash,
the ``article_version`` columns (JSON encoded), the body's word count, the sentence
fingerprints for near-duplicate search (``storage.dedupe``) and the text's word count.
The write path (``storage.writer``) prepares what it is given unprepared; a crawler
prepares in its parse workers instead, so that the one process that writes spends
its time on SQL. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from storage.identity import content_hash, word_count
from storage.records import ContentRecord
from storage.simhash import words

# Sentences shorter than this are too common to identify a text ("He said no.").
MIN_SENTENCE_WORDS = 6
# Sentences fingerprinted per version: a long story is identified by its first 64.
MAX_SENTENCES = 64
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'»”)\]]*\s+|\n+")


@dataclass(frozen=True, slots=True)
class PreparedContent:
    """A ``ContentRecord`` with everything the write path derives from it alone."""

    content: ContentRecord
    digest: str  # storage.identity.content_hash of the editorial fields
    columns: dict[str, Any]  # article_version's parser columns, ready to insert
    prints: tuple[int, ...]  # sentence fingerprints, first MAX_SENTENCES
    text_words: int  # normalised words of the text (storage.simhash.words)

    @property
    def body_words(self) -> int:
        return int(self.columns["words"])


def prepare(content: ContentRecord | PreparedContent) -> PreparedContent:
    """``content`` with its derived values (a prepared one is returned as is)."""
    if isinstance(content, PreparedContent):
        return content
    return PreparedContent(
        content=content,
        digest=content_hash_of(content),
        columns=version_columns(content),
        prints=tuple(fingerprints(content.text)),
        text_words=len(words(content.text)),
    )


def content_hash_of(content: ContentRecord) -> str:
    return content_hash(
        title=content.title,
        bylines=content.bylines,
        lead=content.lead,
        paragraphs=content.paragraphs,
        subheadings=content.subheadings,
        captions=content.captions,
    )


def version_columns(content: ContentRecord) -> dict[str, Any]:
    """The columns of ``article_version`` that come from the parser."""

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    return {
        "parser_version": content.parser_version,
        "title": content.title,
        "bylines": dump(list(content.bylines)),
        "published": content.published,
        "modified": content.modified,
        "language": content.language,
        "lead": content.lead,
        "text": content.text,
        "paragraphs": dump(list(content.paragraphs)),
        "subheadings": dump(list(content.subheadings)),
        "captions": dump(list(content.captions)),
        "comment_form": dump(content.comment_form) if content.comment_form is not None else None,
        "words": word_count(content.lead, content.paragraphs),
    }


def fingerprints(text: str) -> list[int]:
    """Signed 64-bit fingerprints of the text's sentences, first ``MAX_SENTENCES``."""
    out: dict[int, None] = {}
    for sentence in _SENTENCE_END.split(text):
        tokens = words(sentence)
        if len(tokens) < MIN_SENTENCE_WORDS:
            continue
        digest = hashlib.blake2b(" ".join(tokens).encode(), digest_size=8).digest()
        out.setdefault(int.from_bytes(digest, "big", signed=True))
        if len(out) >= MAX_SENTENCES:
            break
    return list(out)
