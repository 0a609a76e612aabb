/* The observer's tablet, ready without a connection whichever page she opened after
   logging in. Loaded on every page an observer sees (observasjoner/apps.py registers it,
   templates/base.html writes the tag): registers the service worker (data-sw) and asks it
   to keep her list and the cycle screen of every observation she records in the coming
   weeks (data-offline-list answers their addresses), plus any page named in a
   [data-offline-pages] holder. Once kept, each [data-offline-ready-for="<path>"] mark shows,
   and <html data-offline-ready="true"> says this very page opens offline. */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script || !script.dataset.sw) {
    return;
  }

  function pagesNamedHere() {
    const urls = [];
    document.querySelectorAll("[data-offline-pages]").forEach(function (holder) {
      try {
        JSON.parse(holder.dataset.offlinePages).forEach(function (url) { urls.push(url); });
      } catch (error) {
        // A broken holder keeps nothing more.
      }
    });
    return urls;
  }

  async function assignedPages() {
    if (!script.dataset.offlineList) {
      return [];
    }
    try {
      const response = await fetch(script.dataset.offlineList, {
        headers: { "Accept": "application/json" }, credentials: "same-origin",
        redirect: "manual", cache: "no-store",
      });
      if (response.status !== 200) {
        return [];
      }
      const body = await response.json();
      return Array.isArray(body.pages) ? body.pages : [];
    } catch (error) {
      // Offline: the worker still says which of this page's addresses it kept earlier.
      return [];
    }
  }

  function show(keptPaths) {
    const kept = new Set(keptPaths);
    document.querySelectorAll("[data-offline-ready-for]").forEach(function (mark) {
      mark.classList.toggle("d-none", !kept.has(mark.dataset.offlineReadyFor));
    });
    document.documentElement.dataset.offlineKept = String(kept.size);
    if (kept.has(window.location.pathname)) {
      document.documentElement.dataset.offlineReady = "true";
      document.querySelectorAll("[data-offline-indicator]").forEach(function (element) {
        element.classList.remove("d-none");
      });
    }
  }

  function keep(registration, urls) {
    return new Promise(function (resolve) {
      const channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        resolve((event.data && event.data.pages) || []);
      };
      registration.active.postMessage({ type: "keep-pages", urls: urls }, [channel.port2]);
    });
  }

  navigator.serviceWorker.register(script.dataset.sw)
    .then(function () { return navigator.serviceWorker.ready; })
    .then(async function (registration) {
      const urls = Array.from(new Set(pagesNamedHere().concat(await assignedPages())));
      show(await keep(registration, urls));
    })
    .catch(function () {
      // Without a service worker the pages still work online and keep their outbox.
    });
})();
