// Search results on a Leaflet map. Tiles only when a tile URL is configured; otherwise markers on a plain
// background (the list next to the map always has every result, with or without this script).
(function () {
  "use strict";
  var el = document.getElementById("search-map");
  if (!el || !window.L) { return; }
  var markers = JSON.parse(el.getAttribute("data-markers") || "[]");
  var tileUrl = el.getAttribute("data-tile-url");
  var map = L.map(el, { scrollWheelZoom: false, attributionControl: !!tileUrl });
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 18, attribution: el.getAttribute("data-attribution") || "" }).addTo(map);
  } else {
    el.classList.add("no-tiles");
  }
  // Names are text typed by users: the tooltip gets a DOM node whose textContent is the name, never HTML.
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  var points = [];
  markers.forEach(function (m) {
    var point = [m.lat, m.lon];
    points.push(point);
    L.circleMarker(point, { radius: 7, weight: 2, color: "#1565c0", fillOpacity: 0.6 })
      .bindTooltip(textNode(m.title)).addTo(map);
  });
  if (points.length > 1) {
    map.fitBounds(points, { padding: [24, 24], maxZoom: 13 });
  } else if (points.length === 1) {
    map.setView(points[0], 12);
  } else {
    map.setView([23.0, 113.7], 9);
  }
  el.setAttribute("data-ready", String(points.length));
})();
