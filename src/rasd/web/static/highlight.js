// An article's text with the spans of one event marked, built as DOM text nodes only
// (never innerHTML: the text may hold <script> or markup, and must show as written).
//
// Offsets from the API are Unicode code points (Python str indices); JavaScript strings
// index UTF-16 code units. They differ only after a character outside the BMP (emoji):
// cpToUnits() maps one to the other, unless the API already gave UTF-16 offsets.
"use strict";
(function () {
  function hasAstral(text) { return /[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(text); }

  // A function code point index -> UTF-16 index for this text.
  function cpToUnits(text) {
    if (!hasAstral(text)) return (i) => i;
    const map = [];
    let u = 0;
    for (const ch of text) { map.push(u); u += ch.length; }
    map.push(u);
    return (i) => (i <= 0 ? 0 : i >= map.length ? u : map[i]);
  }

  function okRange(r) {
    return Array.isArray(r) && r.length >= 2 && Number.isInteger(r[0]) && Number.isInteger(r[1]) && r[1] > r[0];
  }

  // Spans of one event in UTF-16 units: {evidence: [s, e] | null, spans: [{field, s, e}]}.
  function unitsOf(text, src) {
    const u16 = src.utf16 && typeof src.utf16 === "object" ? src.utf16 : null;
    const conv = u16 ? (i) => i : cpToUnits(text);
    const n = text.length;
    const clamp = (r) => [Math.max(0, Math.min(n, conv(r[0]))), Math.max(0, Math.min(n, conv(r[1])))];
    const evRaw = u16 && okRange(u16.evidence) ? u16.evidence
      : [src.evidence_start, src.evidence_end];
    const evidence = okRange(evRaw) ? clamp(evRaw) : null;
    const spansRaw = (u16 && u16.spans) || src.spans || {};
    const spans = [];
    for (const field of Object.keys(spansRaw)) {
      const r = spansRaw[field];
      if (!okRange(r)) continue;
      const [s, e] = clamp(r);
      if (e > s) spans.push({ field, s, e });
    }
    return { evidence: evidence && evidence[1] > evidence[0] ? evidence : null, spans };
  }

  function cssName(field) { return String(field).toLowerCase().replace(/[^a-z0-9_-]/g, ""); }

  // Fill `container` with `text`, the evidence as one <mark class="hl-evidence"> and each
  // field's span as <mark class="hl hl-FIELD"> inside it (segments where spans overlap carry
  // every field's class). label(field) names a field for the tooltip.
  function render(container, text, src, label) {
    label = label || ((f) => f);
    container.textContent = "";
    const { evidence, spans } = unitsOf(text, src || {});
    const cuts = new Set([0, text.length]);
    if (evidence) { cuts.add(evidence[0]); cuts.add(evidence[1]); }
    for (const sp of spans) { cuts.add(sp.s); cuts.add(sp.e); }
    const points = Array.from(cuts).sort((a, b) => a - b);
    let evMark = null;
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      if (b <= a) continue;
      const piece = text.slice(a, b);
      const inEv = evidence && a >= evidence[0] && b <= evidence[1];
      let parent = container;
      if (inEv) {
        if (!evMark) {
          evMark = document.createElement("mark");
          evMark.className = "hl-evidence";
          evMark.dataset.field = "evidence";
          evMark.title = label("evidence");
          container.appendChild(evMark);
        }
        parent = evMark;
      } else {
        evMark = null;
      }
      const active = spans.filter((sp) => sp.s <= a && sp.e >= b).map((sp) => sp.field);
      if (active.length) {
        const m = document.createElement("mark");
        m.className = "hl " + active.map((f) => "hl-" + cssName(f)).join(" ");
        m.dataset.fields = active.join(" ");
        m.title = active.map(label).join("، ");
        m.appendChild(document.createTextNode(piece));
        parent.appendChild(m);
      } else {
        parent.appendChild(document.createTextNode(piece));
      }
    }
    return container.querySelector("mark.hl-evidence");
  }

  window.RasdHighlight = { render, unitsOf, cpToUnits, cssName };
})();
