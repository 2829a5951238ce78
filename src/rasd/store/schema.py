"""The store's tables (SQLAlchemy Core), one definition for SQLite and PostgreSQL.

    articles       one row per article (identity: ``article_key``), its text and extraction
    article_versions  the hashes of every text an article was seen with (the current one included)
    event_sources  one row per event as ONE article reports it (the pipeline's raw event),
                   with its own date, place, sides, counts, sources and evidence;
                   ``event_id`` is the merged event it supports (NULL until merged)
    events         the merged events: one per real-world event, however many articles report it
    places         the gazetteer places events happen at (PostgreSQL: a geography point)
    actors         the sides (canonical name, ACLED inter code, country)
    ingest_log     what each ingest run could not use, or warned about (file, line/record, reason)
    schema_version the migrations applied (``migrations.py``)

Dates are ``Date`` columns (ISO strings in SQLite), lists and span maps are
JSON text, so both databases hold exactly the same values.
"""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData,
                        String, Table, Text, UniqueConstraint)

metadata = MetaData()


def _coded_event() -> list[Column]:
    """The coded fields an event has both as one article reports it (event_sources)
    and once merged (events): type, dates, sides, place."""
    return [
        Column("event_type", Text, nullable=False),
        Column("sub_event_type", Text, nullable=False),
        Column("date_start", Date, nullable=False),
        Column("date_end", Date, nullable=False),
        Column("time_precision", Integer, nullable=False),
        Column("actor1_id", Integer, ForeignKey("actors.id")),
        Column("actor1_name", Text),
        Column("actor2_id", Integer, ForeignKey("actors.id")),
        Column("actor2_name", Text),
        Column("place_id", Integer, ForeignKey("places.id")),
        Column("location_name", Text),
        Column("geo_precision", Integer),
        Column("country", String(2)),
        Column("admin1", Text),
        Column("lat", Float),
        Column("lon", Float),
        Column("civilian_targeting", Boolean, nullable=False),
    ]

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_key", Text, nullable=False, unique=True),   # url:<canonical URL> | text:<sha256>
    Column("text_hash", String(64), nullable=False),
    Column("url", Text),
    Column("doc_id", Text),
    Column("outlet", Text),
    Column("title", Text),
    Column("published", Text),                 # as given
    Column("published_date", Date),            # the day the pipeline resolved relative dates against
    Column("text", Text, nullable=False),
    Column("n_chars", Integer, nullable=False),
    Column("n_events", Integer, nullable=False),
    Column("places", Text),                    # JSON: the article's places (codebook "places")
    Column("warnings", Text),                  # JSON list
    Column("source", Text),                    # where it was read: FILE, FILE:LINE, FILE[record N]
    Column("extractor", String(32)),           # rasd version that extracted it
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_articles_published", articles.c.published_date)
Index("ix_articles_outlet", articles.c.outlet)

article_versions = Table(
    "article_versions", metadata,      # every text an article has been seen with: an old version
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("text_hash", String(64), primary_key=True),   # met again is not a change
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

places = Table(
    "places", metadata,
    Column("id", Integer, primary_key=True),
    Column("place_key", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),       # as first named
    Column("kind", String(16)),
    Column("country", String(2)),
    Column("admin1", Text),
    Column("admin1_code", String(16)),
    Column("admin2", Text),
    Column("geonameid", Integer),
    Column("lat", Float),
    Column("lon", Float),
    # PostgreSQL only (migration 2): geog geography(Point, 4326) + GiST index, kept by a trigger
)
Index("ix_places_latlon", places.c.lat, places.c.lon)

actors = Table(
    "actors", metadata,
    Column("id", Integer, primary_key=True),
    Column("actor_key", Text, nullable=False, unique=True),
    Column("canonical", Text, nullable=False),
    Column("inter", String(16), nullable=False),
    Column("country", String(3)),
    Column("name", Text),                       # as first named
)

events = Table(
    "events", metadata,
    Column("event_id", String(16), primary_key=True),   # E + 12 hex: stable, from the first source
    *_coded_event(),
    Column("fatalities", Integer),              # ACLED: the lowest credible figure (= fatalities_low)
    Column("fatalities_low", Integer),
    Column("fatalities_best", Integer),
    Column("fatalities_high", Integer),
    Column("fatalities_text", Text),
    Column("injuries", Integer),
    Column("injuries_low", Integer),
    Column("injuries_best", Integer),
    Column("injuries_high", Integer),
    Column("children_killed", Integer),
    Column("women_killed", Integer),
    Column("children_injured", Integer),
    Column("women_injured", Integer),
    Column("reported_by", Text),                # JSON list: the union over sources
    Column("outlets", Text),                    # JSON list
    Column("n_sources", Integer, nullable=False),
    Column("n_articles", Integer, nullable=False),
    Column("evidence", Text),                   # the representative source's sentence
    Column("anchor_key", Text, nullable=False),  # source_key of the first source (gives event_id)
    Column("merged_at", DateTime(timezone=True), nullable=False),
    # a coder's decisions (migration 3; corrections.py): active | rejected, and the pipeline's
    # values of the fields a coder corrected (JSON; NULL: nothing corrected)
    Column("status", String(16), nullable=False, server_default="active"),
    Column("original", Text),
    # the event as a GeoJSON Feature for the web page's map (migration 4; search.feature):
    # written with the row, so that 50,000 points cost the database a concatenation, not a format
    Column("feature", Text),
    # the event id's hex digits as an integer: the rowid of its full-text entries (SQLite), so a
    # search joins the page's covering index on integers (migration 4; search.py)
    Column("rid", BigInteger),
)
Index("ix_events_date", events.c.date_start, events.c.date_end)
Index("ix_events_type", events.c.event_type)
Index("ix_events_country", events.c.country)
Index("ix_events_country_admin1", events.c.country, events.c.admin1)
Index("ix_events_sub_type", events.c.sub_event_type)
# everything the web page filters, counts and maps by, in date order: its queries read this index
# alone instead of the wide rows (evidence, JSON lists) -- rasd serve over 50,000 events (migration 4)
Index("ix_events_page", events.c.date_start, events.c.event_type, events.c.country, events.c.status,
      events.c.sub_event_type, events.c.admin1, events.c.fatalities, events.c.lat, events.c.lon,
      events.c.date_end, events.c.outlets, events.c.rid, events.c.event_id, events.c.feature)

event_sources = Table(
    "event_sources", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_key", Text, nullable=False, unique=True),   # article_key#index
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("event_id", String(16), ForeignKey("events.event_id", ondelete="SET NULL")),
    *_coded_event(),
    Column("fatalities", Integer),
    Column("fatalities_text", Text),
    Column("injuries", Integer),
    Column("injuries_text", Text),
    Column("children_killed", Integer),
    Column("women_killed", Integer),
    Column("children_injured", Integer),
    Column("women_injured", Integer),
    Column("reported_by", Text),                # JSON list, outermost first
    Column("evidence", Text, nullable=False),
    Column("evidence_start", Integer),
    Column("evidence_end", Integer),
    Column("spans", Text),                      # JSON: field -> [start, end] in the article text
    UniqueConstraint("article_id", "idx", name="uq_event_sources_article_idx"),
)
Index("ix_event_sources_event", event_sources.c.event_id)
Index("ix_event_sources_date", event_sources.c.date_start)

ingest_log = Table(
    "ingest_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("level", String(8), nullable=False),     # error | warning | info
    Column("source", Text, nullable=False),         # the file (or URL)
    Column("item", Text),                           # line, record or item within it
    Column("reason", Text, nullable=False),
)
Index("ix_ingest_log_run", ingest_log.c.run_id)

corrections = Table(
    "corrections", metadata,        # every decision of a coder, in order (migration 3; corrections.py)
    Column("id", Integer, primary_key=True),
    Column("event_id", String(16), nullable=False),   # the event it was made on (for the record)
    Column("anchor_key", Text, nullable=False),       # that event's anchor source: what it follows
    Column("anchor_article", Text),                   # its article_key, and its evidence sentence then:
    Column("anchor_evidence", Text),                  # it follows the sentence if the events renumber
    Column("field", String(32), nullable=False),      # a coded field, or "status" (reject / restore)
    Column("old_value", Text),                        # JSON
    Column("new_value", Text),                        # JSON
    Column("coder", Text, nullable=False),
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_corrections_anchor", corrections.c.anchor_key)
Index("ix_corrections_article", corrections.c.anchor_article)
Index("ix_corrections_event", corrections.c.event_id)

event_search = Table(
    "event_search", metadata,       # folded text of each event for search (migration 3; search.py)
    Column("event_id", String(16), primary_key=True),
    Column("actors", Text),                           # folded names of its sides (substring filter)
    Column("body", Text),                             # folded words (PostgreSQL: tsv is built from it)
    # SQLite: an FTS5 table event_fts(body), rowid = the event id's hex as an integer;
    # PostgreSQL: tsv tsvector + GIN index
)

TABLES = ("articles", "article_versions", "events", "event_sources", "places", "actors", "ingest_log")
