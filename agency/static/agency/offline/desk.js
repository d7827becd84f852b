/* The offline desk's outbox table (agency/templates/agency/offline/desk.html). */
(function () {
  "use strict";
  var links = document.querySelector("[data-receipt-url]");
  function cell(row, text) { var td = document.createElement("td"); td.textContent = text || ""; row.appendChild(td); return td; }
  function link(td, href, text) { var a = document.createElement("a"); a.href = href; a.textContent = text; td.appendChild(a); }
  function render() {
    CzOutbox.all().then(function (items) {
      var body = document.querySelector("[data-outbox-table] tbody");
      body.textContent = "";
      document.querySelector("[data-outbox-empty]").hidden = items.length > 0;
      items.slice().reverse().forEach(function (item) {
        var row = document.createElement("tr");
        row.setAttribute("data-outbox-item", item.key);
        row.setAttribute("data-state", item.state);
        cell(row, item.local_number);
        cell(row, item.summary);
        cell(row, czText("state_" + item.state) + (item.conflict_label ? " · " + item.conflict_label : ""));
        cell(row, item.result && item.result.reference ? (item.result.label + " " + item.result.reference) : "");
        var td = cell(row, "");
        if (item.state === "conflict" || item.state === "error") {
          link(td, links.getAttribute("data-conflicts-url"), links.getAttribute("data-texts-resolve"));
        } else {
          link(td, links.getAttribute("data-receipt-url") + "?key=" + item.key, links.getAttribute("data-texts-receipt"));
        }
        body.appendChild(row);
      });
    });
  }
  window.addEventListener("cz-outbox-change", render);
  document.addEventListener("DOMContentLoaded", function () {
    render();
    document.querySelector("[data-outbox-sync]").addEventListener("click", function () { CzOutbox.sync(); });
  });
})();
