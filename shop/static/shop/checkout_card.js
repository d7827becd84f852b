/* The card step of the checkout's preview page (templates/oscar/checkout/preview.html).
 *
 * Pressing "Pay and place order" first confirms the card with the provider — the demo simulator
 * (our own endpoint, answering JSON) or Stripe.js — and only when the card went through submits
 * the form that places the order. A declined card shows the provider's message and leaves the
 * basket as it was. The button is locked while a confirmation runs, so a double press confirms
 * once; the server also recognises a repeated submit (same order number / card attempt).
 */
(function () {
  "use strict";
  var form = document.getElementById("place_order_form");
  if (!form || !form.dataset.cardMode) { return; }
  var button = form.querySelector("[data-pay-button]");
  var errors = form.querySelector("[data-card-error]");
  var busy = false;

  function fail(message) {
    errors.textContent = message || form.dataset.genericError;
    busy = false;
    button.disabled = false;
  }

  function placeOrder() {
    form.submit(); // does not fire "submit" again
  }

  function confirmSimulated() {
    var body = new FormData();
    body.append("client_secret", form.dataset.clientSecret);
    body.append("card_number", (document.getElementById("card-number") || {}).value || "");
    return fetch(form.dataset.confirmUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value}
    }).then(function (response) { return response.json(); }).then(function (data) {
      if (data.status === "succeeded") { placeOrder(); } else { fail(data.error); }
    });
  }

  var confirmStripe = null;
  if (form.dataset.cardMode === "stripe" && window.Stripe && document.getElementById("card-element")) {
    var stripe = window.Stripe(form.dataset.stripeKey, {locale: "zh"});
    var card = stripe.elements().create("card");
    card.mount("#card-element");
    confirmStripe = function () {
      return stripe.confirmCardPayment(form.dataset.clientSecret, {payment_method: {card: card}})
        .then(function (result) {
          var intent = result.error && result.error.payment_intent;
          // Paid already (a retry after a lost answer): place the order, nothing is charged again.
          if (!result.error || (intent && intent.status === "succeeded")) { placeOrder(); }
          else { fail(result.error.message); }
        });
    };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    button.disabled = true;
    errors.textContent = "";
    if (form.dataset.paid) { placeOrder(); return; }
    var run = form.dataset.cardMode === "stripe" ? confirmStripe : confirmSimulated;
    if (!run) { fail(); return; }
    run().catch(function () { fail(form.dataset.networkError); });
  });
})();
