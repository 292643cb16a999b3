// Starts Swagger UI from the container's data attributes (no inline script: see the Content-Security-Policy).
(function () {
  "use strict";
  var el = document.getElementById("swagger-ui-container");
  var config = {url: el.getAttribute("data-spec-url"), dom_id: "#swagger-ui-container"};
  var extra = JSON.parse(el.getAttribute("data-config") || "{}");
  Object.keys(extra).forEach(function (k) { config[k] = extra[k]; });
  window.ui = SwaggerUIBundle(config);
}());
