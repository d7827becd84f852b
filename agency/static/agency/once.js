/* Forms marked data-once disable their buttons once sent (agency/templates/agency/_once.html). */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute || !form.hasAttribute("data-once") || event.defaultPrevented) { return; }
  window.setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
    // A note such as "waiting for the card on the reader", shown for the button it names.
    var step = event.submitter ? event.submitter.value : "";
    form.querySelectorAll("[data-busy-for]").forEach(function (note) {
      if (note.getAttribute("data-busy-for") === step) { note.hidden = false; }
    });
  }, 0);
});
