/* Cunzhan counter service worker (agency/views_offline.py serves it at /counter/sw.js, version {{ version }}).
 * Our own code, no library. One versioned cache; an older version's cache is deleted on activation.
 * - Static files: cache first (their names change with their content in production).
 * - The declared data (catalogue, parcels, goods, till products) and the counter's shell pages: network
 *   first, the cached copy when the network is down; refreshed on every successful fetch.
 * - Any other counter page with the network down: the offline page declared for its path (those
 *   pages carry personal data and are not stored).
 * Only GET requests are cached; posts go to the network (the outbox sends them when it is back).
 */
"use strict";
var VERSION = "{{ version }}";
var CACHE = "cz-counter-" + VERSION;
var URLS = {{ urls_json|safe }};

// One request at a time: kinder to a slow village link than a burst of them.
function keepAll(cache, urls) {
  return urls.reduce(function (chain, url) {
    return chain.then(function () {
      return fetch(url, {credentials: "same-origin"}).then(function (response) {
        if (response.ok && !response.redirected) { return cache.put(url, response); }
      }).catch(function () { /* offline now: the next visit fills it */ });
    });
  }, Promise.resolve());
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return keepAll(cache, URLS.static.concat(URLS.shell, URLS.data));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("cz-counter-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "refresh") {  // online again: refresh the data and the shell
    event.waitUntil(caches.open(CACHE).then(function (cache) { return keepAll(cache, URLS.data.concat(URLS.shell)); }));
  } else if (data.type === "forget") {  // signing out: the station's pages and data go
    caches.delete(CACHE);
  }
});

function networkFirst(request, cacheKey) {
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok && !response.redirected && response.type === "basic") {
        cache.put(cacheKey, response.clone());
      }
      return response;
    }).catch(function () {
      return cache.match(cacheKey).then(function (hit) {
        if (hit) { return hit; }
        throw new Error("offline");
      });
    });
  });
}

function offlinePageFor(path) {
  for (var i = 0; i < URLS.pages.length; i++) {
    if (path.indexOf(URLS.pages[i][0]) === 0) { return URLS.pages[i][1]; }
  }
  return null;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (URLS.static.indexOf(url.pathname) !== -1 || url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok) { cache.put(request, response.clone()); }
          return response;
        });
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/counter/") !== 0 || url.pathname === "/counter/sw.js") { return; }
  // Only the shell pages and the declared data are kept: other counter pages (a request's details …)
  // carry personal data and are not stored; offline they give way to the declared offline page.
  var kept = URLS.shell.indexOf(url.pathname) !== -1 || URLS.data.indexOf(url.pathname) !== -1;
  var answer = kept ? networkFirst(request, url.pathname) : fetch(request);
  event.respondWith(answer.catch(function () {
    var page = request.mode === "navigate" ? offlinePageFor(url.pathname) : null;
    if (!page) { return new Response("", {status: 503, statusText: "offline"}); }
    return caches.open(CACHE).then(function (cache) {
      return cache.match(page).then(function (hit) {
        return hit || new Response("", {status: 503, statusText: "offline"});
      });
    });
  }));
});
