"""Alembic migrations of the archive schema, applied by ``storage.engine``.

Each revision in ``versions/`` is frozen once released: it spells out its own tables
and views instead of importing ``storage.schema``, which always describes the newest
schema. All pending revisions run in one transaction together with Alembic's record
of them, so an archive is either upgraded completely or left as it was.
"""
