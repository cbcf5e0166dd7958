/* Coproduce live sessions: keeps a page in step with the session.
 *
 * Progressive enhancement only: every form on these pages posts normally without this file.
 * With it, the page opens a websocket; forms marked data-live="..." are sent over it and answered
 * with an acknowledgement. If the websocket cannot be opened (some networks block them), the page
 * polls instead every few seconds and forms post normally. On reconnecting, the server sends the
 * current state and panel, so a participant carries on where they were.
 */
(function () {
  "use strict";

  var root = document.getElementById("live");
  if (!root) { return; }

  var view = root.getAttribute("data-view");
  var wsPath = root.getAttribute("data-ws");
  var stateUrl = root.getAttribute("data-state-url");
  var panelUrl = root.getAttribute("data-panel-url");
  var phaseBox = document.getElementById("live-phase");
  var panelBox = document.getElementById("live-panel");
  var feedback = document.getElementById("live-feedback");
  var announcer = document.getElementById("live-announcer");
  var connection = document.getElementById("live-connection");

  var POLL_MS = 3000;
  var ACK_TIMEOUT_MS = 8000;

  var socket = null;
  var failures = 0;
  var pollTimer = null;
  var retryTimer = null;
  var nextRef = 1;
  var pending = {};
  var known = { version: null, phase: null, status: null };
  var deadline = null;   // performance.now() when the phase's time runs out, if running
  var remainingPaused = null;

  function csrfToken() {
    var fromBody = document.body.getAttribute("data-csrf");
    if (fromBody) { return fromBody; }
    var headers = document.body.getAttribute("hx-headers");
    if (headers) {
      try { return JSON.parse(headers)["X-CSRFToken"] || ""; } catch (e) { /* fall through */ }
    }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function fillCsrf(container) {
    var token = csrfToken();
    var inputs = container.querySelectorAll("input[name=csrfmiddlewaretoken]");
    for (var i = 0; i < inputs.length; i++) {
      if (!inputs[i].value) { inputs[i].value = token; }
    }
  }

  function setConnection(text) {
    if (!connection) { return; }
    connection.textContent = text;
  }

  function announce(text) {
    if (!announcer) { return; }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function say(text, isError) {
    if (!feedback) { return; }
    feedback.textContent = text;
    feedback.className = "live-feedback" + (text ? (isError ? " live-feedback--error" : " live-feedback--ok") : "");
  }

  // --- the timer -------------------------------------------------------------------------------

  function describe(seconds) {
    if (seconds <= 0) {
      var over = -seconds;
      if (over < 60) { return "Time is up"; }
      var m = Math.floor(over / 60);
      return m + " minute" + (m === 1 ? "" : "s") + " over time";
    }
    if (seconds < 60) { return seconds + " second" + (seconds === 1 ? "" : "s") + " left"; }
    var minutes = Math.floor(seconds / 60);
    var secs = seconds % 60;
    if (minutes < 5 && secs) { return minutes + " min " + secs + " s left"; }
    minutes = Math.ceil(seconds / 60);
    return minutes + " minute" + (minutes === 1 ? "" : "s") + " left";
  }

  function readTimer() {
    var el = phaseBox && phaseBox.querySelector(".phase__timer");
    if (!el) { deadline = null; remainingPaused = null; return; }
    var remaining = parseInt(el.getAttribute("data-remaining"), 10);
    if (isNaN(remaining)) { deadline = null; return; }
    if (el.getAttribute("data-running") === "1") {
      deadline = performance.now() + remaining * 1000;
      remainingPaused = null;
    } else {
      deadline = null;
      remainingPaused = remaining;
    }
  }

  function tick() {
    if (deadline === null || !phaseBox) { return; }
    var left = phaseBox.querySelector(".phase__time-left");
    if (!left) { return; }
    var seconds = Math.round((deadline - performance.now()) / 1000);
    var text = describe(seconds);
    if (left.textContent !== text) { left.textContent = text; }
    var timerEl = phaseBox.querySelector(".phase__timer");
    if (timerEl) { timerEl.classList.toggle("phase__timer--over", seconds <= 0); }
  }

  // --- applying what the server says -----------------------------------------------------------

  function applyState(state) {
    var phaseId = state.phase ? state.phase.id : null;
    var phaseChanged = known.phase !== phaseId || known.status !== state.status;
    if (phaseBox && typeof state.html === "string") {
      phaseBox.innerHTML = state.html;
      readTimer();
      tick();
    }
    if (phaseChanged && known.version !== null) {
      if (state.status === "finished") { announce("The session has finished."); }
      else if (state.phase) { announce("Now: " + state.phase.title); }
    }
    var previous = known;
    known = { version: state.version, phase: phaseId, status: state.status };
    if (view === "control" && previous.version !== null && previous.version !== state.version) {
      // The control page's buttons depend on the state: show the new ones (keeps the page honest
      // when another facilitator acts).
      markControlsStale();
    }
    return phaseChanged;
  }

  function markControlsStale() {
    var note = document.getElementById("live-control-stale");
    if (note) { return; }
    note = document.createElement("p");
    note.id = "live-control-stale";
    note.className = "message";
    note.setAttribute("role", "status");
    note.innerHTML = "The session has changed. ";
    var link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = "Show the latest controls";
    note.appendChild(link);
    phaseBox.parentNode.insertBefore(note, phaseBox.nextSibling);
  }

  function applyPanel(html) {
    if (!panelBox) { return; }
    var active = document.activeElement;
    var hadFocus = active && panelBox.contains(active);
    panelBox.innerHTML = html;
    fillCsrf(panelBox);
    wireCounters(panelBox);
    if (hadFocus) {
      var target = panelBox.querySelector(".vote-buttons button, textarea, button, a");
      if (target) { target.focus(); }
    }
  }

  function replaceById(id, html) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.firstElementChild;
    if (fresh) { el.parentNode.replaceChild(fresh, el); }
  }

  function onMessage(data) {
    switch (data.type) {
      case "state":
        applyState(data);
        break;
      case "panel":
        applyPanel(data.html);
        break;
      case "map":
        replaceById("live-map", data.html);
        break;
      case "fragment":
        replaceById(data.target, data.html);
        break;
      case "notice":
        if (view === "participant" && panelBox && panelBox.querySelector("[data-live-idle='" + data.what + "']")) {
          send({ type: "sync" });
        }
        if (view === "control" && data.what === "statements") { markModerationStale(); }
        break;
      case "ack":
        if (data.ref && pending[data.ref]) {
          var done = pending[data.ref];
          delete pending[data.ref];
          done(data);
        }
        break;
      case "error":
        say(data.message, true);
        break;
    }
  }

  function markModerationStale() {
    var section = document.getElementById("moderation");
    if (!section || document.getElementById("live-moderation-stale")) { return; }
    var note = document.createElement("p");
    note.id = "live-moderation-stale";
    note.className = "message";
    note.setAttribute("role", "status");
    var link = document.createElement("a");
    link.href = window.location.pathname + "#statements-title";
    link.textContent = "New or changed statements: show them";
    note.appendChild(link);
    section.insertBefore(note, section.children[1] || null);
  }

  // --- the websocket ---------------------------------------------------------------------------

  function send(message) {
    if (!socket || socket.readyState !== WebSocket.OPEN) { return false; }
    socket.send(JSON.stringify(message));
    return true;
  }

  function connect() {
    if (!wsPath || !("WebSocket" in window)) { startPolling(); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var opened = false;
    try {
      socket = new WebSocket(scheme + window.location.host + wsPath);
    } catch (e) {
      failures += 1;
      startPolling();
      scheduleReconnect();
      return;
    }
    socket.onopen = function () {
      opened = true;
      failures = 0;
      stopPolling();
      setConnection("Connected: this page updates by itself.");
      // After a drop, the session may have moved on: ask for where it is now, panel included.
      if (view === "participant" || view === "screen") { send({ type: "sync" }); }
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      onMessage(data);
    };
    socket.onclose = function (event) {
      socket = null;
      for (var ref in pending) {
        if (Object.prototype.hasOwnProperty.call(pending, ref)) { pending[ref]({ ok: false, lost: true }); }
      }
      pending = {};
      if (event.code === 4404) {
        setConnection("You are no longer in this session. Reload the page to join again.");
        return;
      }
      failures += 1;
      if (!opened || failures >= 2) { startPolling(); }
      setConnection(pollTimer ? "Updating every few seconds." : "Reconnecting\u2026");
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (retryTimer) { return; }
    var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5)));
    retryTimer = window.setTimeout(function () { retryTimer = null; connect(); }, delay);
  }

  // --- polling when websockets are blocked -----------------------------------------------------

  function fetchText(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); });
  }

  function poll() {
    if (!stateUrl) { return; }
    fetch(stateUrl, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (state) {
        var changedVersion = known.version !== state.version;
        var phaseChanged = applyState(state);
        if ((phaseChanged || changedVersion) && panelUrl) {
          return fetchText(panelUrl).then(applyPanel);
        }
        if (view === "participant" && panelUrl && panelBox && panelBox.querySelector("[data-live-idle]")) {
          return fetchText(panelUrl).then(applyPanel);
        }
        if (view === "screen" && panelUrl) {
          // The screen's panel holds the live map, the wall or the pieces: keep them fresh.
          return fetchText(panelUrl).then(applyPanel);
        }
        return null;
      })
      .catch(function () { setConnection("Cannot reach the server just now. Trying again\u2026"); });
  }

  function startPolling() {
    if (pollTimer) { return; }
    setConnection("Updating every few seconds.");
    pollTimer = window.setInterval(poll, POLL_MS);
    poll();
  }

  function stopPolling() {
    if (!pollTimer) { return; }
    window.clearInterval(pollTimer);
    pollTimer = null;
  }

  // --- forms -----------------------------------------------------------------------------------

  function formPayload(form, submitter) {
    var data = {};
    var elements = form.elements;
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.disabled) { continue; }
      if (el.type === "submit" || el.type === "button") { continue; }
      data[el.name] = el.value;
    }
    if (submitter && submitter.name) { data[submitter.name] = submitter.value; }
    return data;
  }

  function showFieldError(form, message) {
    var old = form.querySelector(".live-field-error");
    if (old) { old.parentNode.removeChild(old); }
    var textarea = form.querySelector("textarea");
    if (!textarea || !message) { return; }
    var p = document.createElement("p");
    p.className = "field__error live-field-error";
    p.id = textarea.id + "-live-error";
    p.textContent = message;
    textarea.parentNode.insertBefore(p, textarea);
    textarea.setAttribute("aria-invalid", "true");
    var described = (textarea.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(p.id) === -1) { described.push(p.id); }
    textarea.setAttribute("aria-describedby", described.join(" "));
    textarea.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form.getAttribute && form.getAttribute("data-live");
    if (!kind || !socket || socket.readyState !== WebSocket.OPEN) { return; }  // posts normally
    event.preventDefault();
    var message = formPayload(form, event.submitter);
    message.type = kind;
    message.ref = nextRef++;
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
    var timer = window.setTimeout(function () {
      if (pending[message.ref]) {
        delete pending[message.ref];
        for (var j = 0; j < buttons.length; j++) { buttons[j].disabled = false; }
        say("No answer from the server yet. Please try again.", true);
      }
    }, ACK_TIMEOUT_MS);
    pending[message.ref] = function (ack) {
      window.clearTimeout(timer);
      for (var j = 0; j < buttons.length; j++) { buttons[j].disabled = false; }
      if (ack.lost) { say("The connection dropped. Please try again in a moment.", true); return; }
      say(ack.message || "", !ack.ok);
      if (!ack.ok && ack.field) { showFieldError(form, ack.message); }
    };
    send(message);
  });

  // --- character counters ----------------------------------------------------------------------

  function wireCounters(container) {
    var areas = container.querySelectorAll("textarea[maxlength]");
    for (var i = 0; i < areas.length; i++) {
      (function (area) {
        if (area.getAttribute("data-counted")) { return; }
        area.setAttribute("data-counted", "1");
        var limit = parseInt(area.getAttribute("maxlength"), 10);
        var counter = document.createElement("p");
        counter.className = "char-count";
        counter.id = area.id + "-count";
        area.parentNode.appendChild(counter);
        var update = function () {
          var left = limit - area.value.length;
          counter.textContent = left + " character" + (left === 1 ? "" : "s") + " left";
        };
        area.addEventListener("input", update);
        update();
      })(areas[i]);
    }
  }

  // --- start -----------------------------------------------------------------------------------

  fillCsrf(document);
  wireCounters(document);
  readTimer();
  window.setInterval(tick, 1000);
  connect();
})();
