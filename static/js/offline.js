/* Registers the service worker (/sw.js) and asks it to keep this page (and, on the list of
   observations, every observation still to record) so the tablet opens them without a
   connection. Marks <html data-offline-ready="true"> and shows the indicator once kept. */
(function () {
  "use strict";

  const script = document.currentScript;
  const holder = document.querySelector("[data-offline-pages]");
  if (!("serviceWorker" in navigator) || !script || !holder) {
    return;
  }

  function kept() {
    document.documentElement.dataset.offlineReady = "true";
    document.querySelectorAll("[data-offline-indicator]").forEach(function (element) {
      element.classList.remove("d-none");
    });
  }

  navigator.serviceWorker.register(script.dataset.sw)
    .then(function () { return navigator.serviceWorker.ready; })
    .then(function (registration) {
      const channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        if (event.data && event.data.kept > 0) {
          kept();
        }
      };
      registration.active.postMessage(
        { type: "keep-pages", urls: JSON.parse(holder.dataset.offlinePages) },
        [channel.port2]);
    })
    .catch(function () {
      // Without a service worker the page still works online and keeps its outbox.
    });
})();
