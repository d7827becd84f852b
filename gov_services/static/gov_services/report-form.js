/* The report form (gov_services/templates/gov_services/report_form.html):
 * - "Use my phone's position": navigator.geolocation fills the latitude and longitude inputs (the map's
 *   marker follows them: static/cunzhan/js/station-map.js listens to their input events);
 * - once the kind of problem and a position are known, asks /reports/nearby/ for public reports of the
 *   same kind close by and lists them, each with "follow it instead".
 * Everything is written as text (no markup from data), so the page's CSP holds. Without JavaScript the
 * form is the village list and the two number inputs.
 */
(function () {
  "use strict";

  var PHOTO_SIDE = 1600;

  function shrink(input) {
    var file = input.files && input.files[0];
    if (!file || !/^image\/(jpeg|png)$/.test(file.type) || !window.createImageBitmap || !window.DataTransfer) {
      return;
    }
    createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 600 * 1024) { return; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        if (!blob || blob.size >= file.size) { return; }
        var smaller = new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" });
        var transfer = new DataTransfer();
        transfer.items.add(smaller);
        input.files = transfer.files;
      }, "image/jpeg", 0.8);
    }).catch(function () { /* not a picture the browser can read: the server says so */ });
  }

  function start() {
    var form = document.querySelector("[data-cz-report-form]");
    if (!form) { return; }
    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    var status = form.querySelector("[data-cz-locate-status]");
    var locateRow = form.querySelector("[data-cz-locate-row]");
    var locate = form.querySelector("[data-cz-locate]");
    var box = form.querySelector("[data-cz-nearby]");
    var list = form.querySelector("[data-cz-nearby-list]");
    var itemTemplate = form.querySelector("[data-cz-nearby-item]");
    var metaTemplate = form.querySelector("[data-cz-nearby-meta]");
    var asked = "";

    if (navigator.geolocation && locateRow) {
      locateRow.hidden = false;
      locate.addEventListener("click", function () {
        status.textContent = status.getAttribute("data-msg-busy");
        navigator.geolocation.getCurrentPosition(function (position) {
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          [latitude, longitude].forEach(function (input) {
            input.dispatchEvent(new Event("input", { bubbles: true }));
          });
          status.textContent = status.getAttribute("data-msg-done");
          nearby();
        }, function () {
          status.textContent = status.getAttribute("data-msg-failed");
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }

    function category() {
      var checked = form.querySelector("[name=category]:checked") || form.querySelector("select[name=category]");
      return checked ? checked.value : "";
    }

    function nearby() {
      var lat = latitude.value.trim(), lng = longitude.value.trim(), kind = category();
      if (!lat || !lng || !kind) { return; }
      var query = "category=" + encodeURIComponent(kind) + "&latitude=" + encodeURIComponent(lat) +
        "&longitude=" + encodeURIComponent(lng);
      if (query === asked) { return; }
      asked = query;
      fetch(form.getAttribute("data-nearby-url") + "?" + query, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { reports: [] }; })
        .then(function (data) { show(data.reports || []); })
        .catch(function () { /* no suggestions on a bad connection: the report can still be sent */ });
    }

    function show(reports) {
      list.textContent = "";
      reports.forEach(function (report) {
        var item = itemTemplate.content.firstElementChild.cloneNode(true);
        var links = item.querySelectorAll("a");
        links[0].href = report.url;
        links[0].querySelector("strong").textContent = report.title;
        links[1].href = report.url;
        item.querySelector("span").textContent = metaTemplate.content.textContent
          .replace("{village}", report.village).replace("{distance}", String(report.distance))
          .replace("{date}", report.submitted).replace("{state}", report.state);
        list.appendChild(item);
      });
      box.hidden = reports.length === 0;
    }

    // Photos are made smaller on the phone before they are sent: a 4 MB camera picture takes a minute and a
    // half at 400 kbit/s, the same picture at PHOTO_SIDE pixels a few seconds. The server checks and re-draws
    // whatever arrives; where the browser cannot do this (no canvas, no DataTransfer) the original is sent.
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file][name^=photo_]"), function (input) {
      input.addEventListener("change", function () { shrink(input); });
    });

    form.addEventListener("change", function (event) {
      if (event.target.name === "category" || event.target === latitude || event.target === longitude) { nearby(); }
    });
    nearby();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
