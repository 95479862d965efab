"""Plotly figures, built as plain figure data.

Figures are plain dicts in plotly's JSON schema rather than graph_objects: building and
validating graph_objects costs milliseconds a page, and the tests validate these dicts with
plotly itself. Every text in a figure goes through `plotly_text`: plotly reads a small HTML-like
markup in names and labels (links, styles, line breaks), and a firm may be named anything.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

FIRM_COLOUR = "#0b5cad"  # also the legend's swatches in static/style.css
PEER_COLOUR = "#b35900"
LABEL_PX = 12  # the axis labels' font size
# For the room left around a radar's labels: plotly's line spacing, the average width of these
# labels' characters in DejaVu Sans (Debian's default font), and the smallest radius allowed for.
LINE_EM = 1.3
CHAR_EM = 0.5
STANDOFF_PX = 11  # plotly's gap between an axis' end and its label, with the ticks below
MIN_RADIUS_PX = 60


def plotly_text(text: str) -> str:
    """Return text that plotly shows as written, with none of it read as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def label_lines(label: str, width: int = 12) -> list[str]:
    """Break a label into lines of about `width` characters, between words or after a hyphen.

    A word of one or two letters left alone on a line ("y", "no") joins the shorter of its
    neighbours instead.
    """
    lines, line = [], ""
    for word in re.findall(r"\S+?-(?=\S)|\S+", label):
        joined = line + word if not line or line.endswith("-") else f"{line} {word}"
        if line and len(joined) > width:
            lines.append(line)
            joined = word
        line = joined
    lines.append(line)
    for index in range(len(lines) - 1, -1, -1):
        if len(lines) > 1 and len(lines[index]) <= 2 and not lines[index].endswith("-"):
            short = lines.pop(index)
            before = f"{lines[index - 1]} {short}" if index > 0 else None
            after = f"{short} {lines[index]}" if index < len(lines) else None
            if after is None or (before is not None and len(before) <= len(after)):
                lines[index - 1] = before
            else:
                lines[index] = after
    return lines


def wrap_label(label: str, width: int = 12) -> str:
    """Break a long axis label into lines, so a radar fits a phone screen; the label is escaped."""
    return "<br>".join(plotly_text(line) for line in label_lines(label, width))


def label_margins(labels: Sequence[str]) -> dict[str, int]:
    """Return the margins that keep every axis label of a clockwise radar, first at the top, in view.

    Each side gets what its labels stick out past a circle of MIN_RADIUS_PX: a larger radar
    needs less, since a label's distance from the edge grows with the radius. A first guess:
    charts.js measures the labels as the browser's fonts draw them and fits each margin to them.
    """
    need = {"l": 0.0, "r": 0.0, "t": 0.0, "b": 0.0}
    for index, label in enumerate(labels):
        lines = label_lines(label)
        width = max(len(line) for line in lines) * CHAR_EM * LABEL_PX
        height = len(lines) * LINE_EM * LABEL_PX
        angle = math.radians(90 - 360 * index / len(labels))
        cos, sin = math.cos(angle), math.sin(angle)
        x = (MIN_RADIUS_PX + STANDOFF_PX) * cos
        y = (MIN_RADIUS_PX + STANDOFF_PX + LABEL_PX * (0.2 if sin > 0 else 1)) * sin
        # plotly centres a label near the top or bottom on its axis, else starts it at its axis'
        # end, and raises it by up to its height the nearer it is to the top.
        left = x - width / 2 if abs(cos) < 0.1 else x if cos > 0 else x - width
        top = y + (1 + sin) / 2 * height
        need["l"] = max(need["l"], -left - MIN_RADIUS_PX)
        need["r"] = max(need["r"], left + width - MIN_RADIUS_PX)
        need["t"] = max(need["t"], top - MIN_RADIUS_PX)
        need["b"] = max(need["b"], height - top - MIN_RADIUS_PX)
    return {side: math.ceil(value) + 4 for side, value in need.items()}


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
    """Return a radar of the firm's theme scores against the peer median and interquartile band.

    The legend is left to the page, where a long firm name wraps; each trace's `legendgroup`
    ("firm", "median" or "band") says what it draws.
    """
    titles = _closed([plotly_text(axis) for axis in axes])
    labels = _closed([wrap_label(axis) for axis in axes])
    names = {key: plotly_text(name) for key, name in names.items()}
    band = q3 and all(v is not None for v in list(q1) + list(q3))
    hover = "%{text}: %{r:.0f}"
    data = []
    if band:
        # One outline around the upper quartile and back around the lower one, in the opposite
        # direction: filled, it leaves the middle empty, drawing the band between the quartiles.
        data.append(
            {
                "type": "scatterpolar",
                "name": names["band"],
                "legendgroup": "band",
                "theta": labels + labels[::-1],
                "r": _closed(q3) + _closed(q1)[::-1],
                "fill": "toself",
                "fillcolor": "rgba(179,89,0,0.18)",
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
                "legendgroup": "median",
                "theta": labels,
                "r": _closed(median),
                "text": titles,
                "hovertemplate": hover,
                "mode": "lines",
                "line": {"color": PEER_COLOUR, "dash": "dash", "width": 2},
            }
        )
    # The firm as a line, not an area: over the peers' band, two fills blend into a muddy colour.
    data.append(
        {
            "type": "scatterpolar",
            "name": names["firm"],
            "legendgroup": "firm",
            "theta": labels,
            "r": _closed(firm),
            "text": titles,
            "hovertemplate": hover,
            "mode": "lines+markers",
            "line": {"color": FIRM_COLOUR, "width": 3},
            "marker": {"size": 7},
        }
    )
    margin = label_margins(axes)
    layout = {
        "polar": {
            # A hole: a theme at 0 sits on a small circle instead of pulling the line to a point.
            "hole": 0.12,
            "gridshape": "linear",
            # Rings at 25, 50, 75 and 100 without numbers: the page says what they are, and a
            # number on the scale would sit on the data.
            "radialaxis": {
                "range": [0, 100],
                "tickvals": [25, 50, 75, 100],
                "showticklabels": False,
                "ticks": "",
                "showline": False,
                "gridcolor": "#d0d0d0",
            },
            "angularaxis": {
                "direction": "clockwise",
                "rotation": 90,
                "tickfont": {"size": LABEL_PX, "color": "#1a1a1a"},
                # Invisible ticks, to keep each label clear of a marker at 100.
                "ticks": "outside",
                "ticklen": 8,
                "tickcolor": "rgba(0,0,0,0)",
                "gridcolor": "#d0d0d0",
                "linecolor": "#9a9a9a",
            },
        },
        "showlegend": False,
        "margin": {**margin, "pad": 0},
        "font": {"size": LABEL_PX},
        "dragmode": False,
        # Square where the radar is drawn at this height's width; charts.js sets the height from
        # the chart's width and these margins.
        "height": 320 + margin["t"] + margin["b"],
    }
    return {"data": data, "layout": layout}
