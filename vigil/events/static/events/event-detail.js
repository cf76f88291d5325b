/* An event's page: the running timers of an open event, and the small map of its place
   (the building's footprint, the event's area or device highlighted, the nearest camera).
   Leaflet is served by django-leaflet; tiles only when the deployment names a tile server. */
(function () {
  "use strict";
  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    if (h) { return h + " h " + m + " min"; }
    if (m) { return m + " min " + (s < 10 ? "0" : "") + s + " s"; }
    return s + " s";
  }
  function tick() {
    document.querySelectorAll("[data-since]").forEach(function (node) {
      node.textContent = node.getAttribute("data-label") + duration((Date.now() - Date.parse(node.getAttribute("data-since"))) / 1000);
    });
  }
  tick();
  setInterval(tick, 1000);

  var holder = document.querySelector("[data-event-map]");
  var data = document.getElementById("event-map-data");
  if (!holder || !data || !window.L) { return; }
  var styles = {
    building: { color: "#51606f", weight: 1, fillColor: "#c9d2db", fillOpacity: 0.5 },
    event: { color: "#b42318", weight: 3, fillColor: "#f04438", fillOpacity: 0.45 },
    camera: { color: "#1d4ed8", weight: 2, fillColor: "#3b82f6", fillOpacity: 0.9 }
  };
  var map = L.map(holder, { zoomControl: true, attributionControl: false });
  var tiles = holder.getAttribute("data-tile-url");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 22, maxNativeZoom: 19 }).addTo(map); }
  var layer = L.geoJSON(JSON.parse(data.textContent), {
    style: function (f) { return styles[f.properties.role] || styles.building; },
    pointToLayer: function (f, latlng) {
      var s = styles[f.properties.role] || styles.event;
      return L.circleMarker(latlng, Object.assign({ radius: f.properties.role === "camera" ? 6 : 9 }, s));
    },
    onEachFeature: function (f, l) { l.bindTooltip(f.properties.label); }
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 20 });
})();
