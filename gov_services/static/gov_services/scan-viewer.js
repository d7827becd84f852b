/* The scans of a request as thumbnails with one viewer: zoom, rotate, previous/next, keyboard.
   Markup: a [data-scan-gallery] holding a[data-scan] thumbnails (href = the inline image) and one
   <dialog data-scan-viewer>. Without JavaScript the thumbnails stay plain links. Ours, no library. */
(function () {
  "use strict";
  function setUp(gallery) {
    var dialog = document.querySelector("[data-scan-viewer]");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var links = Array.prototype.slice.call(gallery.querySelectorAll("a[data-scan]"));
    var img = dialog.querySelector("[data-scan-image]");
    var caption = dialog.querySelector("[data-scan-caption]");
    var index = 0, zoom = 1, turn = 0;
    function draw() {
      img.style.transform = "rotate(" + turn + "deg) scale(" + zoom + ")";
    }
    function show(i) {
      index = (i + links.length) % links.length;
      zoom = 1; turn = 0;
      img.src = links[index].href;
      img.alt = links[index].getAttribute("data-scan");
      caption.textContent = links[index].getAttribute("data-scan") + " (" + (index + 1) + " / " + links.length + ")";
      draw();
    }
    var actions = {
      "zoom-in": function () { zoom = Math.min(zoom * 1.25, 6); draw(); },
      "zoom-out": function () { zoom = Math.max(zoom / 1.25, 0.25); draw(); },
      "rotate": function () { turn = (turn + 90) % 360; draw(); },
      "prev": function () { show(index - 1); },
      "next": function () { show(index + 1); },
      "close": function () { dialog.close(); }
    };
    dialog.addEventListener("click", function (event) {
      var button = event.target.closest("[data-scan-action]");
      if (button && actions[button.getAttribute("data-scan-action")]) {
        actions[button.getAttribute("data-scan-action")]();
      }
    });
    dialog.addEventListener("keydown", function (event) {
      var key = {"ArrowLeft": "prev", "ArrowRight": "next", "+": "zoom-in", "=": "zoom-in", "-": "zoom-out",
                 "r": "rotate"}[event.key];
      if (key) { event.preventDefault(); actions[key](); }
    });
    links.forEach(function (link, i) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        show(i);
        dialog.showModal();
      });
    });
  }
  document.querySelectorAll("[data-scan-gallery]").forEach(setUp);
})();
