"""``rasd serve``: the web application over the store (FastAPI).

    from rasd.web.app import create_app
    app = create_app("rasd.db", token="s3cret")     # uvicorn.run(app, host="127.0.0.1", port=8000)

The API is described in ``API.md`` (next to this file) and by OpenAPI at
``/docs`` (Swagger UI served from the ``swagger-ui-bundle`` package: no CDN).
Reads are open; writes (``POST /api/articles``, corrections) need the token
(``Authorization: Bearer <token>`` or ``X-Rasd-Token``), compared in constant
time.  Every HTML response carries a Content-Security-Policy without inline
scripts; every response ``X-Content-Type-Options: nosniff``.  Bad input is a
4xx with a message, never a 500: database errors raised by a filter are
answered 400.
"""
from __future__ import annotations

import hmac
import threading
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Body, Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from . import queries
from .queries import EventFilters

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: "
       # the optional online basemap (off by default; images only): OpenStreetMap's tiles
       "https://tile.openstreetmap.org; "
       "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
MAX_LIMIT = 1000
MAX_GEOJSON = 100_000
MAX_BATCH = 100
MAX_VALUES = 200          # values of one repeatable filter
MAX_VALUE_LEN = 300


# --------------------------------------------------------------------------- request models

class Correction(BaseModel):
    field: str = Field(description="the field to correct (see /api/facets 'fields')", examples=["fatalities"])
    value: Any = Field(None, description="the new value; null clears the field where allowed")
    coder: str = Field(min_length=1, max_length=100, description="who decides")
    note: str | None = Field(None, max_length=2000)


class Decision(BaseModel):
    coder: str = Field(min_length=1, max_length=100)
    note: str | None = Field(None, max_length=2000)


class ArticleIn(BaseModel):
    text: str = Field(min_length=1, max_length=1_000_000)
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = Field(None, description="YYYY-MM-DD or an ISO date-time")
    doc_id: str | None = None


# --------------------------------------------------------------------------- filters from the query string

def _values(raw: list[str] | None, name: str) -> list[str]:
    out: list[str] = []
    for v in raw or ():
        for part in v.split(","):
            part = part.strip()
            if part:
                if len(part) > MAX_VALUE_LEN:
                    raise HTTPException(422, f"{name}: a value longer than {MAX_VALUE_LEN} characters")
                out.append(part)
    if len(out) > MAX_VALUES:
        raise HTTPException(422, f"{name}: more than {MAX_VALUES} values")
    return out


def _day(v: str | None, name: str) -> date | None:
    if v is None or not v.strip():
        return None
    try:
        return date.fromisoformat(v.strip())
    except ValueError:
        raise HTTPException(422, f"{name} must be a date YYYY-MM-DD, got {v[:40]!r}") from None


def _bbox(v: str | None) -> tuple[float, float, float, float] | None:
    if v is None or not v.strip():
        return None
    import math

    try:
        box = tuple(float(x) for x in v.split(","))
    except ValueError:
        box = ()
    if len(box) != 4 or not all(math.isfinite(x) for x in box):
        raise HTTPException(422, "bbox must be minlon,minlat,maxlon,maxlat (four numbers)")
    minlon, minlat, maxlon, maxlat = box
    if minlon > maxlon or minlat > maxlat:
        raise HTTPException(422, "bbox: min must not exceed max (minlon,minlat,maxlon,maxlat)")
    return box


def filters(
        country: Annotated[list[str] | None, Query(description="ISO-2 codes; repeat or comma list")] = None,
        admin1: Annotated[list[str] | None, Query(description="governorates; repeat or comma list")] = None,
        event_type: Annotated[list[str] | None, Query(description="ACLED event types")] = None,
        sub_event_type: Annotated[list[str] | None, Query(description="ACLED sub-event types")] = None,
        actor: Annotated[str | None, Query(max_length=MAX_VALUE_LEN,
                                           description="substring of a side's name (Arabic folded)")] = None,
        outlet: Annotated[list[str] | None, Query(description="outlets; repeat or comma list")] = None,
        q: Annotated[str | None, Query(max_length=1000, description="full-text words (Arabic folded)")] = None,
        date_from: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
        date_to: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
        bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
        include_rejected: bool = False) -> EventFilters:
    return EventFilters(country=_values(country, "country"), admin1=_values(admin1, "admin1"),
                        event_type=_values(event_type, "event_type"),
                        sub_event_type=_values(sub_event_type, "sub_event_type"),
                        outlet=_values(outlet, "outlet"), actor=actor, q=q,
                        date_from=_day(date_from, "date_from"), date_to=_day(date_to, "date_to"),
                        bbox=_bbox(bbox), include_rejected=include_rejected)


Filters = Annotated[EventFilters, Depends(filters)]


# --------------------------------------------------------------------------- the application

def create_app(db: str | None = None, token: str | None = None, store=None) -> FastAPI:
    """The application over the store ``db`` (a file or URL; default ``$RASD_DB``, else ./rasd.db).

    ``token``: the write token (None: ``$RASD_TOKEN``; an empty value: writes refused)."""
    import os

    from .. import __version__
    from ..store import Store

    if store is None:
        store = Store(db)
    if store.dialect == "sqlite":
        _sqlite_read_tuning(store)
    if token is None:
        token = os.environ.get("RASD_TOKEN") or None
    ingest_lock = threading.Lock()

    app = FastAPI(title="Rasd", version=__version__, docs_url=None, redoc_url=None,
                  description="Conflict events extracted from Arabic news, with the evidence of every field. "
                              "Reads are open; writes need the token (`Authorization: Bearer <token>`). "
                              "See API.md for the contract.")
    app.state.store = store
    if store.dialect == "sqlite":
        path = store.url.split(":///", 1)[-1]
        memo = queries.Matches(path if path and path != ":memory:" else None)
    else:
        memo = queries.Matches(None, postgresql=store.dialect == "postgresql")
    app.state.matches = memo

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(SQLAlchemyError)
    async def _db_error(request: Request, exc: SQLAlchemyError):   # a filter the database refused
        return JSONResponse({"detail": "the database could not answer this request "
                                       f"({type(exc.orig if getattr(exc, 'orig', None) else exc).__name__})"},
                            status_code=400)

    def require_token(authorization: Annotated[str | None, Header()] = None,
                      x_rasd_token: Annotated[str | None, Header()] = None) -> None:
        given = x_rasd_token
        if authorization and authorization[:7].lower() == "bearer ":
            given = authorization[7:].strip()
        if not token:
            raise HTTPException(401, "writes are disabled: the server has no token (rasd serve --token, or "
                                     "RASD_TOKEN)", headers={"WWW-Authenticate": "Bearer"})
        if not given or not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
            raise HTTPException(401, "a valid token is required (Authorization: Bearer <token>)",
                                headers={"WWW-Authenticate": "Bearer"})

    Auth = Depends(require_token)

    # ------------------------------------------------------------------ reads
    @app.get("/api/events", tags=["events"], summary="Events matching the filters (JSON or GeoJSON), paged")
    def get_events(f: Filters,
                   sort: Literal["date_start", "fatalities", "event_type", "country", "admin1"] = "date_start",
                   order: Literal["asc", "desc"] = "desc",
                   limit: Annotated[int, Query(ge=1, le=MAX_GEOJSON)] = 50,
                   offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
                   format: Literal["json", "geojson"] = "json"):
        with store.read() as conn:
            if format == "geojson":
                return Response(queries.geojson(conn, f, limit, offset, memo), media_type="application/geo+json")
            if limit > MAX_LIMIT:
                raise HTTPException(422, f"limit is at most {MAX_LIMIT} (GeoJSON: {MAX_GEOJSON})")
            return queries.list_events(conn, f, sort, order, limit, offset, memo)

    @app.get("/api/events/{event_id}", tags=["events"],
             summary="One event: all fields (corrected), corrections, sources with evidence spans")
    def get_event(event_id: str):
        if len(event_id) > 40:
            raise HTTPException(404, "no such event")
        d = queries.event_detail(store, event_id)
        if d is None:
            raise HTTPException(404, f"no event {event_id!r}")
        return d

    @app.get("/api/articles/{article_id}", tags=["articles"],
             summary="One article: its text and, for each event, the evidence and spans (offsets into text)")
    def get_article(article_id: int):
        with store.read() as conn:
            a = queries.article(conn, article_id)
        if a is None:
            raise HTTPException(404, f"no article {article_id}")
        return a

    @app.get("/api/stats", tags=["events"], summary="Counts by day, type and country of the filtered events")
    def get_stats(f: Filters):
        with store.read() as conn:
            return queries.stats(conn, f, memo)

    @app.get("/api/facets", tags=["events"], summary="Values for the filter drop-downs, with counts")
    def get_facets():
        with store.read() as conn:
            return queries.facets(conn)

    @app.get("/api/health", tags=["meta"], summary="Is the server up; how many events")
    def health():
        with store.read() as conn:
            from sqlalchemy import func, select

            from ..store.schema import events

            n = conn.execute(select(func.count()).select_from(events)).scalar()
        return {"ok": True, "events": n, "version": __version__, "writes": bool(token)}

    # ------------------------------------------------------------------ writes
    def _decide(event_id: str, field: str, value, coder: str, note: str | None):
        from ..store.corrections import CorrectionError, correct

        eid = event_id.strip().rsplit("-", 1)[-1]
        try:
            correct(store, eid, field, value, coder, note)
        except CorrectionError as e:
            raise HTTPException(422, str(e)) from None
        except LookupError:
            raise HTTPException(404, f"no event {event_id!r}") from None
        return queries.event_detail(store, eid)

    @app.post("/api/events/{event_id}/corrections", tags=["corrections"], dependencies=[Auth],
              summary="Correct one field of an event (kept with who/when; survives re-extraction)")
    def post_correction(event_id: str, c: Correction):
        if c.field == "status":
            raise HTTPException(422, "status is not a field: POST /api/events/{id}/reject or /restore")
        return _decide(event_id, c.field, c.value, c.coder, c.note)

    @app.post("/api/events/{event_id}/reject", tags=["corrections"], dependencies=[Auth],
              summary="Reject an event (hidden by default, left out of exports)")
    def post_reject(event_id: str, d: Decision):
        return _decide(event_id, "status", "rejected", d.coder, d.note)

    @app.post("/api/events/{event_id}/restore", tags=["corrections"], dependencies=[Auth],
              summary="Undo a rejection")
    def post_restore(event_id: str, d: Decision):
        return _decide(event_id, "status", "active", d.coder, d.note)

    @app.post("/api/articles", tags=["articles"], dependencies=[Auth],
              summary="Ingest one article or a list: extract, store and merge as `rasd ingest` does")
    def post_articles(body: Annotated[ArticleIn | list[ArticleIn], Body()]):
        from sqlalchemy import select

        from ..ingest.identity import article_key
        from ..io import Article
        from ..store.loader import ingest_articles
        from ..store.schema import articles, event_sources

        items = body if isinstance(body, list) else [body]
        if not items:
            raise HTTPException(422, "no article")
        if len(items) > MAX_BATCH:
            raise HTTPException(422, f"at most {MAX_BATCH} articles per request")
        arts = []
        for i, a in enumerate(items):
            if a.published:
                from ..pipeline import parse_published

                try:
                    parse_published(a.published)
                except ValueError as e:
                    raise HTTPException(422, f"article {i}: published: {e}") from None
            arts.append(Article(text=a.text, where=f"api[{i}]", doc_id=a.doc_id or f"api:{article_key(a.url, a.text)[-12:]}",
                                outlet=a.outlet, url=a.url, title=a.title, published=a.published))
        with ingest_lock:     # one pipeline, one writer
            report, results = ingest_articles(store, arts)
        out = []
        with store.read() as conn:
            for r in results:
                aid = conn.execute(select(articles.c.id).where(articles.c.article_key == r["article_key"])).scalar()
                ids = list(conn.execute(select(event_sources.c.event_id).where(event_sources.c.article_id == aid)
                                        .order_by(event_sources.c.idx)).scalars()) if aid else []
                out.append({"status": r["status"], "article_id": aid, "event_ids": ids})
        return {"articles": out, "merge": report.merge.as_dict() if report.merge else None}

    # ------------------------------------------------------------------ the page and the docs
    @app.get("/", include_in_schema=False)
    def index():
        page = STATIC / "index.html"
        if page.is_file():
            return FileResponse(page, media_type="text/html; charset=utf-8")
        return HTMLResponse("<!doctype html><html lang=\"ar\" dir=\"rtl\"><meta charset=\"utf-8\">"
                            "<title>Rasd</title><p>The page is not built yet. The API: "
                            "<a href=\"/docs\">/docs</a>.</p></html>")

    from fastapi.staticfiles import StaticFiles

    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    _mount_docs(app)
    return app


def _sqlite_read_tuning(store) -> None:
    """A larger page cache and memory-mapped reads for the server's connections (the page's queries
    scan many events); statistics for the query planner, refreshed (``PRAGMA optimize``)."""
    from sqlalchemy import event

    @event.listens_for(store.engine, "connect")
    def _connect(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA cache_size=-131072")        # 128 MiB
        cur.execute("PRAGMA mmap_size=1073741824")      # 1 GiB of address space, not of memory
        cur.close()

    store.engine.dispose()          # connections opened before (migrations) get the settings too
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA optimize")


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI from the swagger-ui-bundle package, its start-up script a file: no CDN, no inline script."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:      # pragma: no cover - a declared dependency
        swagger_ui_path = None

    @app.get("/docs", include_in_schema=False)
    def docs():
        if swagger_ui_path is None:
            return HTMLResponse("<!doctype html><title>Rasd API</title>"
                                "<p>Swagger UI is not installed; the API: <a href=\"/openapi.json\">/openapi.json</a>")
        return HTMLResponse(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Rasd API</title>"
            "<link rel=\"stylesheet\" href=\"/docs-assets/swagger-ui.css\">"
            "<link rel=\"icon\" href=\"/docs-assets/favicon-32x32.png\"></head>"
            "<body><div id=\"swagger-ui\"></div>"
            "<script src=\"/docs-assets/swagger-ui-bundle.js\"></script>"
            "<script src=\"/docs-init.js\"></script></body></html>")

    @app.get("/docs-init.js", include_in_schema=False)
    def docs_init():
        return Response("window.ui = SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui', "
                        "deepLinking: true, presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout'});\n",
                        media_type="application/javascript")

    if swagger_ui_path is not None:
        from fastapi.staticfiles import StaticFiles

        app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")
