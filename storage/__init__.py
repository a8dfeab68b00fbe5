"""The relational archive of captures, articles and versions (SQLite or PostgreSQL).

``storage`` knows nothing of ``scraper``: callers hand it plain records.
"""

from typing import TYPE_CHECKING

from storage.lazy import lazy_exports

if TYPE_CHECKING:
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
    from storage.urls import identity_url, normalize_url, redirected_home

# Imported on first use (``storage.lazy``): ``import storage.urls`` costs no SQLAlchemy.
__getattr__, __dir__ = lazy_exports(
    "storage",
    globals(),
    {
        "storage.archive": ("Archive", "open_archive"),
        "storage.engine": ("safe_url", "upgrade_schema"),
        "storage.errors": (
            "ArchiveURLError",
            "ArchiveWriteError",
            "QueryError",
            "SchemaError",
            "StorageError",
            "WriteRefusedError",
        ),
        "storage.identity": ("content_hash",),
        "storage.records": (
            "OUTCOMES",
            "ArticleState",
            "CaptureRecord",
            "Claim",
            "ContentRecord",
            "CrawlUpdate",
            "FrontierURL",
            "QueryResult",
            "ReparseResult",
            "Snapshot",
            "StoreResult",
            "VersionRow",
        ),
        "storage.runs": ("RunCounts",),
        "storage.urls": ("identity_url", "normalize_url", "redirected_home"),
    },
)

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
