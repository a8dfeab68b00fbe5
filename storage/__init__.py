"""The relational archive of captures, articles and versions (SQLite or PostgreSQL).

``storage`` knows nothing of ``scraper``: callers hand it plain records.
"""

from storage.archive import Archive, open_archive
from storage.engine import safe_url
from storage.errors import (
    ArchiveURLError,
    ArchiveWriteError,
    QueryError,
    SchemaError,
    StorageError,
    WriteRefusedError,
)
from storage.identity import content_hash, normalize_url
from storage.records import OUTCOMES, CaptureRecord, ContentRecord, QueryResult, StoreResult

__all__ = [
    "OUTCOMES",
    "Archive",
    "ArchiveURLError",
    "ArchiveWriteError",
    "CaptureRecord",
    "ContentRecord",
    "QueryError",
    "QueryResult",
    "SchemaError",
    "StorageError",
    "StoreResult",
    "WriteRefusedError",
    "content_hash",
    "normalize_url",
    "open_archive",
    "safe_url",
]
