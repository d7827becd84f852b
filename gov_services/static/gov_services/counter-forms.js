/* The counter forms (gov_services/templates/gov_services/counter_scripts.html): a submit button that
 * is pressed only once and comes back when the page is shown again from history; the error summary
 * takes the focus. (The chosen files' names beside a file input: cunzhan.js.) */
(function () {
  "use strict";
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    var buttons = form.querySelectorAll("button[type=submit]");
    form.addEventListener("submit", function () {
      buttons.forEach(function (button) {
        setTimeout(function () { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
      });
    });
    window.addEventListener("pageshow", function () {
      buttons.forEach(function (button) { button.disabled = false; button.removeAttribute("aria-busy"); });
    });
  });
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
