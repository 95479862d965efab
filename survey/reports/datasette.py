"""Datasette's metadata for our database: the analysis views described, every other table shut.

A table Datasette is told nothing about is open to anyone: so every table the database holds
is listed here as hidden and refused, whatever a later migration adds, and SQL is off (a
blocked table can still be read through the SQL box).
"""

from __future__ import annotations

from typing import Any

VIEWS = {
    "analysis_scores_by_group": (
        "Latest scores by group",
        "Each firm's latest scores, averaged by questionnaire version, sector, size, region, half-year of "
        "submission, demo or real, and dimension (the overall index, a pillar or a theme). Scores run from 0 to 100.",
    ),
    "analysis_scores_by_sector": (
        "Latest scores by sector",
        "Each firm's latest scores averaged by questionnaire version, sector and dimension: the benchmark an "
        "owner's results start from. Scores run from 0 to 100.",
    ),
    "analysis_progress": (
        "Baseline and follow-up",
        "Firms with two assessments or more: the first (baseline) against the latest (follow-up), paired, "
        "by sector and dimension. Mean scores from 0 to 100 and the mean change in points.",
    ),
}
UNITS = {"mean_score": "points", "mean_baseline": "points", "mean_follow_up": "points", "mean_change": "points"}


def metadata(database: str, tables: list[str], k: int) -> dict[str, Any]:
    """Return Datasette's metadata: the views with titles, descriptions and units; `tables` hidden and refused."""
    rule = f"Groups of fewer than {k} firms are left out, and no firm's name, answers or links appear."
    described: dict[str, Any] = {
        name: {"title": title, "description": f"{text} {rule}", "units": UNITS} for name, (title, text) in VIEWS.items()
    }
    shut = {name: {"hidden": True, "allow": False} for name in tables if name not in VIEWS}
    return {
        "title": "Readiness survey: analysis views",
        "description": f"Read-only figures for a programme's analysts. {rule}",
        "databases": {database: {"allow_sql": False, "tables": {**shut, **described}}},
    }
