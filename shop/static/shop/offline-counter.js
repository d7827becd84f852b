/* The store's offline counter (shop/templates/shop/offline/*.html): a parcel handed over against its code,
 * checked against the cached salted hash, and a cash sale of goods on display; both go into the outbox
 * (agency/static/agency/offline/outbox.js) and are done on the server when they sync (shop/offline.py). */
(function () {
  "use strict";
  function $(sel) { return document.querySelector(sel); }
  function yuan(fen) { return (fen / 100).toFixed(2); }
  function hex(buffer) { return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return (b + 256).toString(16).slice(1); }).join(""); }
  function sha256(text) { return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(hex); }
  function shelf(form) { return fetch(form.getAttribute("data-shelf"), {credentials: "same-origin"}).then(function (r) { return r.json(); }); }

  function parcels(form) {
    var data = null, found = null, texts = $("[data-texts]"), message = $("[data-parcel-message]");
    shelf(form).then(function (d) {
      data = d;
      return CzOutbox.all();
    }).then(function (items) {
      // Parcels handed over offline already (in the outbox) are no longer on the shelf.
      var taken = {};
      items.forEach(function (i) { if (i.kind === "parcel_handover" && i.state !== "discarded") { taken[i.part_id] = true; } });
      data.parcels = data.parcels.filter(function (p) { return !taken[p.id]; });
      $("[data-parcel-count]").textContent = data.parcels.length + " " + texts.getAttribute("data-waiting");
    }).catch(function () { message.textContent = czText("no_data"); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var code = $("[data-parcel-code]").value.replace(/\s/g, "");
      $("[data-parcel-found]").hidden = true; found = null;
      if (!data) { message.textContent = czText("no_data"); return; }
      Promise.all(data.parcels.map(function (p) {
        return sha256(data.salt + ":" + p.id + ":" + code).then(function (h) { return h === p.code_hash ? p : null; });
      })).then(function (matches) {
        found = matches.filter(Boolean)[0] || null;
        if (!found) { message.textContent = czText("no_code"); return; }
        message.textContent = czText("code_ok");
        $("[data-parcel-ref]").textContent = found.reference;
        $("[data-parcel-recipient]").textContent = found.recipient + " · " + found.phone_last4;
        $("[data-parcel-merchant]").textContent = found.merchant;
        $("[data-parcel-cash]").textContent = yuan(found.cash_due_fen) + " 元";
        $("[data-parcel-found]").hidden = false;
      });
    });
    $("[data-parcel-handover]").addEventListener("click", function () {
      if (!found) { return; }
      var code = $("[data-parcel-code]").value.replace(/\s/g, "");
      CzOutbox.add({
        kind: "parcel_handover", part_id: found.id, fields: [["part_id", String(found.id)], ["code", code]], files: [],
        summary: texts.getAttribute("data-summary") + " · " + found.reference,
        editable: [{name: "code", label: texts.getAttribute("data-code-label")}],
        receipt: [[texts.getAttribute("data-ref-label"), found.reference], [texts.getAttribute("data-cash-label"), yuan(found.cash_due_fen) + " 元"]]
      }).then(function (saved) { location.href = form.getAttribute("data-receipt") + "?key=" + saved.key; },
              function () { message.textContent = czText("saved_failed"); });
    });
  }

  function sale(form) {
    var products = [], lines = [], texts = $("[data-texts]"), message = $("[data-sale-message]");
    function total() { return lines.reduce(function (sum, l) { return sum + l.price * l.qty; }, 0); }
    function draw() {
      var list = $("[data-sale-lines]"); list.textContent = "";
      lines.forEach(function (l) { var li = document.createElement("li"); li.textContent = l.title + " × " + l.qty + " · " + yuan(l.price * l.qty); list.appendChild(li); });
      $("[data-sale-total]").textContent = yuan(total());
    }
    shelf(form).then(function (d) {
      products = d.products || [];
      products.forEach(function (p) {
        var o = document.createElement("option"); o.value = p.id; o.textContent = p.title + " · " + p.merchant + " · " + yuan(p.price) + " 元";
        $("[data-sale-product]").appendChild(o);
      });
    }).catch(function () { message.textContent = czText("no_data"); });
    $("[data-sale-add]").addEventListener("click", function () {
      var id = Number($("[data-sale-product]").value), qty = Math.max(1, Math.min(99, Number($("[data-sale-qty]").value) || 1));
      var p = products.filter(function (x) { return x.id === id; })[0];
      if (p) { lines.push({id: p.id, title: p.title, price: p.price, qty: qty}); draw(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!lines.length) { message.textContent = texts.getAttribute("data-empty"); return; }
      var fields = [["total_fen", String(total())]];
      lines.forEach(function (l) { fields.push(["product", String(l.id)]); fields.push(["quantity", String(l.qty)]); });
      CzOutbox.add({
        kind: "sale", fields: fields, files: [], summary: texts.getAttribute("data-summary") + " · " + yuan(total()) + " 元",
        editable: [], receipt: lines.map(function (l) { return [l.title + " × " + l.qty, yuan(l.price * l.qty) + " 元"]; })
          .concat([[texts.getAttribute("data-total-label"), yuan(total()) + " 元"]])
      }).then(function (saved) { location.href = form.getAttribute("data-receipt") + "?key=" + saved.key; },
              function () { message.textContent = czText("saved_failed"); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var p = $("[data-offline-parcel]"), s = $("[data-offline-sale]");
    if (p) { parcels(p); }
    if (s) { sale(s); }
  });
})();
