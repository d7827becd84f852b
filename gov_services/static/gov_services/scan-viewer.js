/* The scans of a request as thumbnails with one viewer: zoom, rotate, previous/next, keyboard.
   Markup: a [data-scan-gallery] holding a[data-scan] thumbnails (href = the inline image) and one
   <dialog data-scan-viewer>. A PDF's thumbnail carries data-scan-pages (its page count) and
   data-scan-page-url (the server draws each page as a JPEG: ?page=N): the viewer pages through it
   like through the scans. Without JavaScript the thumbnails stay plain links. Ours, no library. */
(function () {
  "use strict";
  function setUp(gallery) {
    var dialog = document.querySelector("[data-scan-viewer]");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var links = Array.prototype.slice.call(gallery.querySelectorAll("a[data-scan]"));
    // One entry per picture: an image scan is one, a PDF one per page.
    var pages = [], firstPage = [];
    links.forEach(function (link, scan) {
      var count = parseInt(link.getAttribute("data-scan-pages") || "0", 10);
      firstPage.push(pages.length);
      if (count > 0) {
        for (var page = 1; page <= count; page++) {
          pages.push({src: link.getAttribute("data-scan-page-url") + "?page=" + page, scan: scan, page: page,
                      pages: count, name: link.getAttribute("data-scan")});
        }
      } else {
        pages.push({src: link.href, scan: scan, page: 1, pages: 1, name: link.getAttribute("data-scan")});
      }
    });
    var pageLabel = dialog.getAttribute("data-page-label") || "{page} / {pages}";
    var img = dialog.querySelector("[data-scan-image]");
    var caption = dialog.querySelector("[data-scan-caption]");
    var index = 0, zoom = 1, turn = 0;
    function draw() {
      img.style.transform = "rotate(" + turn + "deg) scale(" + zoom + ")";
    }
    function show(i) {
      index = (i + pages.length) % pages.length;
      zoom = 1; turn = 0;
      var entry = pages[index];
      img.src = entry.src;
      img.alt = entry.name;
      var text = entry.name + " (" + (entry.scan + 1) + " / " + links.length + ")";
      if (entry.pages > 1) {
        text += " · " + pageLabel.replace("{pages}", entry.pages).replace("{page}", entry.page);
      }
      caption.textContent = text;
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
        show(firstPage[i]);
        dialog.showModal();
      });
    });
  }
  document.querySelectorAll("[data-scan-gallery]").forEach(setUp);
})();
