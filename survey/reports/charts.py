"""Plotly figures, built as plain figure data.

Figures are plain dicts in plotly's JSON schema rather than graph_objects: building and
validating graph_objects costs milliseconds a page, and the tests validate these dicts with
plotly itself. Every text in a figure goes through `plotly_text`: plotly reads a small HTML-like
markup in names and labels (links, styles, line breaks), and a firm may be named anything.
"""

from __future__ import annotations

from collections.abc import Sequence

FIRM_COLOUR = "#0b5cad"
PEER_COLOUR = "#b35900"


def plotly_text(text: str) -> str:
    """Return text that plotly shows as written, with none of it read as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap_label(label: str, width: int = 12) -> str:
    """Break a long axis label into lines, so a radar fits a phone screen; the label is escaped."""
    lines, line = [], []
    for word in label.split():
        if line and len(" ".join(line)) + 1 + len(word) > width:
            lines.append(line)
            line = []
        line.append(word)
    lines.append(line)
    return "<br>".join(plotly_text(" ".join(words)) for words in lines)


def _closed(values: Sequence) -> list:
    """Repeat the first point at the end, so a radar outline closes."""
    return list(values) + list(values[:1])


def radar_figure(
    axes: Sequence[str],
    firm: Sequence[float | None],
    median: Sequence[float | None],
    q1: Sequence[float | None],
    q3: Sequence[float | None],
    names: dict[str, str],
) -> dict:
    """Return a radar of the firm's theme scores against the peer median and interquartile band."""
    axes = [wrap_label(axis) for axis in axes]
    names = {key: plotly_text(name) for key, name in names.items()}
    band = q3 and all(v is not None for v in list(q1) + list(q3))
    data = []
    if band:
        # One outline around the upper quartile and back around the lower one, in the opposite
        # direction: filled, it leaves the middle empty, drawing the band between the quartiles.
        data.append(
            {
                "type": "scatterpolar",
                "name": names["band"],
                "theta": _closed(axes) + _closed(axes)[::-1],
                "r": _closed(q3) + _closed(q1)[::-1],
                "fill": "toself",
                "fillcolor": "rgba(179,89,0,0.15)",
                "line": {"width": 0},
                "hoverinfo": "skip",
                "mode": "lines",
            }
        )
    if any(v is not None for v in median):
        data.append(
            {
                "type": "scatterpolar",
                "name": names["median"],
                "theta": _closed(axes),
                "r": _closed(median),
                "mode": "lines",
                "line": {"color": PEER_COLOUR, "dash": "dash", "width": 2},
            }
        )
    # The firm as a line, not an area: over the peers' band, two fills blend into a muddy colour.
    data.append(
        {
            "type": "scatterpolar",
            "name": names["firm"],
            "theta": _closed(axes),
            "r": _closed(firm),
            "mode": "lines+markers",
            "line": {"color": FIRM_COLOUR, "width": 3},
            "marker": {"size": 6},
        }
    )
    layout = {
        # The scale's labels run between the first two axes rather than along the first one.
        "polar": {
            "radialaxis": {
                "range": [0, 100],
                "tickvals": [25, 50, 75, 100],
                "angle": 90 - 180 / max(len(axes), 1),
                "tickfont": {"size": 8},
            },
            "angularaxis": {"direction": "clockwise", "tickfont": {"size": 10}},
        },
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": -0.08},
        "margin": {"l": 60, "r": 60, "t": 20, "b": 10},
        "font": {"size": 11},
        "dragmode": False,
        "height": 460,
    }
    return {"data": data, "layout": layout}
