// Action plan form: a copy of what the leader writes stays in localStorage until the
// server has saved it (htmx autosave), so closing the tab or losing the connection loses
// nothing. On the next visit a copy that differs from the saved plan is offered back.
(function () {
  "use strict";

  const form = document.querySelector("form[data-draft-key]");
  if (!form) {
    return;
  }
  const key = form.dataset.draftKey;
  const banner = document.getElementById("draft-restore");
  // Counts edits, so a save answered after further typing does not clear the copy.
  let edits = 0;
  let editsSent = 0;

  function fields() {
    return Array.from(form.elements).filter(function (element) {
      return element.name && !["hidden", "submit", "button", "file"].includes(element.type);
    });
  }

  function fieldKey(element) {
    return element.type === "checkbox" || element.type === "radio"
      ? element.name + "=" + element.value : element.name;
  }

  function snapshot() {
    const values = {};
    fields().forEach(function (element) {
      values[fieldKey(element)] = element.type === "checkbox" || element.type === "radio"
        ? element.checked : element.value;
    });
    return values;
  }

  function differs(values) {
    const current = snapshot();
    return Object.keys(values).some(function (name) {
      return name in current && current[name] !== values[name];
    });
  }

  // Until the server answers, the status line says the latest changes are not saved yet.
  const status = document.getElementById("autosave-status");

  function markPending() {
    if (status && status.dataset.pending && !status.hasAttribute("data-is-pending")) {
      status.textContent = status.dataset.pending;
      status.setAttribute("data-is-pending", "");
    }
  }

  function store() {
    edits += 1;
    markPending();
    try {
      localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), values: snapshot() }));
    } catch (error) {
      // Storage full or disabled: the autosave still runs.
    }
  }

  function read() {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function restore(values) {
    fields().forEach(function (element) {
      const name = fieldKey(element);
      if (!(name in values)) {
        return;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values[name];
      } else {
        element.value = values[name];
      }
    });
    // Let the autosave send the restored text.
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  const copy = read();
  if (copy && copy.values && differs(copy.values) && banner) {
    const time = banner.querySelector("[data-draft-time]");
    if (time) {
      time.textContent = "(" + new Date(copy.at).toLocaleString() + ")";
    }
    banner.hidden = false;
    banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
      restore(copy.values);
      banner.hidden = true;
    });
    banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
      localStorage.removeItem(key);
      banner.hidden = true;
    });
  } else if (copy) {
    localStorage.removeItem(key);
  }

  form.addEventListener("input", store);
  form.addEventListener("change", store);
  form.addEventListener("htmx:beforeRequest", function () {
    editsSent = edits;
    if (status) {
      status.removeAttribute("data-is-pending");
    }
  });
  document.body.addEventListener("handleplan-saved", function () {
    if (edits === editsSent) {
      localStorage.removeItem(key);
    }
  });
  // WCAG 2.2 focus not obscured. The CSS gives every field a scroll margin clear of the
  // sticky status and action bars, but Chromium does not scroll a field that is already
  // inside the window when it takes the focus, even with its lower edge under the action
  // bar. Scrolling it to the nearest place that honours the margins fixes that case and
  // does nothing when the field is clear.
  form.addEventListener("focusin", function (event) {
    const target = event.target;
    if (target.closest(".plan-actions, .plan-status-bar")) {
      return;
    }
    target.scrollIntoView({block: "nearest", inline: "nearest"});
  });
  // A new phase row: put the keyboard in its first field.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    const detail = event.detail;
    if (detail.target && detail.target.id === "phases" && detail.requestConfig
        && detail.requestConfig.path.indexOf("/faser/ny/") !== -1) {
      const rows = detail.target.querySelectorAll(".plan-phase");
      const input = rows.length ? rows[rows.length - 1].querySelector("input") : null;
      if (input) {
        input.focus();
      }
    }
  });
})();
