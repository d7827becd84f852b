/* The county map (stations/templates/stations/_map.html): township outlines and stations drawn with
 * Leaflet (static/vendor/leaflet, loaded before this file), from the JSON the page carries:
 *
 *   <div data-cz-map="ID"></div> … <script type="application/json" id="ID">{…}</script>
 *
 * JSON (stations/selectors_map.py map_payload): mode "status" | "pick"; townships, a GeoJSON
 * FeatureCollection (properties: code, name, selected); points [{code, name, status, status_label, url,
 * lat, lng}]; tiles {url, attribution} or null; pick {inputs: [lat id, lng id], centre: [lat, lng] or null}.
 *
 * Colours and shapes are CSS classes (static/cunzhan/css/map.css); nothing here writes markup from data
 * (names go in as text), and no inline script or style attribute is needed: the page's CSP holds.
 */
(function () {
  "use strict";

  var PICK_ZOOM = 14;
  var CENTRE_ZOOM = 11;  // about a county's width

  function setUp(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-cz-map"));
    if (!source || !window.L || canvas.getAttribute("data-cz-map-ready")) { return; }
    canvas.setAttribute("data-cz-map-ready", "1");
    canvas.parentNode.classList.add("cz-map--ready");  // a picker's map is shown only now (map.css)
    var data = JSON.parse(source.textContent);
    var map = L.map(canvas, {
      scrollWheelZoom: false,  // the page scrolls past the map; the +/− buttons and pinching zoom it
      zoomSnap: 0.25,
      attributionControl: Boolean(data.tiles)
    });
    if (data.tiles) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 18 }).addTo(map);
    }
    var bounds = L.latLngBounds([]);
    var outlines = L.geoJSON(data.townships, {
      interactive: false,
      style: function (feature) {
        return { className: "cz-map__area" + (feature.properties.selected ? " cz-map__area--selected" : "") };
      },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(feature.properties.name, {
          permanent: true, direction: "center", className: "cz-map__label", interactive: false
        });
      }
    }).addTo(map);
    if (outlines.getLayers().length) { bounds.extend(outlines.getBounds()); }
    var selected = L.latLngBounds([]);
    outlines.eachLayer(function (layer) {
      if (layer.feature.properties.selected) { selected.extend(layer.getBounds()); }
    });

    (data.points || []).forEach(function (point) {
      var marker = L.marker([point.lat, point.lng], {
        icon: L.divIcon({ className: "cz-map__marker cz-map__marker--" + point.status, iconSize: [18, 18] }),
        title: point.name + " · " + point.status_label,
        alt: point.name + " · " + point.status_label,
        riseOnHover: true
      }).addTo(map);
      marker.bindPopup(popup(point));
      bounds.extend(marker.getLatLng());
    });

    var centre = null;
    if (data.mode === "pick" && data.pick) {
      var at = picker(map, data.pick);
      // Over tiles, close in on the position set; over outlines only, the county with it.
      if (at && data.tiles) { map.setView(at, PICK_ZOOM); return; }
      if (at) { bounds.extend(at); }
      centre = data.pick.centre;
    }
    if (selected.isValid()) {
      map.fitBounds(selected, { padding: [16, 16] });
    } else if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: PICK_ZOOM });
    } else if (centre) {
      map.setView(centre, CENTRE_ZOOM);  // no outline yet: the region's own position
    } else {
      map.setView([35, 105], 4);  // nothing to show yet: China
    }
  }

  function popup(point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    var status = document.createElement("p");
    status.className = "cz-map__popup-status";
    status.textContent = point.status_label;
    box.appendChild(link);
    box.appendChild(status);
    return box;
  }

  /* The pick mode: a click or a drag sets the inputs; typing in them moves the marker. Returns the
     position to centre on (the one already set), or null. */
  function picker(map, pick) {
    var latitude = document.getElementById(pick.inputs[0]);
    var longitude = document.getElementById(pick.inputs[1]);
    if (!latitude || !longitude) { return null; }
    var marker = null;

    function place(latlng, fill) {
      if (!marker) {
        marker = L.marker(latlng, {
          icon: L.divIcon({ className: "cz-map__marker cz-map__marker--pick", iconSize: [22, 22] }),
          draggable: true,
          title: map.getContainer().getAttribute("aria-label"),
          alt: map.getContainer().getAttribute("aria-label")
        }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), true); });
      } else {
        marker.setLatLng(latlng);
      }
      if (fill) {
        latitude.value = latlng.lat.toFixed(6);
        longitude.value = L.Util.wrapNum(latlng.lng, [-180, 180], true).toFixed(6);
        [latitude, longitude].forEach(function (input) {
          input.dispatchEvent(new Event("change", { bubbles: true }));
        });
      }
    }

    function typed() {
      var lat = parseFloat(latitude.value), lng = parseFloat(longitude.value);
      if (isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        place(L.latLng(lat, lng), false);
        if (!map.getBounds().contains([lat, lng])) { map.panTo([lat, lng]); }
      } else if (marker && !latitude.value.trim() && !longitude.value.trim()) {
        map.removeLayer(marker);  // both emptied: the position is not known
        marker = null;
      }
    }

    map.on("click", function (event) { place(event.latlng, true); });
    latitude.addEventListener("input", typed);
    longitude.addEventListener("input", typed);
    var lat = parseFloat(latitude.value), lng = parseFloat(longitude.value);
    if (isFinite(lat) && isFinite(lng)) {
      place(L.latLng(lat, lng), false);
      return L.latLng(lat, lng);
    }
    return null;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-cz-map]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
