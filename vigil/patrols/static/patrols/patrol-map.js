/* The patrol pages' maps, drawn from GeoJSON the page embeds (json_script named by the map's
   data-patrol-map attribute). Each feature's properties.role picks its look:
   - coverage: building outlines and one dot per stop, heat-coloured by its longest wait
     against its deadline (ok green, close amber, missed red), sized by risk;
   - next stop: the walk from the last check-in ("here") to the next stop ("next") along the
     campus walkways ("route") — that leg only, never the rest of the plan.
   The view fits what matters (the stops or the route); buildings are context. Leaflet is
   served by django-leaflet; tiles only when the deployment names a tile server. The page says
   the same in text for screen readers. */
(function () {
  "use strict";
  if (!window.L) { return; }
  var looks = {
    building: { color: "#51606f", weight: 1, fillColor: "#c9d2db", fillOpacity: 0.5 },
    ok: { color: "#166534", weight: 2, fillColor: "#22c55e", fillOpacity: 0.85 },
    close: { color: "#92400e", weight: 2, fillColor: "#f59e0b", fillOpacity: 0.85 },
    missed: { color: "#991b1b", weight: 2, fillColor: "#ef4444", fillOpacity: 0.85 },
    route: { color: "#1f6feb", weight: 5, opacity: 0.85, dashArray: "8 6" },
    here: { color: "#0b1f33", weight: 2, fillColor: "#ffffff", fillOpacity: 1 },
    next: { color: "#0b1f33", weight: 3, fillColor: "#1f6feb", fillOpacity: 1 }
  };
  function look(f) { return looks[f.properties.role] || looks.ok; }
  function radius(f) {
    if (f.properties.role === "here" || f.properties.role === "next") { return 9; }
    return 5 + 2 * Math.min(3, f.properties.risk || 1);
  }
  document.querySelectorAll("[data-patrol-map]").forEach(function (holder) {
    var data = document.getElementById(holder.getAttribute("data-patrol-map"));
    if (!data) { return; }
    var features = JSON.parse(data.textContent).features;
    var map = L.map(holder, { zoomControl: true, attributionControl: false });
    var tiles = holder.getAttribute("data-tile-url");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 22, maxNativeZoom: 19 }).addTo(map); }
    var context = features.filter(function (f) { return f.properties.role === "building"; });
    var shown = features.filter(function (f) { return f.properties.role !== "building"; });
    L.geoJSON(context, { style: look, onEachFeature: function (f, l) { l.bindTooltip(f.properties.label); } }).addTo(map);
    // Leaflet applies `style` to points too, so every layer takes its look from its role.
    var main = L.geoJSON(shown, {
      style: look,
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, Object.assign({
          radius: radius(f), className: "map-" + f.properties.role
        }, look(f)));
      },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.label); }
    }).addTo(map);
    main.eachLayer(function (l) {
      if (l.feature.properties.role === "missed" || l.feature.properties.role === "next") { l.bringToFront(); }
    });
    map.fitBounds(main.getBounds(), { padding: [24, 24], maxZoom: 20 });
  });
})();
