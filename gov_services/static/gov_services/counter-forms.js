/* The counter forms (gov_services/templates/gov_services/counter_scripts.html): a submit button that
 * is pressed only once and comes back when the page is shown again from history; the error summary
 * takes the focus; the chosen files' names beside a file input's label-button. */
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
  // File inputs sit behind a label styled as a button (counter_scan_table.html), so that Chromium's
  // English "Choose File" never shows: the names of the chosen files are shown beside the label.
  document.querySelectorAll("input[type=file][data-file-names]").forEach(function (input) {
    var out = document.getElementById(input.getAttribute("data-file-names"));
    if (!out) { return; }
    var none = out.textContent;
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      out.textContent = names.length ? names.join("、") : none;
    });
  });
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
