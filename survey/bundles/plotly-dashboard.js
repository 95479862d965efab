// A programme's dashboard draws box plots from precomputed statistics, a heat map and stacked
// bars: plotly's core and those three traces, no polar code. Built by `make` with esbuild into
// survey/static/build/plotly-dashboard.min.js.
var Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/box"), require("plotly.js/lib/heatmap"), require("plotly.js/lib/bar")]);

module.exports = Plotly;
