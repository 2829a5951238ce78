"""Versioned migrations: a ``schema_version`` table and numbered steps, each in one transaction.

Why not Alembic: Rasd's schema is small and ships inside a pip package used
from the command line; Alembic's environment (``alembic.ini``, ``env.py``, a
versions folder resolved at run time) buys autogeneration Rasd does not need.
Here a migration is a numbered Python function; ``migrate()`` applies the
missing ones in order, each in its own transaction together with its row in
``schema_version`` (PostgreSQL and SQLite both have transactional DDL), under
a lock so that two processes opening a new database do not race
(PostgreSQL: an advisory lock; SQLite: ``BEGIN IMMEDIATE``).

To change the schema later: add step N+1 (``ALTER TABLE ...``) to
``MIGRATIONS`` and change ``schema.py`` to match, freezing the tables that
step 1 creates as they were (copy their definitions into ``_v1``) when a
table's shape changes.

1. the tables of ``schema.py``;
2. PostgreSQL: PostGIS, and ``geography(Point, 4326)`` columns with GiST
   indexes on ``places`` and ``events``, kept from ``lat``/``lon`` by a trigger
   (so that the Python code writes the same rows to both databases);
   SQLite: nothing (``lat``/``lon`` are indexed by step 1).
3. a coder's corrections (``corrections``; ``events.status`` and
   ``events.original``, see ``corrections.py``) and full-text search
   (``event_search`` with folded text; SQLite: an FTS5 table ``event_fts``;
   PostgreSQL: a ``tsvector`` column with a GIN index, see ``search.py``),
   filled for the events already there; indexes for the web page's filters.
4. ``events.feature``, the event as a GeoJSON Feature for the web page's map,
   ``events.rid`` (its full-text rowid), and a covering index of the columns
   the page filters, counts and maps by (``ix_events_page``), so its queries
   over many events read no wide row;
   SQLite: ``actor_fts``, FTS5 trigrams over the folded names of the sides
   (substring search by index).
5. a correction records its anchor source's article and evidence sentence
   (``corrections.anchor_article``, ``anchor_evidence``), so that it follows
   the sentence when a re-extraction renumbers the article's events.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import select, text
from sqlalchemy.engine import Connection, Engine

from . import schema

LOCK_ID = 7_273_837_001     # pg_advisory_lock key for migrations


class MigrationError(RuntimeError):
    pass


def _v1(conn: Connection) -> None:
    schema.metadata.create_all(conn)


_PG_GEOG = """
CREATE OR REPLACE FUNCTION rasd_set_geog() RETURNS trigger AS $$
BEGIN
  IF NEW.lat IS NULL OR NEW.lon IS NULL THEN
    NEW.geog := NULL;
  ELSE
    NEW.geog := ST_SetSRID(ST_MakePoint(NEW.lon, NEW.lat), 4326)::geography;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
"""


def _v2(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    has = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first()
    if not has:
        available = conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")).first()
        if not available:
            raise MigrationError("PostGIS is not installed on this PostgreSQL server "
                                 "(Debian: apt-get install postgresql-15-postgis-3)")
        try:
            with conn.begin_nested():
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        except Exception as e:
            raise MigrationError("cannot enable PostGIS in this database; ask its owner or a superuser "
                                 f"to run: CREATE EXTENSION postgis  ({str(e).splitlines()[0]})") from None
    conn.execute(text(_PG_GEOG))
    for table in ("places", "events"):
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS geog geography(Point, 4326)"))
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS ix_{table}_geog ON {table} USING GIST (geog)"))
        conn.execute(text(f"DROP TRIGGER IF EXISTS trg_{table}_geog ON {table}"))
        conn.execute(text(f"CREATE TRIGGER trg_{table}_geog BEFORE INSERT OR UPDATE OF lat, lon ON {table} "
                          "FOR EACH ROW EXECUTE FUNCTION rasd_set_geog()"))
        conn.execute(text(f"UPDATE {table} SET lat = lat"))   # fill rows that existed before


def _columns(conn: Connection, table: str) -> set[str]:
    """A table's column names (without reflection, which warns about PostGIS types)."""
    return set(conn.execute(text(f"SELECT * FROM {table} WHERE 1 = 0")).keys())


def _v3(conn: Connection) -> None:
    from . import search

    have = _columns(conn, "events")
    if "status" not in have:
        conn.execute(text("ALTER TABLE events ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'active'"))
    if "original" not in have:
        conn.execute(text("ALTER TABLE events ADD COLUMN original TEXT"))
    for t in (schema.corrections, schema.event_search):
        t.create(conn, checkfirst=True)
    for t in (schema.events, schema.corrections):
        for ix in t.indexes:
            if ix.name not in ("ix_events_page", "ix_corrections_article"):   # step 4's (their columns too)
                ix.create(conn, checkfirst=True)
    search.create(conn)
    search.index_events(conn, None)


def _v4(conn: Connection) -> None:
    from . import search

    have = _columns(conn, "events")
    if "feature" not in have:
        conn.execute(text("ALTER TABLE events ADD COLUMN feature TEXT"))
    if "rid" not in have:
        conn.execute(text("ALTER TABLE events ADD COLUMN rid BIGINT"))
    search.fill_features(conn)
    conn.execute(text("DROP INDEX IF EXISTS ix_events_latlon"))   # step 3's; the page's index covers it
    for ix in schema.events.indexes:
        ix.create(conn, checkfirst=True)
    search.create(conn)                     # SQLite: actor_fts, new here
    if conn.dialect.name == "sqlite" and search.has_fts(conn, "actor_fts"):
        conn.execute(text("DELETE FROM actor_fts"))
        rows = conn.execute(select(schema.event_search.c.event_id, schema.event_search.c.actors)).all()
        if rows:
            conn.execute(text("INSERT INTO actor_fts (rowid, actors) VALUES (:rid, :actors)"),
                         [{"rid": search.rowid(e), "actors": a or ""} for e, a in rows])


def _v5(conn: Connection) -> None:
    have = _columns(conn, "corrections")
    for col in ("anchor_article", "anchor_evidence"):
        if col not in have:
            conn.execute(text(f"ALTER TABLE corrections ADD COLUMN {col} TEXT"))
    for ix in schema.corrections.indexes:
        ix.create(conn, checkfirst=True)


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "tables: articles, events, event_sources, places, actors, ingest_log", _v1),
    (2, "PostGIS geography points with spatial indexes (PostgreSQL)", _v2),
    (3, "corrections, event status, full-text search (web)", _v3),
    (4, "the web page's map features and a covering index for its filters", _v4),
    (5, "a correction records its anchor's article and sentence", _v5),
]
LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    from sqlalchemy import inspect

    if not inspect(conn).has_table("schema_version"):
        return 0
    v = conn.execute(select(schema.schema_version.c.version).order_by(
        schema.schema_version.c.version.desc()).limit(1)).scalar()
    return v or 0


def migrate(engine: Engine, target: int | None = None) -> list[int]:
    """Apply the missing migrations up to ``target`` (default: the latest); returns those applied."""
    target = LATEST if target is None else target
    applied: list[int] = []
    for version, description, step in MIGRATIONS:
        if version > target:
            break
        with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_ID})
                if current_version(conn) >= version:
                    continue
                if version == 1:
                    schema.schema_version.create(conn, checkfirst=True)
                step(conn)
                conn.execute(schema.schema_version.insert().values(
                    version=version, description=description, applied_at=datetime.now(timezone.utc)))
        applied.append(version)
    return applied
