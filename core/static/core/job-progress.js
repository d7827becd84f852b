// The progress bar of a background job (a report, an import): polls the job's status URL until it
// is finished. A box marked data-cz-job-reload reloads the page then, to show the result the
// server renders (an import's report); otherwise the page reloads only when the job failed.
// Without JavaScript the page reloads itself instead (a <noscript> refresh).
(function () {
  "use strict";
  function start() {
    var box = document.querySelector("[data-cz-job-status]");
    if (!box) { return; }
    var url = box.getAttribute("data-cz-job-status");
    var reloadWhenFinished = box.hasAttribute("data-cz-job-reload");
    var bar = box.querySelector("[data-cz-job-progress]");
    var label = box.querySelector("[data-cz-job-label]");
    var step = box.querySelector("[data-cz-job-step]");
    var done = box.querySelector("[data-cz-job-done]");
    function poll() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (job) {
          bar.value = job.progress;
          bar.textContent = job.progress + "%";
          label.textContent = job.status_label;
          step.textContent = job.step ? "· " + job.step : "";
          if (job.status === "done" && done) { done.hidden = false; }
          if (job.finished) {
            if (reloadWhenFinished || job.status === "failed") { window.location.reload(); }
            return;
          }
          window.setTimeout(poll, 1500);
        })
        .catch(function () { window.setTimeout(poll, 5000); });  // a flaky village network: keep trying
    }
    if (box.getAttribute("data-cz-job-finished") !== "true") { poll(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
