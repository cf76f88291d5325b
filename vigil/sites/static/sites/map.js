/* Campus map: vector layers from GET /api/schools/{id}/map drawn with Leaflet. No build step,
   no internet: a tile layer is added only when the deployment names its own tile server.
   The server decides colours and symbols (vigil/sites/geojson.py); this script only draws them,
   switches levels, toggles the surroundings and shows the details of what was clicked. */
(function () {
  "use strict";

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function symbolIcon(kind, symbol, extra) {
    var html = make("span", "mk mk-" + kind + (extra ? " " + extra : ""), symbol);
    return L.divIcon({ className: "mk-wrap", html: html.outerHTML, iconSize: [28, 28], iconAnchor: [14, 14] });
  }

  function onLevel(props, level) {
    return props.level === null || props.level === undefined || props.level === level;
  }

  function Details(panel, map) {
    this.panel = panel;
    this.map = map;
  }
  Details.prototype.show = function (title, subtitle, rows, extra) {
    var panel = this.panel;
    panel.replaceChildren();
    var close = make("button", "btn small secondary close", "Close");
    close.type = "button";
    close.addEventListener("click", function () { panel.hidden = true; });
    panel.appendChild(close);
    panel.appendChild(make("h2", "", title));
    if (subtitle) panel.appendChild(make("p", "muted", subtitle));
    var dl = make("dl", "facts");
    rows.forEach(function (row) {
      if (row[1] === "" || row[1] === null || row[1] === undefined) return;
      dl.appendChild(make("dt", "", row[0]));
      dl.appendChild(make("dd", row[2] || "", row[1]));
    });
    if (dl.childNodes.length) panel.appendChild(dl);
    if (extra) extra(panel);
    panel.hidden = false;
  };

  function assetDetails(details, p) {
    details.show(p.label, p.kind_label + (p.utility_label ? " · " + p.utility_label : ""), [
      ["Door use", p.door_use],
      ["Building", p.building],
      ["Where", p.area],
      ["How to operate", p.operating_steps, "steps"],
      ["Heading", p.heading_deg !== null ? p.heading_deg + "°" : ""],
      ["Field of view", p.field_of_view_deg !== null ? p.field_of_view_deg + "°" : ""],
      ["Tag", p.tag_id],
      ["Notes", p.notes]
    ], function (panel) {
      if (!p.photo_url) return;
      var img = make("img", "asset-photo");
      img.src = p.photo_url;
      img.alt = "Photo of " + p.label;
      img.loading = "lazy";
      panel.appendChild(img);
    });
  }

  function areaDetails(details, p, levelName) {
    details.show(p.name + (p.code ? " (" + p.code + ")" : ""), p.type_label, [
      ["Risk", p.risk_label + (p.isolated ? " · isolated" : ""), "risk-" + p.risk],
      ["Building", p.building],
      ["Level", p.level !== null ? levelName(p.level) : ""],
      ["Notes", p.notes]
    ]);
  }

  function buildingDetails(details, p) {
    details.show(p.name + " (" + p.code + ")", "Building", [["Notes", p.notes]], function (panel) {
      var actions = make("p", "actions");
      var page = make("a", "btn small secondary", "Building page");
      page.href = p.url;
      var card = make("a", "btn small", "Responder card (PDF)");
      card.href = p.card_url;
      actions.appendChild(page);
      actions.appendChild(card);
      panel.appendChild(actions);
    });
  }

  function surroundingDetails(details, p) {
    details.show(p.name, p.kind_label, [
      ["Contact", p.contact_name],
      ["Phone", p.contact_phone],
      ["Notes", p.notes]
    ]);
  }

  function CampusMap(root) {
    this.root = root;
    this.canvas = root.querySelector("[data-canvas]");
    this.status = root.querySelector("[data-status]");
    this.levelBox = root.querySelector("[data-levels]");
    this.surroundingsBox = root.querySelector("[data-surroundings]");
    this.map = L.map(this.canvas, { zoomSnap: 0.25, maxZoom: 22, attributionControl: false });
    this.details = new Details(root.querySelector("[data-details]"), this.map);
    if (root.dataset.tileUrl) {
      L.tileLayer(root.dataset.tileUrl, { maxZoom: 22, maxNativeZoom: 19 }).addTo(this.map);
    }
    this.level = 0;
    this.data = null;
    this.index = {};
    var hitsId = root.dataset.hits;
    this.hits = hitsId ? JSON.parse(document.getElementById(hitsId).textContent) : [];
    this.static = L.layerGroup().addTo(this.map);
    this.levelled = L.layerGroup().addTo(this.map);
    this.around = L.layerGroup();
    this.hitLayer = L.layerGroup().addTo(this.map);
  }

  CampusMap.prototype.start = function () {
    var self = this;
    if (!this.root.dataset.url) {
      this.showHits(true);
      this.ready();
      return;
    }
    fetch(this.root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("The map could not be loaded (" + response.status + ").");
        return response.json();
      })
      .then(function (data) { self.draw(data); })
      .catch(function (error) { self.fail(error.message); });
  };

  CampusMap.prototype.ready = function () {
    if (this.status) this.status.remove();
    this.root.dataset.ready = "true";
  };

  CampusMap.prototype.fail = function (message) {
    if (this.status) this.status.textContent = message;
    this.root.dataset.ready = "error";
  };

  CampusMap.prototype.levelName = function (ordinal) {
    var found = (this.data ? this.data.levels : []).filter(function (l) { return l.ordinal === ordinal; });
    return found.length ? found[0].name : "Level " + ordinal;
  };

  CampusMap.prototype.draw = function (data) {
    var self = this;
    this.data = data;
    ["buildings", "areas", "assets", "surroundings"].forEach(function (layer) {
      data.layers[layer].features.forEach(function (f) {
        self.index[layer.replace(/s$/, "") + "-" + f.properties.id] = f;
      });
    });
    var boundary = L.geoJSON(data.layers.boundary, {
      style: { color: "#0b1f33", weight: 2, dashArray: "6 4", fill: false },
      interactive: false
    }).addTo(this.static);
    L.geoJSON(data.layers.surroundings, {
      style: function (f) {
        var water = ["canal", "creek", "river"].indexOf(f.properties.kind) >= 0;
        var road = ["major_road", "side_street", "alley"].indexOf(f.properties.kind) >= 0;
        var hazard = f.properties.kind.indexOf("hazard") >= 0;
        return {
          color: water ? "#1e88e5" : road ? "#6c757d" : hazard ? "#b3261e" : "#7b5ea7",
          weight: f.properties.kind === "major_road" ? 6 : water ? 4 : 3,
          fillOpacity: 0.15,
          dashArray: hazard ? "4 3" : null
        };
      },
      pointToLayer: function (f, latlng) {
        var hazard = f.properties.kind.indexOf("hazard") >= 0;
        return L.marker(latlng, { icon: symbolIcon("surrounding", hazard ? "!" : "•", hazard ? "hazard" : ""), title: f.properties.name, keyboard: true });
      },
      onEachFeature: function (f, layer) {
        layer.on("click", function () { surroundingDetails(self.details, f.properties); });
      }
    }).addTo(this.around);
    L.geoJSON(data.layers.buildings, {
      style: { color: "#14202b", weight: 2.5, fillColor: "#f8f9fa", fillOpacity: 0.9 },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(f.properties.code, { permanent: false, direction: "center" });
        layer.on("click", function () { buildingDetails(self.details, f.properties); });
      }
    }).addTo(this.static);
    this.buildLevelSwitch();
    if (this.surroundingsBox) {
      this.surroundingsBox.addEventListener("change", function () {
        if (self.surroundingsBox.checked) self.around.addTo(self.map);
        else self.map.removeLayer(self.around);
      });
    }
    var focus = this.root.dataset.focus && this.index[this.root.dataset.focus];
    if (focus && focus.properties.level !== null && focus.properties.level !== undefined) {
      this.level = focus.properties.level;
    } else if (this.hits.length && this.hits[0].level !== null) {
      this.level = this.hits[0].level;
    }
    this.drawLevel();
    var bounds = boundary.getBounds();
    if (!bounds.isValid()) bounds = L.geoJSON(data.layers.buildings).getBounds();
    if (bounds.isValid()) this.map.fitBounds(bounds, { padding: [8, 8] });
    else this.map.setView([data.school.entrance[1], data.school.entrance[0]], 17);
    if (focus) this.focusOn(this.root.dataset.focus, focus);
    this.showHits(false);
    this.ready();
  };

  CampusMap.prototype.buildLevelSwitch = function () {
    var self = this;
    if (!this.levelBox) return;
    this.levelBox.replaceChildren();
    if (this.data.levels.length < 2) return;
    this.levelBox.appendChild(make("span", "label", "Level"));
    this.data.levels.forEach(function (level) {
      var button = make("button", "btn small secondary", level.name);
      button.type = "button";
      button.dataset.level = level.ordinal;
      button.addEventListener("click", function () {
        self.level = level.ordinal;
        self.drawLevel();
      });
      self.levelBox.appendChild(button);
    });
  };

  CampusMap.prototype.drawLevel = function () {
    var self = this;
    var level = this.level;
    this.levelled.clearLayers();
    if (this.levelBox) {
      this.levelBox.querySelectorAll("button").forEach(function (b) {
        b.setAttribute("aria-pressed", String(Number(b.dataset.level) === level));
      });
    }
    L.geoJSON(this.data.layers.areas, {
      filter: function (f) { return onLevel(f.properties, level); },
      style: function (f) {
        var p = f.properties;
        return { color: p.stroke, weight: p.weight, fillColor: p.fill, fillOpacity: 0.75, dashArray: p.isolated ? "5 3" : null };
      },
      onEachFeature: function (f, layer) {
        layer.on("click", function () { areaDetails(self.details, f.properties, self.levelName.bind(self)); });
      }
    }).addTo(this.levelled);
    L.geoJSON(this.data.layers.assets, {
      filter: function (f) { return onLevel(f.properties, level); },
      pointToLayer: function (f, latlng) {
        // Doors on top: they are what responders and officers look for first.
        var onTop = f.properties.kind === "exterior_door" ? 400 : 0;
        return L.marker(latlng, { icon: symbolIcon(f.properties.kind, f.properties.symbol), title: f.properties.label, keyboard: true, riseOnHover: true, zIndexOffset: onTop });
      },
      onEachFeature: function (f, layer) {
        layer.on("click", function () { assetDetails(self.details, f.properties); });
      }
    }).addTo(this.levelled);
  };

  CampusMap.prototype.focusOn = function (key, feature) {
    var p = feature.properties;
    var kind = key.split("-")[0];
    if (kind === "asset") {
      var c = feature.geometry.coordinates;
      this.map.setView([c[1], c[0]], 19);
      this.ring([c[1], c[0]]);
      assetDetails(this.details, p);
    } else {
      var bounds = L.geoJSON(feature).getBounds();
      if (bounds.isValid()) this.map.fitBounds(bounds, { maxZoom: 20, padding: [30, 30] });
      if (kind === "area") areaDetails(this.details, p, this.levelName.bind(this));
      else if (kind === "building") buildingDetails(this.details, p);
    }
  };

  CampusMap.prototype.ring = function (latlng) {
    L.circleMarker(latlng, { radius: 22, color: "#1f6feb", weight: 4, fill: false, className: "focus-ring", interactive: false }).addTo(this.hitLayer);
  };

  CampusMap.prototype.showHits = function (fit) {
    var self = this;
    var points = [];
    this.hits.forEach(function (hit, n) {
      if (!hit.point) return;
      var latlng = [hit.point[1], hit.point[0]];
      points.push(latlng);
      self.ring(latlng);
      var marker = L.marker(latlng, { icon: symbolIcon(hit.kind, hit.symbol || String(n + 1), "hit"), title: hit.title, keyboard: true, zIndexOffset: 1000 });
      marker.on("click", function () {
        var feature = self.index[hit.kind + "-" + hit.id];
        if (feature && hit.kind === "asset") assetDetails(self.details, feature.properties);
        else if (feature && hit.kind === "area") areaDetails(self.details, feature.properties, self.levelName.bind(self));
        else if (feature && hit.kind === "building") buildingDetails(self.details, feature.properties);
        else {
          self.details.show(hit.title, hit.detail, [], function (panel) {
            var link = make("a", "btn small", "Open the campus map");
            link.href = hit.map_url;
            panel.appendChild(link);
          });
        }
        if (hit.level !== null && hit.level !== self.level && self.data) {
          self.level = hit.level;
          self.drawLevel();
        }
      });
      marker.addTo(self.hitLayer);
    });
    if (points.length) {
      var bounds = L.latLngBounds(points);
      if (fit || this.hits.length) this.map.fitBounds(bounds.pad(0.3), { maxZoom: 19 });
    } else if (fit) {
      this.map.setView([0, 0], 2);
    }
    document.querySelectorAll("[data-hit]").forEach(function (link) {
      link.addEventListener("mouseenter", function () {
        var hit = self.hits[Number(link.dataset.hit)];
        if (hit && hit.point) self.map.panTo([hit.point[1], hit.point[0]]);
      });
    });
  };

  function boot() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-campus-map]").forEach(function (root) {
      new CampusMap(root).start();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
