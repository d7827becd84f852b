/* Cunzhan (村站): the counter's "send the consent code" button. Posts the form's key, the phone
 * number and what is being filed to the button's formaction and shows the answer beside it, so
 * the form (and its chosen scans) stays on the page. Without this script the button posts the
 * whole form and a short page answers (views_counter.CounterConsentCodeSendView).
 */
(function () {
  "use strict";
  document.querySelectorAll("[data-consent-code]").forEach(function (block) {
    var button = block.querySelector("[data-consent-code-send]");
    var status = block.querySelector("[data-consent-code-status]");
    var form = button && button.form;
    if (!form) { return; }

    function field(name) {
      var input = form.querySelector("[name='" + name + "']");
      return input ? input.value : "";
    }
    function consentChosen() {
      var checked = form.querySelector("input[name='consent']:checked");
      return checked ? checked.value : "";
    }
    function showForConsent() {
      block.hidden = consentChosen() !== "sms_code";
    }

    form.querySelectorAll("input[name='consent']").forEach(function (radio) {
      radio.addEventListener("change", showForConsent);
    });
    showForConsent();

    button.addEventListener("click", function (event) {
      event.preventDefault();
      var body = new FormData();
      body.append("csrfmiddlewaretoken", field("csrfmiddlewaretoken"));
      body.append("idempotency_key", field("idempotency_key"));
      body.append("applicant_phone", field("applicant_phone"));
      body.append("about", block.getAttribute("data-consent-about") || "");
      button.disabled = true;
      status.textContent = "…";
      fetch(button.getAttribute("formaction"), {
        method: "POST", body: body, credentials: "same-origin", headers: {"Accept": "application/json"}
      }).then(function (response) {
        return response.json();
      }).then(function (answer) {
        status.textContent = answer.message;
        status.className = answer.sent ? "cz-help" : "cz-error";
        if (answer.sent) {
          var code = form.querySelector("[name='consent_code']");
          if (code) { code.focus(); }
        }
      }).catch(function () {
        status.textContent = block.getAttribute("data-offline-message") || "";
        status.className = "cz-error";
      }).then(function () {
        button.disabled = false;
      });
    });
  });
})();
