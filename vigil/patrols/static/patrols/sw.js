/* Vigil patrol service worker (scope /patrol/). With signal, everything comes from the network
   as if there were no worker. With none:
   - a stop's checklist opens from the copy the patrol pages keep (checklist-queue.js keeps the
     checklist of the stop the officer is heading to and of each one opened, per shift);
   - any other page, a checkpoint tag's above all, opens the offline page, which queues the
     check-in on the phone with its time;
   - the static files those pages need come from the copies kept of them. */
var CACHE = "vigil-patrol-v2"; // the offline page; a new version replaces the old cache
var STATIC = "vigil-patrol-static";
var OFFLINE = "/patrol/offline/";
var ANY_VARY = {ignoreVary: true}; // pages vary by cookie; the copy is this phone's anyway

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll([OFFLINE]);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("vigil-patrol-v") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      var kept = request.method === "GET" ? caches.match(request, ANY_VARY) : Promise.resolve();
      return kept.then(function (hit) { return hit || caches.match(OFFLINE, ANY_VARY); });
    }));
    return;
  }
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin ||
      url.pathname.indexOf("/static/") !== 0) return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(STATIC).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, ANY_VARY).then(function (hit) { return hit || Response.error(); });
  }));
});
