/* The counter's application form never loses work (gov_services/templates/gov_services/counter_application_form.html).
 *
 * - A copy of the typed fields is kept in this browser (localStorage) as they are typed, under the form's
 *   page and its idempotency key. When the page is opened again (a reload, a network error) and the server
 *   had not received them, they are put back, the note "Draft restored" is shown with a discard button, and
 *   the form keeps its first key (a request the server did file under it is then returned, never a second).
 *   A copy under a key the server says was filed, or older than data-draft-max-age seconds, is dropped. Scans and the signature are kept by the server
 *   (gov_services/requests/services/drafts.py), not here.
 * - E-form fields bound to the applicant (data-bind="applicant_phone" …) mirror the applicant's input as it
 *   is typed; the server fills them anyway.
 * The form's own submission is left alone.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-application-draft]");
  if (!form) { return; }
  var PREFIX = "cz-draft:";
  var storeKey = PREFIX + form.getAttribute("data-draft-store");
  var keyInput = form.querySelector("input[name=idempotency_key]");
  var SKIP = { csrfmiddlewaretoken: 1, idempotency_key: 1, signature: 1, signature_kept: 1, visit: 1, next: 1,
               consent_code: 1 };

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function fieldsOf() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file" || el.type === "submit" || el.type === "button"
          || el.readOnly) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (!fields[el.name]) { fields[el.name] = []; }
        if (el.checked) { fields[el.name].push(el.value); }
      } else {
        fields[el.name] = el.value;
      }
    });
    return fields;
  }

  function apply(fields) {
    Object.keys(fields).forEach(function (name) {
      var value = fields[name];
      form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']").forEach(function (el) {
        if (el.type === "file" || el.readOnly) { return; }
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
        } else if (typeof value === "string") {
          el.value = value;
        }
      });
    });
  }

  var timer = null;
  function save() {
    var store = storage();
    if (!store || !keyInput) { return; }
    try {
      store.setItem(storeKey, JSON.stringify({ key: keyInput.value, fields: fieldsOf(), savedAt: Date.now() }));
    } catch (e) { /* storage full or disabled: the server's draft still keeps what was sent */ }
  }
  function saveSoon() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 250);
  }

  function discardLocal() {
    var store = storage();
    if (store) { store.removeItem(storeKey); }
  }

  // --- Restore ---------------------------------------------------------------------------------------
  var store = storage();
  var copy = null;
  try { copy = store ? JSON.parse(store.getItem(storeKey) || "null") : null; } catch (e) { copy = null; }
  var filed = (form.getAttribute("data-draft-filed-keys") || "").split(" ").filter(Boolean);
  var restoredByServer = form.getAttribute("data-draft-restored") === "1";
  var bound = form.getAttribute("data-draft-bound") === "1";
  var maxAge = parseInt(form.getAttribute("data-draft-max-age") || "3600", 10) * 1000;
  if (copy && (filed.indexOf(copy.key) !== -1 || !(Date.now() - copy.savedAt < maxAge))) {
    // Filed (its copy is of no more use), or older than the server keeps a filed draft: a copy that
    // old could name a key already used, which would only be refused.
    discardLocal();
    copy = null;
  }
  if (copy && keyInput && !bound && copy.fields) {
    if (copy.key === keyInput.value || !restoredByServer) {
      keyInput.value = copy.key;
      apply(copy.fields);
      if (!restoredByServer) {
        var note = document.querySelector("[data-draft-local-note]");
        if (note) { note.hidden = false; }
      }
    }
  }

  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);
  form.addEventListener("submit", save);

  var localDiscard = document.querySelector("[data-draft-local-discard]");
  if (localDiscard) {
    localDiscard.addEventListener("click", function () {
      discardLocal();
      window.location.replace(window.location.pathname + window.location.search);
    });
  }
  var serverDiscard = document.querySelector("form[data-draft-discard]");
  if (serverDiscard) { serverDiscard.addEventListener("submit", discardLocal); }

  // --- Fields bound to the applicant ---------------------------------------------------------------------
  form.querySelectorAll("[data-bind]").forEach(function (target) {
    var source = form.querySelector("[name='" + target.getAttribute("data-bind") + "']");
    if (!source) { return; }
    var mirror = function () { target.value = source.value.trim(); };
    source.addEventListener("input", mirror);
    mirror();
  });

})();
