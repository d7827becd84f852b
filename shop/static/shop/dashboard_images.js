/* Oscar's product image widget (templates/oscar/forms/widgets/image_input_widget.html), without
 * inline handlers: once the picture chosen for an empty slot shows, its "Upload Image" button hides;
 * a file the browser cannot show as a picture brings the button back and says so. */
(function () {
  "use strict";
  function slot(event) {
    var image = event.target;
    var widget = image.tagName === "IMG" && image.closest ? image.closest(".image-input") : null;
    return widget ? {image: image, button: document.getElementById("upload_button_" + widget.id)} : null;
  }
  document.addEventListener("load", function (event) {
    var found = slot(event);
    if (found && found.button) { found.button.hidden = true; }
  }, true);
  document.addEventListener("error", function (event) {
    var found = slot(event);
    if (found && found.button && found.image.getAttribute("src")) {
      found.button.hidden = false;
      window.alert(found.image.dataset.invalidMessage);
    }
  }, true);
})();
