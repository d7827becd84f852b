/* Filing an application offline (gov_services/templates/gov_services/offline/apply.html): the service
 * from the cached catalogue, its scans (kept as blobs) and e-form, the applicant, consent and signature,
 * put into the outbox (agency/static/agency/offline/outbox.js) as the online form would post them. */
(function () {
  "use strict";
  var form, catalogue = [], texts;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function yuan(fen) { return (fen / 100).toFixed(2) + " 元"; }
  function problem(text) { var p = $("[data-apply-problem]"); p.textContent = text || ""; p.hidden = !text; if (text) { p.scrollIntoView(); } }

  function fillSelect(filter) {
    var select = $("[data-item-select]"), chosen = select.value;
    while (select.options.length > 1) { select.remove(1); }
    catalogue.filter(function (item) {
      return !filter || item.name.indexOf(filter) !== -1 || item.code.toLowerCase().indexOf(filter.toLowerCase()) !== -1;
    }).forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.id; option.textContent = item.name + " · " + item.code;
      select.appendChild(option);
    });
    select.value = chosen;
  }

  function current() {
    var id = Number($("[data-item-select]").value);
    return catalogue.filter(function (item) { return item.id === id; })[0] || null;
  }

  function scanRow(field, name, required) {
    var node = $("[data-scan-template]").content.cloneNode(true);
    var input = $("[data-scan-input]", node), button = $("[data-scan-button]", node), id = "offline-" + field;
    input.name = field; input.id = id; button.setAttribute("for", id);
    $("[data-scan-name]", node).textContent = name;
    if (!required) { $("[data-scan-required]", node).remove(); }
    var chosen = $("[data-scan-chosen]", node);
    input.addEventListener("change", function () {
      chosen.textContent = input.files.length ? input.files.length + " " + texts.getAttribute("data-files-chosen") + "：" +
        Array.prototype.map.call(input.files, function (f) { return f.name; }).join("、") : "";
    });
    return node;
  }

  function showItem() {
    var item = current(), scans = $("[data-scans]");
    scans.textContent = "";
    $("[data-eform]").innerHTML = "";
    $("[data-eform-section]").hidden = true;
    $("[data-item-facts]").textContent = "";
    if (!item) { return; }
    $("[data-item-facts]").textContent = item.department + (item.fee_fen ? " · " + texts.getAttribute("data-fee") + " " + yuan(item.fee_fen) : "");
    item.materials.forEach(function (m) { scans.appendChild(scanRow("material-" + m.id, m.name, m.required)); });
    scans.appendChild(scanRow("material-other", texts.getAttribute("data-other"), false));
    if (item.eform_html) { $("[data-eform]").innerHTML = item.eform_html; $("[data-eform-section]").hidden = false; }
  }

  function value(name) { var el = form.elements[name]; return el ? el.value : ""; }

  function submit(event) {
    event.preventDefault();
    var item = current();
    if (!item) { problem(czText("choose_item")); return; }
    var fields = [], files = [], count = 0;
    new FormData(form).forEach(function (v, name) {
      if (typeof v !== "string") { return; }
      if (name === "csrfmiddlewaretoken" || name === "idempotency_key") { return; }
      fields.push([name, v]);
    });
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files, function (file) {
        files.push({field: input.name, name: file.name, type: file.type, blob: file}); count++;
      });
    });
    var missing = item.materials.filter(function (m) { return m.required && !$("#offline-material-" + m.id).files.length; });
    if (!value("applicant_name").trim() || !value("applicant_id_number").trim() || missing.length) {
      problem(czText("fill_required")); return;
    }
    var name = value("applicant_name").trim();
    CzOutbox.add({
      kind: "application", fields: fields, files: files,
      summary: item.name + " · " + name.charAt(0) + "*".repeat(Math.max(name.length - 1, 1)),
      editable: [{name: "applicant_name", label: texts.getAttribute("data-applicant")},
                 {name: "applicant_id_number", label: texts.getAttribute("data-id-number")},
                 {name: "applicant_phone", label: texts.getAttribute("data-phone")}],
      receipt: [[texts.getAttribute("data-item-label"), item.name + "（" + item.code + "）"],
                [texts.getAttribute("data-files-label"), String(count)]]
    }).then(function (saved) {
      location.href = form.getAttribute("data-receipt") + "?key=" + saved.key;
    }, function () { problem(czText("saved_failed")); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = $("[data-offline-apply]");
    texts = $("[data-texts]");
    form.addEventListener("submit", submit);
    $("[data-item-select]").addEventListener("change", showItem);
    $("[data-item-filter]").addEventListener("input", function () { fillSelect(this.value.trim()); });
    fetch(form.getAttribute("data-catalogue"), {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      catalogue = data.items || [];
      fillSelect("");
      var match = location.pathname.match(/\/counter\/requests\/new\/(\d+)\//);  // shown in place of the online form
      if (match) { $("[data-item-select]").value = match[1]; showItem(); }
    }).catch(function () { problem(czText("no_data")); });
  });
})();
