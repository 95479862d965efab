// Draw every chart of the page from its inert JSON. plotly.js, named by each chart, is loaded
// only when a chart comes near the screen: on a phone the chart sits below the scores and the
// actions, and evaluating plotly.js is most of what a slow phone spends on this page.
(function () {
  var charts = Array.prototype.slice.call(document.querySelectorAll(".chart[data-plotly-src]"));
  if (!charts.length) return;
  var waiting = {};  // script URL -> functions to call once it has loaded

  function withPlotly(source, then) {
    if (window.Plotly) return then();
    if (!waiting[source]) {
      waiting[source] = [];
      var script = document.createElement("script");
      script.src = source;
      script.onload = function () { waiting[source].forEach(function (call) { call(); }); };
      document.head.appendChild(script);
    }
    waiting[source].push(then);
  }

  function draw(target) {
    var data = document.querySelector('script[data-chart="' + target.id + '"]');
    if (!data) return;
    var figure = JSON.parse(data.textContent);
    // A radar is square: on a phone, no taller than its width plus room for the legend.
    figure.layout.height = Math.min(figure.layout.height, target.clientWidth + 110);
    window.Plotly.newPlot(target, figure.data, figure.layout, {displayModeBar: false, responsive: true});
  }

  function load(target) {
    withPlotly(target.getAttribute("data-plotly-src"), function () { draw(target); });
  }

  if (!("IntersectionObserver" in window)) { charts.forEach(load); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      observer.unobserve(entry.target);
      load(entry.target);
    });
  }, {rootMargin: "600px 0px"});  // start a little before the chart scrolls into view
  charts.forEach(function (target) { observer.observe(target); });
})();
