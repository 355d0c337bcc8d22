// Draws every plotly figure of the page from the JSON in its data-plotly-figure attribute
// (pilot/ingest/figures.py): no inline script, so the Content-Security-Policy can forbid them.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-plotly-figure]");
  for (var i = 0; i < boxes.length; i++) {
    var figure = JSON.parse(boxes[i].getAttribute("data-plotly-figure"));
    window.Plotly.newPlot(boxes[i], figure.data, figure.layout, figure.config);
  }
})();
