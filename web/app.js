/* mentionmap map page.
 *
 * Renders a mentionmap GeoJSON FeatureCollection on a Leaflet map with an
 * offline country-outline basemap.  Data comes from, in order:
 *   - window.MENTIONMAP_DATA, if set before this script runs (self-contained HTML);
 *   - the "Map" button, which POSTs {"text": ...} to the relative URL api/map;
 *   - a .geojson / .json file opened or dropped on the page.
 * Everything that comes from a document is HTML-escaped before it is shown.
 */
(function () {
  "use strict";

  var LAYERS = ["countries", "regions", "areas", "physical", "cities", "districts"];
  var LAYER_INFO = {
    countries: { label: "Countries", one: "country", color: "#6d4fa3" },
    regions: { label: "Regions", one: "region", color: "#2b7bba" },
    areas: { label: "Areas", one: "area", color: "#b8860b" },           // informal regions (Middle East)
    physical: { label: "Physical", one: "physical feature", color: "#1b9e77" },  // seas, rivers, mountains
    cities: { label: "Cities", one: "city", color: "#d1495b" },
    districts: { label: "Districts", one: "district", color: "#e8871e" }
  };
  var R_MIN = 6, R_MAX = 22;          // marker radius range, px (sqrt scale)
  var MAX_SNIPPETS = 12;              // mentions listed in a popup
  var MAX_POPUP_DOCS = 12;            // documents listed in a corpus map's popup
  var GEONAMES_ATTR = 'Place data © <a href="https://www.geonames.org/" target="_blank" rel="noopener noreferrer">GeoNames</a> (CC BY 4.0)';
  var BASEMAP_ATTR = 'Country outlines © <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener noreferrer">OpenStreetMap</a> contributors (ODbL), via geo-maps';
  var OSM_ATTR = '© <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener noreferrer">OpenStreetMap</a> contributors';

  // ---------------------------------------------------------------- helpers

  function esc(value) {
    return String(value == null ? "" : value)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  function $(id) { return document.getElementById(id); }

  function layerOf(props) {
    var l = props && props.layer;
    return LAYER_INFO[l] ? l : "cities";
  }

  function fmtInt(n) {
    return typeof n === "number" && isFinite(n) ? Math.round(n).toLocaleString("en-US") : null;
  }

  function fmtConf(c) {
    return typeof c === "number" && isFinite(c) ? c.toFixed(2) : null;
  }

  /* The snippet with its mention highlighted.  The snippet carries no offset,
   * so the occurrence of the mention's text nearest the snippet's middle is
   * marked (snippets are built around the mention). */
  function snippetHtml(m) {
    var s = String(m.snippet || m.text || "");
    var t = String(m.text || "");
    if (!t) return esc(s);
    var hits = [], i = s.indexOf(t);
    while (i >= 0 && hits.length < 50) { hits.push(i); i = s.indexOf(t, i + 1); }
    if (!hits.length) return esc(s);
    var mid = s.length / 2, best = hits[0];
    hits.forEach(function (h) {
      if (Math.abs(h + t.length / 2 - mid) < Math.abs(best + t.length / 2 - mid)) best = h;
    });
    return esc(s.slice(0, best)) + "<mark>" + esc(t) + "</mark>" + esc(s.slice(best + t.length));
  }

  function attributionText(meta) {
    if (!meta || meta.attribution == null) return "";
    return Array.isArray(meta.attribution) ? meta.attribution.join("; ") : String(meta.attribution);
  }

  // ------------------------------------------------------------------- map

  var params = new URLSearchParams(window.location.search);
  var tileUrl = params.get("tiles") || window.MENTIONMAP_TILES || null;

  var map = L.map("mm-map", {
    zoomControl: true,
    minZoom: 1,
    maxZoom: 18,
    worldCopyJump: false,
    preferCanvas: false
  });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com/" target="_blank" rel="noopener noreferrer">Leaflet</a>');
  map.attributionControl.addAttribution(GEONAMES_ATTR);

  map.createPane("mm-basemap");
  map.getPane("mm-basemap").style.zIndex = 250;   // above tiles (200), below overlays (400)
  map.createPane("mm-uncertainty");
  map.getPane("mm-uncertainty").style.zIndex = 390;

  var baseLayers = {};
  var outlines = null;
  if (window.MENTIONMAP_BASEMAP) {
    outlines = L.geoJSON(window.MENTIONMAP_BASEMAP, {
      pane: "mm-basemap",
      renderer: L.canvas({ pane: "mm-basemap", padding: 0.5 }),
      interactive: false,
      style: function () {
        return { color: "#b9c0c8", weight: 0.7, fillColor: "#f5f5f3", fillOpacity: 1, opacity: 1 };
      },
      attribution: BASEMAP_ATTR
    });
    baseLayers["Country outlines (offline)"] = outlines;
  }
  var tiles = null;
  if (tileUrl) {
    tiles = L.tileLayer(tileUrl, {
      maxZoom: 19,
      attribution: params.get("tiles_attribution") ? esc(params.get("tiles_attribution")) : OSM_ATTR
    });
    baseLayers["Tiles"] = tiles;
    tiles.addTo(map);
    document.body.classList.add("mm-has-tiles");
  } else if (outlines) {
    outlines.addTo(map);
  }
  map.setView([25, 10], 2);

  // ------------------------------------------------- first-level boundaries

  /* States, provinces and governorates (web/basemap/admin1.js, Natural Earth):
   * the lines between divisions of one country, drawn from ADMIN1_MIN_ZOOM on.
   * A served page loads the file only when first zoomed in that far (it is as
   * big as the rest of the basemap); a self-contained page has it inlined. The
   * lines are one SVG path per first zoom, so tests can find `path.mm-admin1`. */
  var ADMIN1_MIN_ZOOM = 4;             // a continent fills the view: provinces become a useful frame
  var ADMIN1_SRC = "basemap/admin1.js";
  map.createPane("mm-admin1");
  map.getPane("mm-admin1").style.zIndex = 260;   // over the country fills, under labels and markers
  map.getPane("mm-admin1").style.pointerEvents = "none";
  var admin1Layer = L.layerGroup([], {
    attribution: 'Boundaries: made with <a href="https://www.naturalearthdata.com/" target="_blank" rel="noopener noreferrer">Natural Earth</a>'
  });
  var admin1Groups = null;             // [{minzoom, line}] once decoded
  var admin1Loading = false;

  /* One encoded line of admin1.js (see web/tools/make_admin1.py): base-32
   * zigzag integers, the first point then steps, in 1/scale degree. */
  function decodeAdmin1(s, data, digit) {
    var ints = [], n = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var d = digit[s.charCodeAt(i)];
      if (d === undefined) return null;                 // not our alphabet: skip the line
      n += (d & 31) * Math.pow(2, shift);
      if (d & 32) { shift += 5; continue; }             // a MORE digit: the number goes on
      ints.push(n % 2 ? -(n + 1) / 2 : n / 2);
      n = 0; shift = 0;
    }
    var pts = [], x = 0, y = 0;
    for (var k = 0; k + 1 < ints.length; k += 2) {
      x += ints[k]; y += ints[k + 1];
      pts.push([y / data.scale, x / data.scale]);
    }
    return pts.length >= 2 ? pts : null;
  }

  function buildAdmin1(data) {
    var digit = {};
    for (var i = 0; i < 32; i++) {
      digit[data.final.charCodeAt(i)] = i;
      digit[data.more.charCodeAt(i)] = i | 32;
    }
    var renderer = L.svg({ pane: "mm-admin1", padding: 0.3 });
    return (data.groups || []).map(function (g) {
      var lines = [];
      (g.lines || []).forEach(function (s) {
        var pts = decodeAdmin1(String(s), data, digit);
        if (pts) lines.push(pts);
      });
      return {
        minzoom: g.minzoom,
        line: L.polyline(lines, {
          renderer: renderer, pane: "mm-admin1", interactive: false, className: "mm-admin1",
          color: "#a99bb8", weight: 0.9, opacity: 0.9, dashArray: "4 3", smoothFactor: 1.5
        })
      };
    });
  }

  function drawAdmin1() {
    if (!map.hasLayer(admin1Layer)) return;
    var z = map.getZoom();
    if (!admin1Groups) {
      if (z < ADMIN1_MIN_ZOOM) return;   // decoded (or fetched) on the first zoom in, not at load
      if (window.MENTIONMAP_ADMIN1) admin1Groups = buildAdmin1(window.MENTIONMAP_ADMIN1);
      else { if (!admin1Loading) loadAdmin1(); return; }
    }
    var shown = 0;
    admin1Groups.forEach(function (g) {
      var want = z >= Math.max(g.minzoom, ADMIN1_MIN_ZOOM);
      if (want && !admin1Layer.hasLayer(g.line)) admin1Layer.addLayer(g.line);
      if (!want && admin1Layer.hasLayer(g.line)) admin1Layer.removeLayer(g.line);
      if (want) shown++;
    });
    document.body.setAttribute("data-mm-admin1", String(shown));
  }

  function loadAdmin1() {
    admin1Loading = true;
    var s = document.createElement("script");
    s.src = ADMIN1_SRC;
    s.onload = drawAdmin1;
    // Without the file (a page copied alone) the map simply has no province lines.
    s.onerror = function () { document.body.setAttribute("data-mm-admin1", "unavailable"); };
    document.body.appendChild(s);
  }

  admin1Layer.on("add", function () { setTimeout(drawAdmin1, 0); });
  map.on("zoomend", drawAdmin1);
  if (!tiles) admin1Layer.addTo(map);

  // ---------------------------------------------------------------- labels

  /* Names drawn on the offline basemap (web/basemap/labels.js): countries from
   * the world view, first-level divisions from zoom 5, cities by population rank
   * as one zooms in. Each redraw places the labels of the view greedily in
   * priority order and drops any that would overlap one already placed, so the
   * map stays readable at every zoom. Not drawn over online tiles (they have
   * their own). */
  var LABEL_MAX = 220;                 // labels per view: enough to read, few DOM nodes
  var LABEL_CHAR_PX = { country: 7.5, admin1: 6.2, city: 6.4, place: 7.2 };   // text width estimate per character
  var LABEL_H = 14;                    // px, one line of label text
  map.createPane("mm-labels");
  map.getPane("mm-labels").style.zIndex = 380;   // above the outlines, below markers
  map.getPane("mm-labels").style.pointerEvents = "none";
  var labelLayer = L.layerGroup([], {
    attribution: 'Names: <a href="https://www.geonames.org/" target="_blank" rel="noopener noreferrer">GeoNames</a>, ' +
      'Made with <a href="https://www.naturalearthdata.com/" target="_blank" rel="noopener noreferrer">Natural Earth</a>'
  });
  var LABELS = window.MENTIONMAP_LABELS || null;

  function labelCandidates(z, bounds) {
    var out = [];
    function take(list, kind) {
      (list || []).forEach(function (e) {
        if (e[3] > z || !bounds.contains([e[1], e[2]])) return;
        out.push({ name: String(e[0]), lat: e[1], lon: e[2], kind: kind });
      });
    }
    // Priority: countries first at low zoom; once zoomed in, towns matter more
    // than the region they are in.
    if (z < 6) { take(LABELS.countries, "country"); take(LABELS.cities, "city"); take(LABELS.admin1, "admin1"); }
    else { take(LABELS.cities, "city"); take(LABELS.admin1, "admin1"); take(LABELS.countries, "country"); }
    return out;
  }

  /* Boxes already taken on screen, in a coarse grid so that a corpus map with
   * thousands of markers still places its labels in a few milliseconds. */
  var LABEL_CELL = 64;                 // px, grid cell of the clash index
  function BoxIndex() { this.cells = {}; }
  BoxIndex.prototype.each = function (box, fn) {
    for (var gx = Math.floor(box[0] / LABEL_CELL); gx <= Math.floor(box[2] / LABEL_CELL); gx++) {
      for (var gy = Math.floor(box[1] / LABEL_CELL); gy <= Math.floor(box[3] / LABEL_CELL); gy++) {
        if (fn(gx + ":" + gy)) return true;
      }
    }
    return false;
  };
  BoxIndex.prototype.clashes = function (box) {
    var cells = this.cells;
    return this.each(box, function (key) {
      var list = cells[key] || [];
      for (var k = 0; k < list.length; k++) {
        var b = list[k];
        if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) return true;
      }
      return false;
    });
  };
  BoxIndex.prototype.add = function (box) {
    var cells = this.cells;
    this.each(box, function (key) { (cells[key] = cells[key] || []).push(box); return false; });
  };

  function addLabel(latlng, kind, name, anchor) {
    var icon = L.divIcon({
      className: "mm-maplabel mm-maplabel-" + kind,
      html: kind === "city" ? '<span class="mm-maplabel-dot"></span>' + esc(name) : esc(name),
      iconSize: null,
      iconAnchor: anchor
    });
    L.marker(latlng, { icon: icon, pane: "mm-labels", interactive: false, keyboard: false })
      .addTo(labelLayer);
  }

  /* The mapped places' own names, beside their markers (right, else left),
   * biggest markers first; every marker disc is taken before any basemap name
   * is placed, so no town or country name runs under a marker. */
  function placeMarkerLabels(taken, size) {
    var shown = (typeof places === "undefined" ? [] : places).filter(function (pl) {
      return map.hasLayer(groups[pl.layer]);
    });
    var view = map.getSize(), n = 0, discs = [];
    shown.forEach(function (pl) {
      if (pl.clustered) return;          // hidden behind its stack's "+N" badge
      var pt = map.latLngToContainerPoint(pl.marker.getLatLng()), r = pl.marker.getRadius();
      if (pt.x < -r || pt.y < -r || pt.x > view.x + r || pt.y > view.y + r) return;
      taken.add([pt.x - r, pt.y - r, pt.x + r, pt.y + r]);
      discs.push({ pl: pl, pt: pt, r: r });
    });
    discs.sort(function (a, b) { return b.r - a.r || a.pl.index - b.pl.index; });
    for (var i = 0; i < discs.length && n < size; i++) {
      var d = discs[i], name = d.pl.props.name == null ? "" : String(d.pl.props.name);
      if (!name) continue;
      var w = name.length * LABEL_CHAR_PX.place + 4, h = LABEL_H, gap = d.r + 2;
      var right = [d.pt.x + gap, d.pt.y - h / 2, d.pt.x + gap + w, d.pt.y + h / 2];
      var left = [d.pt.x - gap - w, d.pt.y - h / 2, d.pt.x - gap, d.pt.y + h / 2];
      var box = !taken.clashes(right) ? right : !taken.clashes(left) ? left : null;
      if (!box) continue;
      taken.add(box);
      n++;
      addLabel(d.pl.marker.getLatLng(), "place", name,
        box === right ? [-Math.round(gap), 8] : [Math.round(gap + w), 8]);
    }
    return n;
  }

  function drawLabels() {
    labelLayer.clearLayers();
    if (!map.hasLayer(labelLayer)) return;
    var taken = new BoxIndex();
    // A name under the layer control, the legend or a "+N" badge could not be read: take their boxes first.
    var origin = map.getContainer().getBoundingClientRect();
    var controls = map.getContainer().querySelectorAll(".leaflet-control, .mm-cluster");
    for (var ci = 0; ci < controls.length; ci++) {
      var r = controls[ci].getBoundingClientRect();
      if (r.width && r.height) taken.add([r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top]);
    }
    var n = placeMarkerLabels(taken, LABEL_MAX);
    var z = map.getZoom();
    var cands = LABELS ? labelCandidates(z, map.getBounds().pad(0.1)) : [];
    for (var i = 0; i < cands.length && n < LABEL_MAX; i++) {
      var c = cands[i], pt = map.latLngToContainerPoint([c.lat, c.lon]);
      var w = c.name.length * LABEL_CHAR_PX[c.kind] + 6, h = LABEL_H;
      var box = c.kind === "city"
        ? [pt.x - 3, pt.y - h / 2, pt.x + w, pt.y + h / 2]          // a dot and the name to its right
        : [pt.x - w / 2, pt.y - h / 2, pt.x + w / 2, pt.y + h / 2];
      if (taken.clashes(box)) continue;
      taken.add(box);
      n++;
      addLabel([c.lat, c.lon], c.kind, c.name, c.kind === "city" ? [3, 7] : [Math.round(w / 2), 7]);
    }
    document.body.setAttribute("data-mm-labels", String(n));
  }

  /* A move, a zoom (spreadMarkers) and a new render each ask for the names;
   * one redraw per animation frame serves them all. */
  var labelsQueued = false;
  function queueLabels() {
    if (labelsQueued) return;
    labelsQueued = true;
    (window.requestAnimationFrame || setTimeout)(function () { labelsQueued = false; drawLabels(); });
  }
  labelLayer.on("add", queueLabels);     // moves redraw them through spreadMarkers
  if (!tiles) labelLayer.addTo(map);

  // ------------------------------------------------------------ choropleth

  /* "Shade countries by mentions": each country outline of the offline basemap
   * filled by the mentions (or, on a corpus map sized by documents, the
   * documents) of the places whose true point lies inside it, on a log scale
   * (one much-mentioned country would otherwise wash out the rest). Off by
   * default; recomputed whenever the data or the corpus filter changes. */
  var SHADE_COLOR = "#c2410c";
  var SHADE_MIN = 0.12, SHADE_MAX = 0.6;    // fill opacity of the least and most mentioned country
  map.createPane("mm-shade");
  map.getPane("mm-shade").style.zIndex = 255;   // over the outlines, under the province lines
  map.getPane("mm-shade").style.pointerEvents = "none";
  var shadeLayer = L.layerGroup();
  var shadeIndex = null;                 // [{feature, bbox}] of the basemap, made on first use

  function ringsOf(geom) {
    if (!geom) return [];
    if (geom.type === "Polygon") return [geom.coordinates];
    if (geom.type === "MultiPolygon") return geom.coordinates;
    return [];
  }

  function insideRing(ring, x, y) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  /* The basemap feature containing (lon, lat): bounding boxes first, then the
   * even-odd rule on each polygon's rings (holes included). */
  function countryAt(lon, lat) {
    if (!shadeIndex) {
      shadeIndex = (window.MENTIONMAP_BASEMAP.features || []).map(function (f) {
        var b = [Infinity, Infinity, -Infinity, -Infinity];
        ringsOf(f.geometry).forEach(function (poly) {
          (poly[0] || []).forEach(function (pt) {
            b = [Math.min(b[0], pt[0]), Math.min(b[1], pt[1]), Math.max(b[2], pt[0]), Math.max(b[3], pt[1])];
          });
        });
        return { feature: f, bbox: b };
      });
    }
    for (var i = 0; i < shadeIndex.length; i++) {
      var e = shadeIndex[i], b = e.bbox;
      if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) continue;
      var polys = ringsOf(e.feature.geometry);
      for (var k = 0; k < polys.length; k++) {
        var n = 0;
        polys[k].forEach(function (ring) { if (insideRing(ring, lon, lat)) n++; });
        if (n % 2) return i;
      }
    }
    return -1;
  }

  function drawShade() {
    shadeLayer.clearLayers();
    if (!window.MENTIONMAP_BASEMAP || !map.hasLayer(shadeLayer)) return;
    var totals = {}, max = 0;
    (typeof places === "undefined" ? [] : places).forEach(function (pl) {
      var i = countryAt(pl.latlng.lng, pl.latlng.lat);
      if (i < 0) return;
      totals[i] = (totals[i] || 0) + sizeOf(pl.props);
      max = Math.max(max, totals[i]);
    });
    var shaded = 0;
    Object.keys(totals).forEach(function (i) {
      var t = totals[i];
      if (!(t > 0)) return;
      var share = max > 1 ? Math.log(1 + t) / Math.log(1 + max) : 1;
      var a3 = String((shadeIndex[i].feature.properties || {}).a3 || "").replace(/[^A-Za-z0-9]/g, "");
      L.geoJSON(shadeIndex[i].feature, {
        pane: "mm-shade", interactive: false, className: "mm-shade" + (a3 ? " mm-shade-" + a3 : ""),
        style: { stroke: false, fillColor: SHADE_COLOR, fillOpacity: SHADE_MIN + (SHADE_MAX - SHADE_MIN) * share }
      }).addTo(shadeLayer);
      shaded++;
    });
    document.body.setAttribute("data-mm-shaded", String(shaded));
    var key = legend.getContainer().querySelector(".mm-legend-shade");
    if (key) {
      key.hidden = !shaded;
      key.lastChild.textContent = "Countries shaded by " + (corpus && sizeBy === "docs" ? "documents" : "mentions") +
        ": 1 to " + max;
    }
  }
  shadeLayer.on("remove", function () {
    var key = legend.getContainer().querySelector(".mm-legend-shade");
    if (key) key.hidden = true;
  });
  shadeLayer.on("add", function () { setTimeout(drawShade, 0); });

  // One SVG renderer for all markers, so each marker is an SVG <path> tests can find.
  var svg = L.svg({ padding: 0.5 });
  var uncertaintySvg = L.svg({ pane: "mm-uncertainty", padding: 0.5 });
  var groups = {};
  LAYERS.forEach(function (l) { groups[l] = L.featureGroup(); });
  var overlays = {};
  LAYERS.forEach(function (l) {
    overlays['<span class="mm-swatch" style="background:' + LAYER_INFO[l].color + '"></span>' +
      LAYER_INFO[l].label + ' <span class="mm-layer-n" data-layer="' + l + '"></span>'] = groups[l];
  });
  overlays['<span class="mm-swatch mm-swatch-label"></span>Place names'] = labelLayer;
  overlays['<span class="mm-swatch mm-swatch-admin1"></span>Province lines'] = admin1Layer;
  if (window.MENTIONMAP_BASEMAP) {
    overlays['<span class="mm-swatch mm-swatch-shade"></span>Shade countries'] = shadeLayer;
  }
  var layersControl = L.control.layers(Object.keys(baseLayers).length > 1 ? baseLayers : null, overlays, {
    collapsed: false,
    position: "topright"
  }).addTo(map);
  LAYERS.forEach(function (l) { groups[l].addTo(map); });

  // ---------------------------------------------------------------- legend

  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "mm-legend");
    L.DomEvent.disableClickPropagation(div);
    div.innerHTML = "";
    return div;
  };
  legend.addTo(map);

  function renderLegend(maxCount) {
    var div = legend.getContainer();
    var rows = LAYERS.map(function (l) {
      return '<div class="mm-legend-row"><span class="mm-legend-dot" style="background:' +
        LAYER_INFO[l].color + '"></span>' + esc(LAYER_INFO[l].label) + "</div>";
    }).join("");
    var big = Math.max(1, maxCount || 1);
    var sizes = big > 1
      ? '<div class="mm-legend-sizes">' +
        '<span class="mm-legend-size" style="width:' + 2 * radiusFor(1, big) + "px;height:" + 2 * radiusFor(1, big) + 'px"></span> 1' +
        '<span class="mm-legend-size" style="width:' + 2 * radiusFor(big, big) + "px;height:" + 2 * radiusFor(big, big) + 'px"></span> ' + big +
        (corpus && sizeBy === "docs" ? " documents" : " mentions") + "</div>"
      : "";
    div.innerHTML =
      '<div class="mm-legend-title">Legend</div>' + rows + sizes +
      '<div class="mm-legend-row"><span class="mm-legend-dot mm-legend-rel"></span>Estimated from a relative phrase</div>' +
      '<div class="mm-legend-row mm-legend-shade" hidden><span class="mm-swatch mm-swatch-shade"></span><span></span></div>' +
      '<div class="mm-legend-credit">' + GEONAMES_ATTR + "</div>";
  }

  function radiusFor(count, maxCount) {
    var c = Math.max(1, count || 1), m = Math.max(1, maxCount || 1);
    if (m <= 1) return R_MIN + 2;
    return Math.round(R_MIN + (R_MAX - R_MIN) * Math.sqrt((c - 1) / (m - 1)));
  }

  // ---------------------------------------------------------------- popups

  function popupHtml(p, latlng) {
    var l = layerOf(p);
    var rows = [];
    function row(k, v, raw) {
      if (v == null || v === "") return;
      rows.push("<tr><th>" + esc(k) + "</th><td>" + (raw ? v : esc(v)) + "</td></tr>");
    }
    row("Gazetteer name", p.gazetteer_name);
    row("Country", p.country_code ? p.country_code + (p.admin1 ? " (admin1 " + p.admin1 + ")" : "") : null);
    if (p.geonameid != null) {
      var id = String(p.geonameid).replace(/[^0-9]/g, "");
      row("GeoNames ID", '<a class="mm-gn" href="https://www.geonames.org/' + id +
        '" target="_blank" rel="noopener noreferrer" title="geonames.org/' + id + '">' + esc(p.geonameid) + "</a>", true);
    }
    row("Feature code", p.feature_code);
    if (fmtInt(p.population)) row("Population", fmtInt(p.population));
    var conf = fmtConf(p.confidence);
    if (conf != null) {
      var pct = Math.max(0, Math.min(100, p.confidence * 100));
      row("Confidence", '<span class="mm-conf"><span class="mm-conf-bar"><span style="width:' + pct.toFixed(0) +
        '%"></span></span>' + esc(conf) + "</span>", true);
    }
    if (p.method === "relative") {
      var m = "relative estimate";
      if (p.uncertainty_km != null) m += " (± " + p.uncertainty_km + " km)";  // escaped by row()
      if (p.anchor) m += ", near " + p.anchor;
      row("Method", m);
    } else {
      row("Method", p.method);
    }

    if (corpus) return popupHead(p, l) + '<table class="mm-props">' + rows.join("") + "</table>" + docsHtml(p) + "</div>";
    var mentions = Array.isArray(p.mentions) ? p.mentions : [];
    var count = countOf(p);
    var items = mentions.slice(0, MAX_SNIPPETS).map(function (m) {
      var kind = m.kind && m.kind !== "name" ? ' <span class="mm-kind">' + esc(m.kind) + "</span>" : "";
      return "<li>" + snippetHtml(m) + kind + "</li>";
    }).join("");
    if (mentions.length > MAX_SNIPPETS) {
      items += '<li class="mm-more">… and ' + (mentions.length - MAX_SNIPPETS) + " more</li>";
    }
    return '<div class="mm-popup">' +
      '<div class="mm-popup-head"><span class="mm-popup-name">' + esc(p.name) + "</span>" +
      '<span class="mm-chip" style="background:' + LAYER_INFO[l].color + '">' + esc(LAYER_INFO[l].one) + "</span>" +
      (p.method === "relative" ? '<span class="mm-chip mm-chip-rel">estimate</span>' : "") + "</div>" +
      '<table class="mm-props">' + rows.join("") + "</table>" +
      '<div class="mm-mentions-head">' + esc(count) + (count === 1 ? " mention" : " mentions") + "</div>" +
      (items ? '<ol class="mm-mentions">' + items + "</ol>" : "") +
      "</div>";
  }

  function popupHead(p, l) {
    return '<div class="mm-popup">' +
      '<div class="mm-popup-head"><span class="mm-popup-name">' + esc(p.name) + "</span>" +
      '<span class="mm-chip" style="background:' + LAYER_INFO[l].color + '">' + esc(LAYER_INFO[l].one) + "</span>" +
      (p.method === "relative" ? '<span class="mm-chip mm-chip-rel">estimate</span>' : "") + "</div>";
  }

  /* A corpus map's popup body: the documents naming the place (most mentions
   * first), each with its title, date, count, a snippet when one was kept, and a
   * button that filters the map to that document. */
  function docsHtml(p) {
    var ids = Array.isArray(p.docs) ? p.docs : [];
    var ns = Array.isArray(p.doc_mentions) ? p.doc_mentions : [];
    var snips = {};
    (Array.isArray(p.snippets) ? p.snippets : []).forEach(function (s) {
      if (s && s.doc != null && snips[s.doc] == null) snips[s.doc] = s.snippet;
    });
    var order = ids.map(function (id, i) { return { id: String(id), n: num(ns[i]) }; });
    order.sort(function (a, b) { return b.n - a.n; });
    var items = order.slice(0, MAX_POPUP_DOCS).map(function (d) {
      var info = corpus.byId[d.id] || { id: d.id };
      var meta = [d.id];
      if (info.date) meta.push(info.date);
      meta.push(d.n + (d.n === 1 ? " mention" : " mentions"));
      var snip = snips[d.id] != null ? '<span class="mm-doc-snip">' + snippetHtml({ snippet: snips[d.id], text: p.name }) + "</span>" : "";
      return '<li class="mm-doc" data-doc="' + esc(d.id) + '"><span class="mm-doc-title">' + esc(info.title || d.id) + "</span> " +
        '<span class="mm-doc-meta">' + esc(meta.join(" · ")) + "</span>" + snip +
        '<button type="button" class="mm-doc-only" data-doc="' + esc(d.id) + '">only this document</button></li>';
    }).join("");
    if (order.length > MAX_POPUP_DOCS) items += '<li class="mm-more">… and ' + (order.length - MAX_POPUP_DOCS) + " more</li>";
    var nd = docCountOf(p), nm = countOf(p);
    return '<div class="mm-mentions-head">' + nd + (nd === 1 ? " document" : " documents") + " · " +
      nm + (nm === 1 ? " mention" : " mentions") + "</div>" +
      (items ? '<ol class="mm-docs">' + items + "</ol>" : "");
  }

  function num(v) {
    return typeof v === "number" && isFinite(v) && v >= 0 ? Math.round(v) : 0;
  }

  function docCountOf(p) {
    p = p || {};
    return typeof p.doc_count === "number" ? num(p.doc_count) : (Array.isArray(p.docs) ? p.docs.length : 0);
  }

  /* What a marker's size stands for: mentions for one document; documents (or
   * mentions, as chosen) for a corpus map. */
  function sizeOf(p) {
    return corpus && sizeBy === "docs" ? docCountOf(p) : countOf(p);
  }

  // ---------------------------------------------------------------- corpus

  var corpus = null;      // {full: fc, docs: [...], byId: {}, dated: bool} for an aggregated map
  var sizeBy = "docs";

  function isAggregate(fc) {
    return validCollection(fc) && fc.metadata && fc.metadata.aggregate === true &&
      Array.isArray(fc.metadata.documents);
  }

  /* "2016", "2016-03", "2016-03-04T10:00Z" as YYYY-MM-DD (the first day of a
   * month or year), or null. */
  function dateKey(v) {
    var m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(v == null ? "" : String(v));
    return m ? m[1] + "-" + (m[2] || "01") + "-" + (m[3] || "01") : null;
  }

  function setupCorpus(fc) {
    var docs = [], byId = {}, lo = null, hi = null;
    fc.metadata.documents.forEach(function (d) {
      if (!d || d.id == null) return;
      var info = { id: String(d.id), title: d.title == null ? "" : String(d.title),
        date: d.date == null ? "" : String(d.date), key: dateKey(d.date) };
      docs.push(info);
      if (!byId[info.id]) byId[info.id] = info;
      if (info.key) {
        if (lo == null || info.key < lo) lo = info.key;
        if (hi == null || info.key > hi) hi = info.key;
      }
    });
    corpus = { full: fc, docs: docs, byId: byId, dated: lo != null };
    $("mm-corpus").hidden = false;
    $("mm-dates").hidden = !corpus.dated;
    $("mm-doc-filter").value = "";
    ["mm-date-from", "mm-date-to"].forEach(function (id) {
      var el = $(id);
      el.value = "";
      el.min = lo || "";
      el.max = hi || "";
    });
    $("mm-date-from").placeholder = lo || "";
    $("mm-date-to").placeholder = hi || "";
  }

  /* The documents the filters let through, as a set of ids (null: all). */
  function allowedDocs() {
    var q = ($("mm-doc-filter").value || "").trim().toLowerCase();
    var from = $("mm-date-from").value, to = $("mm-date-to").value;
    if (!q && !from && !to) return null;
    var exact = q.length > 1 && q[0] === '"' && q[q.length - 1] === '"' ? q.slice(1, -1) : null;
    var ok = {}, n = 0;
    corpus.docs.forEach(function (d) {
      var id = d.id.toLowerCase();
      if (exact != null ? id !== exact : q && id.indexOf(q) < 0 && d.title.toLowerCase().indexOf(q) < 0) return;
      if ((from || to) && (!d.key || (from && d.key < from) || (to && d.key > to))) return;
      if (!ok[d.id]) { ok[d.id] = true; n++; }
    });
    ok.__n = n;
    return ok;
  }

  /* The full corpus map restricted to the allowed documents: counts recomputed,
   * places named by none of them left out. */
  function filteredCollection() {
    var ok = allowedDocs();
    var nDocs = ok ? ok.__n : corpus.docs.length;
    $("mm-doc-count").textContent = ok ? nDocs + " of " + corpus.docs.length : String(corpus.docs.length);
    if (!ok) return corpus.full;
    var feats = [];
    corpus.full.features.forEach(function (f) {
      var p = f && f.properties || {};
      var ids = Array.isArray(p.docs) ? p.docs : [], ns = Array.isArray(p.doc_mentions) ? p.doc_mentions : [];
      var keep = [], keepN = [], total = 0;
      for (var i = 0; i < ids.length; i++) {
        if (ok[String(ids[i])] === true) { keep.push(ids[i]); keepN.push(num(ns[i])); total += num(ns[i]); }
      }
      if (!keep.length) return;
      var q = {};
      for (var k in p) if (Object.prototype.hasOwnProperty.call(p, k)) q[k] = p[k];
      q.docs = keep; q.doc_mentions = keepN; q.doc_count = keep.length; q.mention_count = total;
      feats.push({ type: "Feature", id: f.id, geometry: f.geometry, properties: q });
    });
    return { type: "FeatureCollection", features: feats, metadata: corpus.full.metadata };
  }

  function refilter() {
    if (corpus) draw(filteredCollection(), { keepView: true });
  }
  $("mm-doc-filter").addEventListener("input", refilter);
  $("mm-date-from").addEventListener("change", refilter);
  $("mm-date-to").addEventListener("change", refilter);
  $("mm-size-by").addEventListener("change", function () { sizeBy = this.value; refilter(); });
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".mm-doc-only");
    if (!b || !corpus) return;
    $("mm-doc-filter").value = '"' + b.getAttribute("data-doc") + '"';
    map.closePopup();
    refilter();
  });

  // ---------------------------------------------------------------- render

  var places = [];   // {feature, props, marker, latlng, layer, li}

  function clearData() {
    LAYERS.forEach(function (l) { groups[l].clearLayers(); });
    places = [];
    $("mm-place-list").innerHTML = "";
  }

  function validCollection(fc) {
    return fc && typeof fc === "object" && fc.type === "FeatureCollection" && Array.isArray(fc.features);
  }

  /* Shows a collection: a single document's map, or a corpus map (aggregated,
   * with the document and date filters). */
  function render(fc, opts) {
    if (isAggregate(fc)) {
      setupCorpus(fc);
      fc = filteredCollection();
    } else {
      corpus = null;
      $("mm-corpus").hidden = true;
    }
    draw(fc, opts);
  }

  function draw(fc, opts) {
    opts = opts || {};
    clearData();
    if (!validCollection(fc)) {
      showStatus("The data is not a GeoJSON FeatureCollection.", "error");
      fc = { type: "FeatureCollection", features: [] };
    }
    var feats = fc.features.filter(function (f) {
      var g = f && f.geometry;
      return g && g.type === "Point" && Array.isArray(g.coordinates) &&
        isFinite(g.coordinates[0]) && isFinite(g.coordinates[1]);
    });
    var maxCount = 1;
    feats.forEach(function (f) {
      var c = sizeOf(f.properties);
      if (c > maxCount) maxCount = c;
    });
    // Big markers first so that small ones stay clickable on top.
    var order = feats.slice().sort(function (a, b) {
      return sizeOf(b.properties) - sizeOf(a.properties);
    });
    var counts = {};
    LAYERS.forEach(function (l) { counts[l] = 0; });

    order.forEach(function (f, idx) {
      var p = f.properties || {};
      var l = layerOf(p);
      var latlng = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
      var relative = p.method === "relative";
      var color = LAYER_INFO[l].color;
      var marker = L.circleMarker(latlng, {
        renderer: svg,
        radius: radiusFor(sizeOf(p), maxCount),
        color: relative ? color : "#ffffff",
        weight: relative ? 2.5 : 1.5,
        dashArray: relative ? "4 3" : null,
        fillColor: color,
        fillOpacity: relative ? 0.35 : 0.82,
        className: "mm-marker mm-layer-" + l + (relative ? " mm-relative" : ""),
        bubblingMouseEvents: false
      });
      marker.bindPopup(function () { return popupHtml(p, latlng); }, {
        maxWidth: 360, minWidth: 240, autoPanPadding: [30, 30], className: "mm-popup-wrap"
      });
      marker.bindTooltip(esc(p.name) + ' <span class="mm-tip-n">' + esc(sizeOf(p)) + "</span>", {
        direction: "top", offset: [0, -radiusFor(sizeOf(p), maxCount)], className: "mm-tooltip"
      });
      var place = { feature: f, props: p, marker: marker, latlng: latlng, layer: l, index: idx };
      marker.on("add", function () { tagMarker(place); });
      if (relative && typeof p.uncertainty_km === "number" && p.uncertainty_km > 0) {
        L.circle(latlng, {
          radius: p.uncertainty_km * 1000,
          pane: "mm-uncertainty",
          renderer: uncertaintySvg,
          color: color, weight: 1.2, dashArray: "5 4", fillColor: color, fillOpacity: 0.08,
          interactive: false, className: "mm-uncertainty mm-layer-" + l
        }).addTo(groups[l]);
      }
      marker.addTo(groups[l]);
      counts[l] += 1;
      places.push(place);
    });

    // Overlay counts in the layers control.
    LAYERS.forEach(function (l) {
      var els = document.querySelectorAll('.mm-layer-n[data-layer="' + l + '"]');
      for (var i = 0; i < els.length; i++) els[i].textContent = counts[l] ? "(" + counts[l] + ")" : "";
    });

    renderList();
    renderLegend(maxCount);
    renderDocInfo(fc.metadata || {}, places.length);
    if (!opts.keepView) fitToData(opts.animate);
    spreadMarkers();
    drawShade();
    document.body.setAttribute("data-mm-ready", "1");
    document.body.setAttribute("data-mm-places", String(places.length));
  }

  /* The mention count as a non-negative integer, whatever the data says: a
   * count that is not a finite number (a string, an object, markup) falls back
   * to the number of mentions listed, so nothing from the data reaches the DOM
   * or the radius arithmetic unchecked. */
  // ------------------------------------------------------- spread markers

  /* Markers stacked on one another (Syria, Aleppo and Handarat at world zoom)
   * are grouped under the biggest of them, their host. A small stack is fanned
   * out around its host, each marker with a thin leader line to its true point;
   * a big one (a corpus map's hundred US towns at world zoom) would turn into a
   * cloud that hides the geography, so its markers are hidden behind one "+N"
   * badge on the host that zooms in on them. Redone at every zoom, so stacks
   * open up as room appears. Only stacked markers (centre inside the other's
   * disc) are grouped: merely touching ones stay put. */
  var SPREAD_STACKED = 0.8;      // centres closer than this share of the larger radius are stacked
  var FAN_MAX = 5;               // a stack of up to this many fans out; more make a "+N" badge
  // Markers fanned out per view at most: an article's stacks fan out, but on a
  // dense corpus map fans would push each other into clouds, so the rest of
  // the stacks, biggest hosts first served, become badges.
  var FAN_BUDGET = 20;
  var BADGE_W = 40, BADGE_H = 18;  // px, a badge's box when deciding whether two would overlap
  var CLUSTER_ZOOM_STEP = 3;     // a badge's click zooms in at most this much (at least 1)
  var leaderLayer = L.layerGroup().addTo(map);
  var badgeLayer = L.layerGroup().addTo(map);

  /* Stacks of the visible markers: [{host, members}], biggest hosts first. */
  function stacksOf(list) {
    var hosts = [];
    list.forEach(function (pl) {
      var r = pl.marker.getRadius(), pt = map.latLngToLayerPoint(pl.latlng), host = null;
      for (var i = 0; i < hosts.length && !host; i++) {
        if (pt.distanceTo(hosts[i].pt) < SPREAD_STACKED * Math.max(r, hosts[i].r)) host = hosts[i];
      }
      if (host) host.members.push({ pl: pl, pt: pt, r: r });
      else hosts.push({ pl: pl, pt: pt, r: r, members: [] });
    });
    return hosts;
  }

  function setClustered(pl, on) {
    pl.clustered = on;
    var el = pl.marker.getElement && pl.marker.getElement();
    if (el) el.classList.toggle("mm-clustered", on);
    if (on) pl.marker.closeTooltip();
  }

  function badgeBox(host) {
    var p = map.latLngToContainerPoint(host.pl.latlng);
    var x = p.x + host.r * 0.5, y = p.y - host.r * 0.7 - BADGE_H / 2;
    return [x, y, x + BADGE_W, y + BADGE_H];
  }

  function addBadge(host) {
    var n = host.members.length;
    var icon = L.divIcon({
      className: "mm-cluster",
      html: "+" + n,
      iconSize: null,
      iconAnchor: [-Math.round(host.r * 0.5), Math.round(host.r * 0.7) + 9]   // on the host's upper right
    });
    var badge = L.marker(host.pl.latlng, {
      icon: icon, keyboard: true, riseOnHover: true, zIndexOffset: 1000,
      title: n + " more places here: click to zoom in"
    });
    badge.on("click", function () {
      var b = L.latLngBounds([host.pl.latlng]);
      host.members.forEach(function (m) { b.extend(m.pl.latlng); });
      var z = map.getZoom();
      var target = Math.min(map.getBoundsZoom(b.pad(0.2)), z + CLUSTER_ZOOM_STEP, map.getMaxZoom());
      map.setView(b.getCenter(), Math.max(target, z + 1));
    });
    badge.addTo(badgeLayer);
    var el = badge.getElement();
    if (el) el.setAttribute("data-count", String(n));
  }

  /* Badges that would overlap are one: the later stack (smaller host) joins
   * the earlier, host and all, so no badge hides another. */
  function mergeBadges(clusters) {
    var kept = [];
    clusters.forEach(function (h) {
      var box = badgeBox(h), into = null;
      for (var i = 0; i < kept.length && !into; i++) {
        var b = kept[i].box;
        if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) into = kept[i];
      }
      if (!into) { h.box = box; kept.push(h); return; }
      into.members.push({ pl: h.pl, pt: h.pt, r: h.r });
      h.members.forEach(function (m) { into.members.push(m); });
    });
    return kept;
  }

  function spreadMarkers() {
    leaderLayer.clearLayers();
    badgeLayer.clearLayers();
    var moved = 0, hidden = 0, clusters = [];
    var list = places.filter(function (pl) { return map.hasLayer(groups[pl.layer]); });
    list.sort(function (a, b) { return b.marker.getRadius() - a.marker.getRadius() || a.index - b.index; });
    var hosts = stacksOf(list);
    var placed = hosts.map(function (h) { return { pt: h.pt, r: h.r }; });
    var view = map.getBounds().pad(0.25);   // the budget is for what one sees (redone after each move)
    hosts.forEach(function (h) {
      h.pl.marker.setLatLng(h.pl.latlng);
      if (!h.members.length) return;
      if (h.members.length > FAN_MAX || !view.contains(h.pl.latlng) || moved + h.members.length > FAN_BUDGET) {
        clusters.push(h);
        return;
      }
      h.members.forEach(function (m) {
        var pos = freeSpotAround(h, m.r, placed) || m.pt;
        var ll = pos === m.pt ? m.pl.latlng : map.layerPointToLatLng(pos);
        m.pl.marker.setLatLng(ll);
        if (pos !== m.pt) {
          moved++;
          L.polyline([m.pl.latlng, ll], { color: "#52606d", weight: 1, opacity: 0.7, interactive: false,
            className: "mm-leader" }).addTo(leaderLayer);
        }
        placed.push({ pt: pos, r: m.r });
      });
    });
    places.forEach(function (pl) { setClustered(pl, false); });
    mergeBadges(clusters).forEach(function (h) {
      h.members.forEach(function (m) { m.pl.marker.setLatLng(m.pl.latlng); setClustered(m.pl, true); hidden++; });
      addBadge(h);
    });
    document.body.setAttribute("data-mm-spread", String(moved));
    document.body.setAttribute("data-mm-clustered", String(hidden));
    queueLabels();                     // names follow the markers' new places
  }

  /* A point on rings around `host` where a disc of radius r overlaps no placed one. */
  function freeSpotAround(host, r, placed) {
    for (var ring = 0; ring < 3; ring++) {
      var d = host.r + r + 3 + ring * (2 * r + 3);
      var steps = 12 + ring * 6;
      for (var k = 0; k < steps; k++) {
        var a = -Math.PI / 2 + k * 2 * Math.PI / steps;
        var c = L.point(host.pt.x + Math.cos(a) * d, host.pt.y + Math.sin(a) * d);
        var ok = true;
        for (var i = 0; i < placed.length && ok; i++) ok = c.distanceTo(placed[i].pt) >= r + placed[i].r;
        if (ok) return c;
      }
    }
    return null;
  }

  var spreadQueued = false;
  function queueSpread() {
    if (spreadQueued) return;
    spreadQueued = true;
    (window.requestAnimationFrame || setTimeout)(function () { spreadQueued = false; spreadMarkers(); });
  }
  map.on("moveend overlayadd overlayremove", queueSpread);

  function countOf(p) {
    p = p || {};
    var listed = Array.isArray(p.mentions) ? p.mentions.length : 0;
    var c = p.mention_count;
    return typeof c === "number" && isFinite(c) && c >= 0 ? Math.round(c) : listed;
  }

  function tagMarker(place) {
    var el = place.marker.getElement && place.marker.getElement();
    if (!el) return;
    el.setAttribute("data-name", place.props.name == null ? "" : String(place.props.name));
    el.setAttribute("data-layer", place.layer);
    el.setAttribute("data-index", String(place.index));
    if (place.feature.id != null) el.setAttribute("data-id", String(place.feature.id));
    el.setAttribute("data-mentions", String(countOf(place.props)));
    el.classList.toggle("mm-clustered", !!place.clustered);
  }

  function fitToData(animate) {
    if (!places.length) return;
    if (places.length === 1) {
      map.setView(places[0].latlng, 8, { animate: !!animate });
      return;
    }
    var b = L.latLngBounds(places.map(function (p) { return p.latlng; }));
    map.fitBounds(b, { padding: [40, 40], maxZoom: 8, animate: !!animate });
  }

  function renderDocInfo(meta, n) {
    var bits = [];
    var title = meta.title || meta.source || meta.doc;
    if (title) bits.push('<span class="mm-doc-title" title="' + esc(title) + '">' + esc(title) + "</span>");
    var gen = meta.generator ? esc(meta.generator) : "";
    var docs = corpus ? " in " + corpus.docs.length + (corpus.docs.length === 1 ? " document" : " documents") : "";
    bits.push('<span class="mm-doc-sub">' + n + (n === 1 ? " place" : " places") + docs + (gen ? " · " + gen : "") + "</span>");
    $("mm-docinfo").innerHTML = bits.join("");
    document.title = title ? String(title) + " — mentionmap" : "mentionmap";
    var attr = attributionText(meta);
    $("mm-footer").setAttribute("title", attr);
  }

  // -------------------------------------------------------------- the list

  function renderList() {
    var list = $("mm-place-list");
    var sorted = places.slice().sort(function (a, b) {
      return sizeOf(b.props) - sizeOf(a.props) || countOf(b.props) - countOf(a.props) ||
        (b.props.confidence || 0) - (a.props.confidence || 0) ||
        String(a.props.name).localeCompare(String(b.props.name));
    });
    var html = sorted.map(function (pl) {
      var p = pl.props, info = LAYER_INFO[pl.layer];
      var sub = [info.one];
      if (p.country_code) sub.push(p.country_code);
      if (p.method === "relative") sub.push(p.uncertainty_km != null ? "estimate ± " + p.uncertainty_km + " km" : "estimate");
      if (corpus) sub.push(docCountOf(p) + " docs · " + countOf(p) + " mentions");
      return '<li class="mm-place" tabindex="0" role="button" data-index="' + pl.index + '" data-layer="' + esc(pl.layer) +
        '" data-name="' + esc(p.name) + '">' +
        '<span class="mm-place-dot' + (p.method === "relative" ? " mm-place-dot-rel" : "") + '" style="--c:' + info.color + '"></span>' +
        '<span class="mm-place-text"><span class="mm-place-name">' + esc(p.name) + "</span>" +
        '<span class="mm-place-sub">' + esc(sub.join(" · ")) + "</span></span>" +
        '<span class="mm-place-n" title="' + (corpus && sizeBy === "docs" ? "documents" : "mentions") + '">' +
        esc(sizeOf(p)) + "</span></li>";
    }).join("");
    list.innerHTML = html;
    $("mm-count").textContent = places.length ? "(" + places.length + ")" : "";
    $("mm-empty").style.display = places.length ? "none" : "";
    applyFilter();
  }

  function placeByIndex(i) {
    for (var k = 0; k < places.length; k++) if (places[k].index === i) return places[k];
    return null;
  }

  function focusPlace(pl) {
    if (!map.hasLayer(groups[pl.layer])) map.addLayer(groups[pl.layer]);
    var z = Math.max(map.getZoom(), { countries: 5, regions: 7, cities: 9, districts: 11 }[pl.layer] || 8);
    map.setView(pl.latlng, Math.min(z, 12), { animate: true });
    pl.marker.openPopup();
    var items = document.querySelectorAll(".mm-place.mm-active");
    for (var i = 0; i < items.length; i++) items[i].classList.remove("mm-active");
    var li = document.querySelector('.mm-place[data-index="' + pl.index + '"]');
    if (li) li.classList.add("mm-active");
  }

  $("mm-place-list").addEventListener("click", function (e) {
    var li = e.target.closest(".mm-place");
    if (!li) return;
    var pl = placeByIndex(Number(li.getAttribute("data-index")));
    if (pl) focusPlace(pl);
  });
  $("mm-place-list").addEventListener("keydown", function (e) {
    if (e.key !== "Enter" && e.key !== " ") return;
    var li = e.target.closest(".mm-place");
    if (!li) return;
    e.preventDefault();
    var pl = placeByIndex(Number(li.getAttribute("data-index")));
    if (pl) focusPlace(pl);
  });

  map.on("popupopen", function (e) {
    var src = e.popup._source;
    places.forEach(function (pl) {
      var li = document.querySelector('.mm-place[data-index="' + pl.index + '"]');
      if (li) li.classList.toggle("mm-active", pl.marker === src);
    });
  });

  function applyFilter() {
    var q = ($("mm-filter").value || "").trim().toLowerCase();
    var items = $("mm-place-list").children;
    for (var i = 0; i < items.length; i++) {
      var name = (items[i].getAttribute("data-name") || "").toLowerCase();
      items[i].style.display = !q || name.indexOf(q) >= 0 ? "" : "none";
    }
  }
  $("mm-filter").addEventListener("input", applyFilter);

  // ----------------------------------------------------------- text input

  var loadedFile = null;   // {name, html: bool}

  function showStatus(msg, kind) {
    var el = $("mm-status");
    el.textContent = msg || "";
    el.className = "mm-status" + (kind ? " mm-status-" + kind : "");
  }

  function readFile(file) {
    if (!file) return;
    var name = file.name || "file";
    var lower = name.toLowerCase();
    var reader = new FileReader();
    reader.onerror = function () { showStatus("Could not read " + name + ".", "error"); };
    reader.onload = function () {
      var text = String(reader.result || "");
      if (/\.(jsonl|ndjson)$/.test(lower)) {
        aggregateJsonl(name, text);
        return;
      }
      if (/\.(geojson|json)$/.test(lower)) {
        try {
          var fc = JSON.parse(text);
          if (!validCollection(fc)) throw new Error("not a FeatureCollection");
          render(fc, { animate: true });
          showStatus("Showing " + name + ".", "ok");
        } catch (err) {
          showStatus(name + " is not a GeoJSON FeatureCollection (" + err.message + ").", "error");
        }
        return;
      }
      $("mm-text").value = text;
      loadedFile = { name: name, html: /\.html?$/.test(lower) || /^\s*<(!doctype|html)/i.test(text) };
      $("mm-filename").textContent = name;
      showStatus("Loaded " + name + " (" + text.length.toLocaleString("en-US") + " characters). Press Map.", "");
    };
    reader.readAsText(file);
  }

  $("mm-file").addEventListener("change", function (e) {
    readFile(e.target.files && e.target.files[0]);
    e.target.value = "";
  });
  $("mm-text").addEventListener("input", function () {
    if (loadedFile) { loadedFile = null; $("mm-filename").textContent = ""; }
  });

  // Drop a file anywhere on the page.
  var dragDepth = 0;
  document.addEventListener("dragenter", function (e) {
    if (!e.dataTransfer || Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") < 0) return;
    dragDepth++;
    document.body.classList.add("mm-dragging");
  });
  document.addEventListener("dragleave", function () {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) document.body.classList.remove("mm-dragging");
  });
  document.addEventListener("dragover", function (e) { e.preventDefault(); });
  document.addEventListener("drop", function (e) {
    e.preventDefault();
    dragDepth = 0;
    document.body.classList.remove("mm-dragging");
    var f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) readFile(f);
  });

  /* A JSONL corpus (one {"id", "text"|"html", "title"?, "date"?} per line) is
   * sent to api/aggregate and shown as a corpus map. */
  function aggregateJsonl(name, text) {
    if (window.location.protocol === "file:") {
      showStatus(name + ": a JSONL corpus needs the server (mentionmap serve), or run `mentionmap map --jsonl " +
        name + " --html map.html`.", "error");
      return;
    }
    showStatus("Mapping the documents of " + name + "…", "busy");
    postJson("api/aggregate", text, "application/x-ndjson").then(function (fc) {
      render(fc, { animate: true });
      var m = fc.metadata || {};
      showStatus(name + ": " + num(m.document_count) + " documents, " + places.length + " places" +
        (num(m.errors) ? ", " + num(m.errors) + " bad lines (first: " + String((m.error_lines || [])[0] || "") + ")" : "") + ".",
        num(m.errors) ? "error" : "ok");
    }).catch(function (err) {
      showStatus("Mapping " + name + " failed: " + (err && err.message ? err.message : String(err)), "error");
    });
  }

  /* POSTs a body; resolves to the FeatureCollection answered, rejects with the
   * server's {"error"} message (or what went wrong). */
  function postJson(url, body, ctype) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": ctype, "Accept": "application/geo+json, application/json" },
      body: body
    }).then(function (resp) {
      return resp.text().then(function (raw) {
        var json = null;
        try { json = raw ? JSON.parse(raw) : null; } catch (e) { json = null; }
        if (!resp.ok) {
          var msg = json && json.error ? json.error : (raw && raw.length < 300 ? raw : "");
          throw new Error("HTTP " + resp.status + (msg ? ": " + msg : ""));
        }
        if (json && json.error && !validCollection(json)) throw new Error(json.error);
        if (!validCollection(json)) throw new Error("the server did not send a GeoJSON FeatureCollection");
        return json;
      });
    });
  }

  function mapText() {
    var text = $("mm-text").value;
    if (!text.trim()) { showStatus("Paste a text or open a file first.", "error"); return; }
    var btn = $("mm-map-btn");
    btn.disabled = true;
    showStatus("Mapping…", "busy");
    var body = { text: text };
    if (loadedFile && loadedFile.html) body.format = "html";
    postJson("api/map", JSON.stringify(body), "application/json").then(function (fc) {
      render(fc, { animate: true });
      var n = places.length;
      showStatus(n ? "Found " + n + (n === 1 ? " place." : " places.") : "No places found in this text.", n ? "ok" : "");
    }).catch(function (err) {
      var msg = err && err.message ? err.message : String(err);
      if (err instanceof TypeError) msg = "could not reach api/map (" + msg + ")";
      showStatus("Mapping failed: " + msg, "error");
    }).then(function () { btn.disabled = false; });
  }

  $("mm-map-btn").addEventListener("click", mapText);
  $("mm-text").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); mapText(); }
  });

  // ------------------------------------------------------------------ start

  var embedded = window.MENTIONMAP_DATA;
  if (embedded && window.location.protocol === "file:") {
    $("mm-input").hidden = true;
    document.body.classList.add("mm-embedded");
  }
  renderLegend(1);
  if (embedded) {
    render(embedded, { animate: false });
  } else {
    renderList();
    renderDocInfo({}, 0);
    document.body.setAttribute("data-mm-ready", "1");
    document.body.setAttribute("data-mm-places", "0");
  }

  // A small hook for tests and for embedding pages.
  window.mentionmap = {
    map: map,
    render: render,
    places: function () {
      return places.map(function (p) { return { name: p.props.name, layer: p.layer, index: p.index }; });
    },
    focus: function (name) {
      for (var i = 0; i < places.length; i++) if (places[i].props.name === name) { focusPlace(places[i]); return true; }
      return false;
    },
    layersControl: layersControl,
    _markers: function () { return places.map(function (p) { return p.marker; }); }
  };
})();
