"""Storage: SQLite (default) or PostgreSQL+PostGIS, one schema, versioned migrations; merging.

    from rasd.store import Store, ingest, merge_store
    store = Store("rasd.db")              # or "postgresql://user@host/db"
    report = ingest(store, ["articles.jsonl"], workers=2)
    merge_store(store)                    # ingest runs it too

``schema.py`` the tables; ``migrations.py`` their versions; ``repository.py``
the Store; ``loader.py`` ingestion into it (workers, idempotency, log);
``merge.py`` the same event across articles.
"""
from .merge import MergeStats, merge_store
from .repository import Store, StoreError, db_url

__all__ = ["Store", "StoreError", "db_url", "merge_store", "MergeStats", "ingest"]


def ingest(store, paths, **kw):
    """See :func:`rasd.store.loader.ingest`."""
    from .loader import ingest as _ingest

    return _ingest(store, paths, **kw)
