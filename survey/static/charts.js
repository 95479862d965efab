// Draw every chart of the page from its inert JSON. plotly.js, named by each chart, is loaded
// only when a chart comes near the screen: on a phone the chart sits below the scores and the
// actions, and evaluating plotly.js is most of what a slow phone spends on this page.
(function () {
  var charts = Array.prototype.slice.call(document.querySelectorAll(".chart[data-plotly-src]"));
  if (!charts.length) return;
  var waiting = {};  // script URL -> functions to call once it has loaded (several charts share one)
  var drawn = [];
  var GAP = 4;  // px between a label and the chart's edge

  // One bundle a page: the first to load draws every chart, so a page's charts all name the same one.
  function withPlotly(source, then) {
    if (window.Plotly) return then();
    if (!waiting[source]) {
      waiting[source] = [];
      var script = document.createElement("script");
      script.src = source;
      script.onload = function () {
        var calls = waiting[source];
        waiting[source] = [];
        calls.forEach(function (call) { call(); });
      };
      document.head.appendChild(script);
    }
    waiting[source].push(then);
  }

  // A radar (a figure with a polar layout) is drawn square and its margins are fitted to its labels.
  // Any other figure (the dashboard's boxes, heat map and bars) comes with the height its rows
  // need and plotly's own margins: it only follows its container's width.
  function isRadar(layout) { return Boolean(layout.polar); }

  // As tall as the margins plus a square for the radar as wide as the chart leaves it.
  function heightFor(width, margin) {
    return Math.round(width - margin.l - margin.r + margin.t + margin.b);
  }

  function sizeFor(target, width) {
    var layout = target.layout;
    return isRadar(layout) ? {width: width, height: heightFor(width, layout.margin)} : {width: width};
  }

  // How far the axis labels stick out past each edge of the chart, plus a gap (< 0: room to spare).
  function overhang(target) {
    var box = target.getBoundingClientRect();
    var out = {l: -Infinity, r: -Infinity, t: -Infinity, b: -Infinity};
    target.querySelectorAll(".angularaxistick text").forEach(function (label) {
      var b = label.getBoundingClientRect();
      out.l = Math.max(out.l, box.left - b.left + GAP);
      out.r = Math.max(out.r, b.right - box.right + GAP);
      out.t = Math.max(out.t, box.top - b.top + GAP);
      out.b = Math.max(out.b, b.bottom - box.bottom + GAP);
    });
    return out;
  }

  // Fit the margins to the labels as this browser's fonts draw them: a few rounds, since a
  // wider margin makes the radar smaller and brings the labels in.
  function fit(target, rounds) {
    if (!isRadar(target.layout)) { target.setAttribute("data-drawn", "true"); return; }
    var margin = Object.assign({}, target.layout.margin);
    var out = overhang(target), changed = false;
    ["l", "r", "t", "b"].forEach(function (side) {
      if (isFinite(out[side]) && Math.abs(out[side]) > 1) {
        margin[side] = Math.max(0, Math.ceil(margin[side] + out[side]));
        changed = true;
      }
    });
    if (!changed || !rounds) {
      target.setAttribute("data-drawn", "true");
      return;
    }
    window.Plotly.relayout(target, {margin: margin, height: heightFor(target.clientWidth, margin)}).then(function () {
      fit(target, rounds - 1);
    });
  }

  function draw(target) {
    var data = document.querySelector('script[data-chart="' + target.id + '"]');
    if (!data) return;
    var figure = JSON.parse(data.textContent);
    if (isRadar(figure.layout)) figure.layout.height = heightFor(target.clientWidth, figure.layout.margin);
    window.Plotly.newPlot(target, figure.data, figure.layout, {displayModeBar: false}).then(function () {
      drawn.push(target);
      fit(target, 4);
    });
  }

  function load(target) {
    withPlotly(target.getAttribute("data-plotly-src"), function () { draw(target); });
  }

  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      drawn.forEach(function (target) {
        target.removeAttribute("data-drawn");
        window.Plotly.relayout(target, sizeFor(target, target.clientWidth)).then(function () { fit(target, 4); });
      });
    }, 200);
  });

  // Printing: draw every chart first. The button waits until all are drawn; the browser's own
  // print command waits for nothing, so it gets what is drawn by then.
  function loadAll() {
    charts.forEach(function (target) {
      if (!target.hasAttribute("data-loading")) { target.setAttribute("data-loading", ""); load(target); }
    });
  }
  // On paper the radars stand three across (about 225 px each on A4): redraw them that wide
  // before printing, and as wide as the screen gives them after. Other figures span the page:
  // A4 less the 11 mm margins of the print style is 188 mm (710 px); 680 px leaves some to spare.
  // Until it prints the page is laid out for the screen, so the paper's width is a constant.
  var PRINT_RADAR_WIDTH = 225, PRINT_PAGE_WIDTH = 680, PRINT_LABEL_PX = 10, SCREEN_LABEL_PX = 12;
  function resizeAll(printing) {
    drawn.forEach(function (target) {
      target.removeAttribute("data-drawn");
      var radar = isRadar(target.layout);
      // A radar's labels are fitted to the box it prints in; other figures' boxes stay fluid.
      if (radar) target.style.width = printing ? PRINT_RADAR_WIDTH + "px" : "";
      var width = !printing ? target.clientWidth : radar ? PRINT_RADAR_WIDTH : PRINT_PAGE_WIDTH;
      var size = sizeFor(target, width);
      if (radar) size["polar.angularaxis.tickfont.size"] = printing ? PRINT_LABEL_PX : SCREEN_LABEL_PX;
      window.Plotly.relayout(target, size).then(function () { fit(target, 4); });
    });
  }
  window.addEventListener("beforeprint", function () { loadAll(); resizeAll(true); });
  window.addEventListener("afterprint", function () { resizeAll(false); });
  var button = document.getElementById("print-results");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      loadAll();
      var sized = false;
      (function ready() {
        var all = charts.every(function (target) { return drawn.indexOf(target) >= 0; });
        if (all && !sized) { sized = true; resizeAll(true); }
        var done = sized && charts.every(function (target) { return target.getAttribute("data-drawn") === "true"; });
        if (done) window.print(); else setTimeout(ready, 100);
      })();
    });
  }

  if (!("IntersectionObserver" in window)) { loadAll(); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting || entry.target.hasAttribute("data-loading")) return;
      observer.unobserve(entry.target);
      entry.target.setAttribute("data-loading", "");
      load(entry.target);
    });
  }, {rootMargin: "600px 0px"});  // start a little before the chart scrolls into view
  charts.forEach(function (target) { observer.observe(target); });
})();
