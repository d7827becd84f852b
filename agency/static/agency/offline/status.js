/* The counter header's status (agency/templates/agency/offline/_status.html): online / offline, how many
 * items wait in the outbox, how many need resolving, the last sync. Registers the service worker (after the
 * page's load, when idle) and asks it to refresh the station's data whenever the network returns. window.czText(name, {n: …}) words a
 * message in the page's language (agency/templatetags/agency_offline.py). */
(function () {
  "use strict";
  var texts = {};
  try { texts = JSON.parse(document.getElementById("cz-offline-texts").textContent); } catch (e) { /* none */ }
  window.czText = function (name, values) {
    var text = texts[name] || name;
    Object.keys(values || {}).forEach(function (k) { text = text.replace("%(" + k + ")s", values[k]); });
    return text;
  };

  function clock(iso) {
    var d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function render() {
    var box = document.querySelector("[data-offline-status]");
    if (!box || !window.CzOutbox) { return; }
    CzOutbox.counts().then(function (c) {
      var online = navigator.onLine;
      box.classList.toggle("cz-offline-status--offline", !online);
      box.querySelector("[data-offline-state]").textContent = czText(online ? "online" : "offline");
      box.querySelector("[data-offline-waiting]").textContent =
        c.waiting ? czText("waiting", {n: c.waiting}) : czText("none_waiting");
      var conflicts = box.querySelector("[data-offline-conflicts]");
      conflicts.hidden = !c.conflicts;
      conflicts.textContent = c.conflicts ? czText("conflicts", {n: c.conflicts}) : "";
      box.querySelector("[data-offline-last]").textContent =
        window.signInNeeded ? czText("sign_in") : c.lastSync ? czText("last_sync", {time: clock(c.lastSync)}) : czText("never_synced");
      box.setAttribute("data-waiting", String(c.waiting));
      box.setAttribute("data-conflicts", String(c.conflicts));
    });
  }

  window.addEventListener("cz-outbox-change", render);
  window.addEventListener("online", function () {
    render();
    // The outbox first (what was captured offline goes before anything else), then fresh data.
    CzOutbox.sync().then(function () {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({type: "refresh"});
      }
    });
  });
  window.addEventListener("offline", render);

  // The worker is registered once the page has loaded and the browser is idle: installing it fetches the
  // station's pages and data (one request at a time), which must not compete with the page's own requests
  // on a slow village link.
  function whenIdle(callback) {
    if (window.requestIdleCallback) { window.requestIdleCallback(callback, {timeout: 5000}); }
    else { window.setTimeout(callback, 1000); }
  }

  window.addEventListener("load", function () {
    var box = document.querySelector("[data-offline-status]");
    if (!box || !("serviceWorker" in navigator)) { return; }
    whenIdle(function () {
      navigator.serviceWorker.register(box.getAttribute("data-offline-sw"), {scope: "/counter/"}).catch(function () {});
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    render();
    // Signing out: the station's cached pages and data are forgotten (the outbox stays, to be sent).
    document.querySelectorAll("form[action$='/logout/']").forEach(function (form) {
      form.addEventListener("submit", function () {
        if (navigator.serviceWorker && navigator.serviceWorker.controller) {
          navigator.serviceWorker.controller.postMessage({type: "forget"});
        }
      });
    });
  });
})();
