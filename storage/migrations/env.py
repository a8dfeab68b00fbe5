"""Alembic's entry point: run the migrations on the connection ``storage.engine`` passes.

The caller has already begun the transaction; Alembic joins it, so the schema change
and the ``alembic_version`` row commit (or roll back) together.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
