// The Rasd page: filters -> /api/events (table), /api/events?format=geojson (map),
// /api/stats (timeline); the event view with its sources' articles highlighted;
// corrections and rejections with the coder's token. All data goes into the DOM as text
// (textContent / createTextNode), never as HTML.
"use strict";
(function () {
  const I = window.RasdI18n;
  const t = I.t;
  const $ = (id) => document.getElementById(id);
  const FILTERS = ["q", "country", "admin1", "event_type", "sub_event_type", "actor", "outlet", "date_from", "date_to", "include_rejected"];
  const TYPE_COLORS = {
    "Battles": "#c0392b", "Explosions/Remote violence": "#e67e22", "Violence against civilians": "#8e44ad",
    "Protests": "#2980b9", "Riots": "#16a085", "Strategic developments": "#7f8c8d",
  };
  const EDITABLE = ["event_type", "sub_event_type", "date_start", "date_end", "time_precision", "actor1", "actor2",
    "location_name", "admin1", "country", "lat", "lon", "geo_precision", "fatalities", "injuries",
    "children_killed", "women_killed", "children_injured", "women_injured", "civilian_targeting"];
  const SHOWN = ["event_type", "sub_event_type", "date_start", "date_end", "time_precision", "actor1", "actor2",
    "location_name", "admin1", "country", "lat", "lon", "geo_precision", "fatalities", "fatalities_low",
    "fatalities_best", "fatalities_high", "fatalities_text", "injuries", "children_killed", "women_killed",
    "children_injured", "women_injured", "civilian_targeting", "reported_by", "outlets", "n_sources", "n_articles", "status"];
  const CORE = ["event_type", "sub_event_type", "date_start", "date_end", "actor1", "actor2", "location_name",
    "admin1", "country", "fatalities", "injuries"];
  const INTEGER = new Set(["fatalities", "injuries", "children_killed", "women_killed", "children_injured", "women_injured", "time_precision", "geo_precision"]);
  const FLOAT = new Set(["lat", "lon"]);

  const state = {
    sort: "date_start", order: "desc", limit: 50, offset: 0,
    facets: null, taxonomy: {}, eventId: null, inView: false, gen: 0,
  };
  let applySeq = 0;
  let aborter = null;

  // ---------- helpers ----------
  function h(tag, props, ...children) {
    const e = document.createElement(tag);
    if (props) for (const k in props) {
      const v = props[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  function safeUrl(u) { return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null; }
  function fmtVal(field, v, ev) {
    if (v === null || v === undefined || v === "") return "–";
    if (field === "admin1" && ev) return I.admin1(ev.country, v);
    if (Array.isArray(v)) return v.join("، ");
    if (typeof v === "boolean") return v ? t("yes") : t("no");
    if (field === "event_type" || field === "sub_event_type") return I.type(v);
    if (field === "country") return `${I.country(v)} (${v})`;
    if (field === "status") return v === "rejected" ? t("ev.rejected") : t("ev.active");
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }
  function debounce(fn, ms) { let id = null; return (...a) => { clearTimeout(id); id = setTimeout(() => fn(...a), ms); }; }
  async function api(path, opts) {
    const r = await fetch(path, opts);
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) {
      const err = new Error((body && (typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail))) || r.statusText);
      err.status = r.status;
      throw err;
    }
    return body;
  }

  // ---------- filters <-> URL ----------
  function readFilters() {
    const p = new URLSearchParams();
    for (const f of FILTERS) {
      const e = $("f-" + f);
      if (!e) continue;
      if (e.type === "checkbox") { if (e.checked) p.set(f, "true"); }
      else if (e.value.trim()) p.set(f, e.value.trim());
    }
    return p;
  }
  function writeHash() {
    const p = readFilters();
    if (state.sort !== "date_start") p.set("sort", state.sort);
    if (state.order !== "desc") p.set("order", state.order);
    if (state.offset) p.set("offset", state.offset);
    if (state.inView) p.set("in_view", "1");
    if (state.eventId) p.set("event", state.eventId);
    const s = p.toString();
    history.replaceState(null, "", s ? "#" + s : location.pathname + location.search);
  }
  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    for (const f of FILTERS) {
      const e = $("f-" + f);
      if (!e) continue;
      if (e.type === "checkbox") e.checked = p.get(f) === "true";
      else if (p.has(f)) {
        if (e.tagName === "SELECT" && ![...e.options].some((o) => o.value === p.get(f))) e.append(h("option", { value: p.get(f), text: p.get(f) }));
        e.value = p.get(f);
      }
    }
    state.sort = p.get("sort") || "date_start";
    state.order = p.get("order") === "asc" ? "asc" : "desc";
    state.offset = Math.max(0, parseInt(p.get("offset") || "0", 10) || 0);
    state.inView = p.get("in_view") === "1";
    $("f-in_view").checked = state.inView;
    return p.get("event");
  }

  // ---------- facets ----------
  function fillSelect(sel, items, label) {
    const keep = sel.value;
    sel.textContent = "";
    sel.append(h("option", { value: "", text: t("f.all") }));
    for (const item of items) sel.append(h("option", { value: item[0], text: `${label(item[0], item)} (${item[1]})` }));
    if (keep && ![...sel.options].some((o) => o.value === keep)) sel.append(h("option", { value: keep, text: label(keep) }));
    sel.value = keep;
  }
  function fillFacets() {
    const f = state.facets;
    if (!f) return;
    fillSelect($("f-country"), f.countries || [], (c) => I.country(c));
    const cc = $("f-country").value;
    fillSelect($("f-admin1"), (f.admin1 || []).filter((a) => a[1] && (!cc || a[0] === cc))
      .map((a) => [a[1], a[2], a[0]]), (v, item) => I.admin1(item ? item[2] : cc, v));
    fillSelect($("f-event_type"), f.event_types || [], I.type);
    const et = $("f-event_type").value;
    fillSelect($("f-sub_event_type"), (f.sub_event_types || []).filter((s) => !et || s[0] === et).map((s) => [s[1], s[2]]), I.type);
    fillSelect($("f-outlet"), f.outlets || [], (v) => v);
  }
  async function loadFacets() {
    try {
      state.facets = await api("/api/facets");
      state.taxonomy = state.facets.taxonomy || {};
    } catch (e) { state.facets = null; }
    fillFacets();
  }

  // ---------- map ----------
  const map = L.map("map", { preferCanvas: true, zoomControl: true, attributionControl: true, minZoom: 2, maxZoom: 14 })
    .setView([31, 40], 4);
  const canvas = L.canvas({ padding: 0.3 });
  map.createPane("basemap"); map.getPane("basemap").style.zIndex = 250;
  const baseRenderer = L.canvas({ pane: "basemap", padding: 0.3 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth");
  let osm = null;
  $("online-tiles").addEventListener("change", (ev) => {
    if (ev.target.checked) {
      if (!osm) {
        osm = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
          maxZoom: 18, attribution: "© OpenStreetMap contributors" });
        // Tiles refused (offline, or a server whose Content-Security-Policy allows only its own
        // images): say so; the bundled outlines stay.
        osm.once("tileerror", () => { $("tiles-note").textContent = t("map.tiles_failed"); });
      }
      osm.addTo(map);
    } else if (osm) { map.removeLayer(osm); }
  });
  async function loadBasemap() {
    const style = (cls) => () => ({ renderer: baseRenderer, className: cls });
    try {
      const [world, countries, admin1] = await Promise.all(
        ["world", "countries", "admin1"].map((n) => fetch(`/static/basemap/${n}.json`).then((r) => r.json())));
      L.geoJSON(world, { renderer: baseRenderer, interactive: false, style: { color: "#b8b2a7", weight: 0.6, fillColor: "#efeae2", fillOpacity: 1 } }).addTo(map);
      L.geoJSON(admin1, { renderer: baseRenderer, interactive: false, style: { color: "#a59f94", weight: 0.5, dashArray: "2 2", fillColor: "#f7f3ec", fillOpacity: 1 } }).addTo(map);
      L.geoJSON(countries, { renderer: baseRenderer, interactive: false, style: { color: "#7d776d", weight: 1.1, fill: false } }).addTo(map);
      void style;
    } catch (e) { /* the map still shows events */ }
  }
  map.getContainer().style.background = "#cfe0ea";

  // Points of the current filter, clustered on a pixel grid per zoom level (fast for 50,000
  // events: one pass, and only as many markers as there are occupied cells).
  let pts = { n: 0, types: [] };
  const eventsLayer = L.layerGroup().addTo(map);
  const CELL = 52;
  // GeoJSON -> typed arrays, with each point's pixel position at zoom 0 (a zoom's position is
  // that times 2^zoom): computed once per point set, which the cache keeps.
  const MAX_LAT = 85.0511287798, DEG = Math.PI / 180;
  function toPoints(fc) {
    const feats = (fc && fc.features) || [];
    const n = feats.length;
    const o = { n, lon: new Float64Array(n), lat: new Float64Array(n), x0: new Float64Array(n), y0: new Float64Array(n),
                fat: new Int32Array(n), type: new Uint8Array(n), id: new Array(n), date: new Array(n), types: [] };
    const typeIdx = new Map();
    for (let i = 0; i < n; i++) {
      const f = feats[i], c = f.geometry.coordinates, p = f.properties || {};
      o.lon[i] = c[0]; o.lat[i] = c[1];
      // map.project([lat, lon], 0) for Leaflet's default CRS (EPSG:3857), written out: a
      // call per point was the largest part of reading 50,000 points
      const la = Math.max(-MAX_LAT, Math.min(MAX_LAT, c[1])), sn = Math.sin(la * DEG);
      o.x0[i] = 256 * (0.5 + c[0] / 360);
      o.y0[i] = 256 * (0.5 - Math.log((1 + sn) / (1 - sn)) / (4 * Math.PI));
      o.fat[i] = p.fatalities || 0;
      let ti = typeIdx.get(p.event_type);
      if (ti === undefined) { ti = o.types.length; typeIdx.set(p.event_type, ti); o.types.push(p.event_type); }
      o.type[i] = ti;
      o.id[i] = p.event_id || f.id;
      o.date[i] = p.date_start;
    }
    return o;
  }
  function fitPoints() {
    let s = 90, n = -90, w = 180, e = -180;
    for (let i = 0; i < pts.n; i++) {
      const la = pts.lat[i], lo = pts.lon[i];
      if (la < s) s = la; if (la > n) n = la; if (lo < w) w = lo; if (lo > e) e = lo;
    }
    map.fitBounds([[s, w], [n, e]], { padding: [30, 30], maxZoom: 9, animate: false });
    drawPoints();
  }
  function colorOf(type) { return TYPE_COLORS[type] || "#555"; }
  // A cluster's diameter in pixels (a single event: its circle's, at most).
  function clusterSize(n) { return n === 1 ? 14 : Math.round(26 + Math.min(20, 5 * Math.log10(n))); }
  function drawPoints() {
    eventsLayer.clearLayers();
    if (!pts.n) return;
    const z = map.getZoom();
    const scale = Math.pow(2, z);
    const b = map.getBounds().pad(0.25);
    const cells = new Map();
    const W = b.getWest(), E = b.getEast(), S = b.getSouth(), N = b.getNorth();
    for (let i = 0; i < pts.n; i++) {
      const la = pts.lat[i], lo = pts.lon[i];
      if (la < S || la > N || lo < W || lo > E) continue;
      const px = pts.x0[i] * scale, py = pts.y0[i] * scale;
      const key = Math.floor(px / CELL) * 100003 + Math.floor(py / CELL);
      let c = cells.get(key);
      if (!c) { c = { n: 0, x: 0, y: 0, fat: 0, idx: [], tc: new Map() }; cells.set(key, c); }
      c.n++; c.x += px; c.y += py; c.fat += pts.fat[i];
      if (c.idx.length < 12) c.idx.push(i);
      c.tc.set(pts.type[i], (c.tc.get(pts.type[i]) || 0) + 1);
    }
    // Cells whose circles would overlap (a cluster's circle is wider than a cell near its edge)
    // join the larger one: no two numbers drawn over each other.
    const list = [...cells.values()].sort((a, b) => b.n - a.n);
    const placed = [];
    for (const c of list) {
      c.cx = c.x / c.n; c.cy = c.y / c.n;
      let into = null;
      if (list.length <= 4000) {
        for (const p of placed) {
          if (p.n === 1 && c.n === 1) continue;
          if (Math.hypot(p.cx - c.cx, p.cy - c.cy) < (clusterSize(p.n) + clusterSize(c.n)) / 2 + 2) { into = p; break; }
        }
      }
      if (!into) { placed.push(c); continue; }
      into.n += c.n; into.fat += c.fat;
      for (const i of c.idx) if (into.idx.length < 12) into.idx.push(i);
      for (const [ti, k] of c.tc) into.tc.set(ti, (into.tc.get(ti) || 0) + k);
    }
    for (const c of placed) {
      const ll = map.unproject([c.cx, c.cy], z);
      if (c.n === 1) {
        const i = c.idx[0];
        const type = pts.types[pts.type[i]];
        const r = 5 + Math.min(16, 2.2 * Math.sqrt(pts.fat[i]));
        const m = L.circleMarker([pts.lat[i], pts.lon[i]], { renderer: canvas, radius: r, color: "#fff", weight: 1,
          fillColor: colorOf(type), fillOpacity: 0.85 });
        m.bindTooltip(`${pts.date[i] || ""} · ${I.type(type)} · ${pts.fat[i]}`, { direction: "top" });
        m.on("click", () => openEvent(pts.id[i]));
        eventsLayer.addLayer(m);
      } else {
        let best = 0, bestN = -1;
        for (const [ti, k] of c.tc) if (k > bestN) { best = ti; bestN = k; }
        const size = clusterSize(c.n);
        const div = document.createElement("div");
        div.className = "cluster";
        div.style.background = colorOf(pts.types[best]);
        div.style.width = div.style.height = div.style.lineHeight = size + "px";
        div.textContent = c.n >= 10000 ? Math.round(c.n / 1000) + "k" : String(c.n);
        const icon = L.divIcon({ html: div, className: "cluster-wrap", iconSize: [size, size] });
        const m = L.marker(ll, { icon, keyboard: false, title: I.events(c.n) });
        m.on("click", () => clusterClick(c, ll));
        eventsLayer.addLayer(m);
      }
    }
  }
  function clusterClick(c, ll) {
    const same = c.idx.every((i) => pts.lat[i] === pts.lat[c.idx[0]] && pts.lon[i] === pts.lon[c.idx[0]]);
    if (!same && map.getZoom() < map.getMaxZoom() - 1) { map.setView(ll, Math.min(map.getMaxZoom(), map.getZoom() + 2)); return; }
    // Events at one point (often a governorate or town named without a finer place): list them.
    const box = h("div", { class: "cluster-list" });
    for (const i of c.idx) {
      box.append(h("button", { type: "button", onclick: () => openEvent(pts.id[i]) },
        h("bdi", { text: pts.date[i] || "" }), ` · ${I.type(pts.types[pts.type[i]])} · ${pts.fat[i]}`));
    }
    if (c.n > c.idx.length) {
      box.append(h("button", { type: "button", class: "all", onclick: () => {
        map.closePopup();
        map.setView([pts.lat[c.idx[0]], pts.lon[c.idx[0]]], Math.max(map.getZoom(), 11), { animate: false });
        $("f-in_view").checked = true; state.inView = true; state.offset = 0; apply();
      } }, t("map.in_table", { n: c.n })));
    }
    L.popup().setLatLng(ll).setContent(box).openOn(map);
  }
  map.on("zoomend moveend", () => drawPoints());
  map.on("moveend", () => { if (state.inView) { state.offset = 0; apply(); } });

  function legend() {
    const box = $("legend");
    box.textContent = "";
    for (const k of Object.keys(TYPE_COLORS)) {
      const sw = h("span", { class: "swatch" });
      sw.style.background = TYPE_COLORS[k];
      box.append(h("div", { class: "legend-item" }, sw, I.type(k)));
    }
  }

  // ---------- timeline ----------
  const timeline = new window.RasdTimeline($("timeline-svg"), (from, to) => {
    $("f-date_from").value = from || "";
    $("f-date_to").value = to || "";
    state.offset = 0;
    apply();
  });
  $("timeline-clear").addEventListener("click", () => {
    $("f-date_from").value = ""; $("f-date_to").value = "";
    state.offset = 0; apply();
  });
  function showRange() {
    const a = $("f-date_from").value, b = $("f-date_to").value;
    $("timeline-range").textContent = a || b ? `${a || "…"} — ${b || "…"}` : "";
    timeline.setRange(a, b);
  }

  // ---------- table ----------
  function renderTable(data) {
    const body = $("events-body");
    body.textContent = "";
    const evs = (data && data.events) || [];
    if (!evs.length) body.append(h("tr", { class: "empty" }, h("td", { colspan: 8, text: t("empty") })));
    for (const e of evs) {
      const actors = [e.actor1, e.actor2].filter(Boolean).join(" ← ");
      const tr = h("tr", { dataset: { eventId: e.event_id }, tabindex: 0, class: (e.status === "rejected" ? "rejected " : "") + (e.event_id === state.eventId ? "selected" : "") },
        h("td", { class: "date", dir: "ltr" }, e.date_start === e.date_end || !e.date_end ? e.date_start : `${e.date_start} – ${e.date_end}`),
        h("td", { class: "type" }, h("span", { class: "dot" }), I.type(e.event_type), h("br"), h("small", { text: I.type(e.sub_event_type) })),
        h("td", { class: "actors" }, h("bdi", { text: actors || "–" })),
        h("td", { class: "loc" }, h("bdi", { text: e.location_name || "–" })),
        h("td", { class: "admin1" }, h("bdi", { text: I.admin1(e.country, e.admin1) || "–" })),
        h("td", { class: "country", text: I.country(e.country) || "–" }),
        h("td", { class: "num" + (e.corrected ? " corrected" : ""), text: e.fatalities === null || e.fatalities === undefined ? "–" : String(e.fatalities) }),
        h("td", { class: "num", title: (e.outlets || []).join(", "), text: String(e.n_sources || 0) }));
      tr.querySelector(".dot").style.background = colorOf(e.event_type);
      tr.addEventListener("click", () => openEvent(e.event_id));
      // The row's place on the map, while the pointer is on the row.
      if (typeof e.lat === "number" && typeof e.lon === "number") {
        tr.addEventListener("mouseenter", () => hover.setLatLng([e.lat, e.lon]).addTo(map));
        tr.addEventListener("mouseleave", () => hover.remove());
      }
      tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter") openEvent(e.event_id); });
      body.append(tr);
    }
    const total = (data && data.total) || 0;
    $("page-info").textContent = total ? t("pager.info", { a: state.offset + 1, b: state.offset + evs.length, n: total }) : "";
    $("page-prev").disabled = state.offset <= 0;
    $("page-next").disabled = state.offset + evs.length >= total;
    $("count").textContent = I.events(total);
    $("count").dataset.total = total;
    document.querySelectorAll("th[data-sort]").forEach((th) => {
      th.classList.toggle("sorted", th.dataset.sort === state.sort);
      th.dataset.order = th.dataset.sort === state.sort ? state.order : "";
      th.setAttribute("aria-sort", th.dataset.sort === state.sort ? (state.order === "asc" ? "ascending" : "descending") : "none");
    });
  }
  document.querySelectorAll("th[data-sort] button").forEach((b) => b.addEventListener("click", () => {
    const s = b.parentElement.dataset.sort;
    if (state.sort === s) state.order = state.order === "asc" ? "desc" : "asc";
    else { state.sort = s; state.order = s === "date_start" || s === "fatalities" ? "desc" : "asc"; }
    state.offset = 0;
    apply({ tableOnly: true });
  }));
  $("page-prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - state.limit); apply({ tableOnly: true }); });
  $("page-next").addEventListener("click", () => { state.offset += state.limit; apply({ tableOnly: true }); });

  // ---------- apply the filters ----------
  // One filter change: the table's page first (a small, fast request: the answer, with the
  // count), then the map's points and the timeline's counts, each cached by its query (a
  // filter set met before, or a brushed date range over the same timeline, costs no request
  // for what it already has). The server answers one request at a time faster than three at
  // once, so the table is not kept waiting behind the map's 50,000 points.
  const cache = { points: new Map(), stats: new Map() };
  function cached(kind, key, load) {
    const c = cache[kind];
    if (c.has(key)) { const v = c.get(key); c.delete(key); c.set(key, v); return v; }
    const p = load();
    c.set(key, p);
    p.catch(() => c.delete(key));
    while (c.size > 12) c.delete(c.keys().next().value);
    return p;
  }
  function clearCache() { cache.points.clear(); cache.stats.clear(); }

  async function apply(opts) {
    opts = opts || {};
    const seq = ++applySeq;
    const t0 = performance.now();
    if (aborter) aborter.abort();
    const ctl = new AbortController();
    aborter = ctl;
    writeHash();
    showRange();
    const p = readFilters();
    if (state.inView) {
      const b = map.getBounds();
      p.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(4)).join(","));
    }
    const tp = new URLSearchParams(p);
    tp.set("sort", state.sort); tp.set("order", state.order); tp.set("limit", state.limit); tp.set("offset", state.offset);
    const gp = new URLSearchParams(p); gp.set("format", "geojson"); gp.set("limit", "100000"); gp.delete("bbox");
    const sp = new URLSearchParams(p); sp.delete("date_from"); sp.delete("date_to"); sp.delete("bbox");
    document.body.dataset.state = "loading";
    try {
      const table = await api("/api/events?" + tp, { signal: ctl.signal });
      if (seq !== applySeq) return;
      renderTable(table);
      const tTable = performance.now() - t0;
      document.body.dataset.answered = seq;
      let geo = null, stats = null, tGot = 0, tDrawn = 0;
      if (!opts.tableOnly) {
        // Not tied to this change's abort signal: a cached load may serve a later change.
        [geo, stats] = await Promise.all([
          cached("points", gp.toString(), () => api("/api/events?" + gp).then(toPoints)),
          cached("stats", sp.toString(), () => api("/api/stats?" + sp)),
        ]);
        if (seq !== applySeq) return;
        tGot = performance.now() - t0;
        if (geo !== pts || opts.fit) {
          pts = geo;
          if (opts.fit && pts.n && !state.inView) fitPoints(); else drawPoints();
        }
        tDrawn = performance.now() - t0;
        if (stats !== lastStats) { lastStats = stats; timeline.setData(stats.by_day, [$("f-date_from").value, $("f-date_to").value]); }
      }
      $("layout").classList.remove("error");
      state.gen++;
      const ms = performance.now() - t0;
      window.rasdPerf = { last: ms, table: tTable, got: tGot, drawn: tDrawn, gen: state.gen, points: pts.n, total: table.total };
      document.body.dataset.gen = state.gen;
      document.body.dataset.state = "ready";
    } catch (e) {
      if (e.name === "AbortError" || seq !== applySeq) return;
      $("count").textContent = t("error", { msg: e.message });
      document.body.dataset.state = "error";
    }
  }
  let lastStats = null;
  const applySoon = debounce(() => { state.offset = 0; apply(); }, 250);
  const form = $("filter-form");
  form.addEventListener("submit", (ev) => { ev.preventDefault(); state.offset = 0; apply(); });
  form.addEventListener("input", (ev) => {
    if (ev.target.type === "search") applySoon();
  });
  form.addEventListener("change", (ev) => {
    const n = ev.target.name;
    if (n === "q" || n === "actor") return;
    if (n === "country") { $("f-admin1").value = ""; fillFacets(); }
    if (n === "event_type") { $("f-sub_event_type").value = ""; fillFacets(); }
    if (n === "in_view") state.inView = ev.target.checked;
    state.offset = 0;
    apply({ fit: n === "country" || n === "admin1" });
  });
  form.addEventListener("reset", () => setTimeout(() => { state.inView = false; fillFacets(); state.offset = 0; apply(); }, 0));

  // ---------- coder ----------
  function coder() {
    let name = "", token = "";
    try { name = localStorage.getItem("rasd.coder") || ""; token = sessionStorage.getItem("rasd.token") || ""; } catch (e) { /* ignore */ }
    return { name, token };
  }
  function showCoder() {
    const c = coder();
    $("coder-status").textContent = c.name ? t("coder.as", { name: c.name }) : "";
  }
  $("coder-btn").addEventListener("click", () => {
    const c = coder();
    $("coder-name").value = c.name; $("coder-token").value = c.token;
    $("coder-dialog").showModal();
  });
  $("coder-dialog").addEventListener("close", () => {
    if ($("coder-dialog").returnValue === "save") {
      try {
        localStorage.setItem("rasd.coder", $("coder-name").value.trim());
        sessionStorage.setItem("rasd.token", $("coder-token").value.trim());
      } catch (e) { /* ignore */ }
      showCoder();
    }
  });
  async function post(path, body) {
    const c = coder();
    if (!c.name || !c.token) {
      $("coder-btn").click();
      throw new Error(t("ev.need_coder"));
    }
    body.coder = c.name;
    try {
      return await api(path, { method: "POST", headers: { "Content-Type": "application/json", "Authorization": "Bearer " + c.token }, body: JSON.stringify(body) });
    } catch (e) {
      if (e.status === 401) throw new Error(t("ev.unauthorized"));
      throw e;
    }
  }

  // ---------- event view ----------
  let evSeq = 0;
  async function openEvent(id) {
    if (!id) return;
    const seq = ++evSeq;
    state.eventId = id;
    writeHash();
    document.querySelectorAll("#events-body tr").forEach((tr) => tr.classList.toggle("selected", tr.dataset.eventId === id));
    const view = $("event-view");
    view.hidden = false;
    document.body.classList.add("event-open");
    $("ev-title").textContent = t("loading");
    $("ev-body").textContent = "";
    try {
      const ev = await api("/api/events/" + encodeURIComponent(id));
      if (seq !== evSeq) return;
      renderEvent(ev);
    } catch (e) {
      if (seq !== evSeq) return;
      $("ev-title").textContent = t("error", { msg: e.message });
    }
  }
  function closeEvent() {
    state.eventId = null;
    ring.remove();
    $("event-view").hidden = true;
    document.body.classList.remove("event-open");
    document.querySelectorAll("#events-body tr.selected").forEach((tr) => tr.classList.remove("selected"));
    writeHash();
  }
  $("ev-close").addEventListener("click", closeEvent);
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && !$("event-view").hidden && !$("coder-dialog").open) closeEvent(); });

  function editorFor(field, value) {
    if (field === "event_type") {
      const s = h("select", { name: "value" });
      for (const k of Object.keys(state.taxonomy).length ? Object.keys(state.taxonomy) : Object.keys(TYPE_COLORS)) s.append(h("option", { value: k, text: I.type(k) }));
      s.value = value || ""; return s;
    }
    if (field === "sub_event_type") {
      const s = h("select", { name: "value" });
      for (const [type, subs] of Object.entries(state.taxonomy)) {
        const g = h("optgroup", { label: I.type(type) });
        for (const sub of subs) g.append(h("option", { value: sub, text: I.type(sub) }));
        s.append(g);
      }
      if (!s.options.length) s.append(h("option", { value: value || "", text: value || "" }));
      s.value = value || ""; return s;
    }
    if (field === "civilian_targeting") {
      const s = h("select", { name: "value" }, h("option", { value: "true", text: t("yes") }), h("option", { value: "false", text: t("no") }));
      s.value = value ? "true" : "false"; return s;
    }
    if (field === "date_start" || field === "date_end") return h("input", { name: "value", type: "date", value: value || "" });
    if (INTEGER.has(field)) return h("input", { name: "value", type: "number", min: 0, step: 1, value: value === null || value === undefined ? "" : value, dir: "ltr" });
    if (FLOAT.has(field)) return h("input", { name: "value", type: "number", step: "any", value: value === null || value === undefined ? "" : value, dir: "ltr" });
    return h("input", { name: "value", type: "text", value: value || "", dir: "auto" });
  }
  function parseValue(field, raw) {
    if (raw === "") return null;
    if (INTEGER.has(field)) return parseInt(raw, 10);
    if (FLOAT.has(field)) return parseFloat(raw);
    if (field === "civilian_targeting") return raw === "true";
    return raw;
  }

  const ring = L.circleMarker([0, 0], { renderer: canvas, radius: 14, color: "#111", weight: 2.5, fill: false, interactive: false });
  const hover = L.circleMarker([0, 0], { renderer: canvas, radius: 18, color: "#1f5fbf", weight: 3, fill: false, interactive: false });
  function renderEvent(ev) {
    if (typeof ev.lat === "number" && typeof ev.lon === "number") {
      ring.setLatLng([ev.lat, ev.lon]).addTo(map);
      if (!map.getBounds().contains(ring.getLatLng())) map.panTo(ring.getLatLng(), { animate: false });
    } else { ring.remove(); }
    const body = $("ev-body");
    body.textContent = "";
    $("ev-title").textContent = `${I.type(ev.event_type)} — ${I.type(ev.sub_event_type)}`;
    const view = $("event-view");
    view.dataset.eventId = ev.event_id;
    view.dataset.status = ev.status || "active";
    const msg = h("p", { class: "ev-msg", role: "status" });
    const meta = h("p", { class: "ev-meta" },
      h("span", { dir: "ltr", text: ev.event_id }), " · ",
      h("span", { dir: "ltr", text: ev.date_start === ev.date_end ? ev.date_start : `${ev.date_start} – ${ev.date_end}` }), " · ",
      h("span", { dir: "auto", text: [ev.location_name, I.admin1(ev.country, ev.admin1), I.country(ev.country)].filter(Boolean).join(I.lang === "en" ? ", " : "، ") }));
    if (ev.status === "rejected") meta.append(" · ", h("strong", { class: "badge rejected", text: t("ev.rejected") }));
    // Two columns: the fields to check on one side, the sources' articles on the other.
    const side = h("div", { class: "ev-side" });
    const main = h("div", { class: "ev-main" });
    body.append(side, main);
    side.append(meta, msg);

    // Reject / restore.
    const note = h("input", { type: "text", class: "note", placeholder: t("ev.note"), dir: "auto", "aria-label": t("ev.note") });
    const rejecting = ev.status !== "rejected";
    const rb = h("button", { type: "button", class: rejecting ? "danger" : "", id: "ev-reject", text: rejecting ? t("ev.reject") : t("ev.restore") });
    rb.addEventListener("click", async () => {
      try {
        const out = await post(`/api/events/${encodeURIComponent(ev.event_id)}/${rejecting ? "reject" : "restore"}`, { note: note.value });
        renderEvent(out || (await api("/api/events/" + encodeURIComponent(ev.event_id))));
        clearCache(); loadFacets(); apply();
      } catch (e) { msg.textContent = e.message; msg.className = "ev-msg err"; }
    });
    side.append(h("div", { class: "ev-actions" }, rb, note));

    // Fields: the ones a coder checks first, then the rest folded away.
    const corrected = new Set(Object.keys(ev.original || {}));
    const row = (f) => {
      const tr = h("tr", { dataset: { field: f }, class: corrected.has(f) ? "corrected" : "" });
      const val = h("td", { class: "val" }, h("bdi", { text: fmtVal(f, ev[f], ev) }));
      if (corrected.has(f)) val.append(" ", h("small", { class: "orig", text: t("ev.original", { v: fmtVal(f, ev.original[f]) }) }));
      tr.append(h("th", { text: I.field(f) }), val);
      const cell = h("td", { class: "act" });
      if (EDITABLE.includes(f)) {
        const b = h("button", { type: "button", class: "edit", text: t("ev.edit") });
        b.addEventListener("click", () => startEdit(ev, f, tr, msg));
        cell.append(b);
      }
      tr.append(cell);
      return tr;
    };
    const table = h("table", { class: "fields" });
    const more = h("table", { class: "fields" });
    for (const f of SHOWN) {
      if (!(f in ev)) continue;
      (CORE.includes(f) || corrected.has(f) ? table : more).append(row(f));
    }
    side.append(h("h3", { text: t("ev.fields") }), table,
      h("details", { class: "more-fields" }, h("summary", { text: t("ev.more") }), more));

    // Sources, each with its article and highlighted spans.
    const srcs = ev.sources || [];
    main.append(h("h3", { text: t("ev.sources", { n: srcs.length }) }), legendSpans());
    srcs.forEach((s, k) => main.append(renderSource(s, k)));
    // Corrections history.
    const corr = ev.corrections || [];
    const ul = h("ul", { class: "corrections" });
    for (const c of corr) {
      ul.append(h("li", null,
        h("span", { dir: "auto", text: t("ev.change", { field: I.field(c.field), old: fmtVal(c.field, c.old_value), new: fmtVal(c.field, c.new_value) }) }),
        " — ", h("small", { text: t("ev.by", { coder: c.coder || "?", when: String(c.created_at || "").slice(0, 16).replace("T", " ") }) }),
        c.note ? h("div", { class: "note", dir: "auto", text: c.note }) : null));
    }
    if (!corr.length) ul.append(h("li", { class: "none", text: t("ev.no_corrections") }));
    side.append(h("h3", { text: t("ev.corrections") }), ul);

  }

  function legendSpans() {
    const box = h("p", { class: "span-legend" }, t("ev.legend"), " ");
    for (const f of ["evidence", "trigger", "actor1", "actor2", "location", "date", "fatalities", "injuries", "source"]) {
      box.append(h("mark", { class: f === "evidence" ? "hl-evidence" : "hl hl-" + f, text: I.field(f) }), " ");
    }
    return box;
  }

  function renderSource(s, k) {
    const url = safeUrl(s.url);
    const head = h("header", null,
      h("strong", { dir: "auto", text: s.outlet || "–" }), " · ",
      h("span", { dir: "ltr", text: s.published || "" }), " ",
      url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: t("ev.open_url") }) : null);
    const title = h("h4", { dir: "auto", text: s.title || "" });
    const reading = h("p", { class: "reading", dir: "auto" },
      `${I.type(s.sub_event_type)} · ${s.date_start || ""} · ${s.location_name || "–"} · ${[s.actor1, s.actor2].filter(Boolean).join(" ← ") || "–"} · ${I.field("fatalities")}: ${s.fatalities ?? "–"}`
      + (s.reported_by && s.reported_by.length ? ` · ${t("ev.reported_by")} ${[].concat(s.reported_by).join("، ")}` : ""));
    const why = s.why ? h("p", { class: "why", dir: "auto" }, h("small", { text: `${t("ev.why")}: ${typeof s.why === "string" ? s.why : JSON.stringify(s.why)}` })) : null;
    const article = h("div", { class: "article", dir: "auto", lang: "ar", "aria-label": t("ev.article"), dataset: { articleId: s.article_id } });
    article.textContent = t("ev.loading_article");
    const box = h("section", { class: "source", dataset: { sourceKey: s.source_key || "", k } }, head, title, reading, why, article);
    api("/api/articles/" + encodeURIComponent(s.article_id)).then((a) => {
      const text = typeof a.text === "string" ? a.text : "";
      const mark = window.RasdHighlight.render(article, text, s, I.field);
      article.dataset.ready = "1";
      if (mark && k === 0) article.scrollTop = Math.max(0, mark.offsetTop - article.clientHeight / 3);
    }).catch((e) => { article.textContent = t("error", { msg: e.message }); });
    return box;
  }

  function startEdit(ev, field, tr, msg) {
    const cell = tr.querySelector("td.val");
    const act = tr.querySelector("td.act");
    const old = [...cell.childNodes];
    const input = editorFor(field, ev[field]);
    input.classList.add("edit-value");
    const note = h("input", { type: "text", class: "note", placeholder: t("ev.note"), dir: "auto", "aria-label": t("ev.note") });
    const save = h("button", { type: "submit", class: "save", text: t("ev.save") });
    const cancel = h("button", { type: "button", class: "cancel", text: t("ev.cancel") });
    const f = h("form", { class: "edit-form" }, input, note, save, cancel);
    cell.textContent = ""; cell.append(f); act.hidden = true; cell.colSpan = 2;
    input.focus();
    cancel.addEventListener("click", () => { cell.textContent = ""; cell.append(...old); act.hidden = false; cell.colSpan = 1; });
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      save.disabled = true;
      try {
        const out = await post(`/api/events/${encodeURIComponent(ev.event_id)}/corrections`, { field, value: parseValue(field, input.value), note: note.value });
        renderEvent(out || (await api("/api/events/" + encodeURIComponent(ev.event_id))));
        const m = document.querySelector("#ev-body .ev-msg");
        if (m) { m.textContent = t("ev.saved"); m.className = "ev-msg ok"; }
        clearCache(); loadFacets(); apply();
      } catch (err) {
        save.disabled = false;
        msg.textContent = err.message; msg.className = "ev-msg err";
      }
    });
  }

  // ---------- language ----------
  function relabel() {
    I.apply();
    $("lang-btn").textContent = I.lang === "en" ? "العربية" : "English";
    $("lang-btn").lang = I.lang === "en" ? "ar" : "en";
    legend(); fillFacets(); showCoder();
  }
  $("lang-btn").addEventListener("click", () => {
    I.setLang(I.lang === "en" ? "ar" : "en");
    relabel();
    drawPoints();
    apply({ tableOnly: true });
    if (state.eventId) openEvent(state.eventId);
    map.invalidateSize();
    timeline.resize();
  });

  // ---------- start ----------
  window.addEventListener("resize", debounce(() => { timeline.resize(); map.invalidateSize(); }, 150));
  async function start() {
    try { I.setAdmin1Names(await fetch("/static/admin1-ar.json").then((r) => r.json())); } catch (e) { /* English names */ }
    relabel();
    const ev = readHash();
    loadBasemap();
    await loadFacets();
    readHash();
    await apply();
    if (ev) openEvent(ev);
  }
  window.Rasd = { apply, openEvent, closeEvent, state, map, drawPoints, timeline, get pts() { return pts; } };
  start();
})();
