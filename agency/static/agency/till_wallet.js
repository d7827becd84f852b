/* The till's wallet page (agency/templates/agency/till_wallet.html): ask the server every few seconds how
   the WeChat Pay / Alipay payment stands (it asks the wallet), and go on once the wallet has confirmed it.
   The page never decides "paid" itself: it shows what the server answers. */
(function () {
  var box = document.querySelector("[data-till-wallet]");
  if (!box || box.getAttribute("data-paid") === "1") { return; }
  var token = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var every = parseInt(box.getAttribute("data-poll-ms"), 10) || 2000;
  var busy = false;

  function finish(state) {
    if (state.paid) {
      var done = document.querySelector("[data-wallet-done]");
      if (done) { done.hidden = false; done.submit(); }
      return true;
    }
    if (!state.open) { window.location.reload(); return true; }
    return false;
  }

  function ask() {
    if (busy) { return; }
    busy = true;
    fetch(box.getAttribute("data-check-url"), {
      method: "POST", credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": token}
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (state) {
      busy = false;
      if (state && finish(state)) { return; }
      if (state) { box.setAttribute("data-status", state.status); }
      window.setTimeout(ask, every);
    }).catch(function () {
      busy = false;  // the network dropped: ask again later; nothing is shown as paid
      window.setTimeout(ask, every);
    });
  }

  if (box.getAttribute("data-open") === "1") { window.setTimeout(ask, every); }
})();
