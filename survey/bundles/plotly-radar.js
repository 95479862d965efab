// The owner's results draw one kind of chart, a radar: plotly's core and its scatterpolar trace.
// Built by `make` with esbuild into survey/static/build/plotly-radar.min.js.
var Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/scatterpolar")]);

module.exports = Plotly;
