// Draw every chart of the page from its inert JSON; loaded with defer, after plotly.js.
(function () {
  if (!window.Plotly) return;
  document.querySelectorAll("script[data-chart]").forEach(function (data) {
    var target = document.getElementById(data.getAttribute("data-chart"));
    if (!target) return;
    var figure = JSON.parse(data.textContent);
    Plotly.newPlot(target, figure.data, figure.layout, {displayModeBar: false, responsive: true});
  });
})();
