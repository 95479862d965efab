// Draw every chart of the page from its inert JSON; loaded with defer, after plotly.js.
(function () {
  if (!window.Plotly) return;
  document.querySelectorAll("script[data-chart]").forEach(function (data) {
    var target = document.getElementById(data.getAttribute("data-chart"));
    if (!target) return;
    var figure = JSON.parse(data.textContent);
    // A radar is square: on a phone, no taller than its width plus room for the legend.
    figure.layout.height = Math.min(figure.layout.height, target.clientWidth + 110);
    Plotly.newPlot(target, figure.data, figure.layout, {displayModeBar: false, responsive: true});
  });
})();
