/* The conflicts screen (agency/templates/agency/offline/conflicts.html): each outbox item in conflict or
 * error, its editable fields, "send again" (changed, or confirmed as captured) and "discard with a
 * reason" (the server records the reason; agency/offline_sync.py offline_item_discard). */
(function () {
  "use strict";
  var CONFIRMABLE = {resident_changed: true, price_changed: true};

  function valueOf(item, name) {
    for (var i = 0; i < item.fields.length; i++) { if (item.fields[i][0] === name) { return item.fields[i][1]; } }
    return "";
  }
  function setValue(item, name, value) {
    var found = false;
    item.fields.forEach(function (pair) { if (pair[0] === name && !found) { pair[1] = value; found = true; } });
    if (!found) { item.fields.push([name, value]); }
  }

  function draw(item) {
    var node = document.querySelector("[data-conflict-template]").content.cloneNode(true);
    var root = node.querySelector("[data-conflict-item]");
    root.setAttribute("data-key", item.key);
    root.querySelector("[data-c-local]").textContent = item.local_number;
    root.querySelector("[data-c-summary]").textContent = item.summary || "";
    root.querySelector("[data-c-kind]").textContent = item.conflict_label || czText("state_error");
    root.querySelector("[data-c-message]").textContent = item.message || "";
    var errors = root.querySelector("[data-c-errors]");
    var fields = (item.detail && item.detail.fields) || {};
    Object.keys(fields).forEach(function (name) {
      if (!Array.isArray(fields[name])) { return; }
      fields[name].forEach(function (m) { var li = document.createElement("li"); li.textContent = m; errors.appendChild(li); });
    });
    var box = root.querySelector("[data-c-fields]");
    (item.editable || []).forEach(function (spec) {
      var wrap = document.createElement("div"); wrap.className = "cz-field";
      var label = document.createElement("label"); label.textContent = spec.label;
      var input = document.createElement("input"); input.value = valueOf(item, spec.name);
      input.setAttribute("data-c-edit", spec.name);
      label.appendChild(input); wrap.appendChild(label); box.appendChild(wrap);
    });
    root.querySelector("[data-c-confirm-wrap]").hidden = !CONFIRMABLE[item.conflict];
    root.querySelector("[data-c-retry]").addEventListener("click", function () {
      root.querySelectorAll("[data-c-edit]").forEach(function (input) { setValue(item, input.getAttribute("data-c-edit"), input.value); });
      item.confirm = root.querySelector("[data-c-confirm]").checked;
      item.state = "waiting";
      CzOutbox.put(item).then(function () { return CzOutbox.sync(); });
    });
    root.querySelector("[data-c-discard]").addEventListener("click", function () {
      var reason = root.querySelector("[data-c-reason]").value.trim();
      var problem = root.querySelector("[data-c-problem]");
      if (!reason) { problem.textContent = czText("reason_needed"); return; }
      var body = new FormData(); body.append("key", item.key); body.append("reason", reason);
      fetch(document.querySelector("[data-discard-url]").getAttribute("data-discard-url"), {
        method: "POST", body: body, credentials: "same-origin", headers: {"X-CSRFToken": CzOutbox.csrf(), "Accept": "application/json"}
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { problem.textContent = data.error || ""; return; }
          item.state = "discarded"; item.discard_reason = reason; item.files = [];
          return CzOutbox.put(item);
        });
      }).catch(function () { problem.textContent = czText("offline"); });
    });
    return node;
  }

  function render() {
    CzOutbox.all().then(function (items) {
      var list = document.querySelector("[data-conflict-list]");
      var open = items.filter(function (i) { return i.state === "conflict" || i.state === "error"; });
      list.textContent = "";
      open.forEach(function (item) { list.appendChild(draw(item)); });
      document.querySelector("[data-conflict-empty]").hidden = open.length > 0;
    });
  }
  window.addEventListener("cz-outbox-change", function () {
    // Redraw unless the operator is typing in this screen.
    if (!document.activeElement || !document.activeElement.closest || !document.activeElement.closest("[data-conflict-item]")) { render(); }
  });
  document.addEventListener("DOMContentLoaded", render);
})();
