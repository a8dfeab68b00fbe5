"""The archive's error tree (``storage`` never imports ``scraper``)::

    StorageError
    ├── ArchiveURLError      the --db URL is malformed, names no known driver, or cannot connect
    ├── SchemaError          the archive's schema is not one this version can use
    ├── ArchiveWriteError    a write failed; its transaction was rolled back, nothing was kept
    └── QueryError           a user query (``scraper sql``) is malformed or failed
        └── WriteRefusedError    the query would change the archive; it was refused

SQLAlchemy and driver errors are translated once, in ``storage.engine`` and
``storage.archive``, with ``raise ... from exc``. Messages are one line, and a
database URL's password never appears in them.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base of every error the archive raises on purpose."""


class ArchiveURLError(StorageError):
    """The database URL cannot be used."""


class SchemaError(StorageError):
    """The archive's schema is missing pieces or is from another version."""


class ArchiveWriteError(StorageError):
    """A write failed and was rolled back."""


class QueryError(StorageError):
    """A read-only user query failed."""


class WriteRefusedError(QueryError):
    """A user query tried to change the archive."""
