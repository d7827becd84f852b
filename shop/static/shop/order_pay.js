/* The card form of the pay page (shop/templates/shop/order_pay.html): Stripe's card element, and a
 * reload once the card went through (the page shows "paid" when the signed notification has come). */
(function () {
  var form = document.getElementById("card-form");
  var stripe = Stripe(form.dataset.key);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    stripe.confirmCardPayment(form.dataset.clientSecret, {payment_method: {card: card}}).then(function (result) {
      if (result.error) { document.getElementById("card-errors").textContent = result.error.message; }
      else { window.location.reload(); }
    });
  });
})();
