// The delivery point of an order form: a pin on a Leaflet map sets the hidden latitude/longitude fields. Tiles only
// when a tile URL is configured; the cluster's factory sites are drawn for reference either way.
function deliveryPin() {
  "use strict";
  var el = document.getElementById("delivery-map");
  if (!el || !window.L) { return; }
  var form = el.closest("form");
  var lat = form.querySelector("input[name=delivery_latitude]");
  var lon = form.querySelector("input[name=delivery_longitude]");
  var start = [parseFloat(el.getAttribute("data-lat")), parseFloat(el.getAttribute("data-lon"))];
  var tileUrl = el.getAttribute("data-tile-url");
  var map = L.map(el, { scrollWheelZoom: false, attributionControl: !!tileUrl }).setView(start, 11);
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 18, attribution: el.getAttribute("data-attribution") || "" }).addTo(map);
  } else {
    el.classList.add("no-tiles");
  }
  function textNode(text) { var span = document.createElement("span"); span.textContent = text; return span; }
  var landmarks = [];
  JSON.parse(el.getAttribute("data-sites") || "[]").forEach(function (s) {
    landmarks.push([s.lat, s.lon]);
    L.marker([s.lat, s.lon], { icon: L.divIcon({ className: "site-dot", iconSize: [12, 12] }), keyboard: false })
      .bindTooltip(textNode(s.name)).addTo(map);
  });
  if (landmarks.length) { map.fitBounds(landmarks.concat([start]), { padding: [24, 24], maxZoom: 13 }); }
  var pin = L.marker(start, { draggable: true, keyboard: true }).addTo(map);
  function set(point) {
    lat.value = point.lat.toFixed(6);
    lon.value = point.lng.toFixed(6);
    el.setAttribute("data-pinned", "1");
  }
  pin.on("dragend", function () { set(pin.getLatLng()); });
  map.on("click", function (e) { pin.setLatLng(e.latlng); set(e.latlng); });
  set(pin.getLatLng());
  // With saved addresses, the new-address fields matter only when "A new address" is chosen.
  var box = form.querySelector("[data-new-address]");
  var radios = form.querySelectorAll("input[name=delivery_address_id]");
  function toggle() {
    var chosen = form.querySelector("input[name=delivery_address_id]:checked");
    var fresh = !chosen || chosen.value === "new";
    box.hidden = !fresh;
    box.querySelector("input[name=delivery_address]").required = fresh;
    if (fresh) { setTimeout(function () { map.invalidateSize(); }, 0); }
  }
  radios.forEach(function (r) { r.addEventListener("change", toggle); });
  if (radios.length) { toggle(); }
}
// made once the page is laid out: a map made earlier measures its box too small and clips what it draws
if (document.readyState === "complete") { deliveryPin(); } else { window.addEventListener("load", deliveryPin); }
