/* The daily close waits for the outbox (agency/templates/agency/offline/_close_guard.html). */
(function () {
  "use strict";
  function check() {
    var guard = document.querySelector("[data-close-guard]"), button = document.getElementById("close-day");
    if (!guard || !window.CzOutbox) { return; }
    CzOutbox.counts().then(function (c) {
      var n = c.open.length;
      guard.hidden = n === 0;
      if (button) { button.disabled = n > 0; }
      guard.querySelector("[data-close-guard-text]").textContent = n ? czText("close_blocked", {n: n}) : "";
      var list = guard.querySelector("[data-close-guard-items]");
      list.textContent = "";
      c.open.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.local_number + " · " + (item.summary || "") + " · " + czText("state_" + item.state);
        list.appendChild(li);
      });
    });
  }
  window.addEventListener("cz-outbox-change", check);
  document.addEventListener("DOMContentLoaded", check);
})();
