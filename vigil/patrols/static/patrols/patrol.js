/* The officer's patrol pages: device time and position on check-in, an offline queue that
   replays check-ins with their original time and id when the signal returns, and the service
   worker that keeps the patrol pages usable with no signal. No framework, no network fetches
   other than our own server. */
(function () {
  "use strict";
  var QUEUE = "vigil-patrol-queue";

  function queue() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(items) { localStorage.setItem(QUEUE, JSON.stringify(items)); }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function syncUrl() {
    var page = document.querySelector("[data-sync-url]");
    return page ? page.getAttribute("data-sync-url") : "/patrol/sync/";
  }
  function showQueue(text) {
    var box = document.querySelector(".patrol-queue");
    if (!box) return;
    box.hidden = !text;
    box.textContent = text || "";
  }

  function sync() {
    var items = queue();
    if (!items.length) { showQueue(""); return; }
    showQueue(items.length + " check-in(s) waiting for signal…");
    if (!navigator.onLine) return;
    fetch(syncUrl(), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(items)
    }).then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (answer) {
        var done = {}, refused = [];
        answer.results.forEach(function (r) {
          done[r.client_id] = true;
          if (r.status === "refused") refused.push(r.message);
        });
        saveQueue(queue().filter(function (i) { return !done[i.client_id]; }));
        showQueue(refused.length ? "Not recorded: " + refused.join(" ") : "");
        if (!refused.length && document.querySelector(".patrol-stop")) location.reload();
      }).catch(function () { /* still offline or signed out: keep the queue */ });
  }

  function checkIn(form) {
    var status = form.querySelector("[data-status]");
    var set = function (name, value) { form.elements[name].value = value; };
    set("occurred_at", new Date().toISOString());
    var submit = function () {
      if (navigator.onLine) { form.submit(); return; }
      var item = {};
      ["token", "client_id", "method", "occurred_at", "latitude", "longitude", "accuracy_m"]
        .forEach(function (n) { item[n] = form.elements[n].value; });
      var items = queue();
      if (!items.some(function (i) { return i.client_id === item.client_id; })) items.push(item);
      saveQueue(items);
      if (status) status.textContent = "No signal: check-in saved on this phone with its time; it is sent when the signal returns.";
    };
    if (form.elements.method.value === "manual" || !navigator.geolocation) { submit(); return; }
    var sent = false;
    var once = function () { if (!sent) { sent = true; submit(); } };
    navigator.geolocation.getCurrentPosition(function (p) {
      set("latitude", p.coords.latitude); set("longitude", p.coords.longitude);
      set("accuracy_m", p.coords.accuracy); once();
    }, once, {enableHighAccuracy: true, timeout: 4000, maximumAge: 10000});
    setTimeout(once, 5000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-checkin]");
    if (form) {
      form.addEventListener("submit", function (e) { e.preventDefault(); checkIn(form); });
      checkIn(form);
    }
    var panic = document.querySelector("form[data-panic]");
    if (panic && navigator.geolocation) {
      // Ask for the position now, so a press does not wait for it.
      navigator.geolocation.getCurrentPosition(function (p) {
        panic.elements.latitude.value = p.coords.latitude;
        panic.elements.longitude.value = p.coords.longitude;
        panic.elements.accuracy_m.value = p.coords.accuracy;
      }, function () {}, {enableHighAccuracy: true, timeout: 8000, maximumAge: 30000});
    }
    var deviceTime = document.querySelector("[data-device-time]");
    if (deviceTime) {
      deviceTime.form.addEventListener("submit", function () { deviceTime.value = new Date().toISOString(); });
    }
    var page = document.querySelector("[data-sw-url]");
    if (page && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(page.getAttribute("data-sw-url"), {scope: "/patrol/"}).catch(function () {});
    }
    sync();
    window.addEventListener("online", sync);
  });
})();
