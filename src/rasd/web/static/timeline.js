// The timeline under the map: one bar per day (events per day from /api/stats by_day),
// drawn as SVG, with a brush: drag across it to choose a date range.
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const DAY = 86400000;
  const toMs = (d) => Date.parse(d + "T00:00:00Z");
  const toDay = (ms) => new Date(ms).toISOString().slice(0, 10);

  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  // svg: the <svg>; onBrush(from, to) with YYYY-MM-DD strings (or nulls: cleared).
  function Timeline(svg, onBrush) {
    this.svg = svg;
    this.onBrush = onBrush;
    this.days = [];
    this.range = [null, null];
    this.pad = { l: 8, r: 8, t: 6, b: 18 };
    this._bindBrush();
  }

  Timeline.prototype.setData = function (byDay, range) {
    this.days = (byDay || []).filter((d) => d && d[0]);
    this.range = range || [null, null];
    this.draw();
  };

  Timeline.prototype.resize = function () { this.width = 0; this.draw(); };

  Timeline.prototype.setRange = function (from, to) { this.range = [from || null, to || null]; this._drawSel(); };

  Timeline.prototype._scale = function () {
    // The width is read once (reading it forces a layout of the whole page) and again on resize().
    if (!this.width) this.width = this.svg.clientWidth || this.svg.getBoundingClientRect().width || 0;
    const w = this.width || 600;
    const h = Number(this.svg.getAttribute("height")) || 84;
    let lo = Infinity, hi = -Infinity;
    for (const d of this.days) { const t = toMs(d[0]); if (t < lo) lo = t; if (t > hi) hi = t; }
    if (!isFinite(lo)) { lo = Date.now() - 30 * DAY; hi = Date.now(); }
    hi += DAY;
    if (hi - lo < 7 * DAY) { lo -= 3 * DAY; hi += 3 * DAY; }
    const x0 = this.pad.l, x1 = w - this.pad.r;
    return { w, h, lo, hi, x: (t) => x0 + ((t - lo) / (hi - lo)) * (x1 - x0),
             t: (x) => lo + ((x - x0) / (x1 - x0)) * (hi - lo), x0, x1 };
  };

  Timeline.prototype.draw = function () {
    const svg = this.svg;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const s = (this.s = this._scale());
    svg.setAttribute("viewBox", `0 0 ${s.w} ${s.h}`);
    svg.setAttribute("width", s.w);
    const base = s.h - this.pad.b;
    let max = 1;
    for (const d of this.days) if (d[1] > max) max = d[1];
    const bw = Math.max(1, s.x(s.lo + DAY) - s.x(s.lo) - 0.5);
    // All bars as one path (thousands of days draw in a few ms); the hovered day is told by
    // the <title>, updated as the pointer moves.
    const d = [];
    for (const day of this.days) {
      const hgt = Math.max(1, ((base - this.pad.t) * day[1]) / max);
      d.push(`M${s.x(toMs(day[0])).toFixed(1)} ${base}v${(-hgt).toFixed(1)}h${bw.toFixed(2)}v${hgt.toFixed(1)}z`);
    }
    const bars = el("g", { class: "bars" }, svg);
    el("path", { d: d.join("") }, bars);
    this.tip = el("title", {}, svg);
    this.byDay = new Map(this.days.map((x) => [x[0], x]));
    el("line", { x1: s.x0, x2: s.x1, y1: base, y2: base, class: "axis" }, svg);
    // Ticks: months, or years over a long span.
    const axis = el("g", { class: "ticks" }, svg);
    const span = s.hi - s.lo;
    const start = new Date(s.lo);
    let m = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
    const stepMonths = span > 3 * 365 * DAY ? 12 : span > 400 * DAY ? 3 : 1;
    if (stepMonths === 12) m = new Date(Date.UTC(start.getUTCFullYear(), 0, 1));
    let lastX = -Infinity;
    for (let guard = 0; m.getTime() <= s.hi && guard < 400; guard++) {
      const x = s.x(m.getTime());
      if (x >= s.x0 && x - lastX > 56) {
        el("line", { x1: x, x2: x, y1: base, y2: base + 4, class: "tick" }, axis);
        const lab = el("text", { x: x + 2, y: s.h - 4 }, axis);
        lab.textContent = stepMonths === 12 ? String(m.getUTCFullYear()) : toDay(m.getTime()).slice(0, 7);
        lastX = x;
      }
      m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + stepMonths, 1));
    }
    this.selRect = el("rect", { class: "brush", y: this.pad.t, height: base - this.pad.t, x: 0, width: 0 }, svg);
    this._drawSel();
  };

  Timeline.prototype._drawSel = function () {
    if (!this.selRect || !this.s) return;
    const [from, to] = this.range;
    if (!from && !to) { this.selRect.setAttribute("width", 0); return; }
    const s = this.s;
    const a = from ? Math.max(s.x0, s.x(toMs(from))) : s.x0;
    const b = to ? Math.min(s.x1, s.x(toMs(to) + DAY)) : s.x1;
    this.selRect.setAttribute("x", Math.min(a, b));
    this.selRect.setAttribute("width", Math.max(1, Math.abs(b - a)));
  };

  Timeline.prototype._bindBrush = function () {
    let startX = null;
    const px = (ev) => {
      const r = this.svg.getBoundingClientRect();
      return Math.max(this.s.x0, Math.min(this.s.x1, ev.clientX - r.left));
    };
    this.svg.addEventListener("pointerdown", (ev) => {
      if (!this.s) return;
      startX = px(ev);
      this.svg.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    this.svg.addEventListener("pointermove", (ev) => {
      if (startX === null) {
        if (this.tip && this.s) {
          const day = toDay(this.s.t(px(ev)));
          const x = this.byDay.get(day);
          this.tip.textContent = `${day}: ${x ? x[1] : 0} / ${x ? x[2] || 0 : 0}`;
        }
        return;
      }
      const x = px(ev);
      this.selRect.setAttribute("x", Math.min(startX, x));
      this.selRect.setAttribute("width", Math.abs(x - startX));
    });
    const end = (ev) => {
      if (startX === null) return;
      const x = px(ev);
      const a = Math.min(startX, x), b = Math.max(startX, x);
      startX = null;
      if (b - a < 3) { this.range = [null, null]; this._drawSel(); this.onBrush(null, null); return; }
      const from = toDay(this.s.t(a));
      const to = toDay(Math.max(this.s.t(b) - 1, this.s.t(a)));
      this.range = [from, to];
      this._drawSel();
      this.onBrush(from, to);
    };
    this.svg.addEventListener("pointerup", end);
    this.svg.addEventListener("pointercancel", () => { startX = null; this._drawSel(); });
  };

  window.RasdTimeline = Timeline;
})();
