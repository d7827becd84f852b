/* Cunzhan (村站): the "large text" switch. Loaded in <head> (not deferred) so the saved
 * choice applies before the first paint; the button itself is wired once the page is parsed.
 * Without JavaScript the button stays hidden and the page keeps its (already large) 18px type.
 */
(function () {
  "use strict";
  var KEY = "cunzhan.largeText";
  var root = document.documentElement;

  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function store(on) {
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: session only */ }
  }
  function apply(on) {
    root.classList.toggle("cz-large", on);
    var buttons = document.querySelectorAll("[data-cz-large-text]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  apply(stored());

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-cz-large-text]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () {
        var on = !root.classList.contains("cz-large");
        store(on);
        apply(on);
      });
    }
    apply(root.classList.contains("cz-large"));
  });
})();

/* Forms marked data-confirm ask before they submit (ending an assignment, …). */
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) { event.preventDefault(); }
});

/* Buttons marked data-print open the browser's print dialog (receipts, printable guides). */
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
});

/* A file input behind a button of our own words (Chromium's says "Choose File" in English) names the
 * chosen files in the element its data-file-names points to, or else in its field's .cz-file-names
 * (includes/field.html with large=True). */
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file]")) { return; }
  var field = input.closest(".cz-file-button") && input.closest(".cz-field");
  var out = input.hasAttribute("data-file-names") ? document.getElementById(input.getAttribute("data-file-names"))
    : field && field.querySelector(".cz-file-names");
  if (!out) { return; }
  if (!out.hasAttribute("data-none")) { out.setAttribute("data-none", out.textContent); }
  var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
  out.textContent = names.length ? names.join("、") : out.getAttribute("data-none");
});
