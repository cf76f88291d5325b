/* Vigil patrol service worker: with no signal, a checkpoint tag's page still opens (from the
   cached offline check-in page) so the check-in can be queued on the phone with its time. */
var CACHE = "vigil-patrol-v1";
var OFFLINE = "/patrol/offline/";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll([OFFLINE]);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.mode !== "navigate") return;
  event.respondWith(fetch(request).catch(function () {
    return caches.match(OFFLINE);
  }));
});
