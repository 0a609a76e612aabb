{% autoescape off %}/* Kvalitet's service worker: lets the observer's tablet open its pages without a connection.

   - Static files: from the cache first (refreshed when their version changes).
   - The observer's own pages (her list, the cycle screen): from the network first, the kept
     copy when there is no connection. A page is kept when a page asks for it: every page an
     observer opens asks for her list and the observations of the coming weeks
     (static/js/offline.js).
   - The API: always the network, never a cached answer; the page's outbox keeps every
     change until the server has answered. */
const CONFIG = {{ config }};
const STATIC_CACHE = "kvalitet-static-" + CONFIG.version;
const PAGE_CACHE = "kvalitet-pages";
const PAGE_PATTERN = new RegExp(CONFIG.pagePattern);

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then(function (cache) { return cache.addAll(CONFIG.staticUrls); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.filter(function (key) {
          return key.indexOf("kvalitet-static-") === 0 && key !== STATIC_CACHE;
        }).map(function (key) { return caches.delete(key); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

async function keepPages(urls) {
  const cache = await caches.open(PAGE_CACHE);
  const kept = [];
  for (const url of urls) {
    const path = new URL(url, self.location.origin).pathname;
    if (!PAGE_PATTERN.test(path)) {
      continue;
    }
    try {
      const response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
      if (response.ok && !response.redirected) {
        await cache.put(path, response);
      } else if (response.redirected) {
        await cache.delete(path);
      }
    } catch (error) {
      // No connection: the copy already kept (if any) stays.
    }
    if (await cache.match(path)) {
      kept.push(path);
    }
  }
  return kept;
}

self.addEventListener("message", function (event) {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  if (data.type !== "keep-pages") {
    return;
  }
  event.waitUntil(keepPages(data.urls || []).then(function (kept) {
    if (port) {
      port.postMessage({ kept: kept.length, pages: kept });
    }
  }));
});

async function staticFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true, ignoreVary: true });
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function pageNetworkFirst(request, path) {
  const cache = await caches.open(PAGE_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && response.type === "basic") {
      await cache.put(path, response.clone());
    } else if (response.type === "opaqueredirect" || response.redirected) {
      // Logged out, or the observation is submitted: stop serving the kept copy.
      await cache.delete(path);
    }
    return response;
  } catch (error) {
    const cached = await cache.match(path, { ignoreSearch: true, ignoreVary: true });
    if (cached) {
      return cached;
    }
    throw error;
  }
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method === "POST" && url.pathname === CONFIG.logoutPath) {
    // Logging out forgets the kept pages (the outbox of unsent scores stays in the page's
    // storage: it is never thrown away).
    event.waitUntil(caches.delete(PAGE_CACHE));
    return;
  }
  if (request.method !== "GET") {
    return;
  }
  if (url.origin !== self.location.origin || url.pathname.indexOf(CONFIG.apiPrefix) === 0) {
    return;
  }
  if (url.pathname.indexOf(CONFIG.staticPrefix) === 0) {
    event.respondWith(staticFirst(request));
  } else if (request.mode === "navigate" && PAGE_PATTERN.test(url.pathname)) {
    event.respondWith(pageNetworkFirst(request, url.pathname));
  }
});
{% endautoescape %}
