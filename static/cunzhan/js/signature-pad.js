/* Handwritten signature pad for the counter: draw with a finger, stylus or mouse.
 *
 * Markup: <div data-signature-pad>
 *           <canvas></canvas>
 *           <input type="hidden" name="signature">   (receives a PNG data URL)
 *           <button type="button" data-signature-clear>…</button>
 *         </div>
 * No dependencies; works offline. The hidden input stays empty until something is drawn.
 */
(function () {
  "use strict";

  function setUp(root) {
    var canvas = root.querySelector("canvas");
    var input = root.querySelector("input[type=hidden]");
    var clear = root.querySelector("[data-signature-clear]");
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    function resize() {
      // Match the canvas to its CSS size at the device's pixel ratio so strokes stay sharp.
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, rect.width, rect.height);
      drawn = false;
      input.value = "";
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }

    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      last = point(event);
      canvas.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      drawn = true;
      event.preventDefault();
    });
    function finish() {
      if (!drawing) { return; }
      drawing = false;
      if (drawn) { input.value = canvas.toDataURL("image/png"); }
      root.dispatchEvent(new CustomEvent("signature:change", { bubbles: true }));
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    if (clear) { clear.addEventListener("click", resize); }
    resize();
  }

  document.querySelectorAll("[data-signature-pad]").forEach(setUp);
})();
