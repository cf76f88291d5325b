// Draw, move or remove one GeoJSON geometry on a Leaflet map, kept in a textarea that the form
// posts. The server checks what arrives (type, validity, near the campus); this only draws.
(function () {
  "use strict";
  if (!window.L || !L.Control.Draw) return;
  var GREY = { color: "#6b7785", weight: 1.5, fill: false, dashArray: "4 3", interactive: false };
  var SHAPE = { color: "#1f6feb", weight: 3, fillOpacity: 0.25 };
  var TOOL = { Point: "marker", LineString: "polyline", Polygon: "polygon" };

  function setUp(root) {
    var textarea = document.getElementById(root.getAttribute("data-target"));
    var types = root.getAttribute("data-types").split(",");
    var centre = JSON.parse(root.getAttribute("data-centre"));
    var context = JSON.parse(root.getAttribute("data-context") || "[]");
    var map = L.map(root.querySelector(".geometry-map"), { zoomSnap: 0.5, maxZoom: 22 });
    var tiles = root.getAttribute("data-tiles");
    if (tiles) L.tileLayer(tiles, { maxZoom: 22 }).addTo(map);
    var backdrop = L.featureGroup().addTo(map);
    context.forEach(function (item) {
      L.geoJSON(item.geometry, { style: GREY }).bindTooltip(item.label, { permanent: false }).addTo(backdrop);
    });
    var drawn = L.featureGroup().addTo(map);
    function load() {
      drawn.clearLayers();
      var text = textarea.value.trim();
      if (!text) return;
      try {
        L.geoJSON(JSON.parse(text), { style: SHAPE }).eachLayer(function (layer) { drawn.addLayer(layer); });
      } catch (err) { /* the server names the error on submit */ }
    }
    function store() {
      var layers = drawn.getLayers();
      textarea.value = layers.length ? JSON.stringify(layers[layers.length - 1].toGeoJSON().geometry) : "";
    }
    load();
    var draw = {};
    ["marker", "polyline", "polygon", "rectangle", "circle", "circlemarker"].forEach(function (tool) { draw[tool] = false; });
    types.forEach(function (t) { draw[TOOL[t]] = t === "Point" ? true : { shapeOptions: SHAPE }; });
    if (types.indexOf("Polygon") >= 0) draw.rectangle = { shapeOptions: SHAPE };
    map.addControl(new L.Control.Draw({ draw: draw, edit: { featureGroup: drawn } }));
    map.on(L.Draw.Event.CREATED, function (e) { drawn.clearLayers(); drawn.addLayer(e.layer); store(); });
    map.on(L.Draw.Event.EDITED, store);
    map.on(L.Draw.Event.DELETED, store);
    textarea.addEventListener("change", load);
    var bounds = drawn.getLayers().length ? drawn.getBounds() : backdrop.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.3));
    else map.setView(centre, 17);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-geometry-editor]").forEach(setUp);
  });
})();
