"""A programme's dashboard: the figures of a group of firms as tables and plotly figures.

Built from the packed rows the data layer reads (store.cohorts) and the figures of core.cohorts;
every group of fewer than k firms is left without a figure. No firm's name ever reaches here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import numpy as np

from ..core.cohorts import (
    Change,
    CohortPairs,
    CohortRows,
    Spread,
    align,
    changes,
    counts_by_group,
    level_shares,
    spread,
    suppressed,
    unpack,
)
from ..core.questionnaire import Questionnaire
from .charts import plotly_text, wrap_label
from .export import spreadsheet_safe
from .labels import Words

FONT = {"family": "system-ui, sans-serif", "size": 12}
ROW_PX = 36  # height of a box or a bar per dimension: room for a label of two lines
LABEL_CHARS = 20
LEVEL_COLOURS = ("#c8553d", "#f2a541", "#9bc1bc", "#2a7f62", "#1f4e79")


def dimensions(questionnaire: Questionnaire, say: Words, language: str) -> list[dict]:
    """Return the overall index, then each pillar and its themes: id, title, kind and weight in the overall index."""
    found = [{"id": "overall", "title": say("Overall"), "kind": "overall", "weight": 1.0, "pillar": ""}]
    pillar_weights = sum(p.weight for p in questionnaire.pillars) or 1.0
    for pillar in questionnaire.pillars:
        title = questionnaire.text(pillar.title, language)
        share = pillar.weight / pillar_weights
        found.append({"id": pillar.id, "title": title, "kind": "pillar", "weight": share, "pillar": title})
        theme_weights = sum(t.weight for t in pillar.themes) or 1.0
        for theme in pillar.themes:
            found.append(
                {
                    "id": theme.id,
                    "title": questionnaire.text(theme.title, language),
                    "kind": "theme",
                    "weight": share * theme.weight / theme_weights,
                    "pillar": title,
                }
            )
    return found


def build_dashboard(
    questionnaire: Questionnaire,
    rows: CohortRows,
    pairs: CohortPairs,
    k: int,
    say: Words,
    language: str,
    changed: frozenset[str] = frozenset(),
) -> dict:
    """Return every figure of the view: its firm count, the spreads, sector medians, levels, room and change.

    `changed`: the scores some baselines' earlier version asked other questions for, marked in the change.
    """
    language = questionnaire.language_for(language)
    dims = dimensions(questionnaire, say, language)
    ids = [d["id"] for d in dims]
    matrix = align(unpack(rows.packed, len(rows.dimensions)), rows.dimensions, ids)
    firms = matrix.shape[0]
    codes = sorted(set(rows.sectors))
    index = {code: number for number, code in enumerate(codes)}
    groups = np.fromiter((index[code] for code in rows.sectors), dtype=np.int64, count=firms)
    by_sector = counts_by_group(matrix, groups, len(codes))  # sectors × dimensions × tenths
    counts = by_sector.sum(axis=0)
    spread_rows = [dict(d, spread=spread(counts[column], k)) for column, d in enumerate(dims)]

    themes = [d for d in dims if d["kind"] == "theme"]
    theme_columns = [ids.index(t["id"]) for t in themes]
    sectors = sorted(
        (
            {
                "code": code,
                "title": say.sector(code),
                "firms": int(by_sector[number, 0].sum()),
                "themes": [spread(by_sector[number, column], k) for column in theme_columns],
            }
            for number, code in enumerate(codes)
        ),
        key=lambda s: s["title"],
    )
    # A sector under k firms is hidden, and a second one when it alone would be (core.cohorts).
    hidden = suppressed([s["firms"] for s in sectors], k)
    for number, sector in enumerate(sectors):
        sector["shown"] = number not in hidden

    levels = []
    for d in dims:
        if d["kind"] == "theme":
            continue
        scale = questionnaire.levels if d["kind"] == "overall" else _pillar(questionnaire, d["id"]).levels
        counted, shares = level_shares(counts[ids.index(d["id"])], [level.min for level in scale], k)
        names = [questionnaire.text(level.name, language) for level in scale]
        levels.append(dict(d, firms=counted, shares=None if shares is None else list(zip(names, shares))))

    room = sorted(
        (
            dict(t, median=s.median, gap=round(100 - s.median, 1), priority=round(t["weight"] * (100 - s.median), 1))
            for t, s in ((t, spread_rows[ids.index(t["id"])]["spread"]) for t in themes)
            if s.median is not None
        ),
        key=lambda r: -r["priority"],
    )

    change_rows, paired = _changes(pairs, ids, dims, k)
    for row in change_rows:
        row["changed"] = row["id"] in changed
    return {
        "firms": firms,
        "k": k,
        "shown": firms >= k,
        "spreads": spread_rows,
        "sectors": sectors,
        "themes": themes,
        "levels": levels,
        "room": room,
        "changes": change_rows,
        "paired": paired,
        "figures": _figures(spread_rows, sectors, themes, levels, change_rows, say) if firms >= k else {},
    }


def _pillar(questionnaire: Questionnaire, pillar_id: str):
    return next(p for p in questionnaire.pillars if p.id == pillar_id)


def _changes(pairs: CohortPairs, ids: list[str], dims: list[dict], k: int) -> tuple[list[dict], int]:
    """Return the paired change per dimension among every firm with a baseline, whatever its version."""
    follow_parts, baseline_parts = [], []
    for columns, follow_packed, baseline_packed in pairs.by_baseline_version.values():
        follow_parts.append(align(unpack(follow_packed, len(pairs.dimensions)), pairs.dimensions, ids))
        baseline_parts.append(align(unpack(baseline_packed, len(columns)), columns, ids))
    # A score no baseline's version has (a theme new in this version) is not compared at all.
    known = set().union(*(columns for columns, _, _ in pairs.by_baseline_version.values()))
    if not follow_parts:
        return [dict(d, change=Change(0), comparable=True) for d in dims], 0
    follow_ups, baselines = np.vstack(follow_parts), np.vstack(baseline_parts)
    found = changes(follow_ups, baselines, k)
    rows = [dict(d, change=c, comparable=d["id"] in known) for d, c in zip(dims, found)]
    return rows, follow_ups.shape[0]


def _layout(height: int, **more) -> dict:
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
        "font": FONT,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
        **more,
    }


def _label(d: dict) -> str:
    # The overall index and pillars in bold, as in the tables. Broken into lines of about 20
    # characters: on a phone the labels would otherwise leave the chart a sliver.
    title = wrap_label(d["title"], LABEL_CHARS)
    return f"<b>{title}</b>" if d["kind"] != "theme" else title


def _figures(
    spread_rows: list[dict], sectors: list[dict], themes: list[dict], levels: list[dict], change_rows: list, say: Words
) -> dict:
    figures = {}
    shown = [r for r in spread_rows if r["spread"].median is not None]
    if shown:
        s: list[Spread] = [r["spread"] for r in shown]
        figures["spread"] = {
            "data": [
                {
                    "type": "box",
                    "orientation": "h",
                    "y": [_label(r) for r in shown],
                    "q1": [x.q1 for x in s],
                    "median": [x.median for x in s],
                    "q3": [x.q3 for x in s],
                    # Whiskers only from 2k firms (core.cohorts); a smaller group's box has none.
                    "lowerfence": [x.q1 if x.low is None else x.low for x in s],
                    "upperfence": [x.q3 if x.high is None else x.high for x in s],
                    "marker": {"color": "#0b5cad"},
                    "hoverinfo": "x",
                }
            ],
            "layout": _layout(
                60 + ROW_PX * len(shown),
                xaxis={"range": [0, 100], "title": {"text": plotly_text(say("Score (0-100)"))}, "fixedrange": True},
                yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
            ),
        }
    if sectors and themes:
        z = [[cell.median if sector["shown"] else None for cell in sector["themes"]] for sector in sectors]
        figures["sectors"] = {
            "data": [
                {
                    "type": "heatmap",
                    "x": [wrap_label(s["title"], 12) for s in sectors],
                    "y": [plotly_text(t["title"]) for t in themes],
                    "z": [list(row) for row in zip(*z)],  # themes down, sectors across
                    "zmin": 0,
                    "zmax": 100,
                    # Light for low medians, dark for high: more is darker, as a reader expects.
                    "colorscale": [[0, "#eef4fb"], [0.5, "#6aa3d8"], [1, "#0b3d7a"]],
                    "texttemplate": "%{z:.0f}",
                    "hoverongaps": False,
                    "showscale": False,
                }
            ],
            "layout": _layout(
                90 + ROW_PX * len(themes),
                xaxis={"side": "top", "automargin": True, "fixedrange": True, "tickangle": 0},
                yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
            ),
        }
    bars = [r for r in levels if r["shares"]]
    if bars:
        names: list[str] = []
        for r in bars:
            names += [name for name, _share in r["shares"] if name not in names]
        figures["levels"] = {
            "data": [
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": plotly_text(name),
                    "y": [_label(r) for r in bars],
                    "x": [round(100 * (dict(r["shares"]).get(name) or 0), 1) for r in bars],
                    "marker": {"color": LEVEL_COLOURS[index % len(LEVEL_COLOURS)]},
                    "hovertemplate": "%{x:.0f}%<extra>" + plotly_text(name) + "</extra>",
                }
                for index, name in enumerate(names)
            ],
            "layout": _layout(
                110 + ROW_PX * len(bars),
                barmode="stack",
                showlegend=True,
                legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
                xaxis={"range": [0, 100], "ticksuffix": "%", "fixedrange": True},
                yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
            ),
        }
    moved = [r for r in change_rows if r["change"].median_change is not None]
    if moved:
        figures["change"] = {
            "data": [
                {
                    "type": "bar",
                    "orientation": "h",
                    "y": [_label(r) for r in moved],
                    "x": [r["change"].median_change for r in moved],
                    "marker": {"color": ["#2a7f62" if r["change"].median_change >= 0 else "#c8553d" for r in moved]},
                    "hovertemplate": "%{x:+.1f}<extra></extra>",
                }
            ],
            "layout": _layout(
                60 + ROW_PX * len(moved),
                xaxis={
                    "title": {"text": plotly_text(say("Median change (points)"))},
                    "zeroline": True,
                    "fixedrange": True,
                },
                yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
            ),
        }
    return figures


def dashboard_csv(view: dict, described: list[tuple[str, str]], say: Words) -> Iterator[str]:
    """Yield the view's tables as CSV lines: what it holds, then each table; a group below k has no figure."""
    out = io.StringIO()
    writer = csv.writer(out)
    k, hidden = view["k"], say("fewer than %(k)s firms", k=view["k"])

    def line(*cells) -> str:
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    def firms(count: int):
        return count if count >= k else hidden

    yield line(say("Privacy rule"), say("No figure describes a group of fewer than %(k)s firms.", k=k))
    for name, value in described:
        yield line(name, value)
    yield line(say("Firms"), firms(view["firms"]))
    if not view["shown"]:
        return
    yield line()
    yield line(say("Score"), say("Firms"), say("10th percentile"), say("Lower quartile"), say("Median"),
               say("Upper quartile"), say("90th percentile"))  # fmt: skip
    for row in view["spreads"]:
        s = row["spread"]
        yield line(
            row["title"],
            firms(s.firms),
            *((s.low, s.q1, s.median, s.q3, s.high) if s.median is not None else (hidden,)),
        )
    yield line()
    yield line(say("Median by sector"), say("Firms"), *(t["title"] for t in view["themes"]))
    for sector in view["sectors"]:
        if not sector["shown"]:
            yield line(sector["title"], hidden, hidden)
            continue
        yield line(
            sector["title"], sector["firms"], *(c.median if c.median is not None else hidden for c in sector["themes"])
        )
    yield line()
    for row in view["levels"]:
        if row["shares"] is None:
            yield line(row["title"], firms(row["firms"]), hidden)
        else:
            yield line(
                row["title"],
                firms(row["firms"]),
                *(f"{name}: {hidden if share is None else f'{round(100 * share)}%'}" for name, share in row["shares"]),
            )
    yield line()
    yield line(
        say("Themes with most room"), say("Median"), say("Weight in the overall index"), say("Room (weight × gap)")
    )
    for row in view["room"]:
        yield line(row["title"], row["median"], round(row["weight"], 3), row["priority"])
    yield line()
    yield line(say("Change from baseline to follow-up"), say("Firms with both"), say("Baseline median"),
               say("Follow-up median"), say("Median change"))  # fmt: skip
    for row in view["changes"]:
        c = row["change"]
        title = say("%(score)s (questions changed)", score=row["title"]) if row.get("changed") else row["title"]
        if not row["comparable"]:
            yield line(title, say("new in this version: not compared"))
        elif c.median_change is None:
            yield line(title, firms(c.firms), hidden)
        else:
            yield line(title, c.firms, c.baseline, c.follow_up, c.median_change)
