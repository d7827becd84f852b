/* The counter sale screen (shop/templates/shop/counter_sale_form.html): find goods by name or pinyin
   initials, fill the rows, show the running total and the change due. Paid by WeChat Pay or Alipay: no cash
   to count, and the button leads to the QR code. Amounts are integer fen. */
(function () {
  "use strict";
  var form = document.querySelector("[data-sale-form]");
  var data = document.getElementById("sale-products");
  if (!form || !data) { return; }
  var products = JSON.parse(data.textContent);
  var byId = {};
  products.forEach(function (p) { byId[String(p.id)] = p; });
  var search = form.querySelector("[data-sale-search]");
  var results = form.querySelector("[data-sale-results]");
  var template = form.querySelector("[data-sale-result]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-sale-row]"));
  var cash = form.querySelector("input[name=cash_received]");
  var cashBox = form.querySelector("[data-sale-cash]");
  var submit = form.querySelector("[data-sale-submit]");
  form.querySelector("[data-sale-search-box]").hidden = false;
  form.querySelector("[data-sale-totals]").hidden = false;

  function yuan(fen) {
    var sign = fen < 0 ? "−" : "";
    fen = Math.abs(fen);
    var cents = String(fen % 100);
    return sign + "¥" + Math.floor(fen / 100).toLocaleString("en-US") + "." + (cents.length < 2 ? "0" + cents : cents);
  }
  function fenOf(text) {
    var m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text || "");
    if (!m) { return null; }
    return parseInt(m[1], 10) * 100 + (m[2] ? parseInt((m[2] + "0").slice(0, 2), 10) : 0);
  }
  function parts(row) { return { select: row.querySelector("select"), qty: row.querySelector("input"), out: row.querySelector("[data-line-total]") }; }

  function update() {
    var total = 0, emptyShown = false;
    rows.forEach(function (row) {
      var empty = !parts(row).select.value;
      row.hidden = empty && emptyShown;  /* one empty row at a time: the screen stays short on a phone */
      emptyShown = emptyShown || empty;
    });
    rows.forEach(function (row) {
      var r = parts(row), p = byId[r.select.value], q = parseInt(r.qty.value || "1", 10) || 1;
      r.out.textContent = p ? yuan(p.price * q) : "";
      if (p) { total += p.price * q; }
    });
    form.querySelector("[data-sale-total]").textContent = yuan(total);
    var change = form.querySelector("[data-sale-change]");
    var handOver = (form.querySelector("input[name=mode]:checked") || {}).value !== "order";
    var received = cash ? fenOf(cash.value) : null;
    var method = (form.querySelector("input[name=payment_method]:checked") || {}).value || "cash";
    var byWallet = method !== "cash";
    if (cashBox) { cashBox.hidden = byWallet; }
    if (submit) {
      if (!submit.getAttribute("data-label-cash")) { submit.setAttribute("data-label-cash", submit.textContent); }
      submit.textContent = submit.getAttribute(byWallet ? "data-label-wallet" : "data-label-cash");
    }
    if (byWallet) { received = null; }
    change.textContent = received === null || !handOver ? "—" : yuan(received - total);
    form.querySelector("[data-sale-short]").hidden = !(handOver && received !== null && received < total);
  }

  function add(product) {
    var target = null;
    rows.forEach(function (row) {
      var r = parts(row);
      if (!target && r.select.value === String(product.id)) { target = row; }
    });
    if (target) {
      var q = parts(target).qty;
      q.value = String((parseInt(q.value || "1", 10) || 1) + 1);
    } else {
      rows.some(function (row) {
        var r = parts(row);
        if (!r.select.value) { r.select.value = String(product.id); r.qty.value = "1"; target = row; return true; }
        return false;
      });
    }
    search.value = "";
    results.textContent = "";
    update();
    search.focus();
  }

  function find() {
    var text = search.value.trim().toLowerCase();
    results.textContent = "";
    if (!text) { return; }
    products.filter(function (p) {
      return p.title.toLowerCase().indexOf(text) >= 0 || p.initials.indexOf(text) === 0;
    }).slice(0, 8).forEach(function (p) {
      var item = template.content.firstElementChild.cloneNode(true);
      item.querySelector("[data-title]").textContent = p.title;
      item.querySelector("[data-merchant]").textContent = p.merchant;
      item.querySelector("[data-price]").textContent = yuan(p.price);
      item.querySelector("[data-stock]").textContent = p.stock === null ? "—" : String(p.stock);
      var button = item.querySelector("button");
      button.disabled = p.stock !== null && p.stock <= 0;
      button.addEventListener("click", function () { add(p); });
      results.appendChild(item);
    });
  }

  search.addEventListener("input", find);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      var first = results.querySelector("button:not([disabled])");
      if (first) { first.click(); }
    }
  });
  form.addEventListener("input", function (event) { if (event.target !== search) { update(); } });
  form.addEventListener("change", update);
  update();
})();
