/* The walkway editor's map (patrols/walkways.html). The page works without it: the form
   below the map names the two stops and the edit. Here a tap fills that form in:
   - a tap on a walkway picks it: remove it, change its length or modes, or confirm it when it
     was assumed (dashed);
   - a tap on a stop, then on another, picks a pair: add a walkway between them (or, when they
     are already joined, that walkway).
   Data: GeoJSON in the json_script the map's data-walkway-map names; properties.role is
   building, stop, generated, assumed, add/change/confirm (edited) or remove. Leaflet is served
   by django-leaflet; tiles only when the deployment names a tile server. */
(function () {
  "use strict";
  var holder = document.querySelector("[data-walkway-map]");
  var form = holder && document.getElementById(holder.getAttribute("data-form"));
  if (!window.L || !holder || !form) { return; }
  var features = JSON.parse(document.getElementById(holder.getAttribute("data-walkway-map")).textContent).features;
  var words = { foot: "on foot", bicycle: "by bicycle", vehicle: "by vehicle" };
  var states = { generated: "from the map", assumed: "assumed, to check", add: "added", change: "changed", confirm: "confirmed", remove: "removed" };
  var looks = {
    building: { color: "#51606f", weight: 1, fillColor: "#c9d2db", fillOpacity: 0.5 },
    generated: { color: "#1f6feb", weight: 4, opacity: 0.8 },
    assumed: { color: "#b45309", weight: 4, opacity: 0.95, dashArray: "8 6" },
    add: { color: "#7c3aed", weight: 5, opacity: 0.9 },
    change: { color: "#7c3aed", weight: 5, opacity: 0.9 },
    confirm: { color: "#7c3aed", weight: 5, opacity: 0.9 },
    remove: { color: "#b91c1c", weight: 4, opacity: 0.75, dashArray: "2 8" },
    stop: { radius: 7, color: "#0b1f33", weight: 2, fillColor: "#ffffff", fillOpacity: 1 },
    picked: { color: "#0b1f33", weight: 8, opacity: 1, dashArray: null },
    pickedStop: { radius: 9, color: "#0b1f33", weight: 3, fillColor: "#1f6feb", fillOpacity: 1 }
  };
  var field = function (name) { return form.elements[name]; };
  var summary = document.querySelector("[data-ww-selected]");
  var map = L.map(holder, { zoomControl: true, attributionControl: false });
  var tiles = holder.getAttribute("data-tile-url");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 22, maxNativeZoom: 19 }).addTo(map); }

  var stops = {};     // node id → circle marker
  var walkways = {};  // "a|b" (a < b) → line
  var picked = { line: null, stops: [] };
  function pair(a, b) { return a < b ? a + "|" + b : b + "|" + a; }

  L.geoJSON(features.filter(function (f) { return f.properties.role === "building"; }), {
    style: looks.building, interactive: false
  }).addTo(map);
  var ways = features.filter(function (f) {
    var role = f.properties.role; return role !== "building" && role !== "stop";
  });
  var lines = L.geoJSON(ways, {
    style: function (f) { return looks[f.properties.role] || looks.generated; },
    interactive: false,
    onEachFeature: function (f, layer) { walkways[pair(f.properties.a, f.properties.b)] = layer; }
  }).addTo(map);
  // Each walkway is tapped on a wide invisible twin: a 4 px line is too thin for a thumb.
  var hits = L.geoJSON(ways, {
    style: function (f) {
      var p = f.properties;
      return { weight: 18, opacity: 0, className: "ww-hit ww-hit-" + p.role + " ww-pair-" + p.a + "--" + p.b };
    },
    onEachFeature: function (f, layer) {
      var line = walkways[pair(f.properties.a, f.properties.b)];
      layer.bindTooltip(f.properties.label + " (" + states[f.properties.role] + ")", { sticky: true });
      layer.on("click", function (e) { L.DomEvent.stop(e); pickWalkway(line); });
    }
  }).addTo(map);
  var points = L.geoJSON(features.filter(function (f) { return f.properties.role === "stop"; }), {
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, Object.assign({ className: "ww-stop ww-stop-" + f.properties.id }, looks.stop));
    },
    onEachFeature: function (f, layer) {
      stops[f.properties.id] = layer;
      layer.bindTooltip(f.properties.label);
      layer.on("click", function (e) { L.DomEvent.stop(e); pickStop(f.properties.id); });
    }
  }).addTo(map);
  // The campus fills the view; offsite points (stores, lots down the road) are a zoom out away.
  var bounds = L.latLngBounds([]);
  points.eachLayer(function (l) { if (!l.feature.properties.offsite) { bounds.extend(l.getLatLng()); } });
  if (!bounds.isValid()) { bounds = points.getBounds(); }
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16], maxZoom: 20 }); }

  // One floor at a time (stops of different floors share a spot): a stop shows on its floor,
  // a walkway on the floor of either end; the grounds (no floor) always.
  var floorPick = document.querySelector("[data-ww-floor]");
  function onFloor(f, floor) {
    var p = f.properties;
    if (floor === "") { return true; }
    if (p.role === "stop") { return p.floor === null || String(p.floor) === floor; }
    return (p.floors[0] === null && p.floors[1] === null) ||
      p.floors.some(function (level) { return level !== null && String(level) === floor; });
  }
  if (floorPick) {
    floorPick.hidden = false;
    var groups = [lines, hits, points];
    var all = groups.map(function (group) { return group.getLayers(); });
    floorPick.querySelector("select").addEventListener("change", function (e) {
      var floor = e.target.value;
      groups.forEach(function (group, i) {
        all[i].forEach(function (layer) {
          var show = onFloor(layer.feature, floor);
          if (show && !group.hasLayer(layer)) { group.addLayer(layer); }
          if (!show && group.hasLayer(layer)) { group.removeLayer(layer); }
        });
      });
      restyle();
    });
  }

  function restyle() {
    lines.eachLayer(function (l) { l.setStyle(looks[l.feature.properties.role] || looks.generated); });
    points.eachLayer(function (l) { l.setStyle(looks.stop); l.setRadius(looks.stop.radius); });
    // A pick on another floor than the one shown stays picked, but off the map.
    if (picked.line && map.hasLayer(picked.line)) { picked.line.setStyle(looks.picked); picked.line.bringToFront(); }
    picked.stops.forEach(function (id) {
      var m = stops[id];
      if (m && map.hasLayer(m)) { m.setStyle(looks.pickedStop); m.setRadius(looks.pickedStop.radius); m.bringToFront(); }
    });
  }
  // Only the edits that fit what is picked are offered; without a pick, all are.
  function offer(actions, chosen) {
    form.querySelectorAll("[data-ww-action]").forEach(function (label) {
      var input = label.querySelector("input");
      label.hidden = actions !== null && actions.indexOf(input.value) < 0;
      input.checked = input.value === chosen;
    });
    showMeasure();
  }
  function showMeasure() {
    var action = (form.querySelector("input[name=action]:checked") || {}).value;
    var box = form.querySelector("[data-ww-measure]");
    if (box) { box.hidden = action === "remove" || action === "confirm"; }
  }
  function setModes(modes) {
    form.querySelectorAll("input[name=modes]").forEach(function (box) { box.checked = modes.indexOf(box.value) >= 0; });
  }
  function label(id) { var m = stops[id]; return m ? m.feature.properties.label : id; }
  function focusForm() {
    if (window.matchMedia("(max-width: 60rem)").matches) { form.scrollIntoView({ behavior: "smooth", block: "start" }); }
  }

  function pickWalkway(layer) {
    var p = layer.feature.properties;
    picked.line = layer;
    picked.stops = [p.a, p.b];
    field("node_a").value = p.a;
    field("node_b").value = p.b;
    if (p.role === "remove") {
      summary.textContent = p.label + ": removed. To bring it back as the map generates it, undo its edit in the list below; or add it again with a length.";
      offer(["add"], "add");
      setModes(["foot"]);
      field("length_m").value = "";
    } else {
      var modes = p.modes.map(function (m) { return words[m]; }).join(", ");
      summary.textContent = "Walkway " + p.label + ": " + Math.round(p.metres) + " m, " + modes + " (" + states[p.role] + ")." + (p.note ? " Note: " + p.note : "");
      offer(p.role === "assumed" ? ["remove", "change", "confirm"] : ["remove", "change"], p.role === "assumed" ? "confirm" : "change");
      setModes(p.modes);
      field("length_m").value = p.metres;
    }
    restyle();
    focusForm();
  }

  function pickStop(id) {
    if (picked.line || picked.stops.length !== 1 || picked.stops[0] === id) {
      picked.line = null;
      picked.stops = [id];
      field("node_a").value = id;
      field("node_b").value = "";
      summary.textContent = "From " + label(id) + ": tap a second stop.";
      offer(null, "");
      restyle();
      return;
    }
    var first = picked.stops[0];
    var existing = walkways[pair(first, id)];
    if (existing) { pickWalkway(existing); return; }
    picked.stops = [first, id];
    field("node_a").value = first;
    field("node_b").value = id;
    var straight = map.distance(stops[first].getLatLng(), stops[id].getLatLng());
    summary.textContent = "New walkway " + label(first) + " ↔ " + label(id) + ": " + Math.round(straight) + " m in a straight line; give the real length if it is longer.";
    offer(["add"], "add");
    setModes(["foot"]);
    field("length_m").value = "";
    restyle();
    focusForm();
  }

  // The form's own choices (keyboard, or without tapping) show on the map too.
  function fromForm() {
    var a = field("node_a").value, b = field("node_b").value;
    picked.line = a && b ? walkways[pair(a, b)] || null : null;
    picked.stops = [a, b].filter(Boolean);
    restyle();
  }
  field("node_a").addEventListener("change", fromForm);
  field("node_b").addEventListener("change", fromForm);
  form.querySelectorAll("input[name=action]").forEach(function (r) { r.addEventListener("change", showMeasure); });
  map.on("click", function () {
    picked = { line: null, stops: [] };
    summary.textContent = "";
    offer(null, (form.querySelector("input[name=action]:checked") || {}).value);
    restyle();
  });
  fromForm();
  showMeasure();
})();
