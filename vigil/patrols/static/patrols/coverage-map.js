/* The coverage page's map: the school's buildings and one dot per patrolled stop, coloured by
   its longest wait against its deadline (green within it, amber past 80 % of it, red missed)
   and sized by risk. Leaflet is served by django-leaflet; tiles only when the deployment
   names a tile server. The table under the map holds the same facts for screen readers. */
(function () {
  "use strict";
  var holder = document.querySelector("[data-coverage-map]");
  var data = document.getElementById("coverage-map-data");
  if (!holder || !data || !window.L) { return; }
  var colours = {
    ok: { color: "#166534", fillColor: "#22c55e" },
    close: { color: "#92400e", fillColor: "#f59e0b" },
    missed: { color: "#991b1b", fillColor: "#ef4444" }
  };
  var map = L.map(holder, { zoomControl: true, attributionControl: false });
  var tiles = holder.getAttribute("data-tile-url");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 22, maxNativeZoom: 19 }).addTo(map); }
  var building = { color: "#51606f", weight: 1, fillColor: "#c9d2db", fillOpacity: 0.5 };
  function heat(f) {
    var c = colours[f.properties.role] || colours.ok;
    return { color: c.color, weight: 2, fillColor: c.fillColor, fillOpacity: 0.85 };
  }
  var features = JSON.parse(data.textContent).features;
  var isStop = function (f) { return f.geometry.type === "Point"; };
  // Leaflet applies `style` to points too, so each layer gets its own.
  L.geoJSON(features.filter(function (f) { return !isStop(f); }), {
    style: function () { return building; },
    onEachFeature: function (f, l) { l.bindTooltip(f.properties.label); }
  }).addTo(map);
  var stops = L.geoJSON(features.filter(isStop), {
    style: heat,
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, Object.assign({
        radius: 5 + 2 * Math.min(3, f.properties.risk || 1),
        className: "cov-stop cov-stop-" + f.properties.role
      }, heat(f)));
    },
    onEachFeature: function (f, l) { l.bindTooltip(f.properties.label); }
  }).addTo(map);
  // The worst on top; the view fits the patrolled stops (the buildings are context).
  stops.eachLayer(function (l) { if (l.feature.properties.role === "missed") { l.bringToFront(); } });
  map.fitBounds(stops.getBounds(), { padding: [24, 24], maxZoom: 20 });
})();
