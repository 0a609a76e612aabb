/* The observer's cycle screen (templates/observasjoner/recording/record.html).

   No score is ever lost: every change is written FIRST to an outbox in localStorage, then
   sent. An entry leaves the outbox only on a 200/201 JSON answer; a login page, a 403, 409,
   423 or a server error keeps it and the page says so. Each entry carries its own id
   (crypto.randomUUID(), made here, never in the page) so a replay creates nothing twice.
   The page shows the server's last known state with the outbox laid over it, so a reload
   or a closed tab while offline loses nothing. Summaries come from the server only. */
(function () {
  "use strict";

  const root = document.getElementById("recorder");
  if (!root) {
    return;
  }

  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  const T = readJson("recorder-strings");
  const API = readJson("recorder-api");
  const embedded = readJson("recorder-state");
  const PREFIX = "kvalitet:observasjon:" + embedded.observation.id + ":";
  const MIN_MINUTES = Number(T.minutes);
  const PLANNED_MINUTES = Number(T.planned_minutes);
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || "nb", {
    minimumFractionDigits: 2, maximumFractionDigits: 2,
  });

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); });
    return [hex.slice(0, 4), hex.slice(4, 6), hex.slice(6, 8), hex.slice(8, 10),
      hex.slice(10, 16)].map(function (part) { return part.join(""); }).join("-");
  }

  // Storage: one key per observation and purpose; every mutation reads, changes, writes.
  const store = {
    read: function (name, fallback) {
      try {
        const raw = window.localStorage.getItem(PREFIX + name);
        return raw === null ? fallback : JSON.parse(raw);
      } catch (error) {
        return fallback;
      }
    },
    write: function (name, value) {
      window.localStorage.setItem(PREFIX + name, JSON.stringify(value));
    },
    clear: function () {
      ["server", "outbox", "conflicts", "ui"].forEach(function (name) {
        window.localStorage.removeItem(PREFIX + name);
      });
    },
  };

  function indexState(state) {
    const snapshot = {
      generated_at: state.generated_at,
      observation: state.observation,
      cycles: {},
      scores: {},
      summary: state.summary,
    };
    state.cycles.forEach(function (cycle) { snapshot.cycles[cycle.client_id] = cycle; });
    state.scores.forEach(function (score) {
      snapshot.scores[scoreKey(score.cycle, score.dimension)] = score;
    });
    return snapshot;
  }

  function scoreKey(cycleId, dimension) {
    return "s|" + cycleId + "|" + dimension;
  }

  /* Two copies of the server's state (the page's own and the one kept on the tablet) are
     joined: the more recent one (by the server's clock) is the base; a score's version only
     grows, so the higher version wins; cycles are never removed, so both sets are kept. */
  function join(first, second) {
    const newer = (second.generated_at || "") > (first.generated_at || "") ? second : first;
    const older = newer === first ? second : first;
    Object.keys(older.scores).forEach(function (key) {
      const got = newer.scores[key];
      if (!got || got.version < older.scores[key].version) {
        newer.scores[key] = older.scores[key];
      }
    });
    Object.keys(older.cycles).forEach(function (id) {
      if (!newer.cycles[id]) {
        newer.cycles[id] = older.cycles[id];
      }
    });
    return newer;
  }

  // The page may come from the service worker's cache, older than what the tablet kept.
  let server = join(indexState(embedded), store.read("server", null) || indexState(embedded));
  saveServer();

  function saveServer() {
    store.write("server", server);
  }

  function mergeServer(state) {
    server = join(server, indexState(state));
    saveServer();
  }

  function outbox() {
    return store.read("outbox", []);
  }

  function setOutbox(list) {
    store.write("outbox", list);
  }

  function conflicts() {
    return store.read("conflicts", []);
  }

  function setConflicts(list) {
    store.write("conflicts", list);
  }

  function knownVersion(key) {
    const score = server.scores[key];
    return score ? score.version : 0;
  }

  /* Adds a change to the outbox. A change not yet tried is replaced by a newer one for the
     same thing; one already sent stays (its answer may have been lost) and the new one
     follows it. */
  function enqueue(kind, key, payload, baseVersion) {
    const list = outbox();
    let last = null;
    for (let i = list.length - 1; i >= 0; i -= 1) {
      if (list[i].key === key) {
        last = list[i];
        break;
      }
    }
    if (last && last.attempts === 0) {
      last.payload = payload;
      last.id = uuid();
    } else {
      list.push({
        id: uuid(), kind: kind, key: key, payload: payload,
        base_version: baseVersion, attempts: 0, created: new Date().toISOString(),
      });
    }
    try {
      setOutbox(list);
    } catch (error) {
      setProblem("storage");
      return;
    }
    scheduleFlush();
  }

  // What the page shows: the server's state with the outbox laid over it.
  function mergedCycles() {
    const cycles = {};
    Object.keys(server.cycles).forEach(function (id) {
      cycles[id] = Object.assign({}, server.cycles[id]);
    });
    outbox().forEach(function (entry) {
      if (entry.kind === "cycle") {
        cycles[entry.payload.client_id] = Object.assign(
          {}, cycles[entry.payload.client_id] || {}, entry.payload);
      }
    });
    return Object.keys(cycles).map(function (id) { return cycles[id]; })
      .sort(function (a, b) { return a.number - b.number; });
  }

  function mergedScore(cycleId, dimension) {
    const key = scoreKey(cycleId, dimension);
    const kept = server.scores[key];
    let score = kept ? { value: kept.value, note: kept.note }
      : { value: null, note: "" };
    outbox().forEach(function (entry) {
      if (entry.key === key) {
        score = { value: entry.payload.value, note: entry.payload.note };
      }
    });
    return score;
  }

  function mergedObservation() {
    let observation = Object.assign({}, server.observation);
    outbox().forEach(function (entry) {
      if (entry.kind === "observation") {
        observation = Object.assign(observation, entry.payload);
      }
    });
    return observation;
  }

  function ui() {
    return store.read("ui", {});
  }

  function currentCycle() {
    const cycles = mergedCycles();
    const chosen = ui().current;
    return cycles.find(function (cycle) { return cycle.client_id === chosen; })
      || cycles[cycles.length - 1] || null;
  }

  function setCurrent(id) {
    const state = ui();
    state.current = id;
    store.write("ui", state);
  }

  // Changes the observer makes --------------------------------------------------------

  function updateCycle(changes) {
    const cycle = currentCycle();
    if (!cycle) {
      return;
    }
    const payload = {
      client_id: cycle.client_id, number: cycle.number,
      started_at: cycle.started_at || null, ended_at: cycle.ended_at || null,
      interrupted: Boolean(cycle.interrupted), activity: cycle.activity || "",
      children_present: cycle.children_present === undefined ? null : cycle.children_present,
      adults_present: cycle.adults_present === undefined ? null : cycle.adults_present,
    };
    enqueue("cycle", "c|" + cycle.client_id, Object.assign(payload, changes), 0);
    render();
  }

  function setScore(dimension, changes) {
    const cycle = currentCycle();
    if (!cycle) {
      return;
    }
    const key = scoreKey(cycle.client_id, dimension);
    const current = mergedScore(cycle.client_id, dimension);
    const wanted = Object.assign({}, current, changes);
    if (wanted.value === current.value && wanted.note === current.note
        && !conflicts().some(function (c) { return c.key === key; })) {
      return;
    }
    // Scoring a dimension that is in conflict is the observer's choice: hers wins.
    setConflicts(conflicts().filter(function (c) { return c.key !== key; }));
    enqueue("score", key, {
      cycle: cycle.client_id, dimension: dimension, value: wanted.value, note: wanted.note,
    }, knownVersion(key));
    render();
  }

  function newCycle() {
    const current = currentCycle();
    if (current && current.started_at && !current.ended_at) {
      showTimerMessage(T.stop_first, "danger");
      return;
    }
    const number = mergedCycles().reduce(function (high, c) {
      return Math.max(high, c.number);
    }, 0) + 1;
    // One control starts a cycle: the new cycle's timer runs from this tap.
    const id = uuid();
    enqueue("cycle", "c|" + id, {
      client_id: id, number: number, started_at: new Date().toISOString(), ended_at: null,
      interrupted: false, activity: "", children_present: null, adults_present: null,
    }, 0);
    setCurrent(id);
    showTimerMessage("", "");
    render();
    root.querySelector("#cycle-heading").focus();
  }

  function elapsedMinutes(cycle) {
    if (!cycle || !cycle.started_at) {
      return 0;
    }
    const end = cycle.ended_at ? Date.parse(cycle.ended_at) : Date.now();
    return Math.max(0, (end - Date.parse(cycle.started_at)) / 60000);
  }

  function startTimer() {
    const cycle = currentCycle();
    if (cycle && !cycle.started_at) {
      showTimerMessage("", "");
      updateCycle({ started_at: new Date().toISOString() });
    }
  }

  function stopTimer() {
    const cycle = currentCycle();
    if (!cycle || !cycle.started_at || cycle.ended_at) {
      return;
    }
    if (elapsedMinutes(cycle) < MIN_MINUTES && !cycle.interrupted) {
      showTimerMessage(fill(T.too_short, { minutes: MIN_MINUTES }), "danger");
      refusedShort = true;
      return;
    }
    showTimerMessage("", "");
    updateCycle({ ended_at: new Date().toISOString() });
  }

  // A forgotten timer: the observer corrects the cycle's start and end (the tablet's clock,
  // on the day the cycle started). The server checks the same rules.
  function clockOf(iso) {
    if (!iso) {
      return "";
    }
    const moment = new Date(iso);
    return String(moment.getHours()).padStart(2, "0") + ":"
      + String(moment.getMinutes()).padStart(2, "0");
  }

  function onDayOf(iso, clock) {
    const match = /^(\d{1,2}):(\d{2})/.exec(clock || "");
    if (!match) {
      return null;
    }
    const moment = new Date(iso);
    moment.setHours(Number(match[1]), Number(match[2]), 0, 0);
    return moment;
  }

  function showTimesMessage(text, tone) {
    const box = root.querySelector("#cycle-times-message");
    box.textContent = text;
    box.className = text ? "mt-2 alert alert-" + tone + " py-2 mb-0" : "mt-2";
  }

  function correctTimes() {
    const cycle = currentCycle();
    if (!cycle || !cycle.started_at) {
      showTimesMessage(T.times_not_started, "danger");
      return;
    }
    const startText = root.querySelector("#cycle-start-time").value;
    const endText = root.querySelector("#cycle-end-time").value;
    const start = onDayOf(cycle.started_at, startText);
    const end = endText ? onDayOf(cycle.started_at, endText) : null;
    if (!start || (endText && !end)) {
      showTimesMessage(T.times_invalid, "danger");
      return;
    }
    if (!end && cycle.ended_at) {
      showTimesMessage(T.times_end_needed, "danger");
      return;
    }
    if (end && end <= start) {
      showTimesMessage(T.times_order, "danger");
      return;
    }
    const now = Date.now() + 60000;
    if (start.getTime() > now || (end && end.getTime() > now)) {
      showTimesMessage(T.times_future, "danger");
      return;
    }
    refusedShort = false;
    showTimerMessage("", "");
    updateCycle({ started_at: start.toISOString(), ended_at: end ? end.toISOString() : null });
    showTimesMessage(fill(T.times_saved, { minutes: Math.round(elapsedMinutes(currentCycle())) }),
      "success");
  }

  // Sending ---------------------------------------------------------------------------

  let refusedShort = false;
  let refreshSoon = false;
  let busy = false;
  let problem = null;
  let notice = "";
  let flushTimer = null;

  function setProblem(kind, detail) {
    problem = kind ? { kind: kind, detail: detail } : null;
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function urlFor(entry) {
    return { cycle: API.cycle, score: API.score, observation: API.observation }[entry.kind];
  }

  function scheduleFlush() {
    window.clearTimeout(flushTimer);
    flushTimer = window.setTimeout(sync, 50);
  }

  async function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(body),
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
    });
  }

  async function readAnswer(response) {
    if (response.type === "opaqueredirect" || response.status === 0) {
      return { status: "login", body: null };
    }
    const type = response.headers.get("Content-Type") || "";
    let body = null;
    if (type.indexOf("application/json") === 0) {
      try {
        body = await response.json();
      } catch (error) {
        body = null;
      }
    }
    return { status: response.status, body: body };
  }

  function acknowledge(entry, body) {
    const list = outbox().filter(function (e) { return e.id !== entry.id; });
    if (entry.kind === "score" && body.score) {
      server.scores[entry.key] = body.score;
      // Later changes of this device to the same score build on this one.
      list.forEach(function (e) {
        if (e.key === entry.key && e.base_version === entry.base_version) {
          e.base_version = body.score.version;
        }
      });
    } else if (entry.kind === "cycle" && body.cycle) {
      server.cycles[body.cycle.client_id] = body.cycle;
    } else if (entry.kind === "observation" && body.observation) {
      Object.assign(server.observation, body.observation);
    }
    if (body.summary) {
      server.summary = body.summary;
    }
    if (body.generated_at && body.generated_at > (server.generated_at || "")) {
      server.generated_at = body.generated_at;
    }
    saveServer();
    setOutbox(list);
  }

  // A 409: a renumbered cycle is sent again at once; a score changed elsewhere becomes a
  // conflict for the observer to resolve (kept on the tablet until she does).
  function handleConflict(entry, body) {
    const list = outbox();
    if (body.error === "cycle_number_taken" && entry.kind === "cycle" && body.next_number) {
      const old = entry.payload.number;
      list.forEach(function (e) {
        if (e.key === entry.key) {
          e.payload.number = body.next_number;
        }
      });
      setOutbox(list);
      notice = fill(T.renumbered, { old: old, new: body.next_number });
      refreshSoon = true;  // show the other device's cycle too
      window.setTimeout(function () { notice = ""; render(); }, 20000);
      return true;
    }
    if (body.error === "version_conflict" && entry.kind === "score" && body.server) {
      const same = list.filter(function (e) { return e.key === entry.key; });
      const mine = same.length ? same[same.length - 1].payload : entry.payload;
      setOutbox(list.filter(function (e) { return e.key !== entry.key; }));
      server.scores[entry.key] = body.server;
      saveServer();
      const cycle = mergedCycles().find(function (c) { return c.client_id === mine.cycle; });
      const kept = conflicts().filter(function (c) { return c.key !== entry.key; });
      kept.push({
        key: entry.key, mine: mine, theirs: body.server,
        cycle_number: cycle ? cycle.number : "?",
      });
      setConflicts(kept);
      return true;
    }
    return false;
  }

  /* A change the server can never take (a count out of range): it would hold up every
     change behind it, so it waits beside the queue, shown, until the observer dismisses it. */
  function setAside(entry, reason) {
    setOutbox(outbox().filter(function (e) { return e.id !== entry.id; }));
    const kept = conflicts().filter(function (c) { return c.key !== entry.key; });
    kept.push({ key: entry.key, refused: true, reason: reason, entry: entry });
    setConflicts(kept);
  }

  async function refresh() {
    if (!navigator.onLine) {
      return;
    }
    try {
      const response = await fetch(API.state, {
        headers: { "Accept": "application/json" }, credentials: "same-origin",
        redirect: "manual", cache: "no-store",
      });
      const answer = await readAnswer(response);
      if (answer.status === 200 && answer.body) {
        mergeServer(answer.body);
        if (answer.body.observation.locked) {
          setProblem("locked");
        }
      } else if (answer.status === "login" || answer.status === 401) {
        setProblem("login");
      }
    } catch (error) {
      setProblem("offline");
    }
  }

  async function flush() {
    for (;;) {
      const list = outbox();
      if (!list.length) {
        if (problem && problem.kind !== "locked") {
          setProblem(null);
        }
        return;
      }
      const entry = list[0];
      entry.attempts += 1;
      setOutbox(list);
      const body = Object.assign({}, entry.payload, {
        change_id: entry.id, base_version: entry.base_version,
      });
      let answer;
      try {
        answer = await readAnswer(await post(urlFor(entry), body));
      } catch (error) {
        setProblem("offline");
        return;
      }
      if ((answer.status === 200 || answer.status === 201) && answer.body) {
        acknowledge(entry, answer.body);
        setProblem(null);
        render();
        continue;
      }
      if (answer.status === 409 && answer.body && handleConflict(entry, answer.body)) {
        render();
        continue;
      }
      if (answer.status === 400 && answer.body && answer.body.error === "invalid") {
        setAside(entry, answer.body.reason);
        render();
        continue;
      }
      if (answer.status === 423) {
        setProblem("locked");
      } else if (answer.status === "login" || answer.status === 401) {
        setProblem("login");
      } else if (answer.status === 403) {
        setProblem("forbidden");
      } else if (answer.body && answer.body.reason) {
        setProblem("refused", answer.body.reason);
      } else {
        setProblem("server", answer.status);
      }
      return;
    }
  }

  async function sync(withRefresh) {
    if (busy) {
      return;
    }
    busy = true;
    try {
      if (withRefresh === true) {
        await refresh();
      }
      await flush();
      if (refreshSoon) {
        refreshSoon = false;
        await refresh();
      }
    } finally {
      busy = false;
      render();
      root.dataset.synced = "true";
    }
  }

  // Conflicts ----------------------------------------------------------------------------

  function resolve(key, keepMine) {
    const found = conflicts().find(function (c) { return c.key === key; });
    setConflicts(conflicts().filter(function (c) { return c.key !== key; }));
    if (found && keepMine && !found.refused) {
      enqueue("score", key, found.mine, knownVersion(key));
    }
    render();
  }

  // Submitting ---------------------------------------------------------------------------

  async function submit() {
    const message = root.querySelector("#submit-message");
    if (outbox().length || conflicts().length) {
      message.textContent = T.submit_wait;
      return;
    }
    if (!navigator.onLine) {
      message.textContent = T.submit_offline;
      return;
    }
    const button = root.querySelector("#submit-confirm");
    button.disabled = true;
    message.textContent = T.submitting;
    try {
      const answer = await readAnswer(await post(API.submit, {}));
      if (answer.status === 200 && answer.body) {
        message.textContent = T.submitted;
        store.clear();
        window.location.assign(API.done);
        return;
      }
      showSubmitRefusal(answer);
    } catch (error) {
      message.textContent = T.submit_offline;
    }
    button.disabled = false;
  }

  function showSubmitRefusal(answer) {
    const message = root.querySelector("#submit-message");
    message.textContent = "";
    const heading = document.createElement("p");
    heading.className = "fw-semibold mb-1";
    heading.textContent = answer.body && answer.body.problems ? T.submit_refused
      : (answer.body && answer.body.reason) || fill(T.server_error, { status: answer.status });
    message.appendChild(heading);
    if (answer.body && answer.body.problems) {
      const list = document.createElement("ul");
      answer.body.problems.forEach(function (text) {
        const item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      message.appendChild(list);
    }
  }

  // Showing ------------------------------------------------------------------------------

  function showTimerMessage(text, tone) {
    const box = root.querySelector("#timer-message");
    box.textContent = text;
    box.className = text ? "alert alert-" + (tone || "warning") + " py-2 mt-2 mb-0" : "";
  }

  function setText(element, text) {
    if (element.textContent !== text) {
      element.textContent = text;
    }
  }

  function formatClock(minutes) {
    const seconds = Math.floor(minutes * 60);
    const mm = String(Math.floor(seconds / 60)).padStart(2, "0");
    const ss = String(seconds % 60).padStart(2, "0");
    return mm + ":" + ss;
  }

  function renderStatus() {
    const status = root.querySelector("#sync-status");
    const waiting = outbox().length;
    const open = conflicts().length;
    let text;
    let tone;
    if (open) {
      text = fill(open === 1 ? T.conflicts_one : T.conflicts_many, { n: open });
      if (waiting) {
        text += " · " + fill(waiting === 1 ? T.waiting_one : T.waiting_many, { n: waiting });
      }
      tone = "is-conflict";
    } else if (waiting) {
      text = fill(waiting === 1 ? T.waiting_one : T.waiting_many, { n: waiting });
      tone = "is-waiting";
    } else {
      text = T.saved;
      tone = "is-saved";
    }
    setText(status, text);
    status.className = "sync-status mb-0 " + tone;
    status.dataset.waiting = String(waiting);

    const box = root.querySelector("#sync-problem");
    let detail = "";
    if (problem) {
      detail = {
        offline: T.offline, login: T.login, forbidden: T.forbidden, locked: T.locked,
        storage: T.storage || T.offline,
        refused: fill(T.refused, { reason: problem.detail || "" }),
        server: fill(T.server_error, { status: problem.detail }),
      }[problem.kind] || "";
    } else if (!navigator.onLine && waiting) {
      detail = T.offline;
    }
    if (notice) {
      detail = detail ? detail + " " + notice : notice;
    }
    setText(box, detail);
    box.classList.toggle("d-none", !detail);
    box.classList.toggle("alert-danger", Boolean(problem) && problem.kind !== "offline");
    box.classList.toggle("alert-warning", !problem || problem.kind === "offline");
  }

  function renderCycles(cycles, current) {
    const tabs = root.querySelector("#cycle-tabs");
    tabs.textContent = "";
    cycles.forEach(function (cycle) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn cycle-tab " + (current && cycle.client_id === current.client_id
        ? "btn-primary" : "btn-outline-primary");
      button.dataset.cycle = cycle.client_id;
      button.setAttribute("aria-pressed", String(Boolean(current
        && cycle.client_id === current.client_id)));
      const label = document.createElement("span");
      label.textContent = fill(T.cycle, { n: cycle.number });
      const state = document.createElement("span");
      state.className = "cycle-state";
      state.textContent = cycle.ended_at ? formatClock(elapsedMinutes(cycle))
        : cycle.started_at ? T.running : T.not_started;
      button.append(label, state);
      item.appendChild(button);
      tabs.appendChild(item);
    });
    const next = cycles.reduce(function (high, c) { return Math.max(high, c.number); }, 0) + 1;
    setText(root.querySelector("#new-cycle-label"), fill(T.start_cycle, { n: next }));
  }

  function setField(selector, value) {
    const field = root.querySelector(selector);
    const text = value === null || value === undefined ? "" : String(value);
    if (document.activeElement !== field && field.value !== text) {
      field.value = text;
    }
  }

  function renderTimer(cycle) {
    const display = root.querySelector("#timer");
    const minutes = elapsedMinutes(cycle);
    setText(display, formatClock(minutes));
    const running = Boolean(cycle && cycle.started_at && !cycle.ended_at);
    const over = running && minutes >= PLANNED_MINUTES;
    display.classList.toggle("is-over", over);
    setText(root.querySelector("#timer-state"), !cycle || !cycle.started_at ? T.not_started
      : running ? T.running : T.stopped);
    // "Start" shows only for a cycle whose timer never ran (one made on another device);
    // a new cycle starts with its own button.
    root.querySelector("#timer-start").classList.toggle("d-none",
      !cycle || Boolean(cycle.started_at));
    root.querySelector("#timer-stop").disabled = !running;
    const warning = root.querySelector("#timer-warning");
    setText(warning, over ? fill(T.timer_warn, { minutes: PLANNED_MINUTES }) : "");
    warning.classList.toggle("d-none", !over);
    // The refusal to stop no longer applies once the cycle is long enough.
    if (refusedShort && (!running || minutes >= MIN_MINUTES || (cycle && cycle.interrupted))) {
      refusedShort = false;
      showTimerMessage("", "");
    }
  }

  function renderConflicts() {
    const open = conflicts();
    const section = root.querySelector("#conflicts");
    section.classList.toggle("d-none", !open.length);
    const list = root.querySelector("#conflict-list");
    list.textContent = "";
    root.querySelectorAll(".dimension.has-conflict").forEach(function (element) {
      element.classList.remove("has-conflict");
    });
    const current = currentCycle();
    open.forEach(function (conflict) {
      const show = function (value) { return value === null ? T.no_score : value; };
      const item = document.createElement("li");
      item.className = "mb-2";
      if (conflict.refused) {
        const text = document.createElement("p");
        text.className = "mb-1";
        text.textContent = fill(T.refused, { reason: conflict.reason || "" });
        const dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "btn btn-outline-primary";
        dismiss.dataset.resolve = conflict.key;
        dismiss.dataset.keep = "none";
        dismiss.textContent = T.dismiss;
        item.append(text, dismiss);
        list.appendChild(item);
        return;
      }
      const text = document.createElement("p");
      text.className = "mb-1";
      text.textContent = fill(T.conflict, {
        dimension: conflict.mine.dimension, cycle: conflict.cycle_number,
        mine: show(conflict.mine.value), theirs: show(conflict.theirs.value),
      });
      const choice = document.createElement("div");
      choice.className = "conflict-choice d-flex flex-wrap gap-2";
      const keep = document.createElement("button");
      keep.type = "button";
      keep.className = "btn btn-primary";
      keep.dataset.resolve = conflict.key;
      keep.dataset.keep = "mine";
      keep.textContent = fill(T.keep_mine, { value: show(conflict.mine.value) });
      const theirs = document.createElement("button");
      theirs.type = "button";
      theirs.className = "btn btn-outline-primary";
      theirs.dataset.resolve = conflict.key;
      theirs.dataset.keep = "theirs";
      theirs.textContent = fill(T.use_theirs, { value: show(conflict.theirs.value) });
      choice.append(keep, theirs);
      item.append(text, choice);
      list.appendChild(item);
      if (current && conflict.mine.cycle === current.client_id) {
        const fieldset = root.querySelector('.dimension[data-dimension="'
          + conflict.mine.dimension + '"]');
        if (fieldset) {
          fieldset.classList.add("has-conflict");
        }
      }
    });
  }

  function renderDimensions(cycle) {
    const fieldsets = root.querySelectorAll(".dimension");
    let scored = 0;
    fieldsets.forEach(function (fieldset) {
      const dimension = fieldset.dataset.dimension;
      const score = cycle ? mergedScore(cycle.client_id, dimension) : { value: null, note: "" };
      if (score.value !== null) {
        scored += 1;
      }
      fieldset.querySelectorAll(".score-input").forEach(function (input) {
        input.checked = score.value !== null && Number(input.value) === score.value;
      });
      const note = fieldset.querySelector(".note-input");
      if (document.activeElement !== note && note.value !== (score.note || "")) {
        note.value = score.note || "";
      }
    });
    setText(root.querySelector("#cycle-progress"),
      fill(T.progress, { scored: scored, total: fieldsets.length }));
  }

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function bandCell(row, item) {
    const td = cell(row, "");
    if (item.band) {
      const badge = document.createElement("span");
      badge.className = "band-badge band-" + item.band;
      badge.textContent = item.band_label;
      td.appendChild(badge);
    } else {
      td.textContent = "–";
    }
  }

  function renderSummary() {
    const summary = server.summary;
    if (!summary) {
      return;
    }
    setText(root.querySelector("#summary-valid"), fill(T.valid_cycles, {
      valid: summary.valid_cycles, needed: summary.min_valid_cycles,
    }));
    const stale = root.querySelector("#summary-stale");
    const isStale = outbox().length > 0;
    stale.classList.toggle("d-none", !isStale);
    setText(stale, isStale ? T.stale : "");
    const value = function (v) { return v === null ? "–" : numberFormat.format(v); };
    const domains = root.querySelector("#summary-domains tbody");
    domains.textContent = "";
    summary.domains.forEach(function (domain) {
      const row = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = domain.code + " " + domain.name;
      row.appendChild(th);
      cell(row, value(domain.value), "text-end");
      bandCell(row, domain);
      domains.appendChild(row);
    });
    const dimensions = root.querySelector("#summary-dimensions tbody");
    dimensions.textContent = "";
    summary.dimensions.forEach(function (dimension) {
      const row = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = dimension.code;
      th.title = dimension.name;
      row.appendChild(th);
      cell(row, value(dimension.value), "text-end");
      bandCell(row, dimension);
      cell(row, dimension.spread ? dimension.spread[0] + "–" + dimension.spread[1] : "–",
        "text-end");
      dimensions.appendChild(row);
    });
    const problems = root.querySelector("#summary-problems");
    problems.textContent = "";
    Object.keys(summary.problems).forEach(function (number) {
      const item = document.createElement("li");
      item.textContent = fill(T.cycle, { n: number }) + ": "
        + summary.problems[number].join("; ");
      problems.appendChild(item);
    });
  }

  function renderSubmit() {
    const ready = !outbox().length && !conflicts().length;
    root.querySelector("#submit-start").disabled = !ready;
    setText(root.querySelector("#submit-hint"), ready ? "" : T.submit_wait);
  }

  function render() {
    const cycles = mergedCycles();
    const current = currentCycle();
    renderStatus();
    renderCycles(cycles, current);
    root.querySelector("#no-cycle").classList.toggle("d-none", Boolean(current));
    root.querySelector("#cycle-panel").classList.toggle("d-none", !current);
    if (current) {
      setText(root.querySelector("#cycle-number"), String(current.number));
      root.querySelector("#cycle-interrupted").checked = Boolean(current.interrupted);
      setField("#cycle-activity", current.activity || "");
      setField("#cycle-children", current.children_present);
      setField("#cycle-adults", current.adults_present);
      setField("#cycle-start-time", clockOf(current.started_at));
      setField("#cycle-end-time", clockOf(current.ended_at));
      root.querySelector("#cycle-times").classList.toggle("d-none", !current.started_at);
    }
    setField("#children-enrolled", mergedObservation().children_enrolled);
    renderTimer(current);
    renderDimensions(current);
    renderConflicts();
    renderSummary();
    renderSubmit();
  }

  // Wiring -------------------------------------------------------------------------------

  function countOrNull(text) {
    const number = parseInt(text, 10);
    return Number.isNaN(number) || number < 0 ? null : number;
  }

  const noteTimers = {};

  root.addEventListener("change", function (event) {
    const target = event.target;
    if (target.matches(".score-input")) {
      setScore(target.closest(".dimension").dataset.dimension, { value: Number(target.value) });
    } else if (target.matches(".note-input")) {
      window.clearTimeout(noteTimers[target.id]);
      setScore(target.dataset.dimension, { note: target.value.trim() });
    } else if (target.id === "cycle-interrupted") {
      showTimerMessage("", "");
      updateCycle({ interrupted: target.checked });
    } else if (target.id === "cycle-activity") {
      updateCycle({ activity: target.value });
    } else if (target.id === "cycle-children") {
      updateCycle({ children_present: countOrNull(target.value) });
    } else if (target.id === "cycle-adults") {
      updateCycle({ adults_present: countOrNull(target.value) });
    } else if (target.id === "children-enrolled") {
      enqueue("observation", "o", { children_enrolled: countOrNull(target.value) }, 0);
      render();
    }
  });

  // Notes are kept while typing too, so a closed tab loses at most a second of text.
  root.addEventListener("input", function (event) {
    const target = event.target;
    if (target.matches(".note-input")) {
      window.clearTimeout(noteTimers[target.id]);
      noteTimers[target.id] = window.setTimeout(function () {
        setScore(target.dataset.dimension, { note: target.value.trim() });
      }, 700);
    }
  });

  root.addEventListener("click", function (event) {
    const button = event.target.closest("button");
    if (!button || !root.contains(button)) {
      return;
    }
    if (button.dataset.cycle) {
      setCurrent(button.dataset.cycle);
      showTimerMessage("", "");
      showTimesMessage("", "");
      render();
    } else if (button.dataset.resolve) {
      resolve(button.dataset.resolve, button.dataset.keep === "mine");
    } else if (button.id === "new-cycle") {
      newCycle();
    } else if (button.id === "timer-start") {
      startTimer();
    } else if (button.id === "timer-stop") {
      stopTimer();
    } else if (button.id === "cycle-times-save") {
      correctTimes();
    } else if (button.id === "submit-start") {
      root.querySelector("#submit-confirm-area").classList.remove("d-none");
      root.querySelector("#submit-confirm").focus();
    } else if (button.id === "submit-cancel") {
      root.querySelector("#submit-confirm-area").classList.add("d-none");
    } else if (button.id === "submit-confirm") {
      submit();
    }
  });

  window.addEventListener("online", function () { sync(true); });
  window.addEventListener("offline", function () { setProblem("offline"); render(); });
  window.addEventListener("storage", function (event) {
    if (event.key && event.key.indexOf(PREFIX) === 0) {
      server = store.read("server", server);
      render();
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      sync(false);
    }
  });
  window.setInterval(function () { renderTimer(currentCycle()); }, 1000);
  window.setInterval(function () { sync(false); }, 10000);

  render();
  root.dataset.ready = "true";
  sync(true);
})();
