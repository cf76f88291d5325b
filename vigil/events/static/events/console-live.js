/* The live console: fetch the rows once, then apply every pushed change (Server-Sent Events).
   The same rule as vigil/events/live.py `apply`: a row at least as new as the one held replaces
   it if it belongs in the view, and removes it otherwise. The browser reconnects by itself with
   Last-Event-ID; a stream that cannot reconnect starts over from a fresh fetch. Without
   EventSource the list falls back to reloading its rows every few seconds. No CDN, no files. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-console]");
  if (!root) { return; }
  var view = JSON.parse(root.getAttribute("data-view"));
  var mode = root.getAttribute("data-mode");  // "console" or "mine"
  var body = root.querySelector("[data-rows]");
  var statusLine = document.querySelector("[data-live-status]");
  var dispositions = JSON.parse(root.getAttribute("data-dispositions") || "[]");
  var csrf = root.getAttribute("data-csrf") || "";
  var state = new Map();
  var source = null;

  function say(text) { if (statusLine) { statusLine.textContent = text; } }

  function matches(row) {
    if (view.status === "active") { if (row.status === "resolved") { return false; } }
    else if (row.status !== view.status) { return false; }
    if (view.school_id !== null && row.school_id !== view.school_id) { return false; }
    return view.dispatched_to_id === null || row.dispatched_to_id === view.dispatched_to_id;
  }

  function before(a, b) {  // most severe, then newest, then highest id first
    if (a.severity !== b.severity) { return b.severity - a.severity; }
    if (a.occurred_at !== b.occurred_at) { return a.occurred_at < b.occurred_at ? 1 : -1; }
    return b.id - a.id;
  }

  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.2;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.35);
      osc.onended = function () { ctx.close(); };
    } catch (e) { /* no audio: the red row still shows */ }
  }

  function apply(rows, pushed) {
    var alarm = false;
    rows.forEach(function (row) {
      var held = state.get(row.id);
      if (held && held.version > row.version) { return; }
      if (matches(row)) {
        if (pushed && row.severity === 5 && row.status === "open" && (!held || held.status !== "open")) { alarm = true; }
        state.set(row.id, row);
      } else {
        state.delete(row.id);
      }
    });
    render();
    if (alarm) { beep(); }
  }

  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    if (h) { return h + " h " + m + " min"; }
    if (m) { return m + " min " + (s < 10 ? "0" : "") + s + " s"; }
    return s + " s";
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function severityBadge(row) {
    var level = row.severity >= 4 ? "high" : row.severity === 3 ? "medium" : "low";
    return el("span", { "class": "badge " + level }, [row.severity_label]);
  }

  function timer(since, label) {  // a live-running clock from `since` (ISO)
    return el("span", { "class": "timer muted", "data-since": since, "data-label": label }, [""]);
  }

  function timers(row) {
    var parts = el("span", { "class": "timers" }, []);
    if (row.time_to_ack_s !== null) {
      parts.appendChild(el("span", { "class": "timer muted" }, ["ack " + duration(row.time_to_ack_s)]));
    } else {
      parts.appendChild(timer(row.occurred_at, "unacknowledged "));
    }
    parts.appendChild(document.createTextNode(" · "));
    if (row.time_to_resolve_s !== null) {
      parts.appendChild(el("span", { "class": "timer muted" }, ["resolved in " + duration(row.time_to_resolve_s)]));
    } else {
      parts.appendChild(timer(row.occurred_at, "open "));
    }
    return parts;
  }

  function handling(row) {
    var cell = [];
    if (row.status === "open") {
      cell.push(el("span", { "class": "badge high" }, ["Open"]));
    } else if (row.status === "acknowledged") {
      cell.push(el("span", { "class": "muted" }, ["Being handled by"]), " ",
        el("span", { "class": "badge medium" }, [row.handled_by]));
    } else {
      cell.push(el("span", { "class": "badge low" }, [row.disposition_label || "Resolved"]));
    }
    if (row.dispatched_to && row.status !== "resolved") {
      cell.push(el("br"), el("span", { "class": "dispatched" }, ["Dispatched to " + row.dispatched_to]));
    }
    cell.push(el("br"), timers(row));
    return cell;
  }

  function consoleRow(row) {
    var critical = row.severity === 5 && row.status === "open";
    var tr = el("tr", { "data-event-id": String(row.id) }, [
      el("td", {}, [severityBadge(row)]),
      el("td", {}, [el("a", { href: row.url }, [row.title]), el("br"),
        el("span", { "class": "muted" }, [row.type_label + " · " + row.source])]),
      el("td", {}, [row.school || "Unmapped device"].concat(row.place ? [el("br"), el("span", { "class": "muted" }, [row.place])] : [])),
      el("td", { "class": "hide-phone" }, [new Date(row.occurred_at).toLocaleTimeString()]),
      el("td", {}, handling(row))
    ]);
    if (critical) { tr.className = "critical"; tr.setAttribute("data-critical", String(row.id)); }
    return tr;
  }

  function form(action, fields, button, secondary) {
    var f = el("form", { method: "post", action: action, "class": "inline-form" }, [
      el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf }),
      el("input", { type: "hidden", name: "next", value: "mine" })
    ]);
    fields.forEach(function (field) { f.appendChild(field); });
    f.appendChild(el("button", { "class": secondary ? "btn secondary" : "btn", type: "submit" }, [button]));
    return f;
  }

  function mineCard(row) {
    var base = row.url;
    var card = el("article", { "class": "card dispatch-card" + (row.severity >= 4 ? " urgent" : ""), "data-event-id": String(row.id) }, [
      el("h2", {}, [severityBadge(row), " ", el("a", { href: row.url }, [row.title])]),
      el("p", {}, [row.school || "Unmapped device", row.place ? " · " + row.place : ""]),
      el("p", {}, handling(row))
    ]);
    if (row.status === "open") {
      card.appendChild(form(base + "acknowledge/", [], "I'm on it"));
    }
    var select = el("select", { name: "disposition", required: "required", "aria-label": "How it ended" }, [el("option", { value: "" }, ["How it ended…"])]);
    dispositions.forEach(function (d) { select.appendChild(el("option", { value: d[0] }, [d[1]])); });
    card.appendChild(form(base + "resolve/", [select], "Resolve", true));
    return card;
  }

  function render() {
    var rows = Array.from(state.values()).sort(before);
    body.textContent = "";
    if (mode === "mine") {
      rows.forEach(function (row) { body.appendChild(mineCard(row)); });
      if (!rows.length) { body.appendChild(el("p", { "class": "muted card" }, ["Nothing dispatched to you. You will see it here the moment it is."])); }
    } else {
      var tbody = el("tbody", {}, rows.map(consoleRow));
      if (!rows.length) { tbody.appendChild(el("tr", {}, [el("td", { colspan: "5", "class": "muted" }, ["Nothing to show. Quiet is good."])])); }
      body.appendChild(el("table", {}, [el("thead", {}, [el("tr", {}, [
        el("th", { scope: "col" }, ["Severity"]), el("th", { scope: "col" }, ["What"]),
        el("th", { scope: "col" }, ["Where"]), el("th", { scope: "col", "class": "hide-phone" }, ["When"]),
        el("th", { scope: "col" }, ["Handling"])])]), tbody]));
    }
    tick();
  }

  function tick() {
    var now = Date.now();
    body.querySelectorAll("[data-since]").forEach(function (node) {
      node.textContent = node.getAttribute("data-label") + duration((now - Date.parse(node.getAttribute("data-since"))) / 1000);
    });
  }

  function connect() {
    var stateUrl = root.getAttribute("data-state-url");
    fetch(stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (snapshot) {
        state = new Map();
        apply(snapshot.events, false);
        source = new EventSource(root.getAttribute("data-stream-url") + "?after=" + snapshot.position);
        source.addEventListener("events", function (e) { apply(JSON.parse(e.data).events, true); });
        // Our position was pruned from the feed: only a fresh page is exact.
        source.addEventListener("reset", function () { source.close(); location.reload(); });
        source.onopen = function () { say("Live"); root.setAttribute("data-live", "on"); };
        source.onerror = function () {
          root.setAttribute("data-live", "off");
          if (source.readyState === EventSource.CLOSED) {  // refused: start over in a moment
            say("Reconnecting…");
            source = null;
            setTimeout(connect, 3000);
          } else {
            say("Reconnecting…");  // the browser resumes with Last-Event-ID by itself
          }
        };
      })
      .catch(function () { say("Offline: retrying…"); setTimeout(connect, 3000); });
  }

  if (window.EventSource && window.fetch) {
    connect();
    setInterval(tick, 1000);
  } else if (mode === "console" && window.htmx) {
    say("Updates every few seconds");
    setInterval(function () {
      window.htmx.ajax("GET", root.getAttribute("data-rows-url"), { target: body, swap: "innerHTML" });
    }, 3000);
  }
})();
