// The dashboards' section menu (templates/rapporter/dashboard/overview.html). Each link is
// a page of its own; htmx fetches just the sections part and swaps it in. Afterwards the
// keyboard stays where it was: on the link of the section now shown.
(function () {
  "use strict";
  let pending = false;
  function sections() {
    return document.getElementById("dashboard-sections");
  }
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.detail.elt;
    if (elt && elt.hasAttribute("data-section") && sections()) {
      pending = true;
      sections().setAttribute("aria-busy", "true");
    }
  });
  ["htmx:responseError", "htmx:sendError"].forEach(function (name) {
    document.body.addEventListener(name, function () {
      if (pending && sections()) {
        sections().removeAttribute("aria-busy");
      }
      pending = false;
    });
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    if (!pending || !sections()) {
      return;
    }
    pending = false;
    const current = sections().querySelector('.dashboard-tabs [aria-current="page"]');
    if (current) {
      current.focus();
    }
  });
})();
