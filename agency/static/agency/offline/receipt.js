/* An outbox item's receipt (agency/templates/agency/offline/receipt.html): provisional until synced. */
(function () {
  "use strict";
  function $(sel) { return document.querySelector(sel); }
  function render() {
    var key = new URLSearchParams(location.search).get("key");
    CzOutbox.get(key || "").then(function (item) {
      if (!item) { $("[data-receipt-missing]").hidden = false; return; }
      var done = item.state === "done";
      $("[data-offline-receipt]").setAttribute("data-state", item.state);
      $("[data-receipt-provisional]").hidden = done;
      $("[data-receipt-local]").textContent = item.local_number;
      $("[data-receipt-at]").textContent = new Date(item.captured_at).toLocaleString("zh-CN");
      $("[data-receipt-summary]").textContent = item.summary || "";
      $("[data-receipt-state]").textContent = czText("state_" + item.state) + (item.message ? " · " + item.message : "");
      var lines = $("[data-receipt-lines]");
      lines.textContent = "";
      (item.receipt || []).forEach(function (pair) {
        var dt = document.createElement("dt"), dd = document.createElement("dd");
        dt.textContent = pair[0]; dd.textContent = pair[1];
        lines.appendChild(dt); lines.appendChild(dd);
      });
      if (done && item.result) {
        $("[data-receipt-ref-label]").hidden = $("[data-receipt-ref]").hidden = false;
        $("[data-receipt-ref-label]").textContent = item.result.label;
        $("[data-receipt-ref]").textContent = item.result.reference;
        if (item.result.url) { $("[data-receipt-real]").hidden = false; $("[data-receipt-real]").href = item.result.url; }
      }
    });
  }
  window.addEventListener("cz-outbox-change", render);
  document.addEventListener("DOMContentLoaded", render);
})();
