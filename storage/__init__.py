"""The relational archive of captures, articles and versions (SQLite or PostgreSQL).

``storage`` knows nothing of ``scraper``: callers hand it plain records.
"""

from storage.aliases import redirected_home
from storage.archive import Archive, open_archive
from storage.engine import safe_url, upgrade_schema
from storage.errors import (
    ArchiveURLError,
    ArchiveWriteError,
    QueryError,
    SchemaError,
    StorageError,
    WriteRefusedError,
)
from storage.identity import content_hash
from storage.records import (
    OUTCOMES,
    ArticleState,
    CaptureRecord,
    Claim,
    ContentRecord,
    CrawlUpdate,
    FrontierURL,
    QueryResult,
    ReparseResult,
    Snapshot,
    StoreResult,
    VersionRow,
)
from storage.runs import RunCounts
from storage.urls import identity_url, normalize_url

__all__ = [
    "OUTCOMES",
    "Archive",
    "ArchiveURLError",
    "ArchiveWriteError",
    "ArticleState",
    "CaptureRecord",
    "Claim",
    "ContentRecord",
    "CrawlUpdate",
    "FrontierURL",
    "QueryError",
    "QueryResult",
    "ReparseResult",
    "RunCounts",
    "SchemaError",
    "Snapshot",
    "StorageError",
    "StoreResult",
    "VersionRow",
    "WriteRefusedError",
    "content_hash",
    "identity_url",
    "normalize_url",
    "open_archive",
    "redirected_home",
    "safe_url",
    "upgrade_schema",
]
