"""Progress from one assessment to a later one of the same firm, as plain data: changes and charts.

Two assessments may be on different questionnaire versions: a pillar or theme is compared when
both versions have its id, and the others are named as not comparable.
"""

from __future__ import annotations

from ..core.model import Questionnaire
from ..core.scoring import Scores
from .charts import radar_figure
from .labels import Words


def change_row(title: str, before: float | None, after: float | None, comparable: bool, kind: str) -> dict:
    """Return one line of the table of changes."""
    change = after - before if comparable and before is not None and after is not None else None
    return {"kind": kind, "title": title, "before": before, "after": after, "change": change, "comparable": comparable}


def build_progress(
    before_q: Questionnaire,
    before: Scores,
    after_q: Questionnaire,
    after: Scores,
    names: tuple[str, str],
    say: Words,
    language: str,
) -> dict:
    """Return the table of changes, overall, by pillar and by theme, and one radar of both per pillar.

    `names` says what the two assessments are called in the charts (e.g. their dates).
    """
    old, new = before.dimensions(), after.dimensions()
    old_ids = {p.id for p in before_q.pillars} | {t.id for t in before_q.themes}
    rows = [change_row(say("Overall"), old.get("overall"), new.get("overall"), True, "overall")]
    charts = []
    for pillar in after_q.pillars:
        title = after_q.text(pillar.title, after_q.language_for(language))
        rows.append(change_row(title, old.get(pillar.id), new.get(pillar.id), pillar.id in old_ids, "pillar"))
        themes = [(after_q.text(t.title, after_q.language_for(language)), t.id) for t in pillar.themes]
        for theme_title, theme_id in themes:
            rows.append(change_row(theme_title, old.get(theme_id), new.get(theme_id), theme_id in old_ids, "theme"))
        figure = radar_figure(
            [theme_title for theme_title, _ in themes],
            [new.get(theme_id) for _, theme_id in themes],
            [old.get(theme_id) if theme_id in old_ids else None for _, theme_id in themes],
            [],
            [],
            {"firm": names[1], "median": names[0], "band": ""},
        )
        label = say("Radar chart of the themes of %(pillar)s, before and after", pillar=title)
        charts.append({"pillar_id": pillar.id, "title": title, "figure": figure, "label": label})
    new_ids = {p.id for p in after_q.pillars} | {t.id for t in after_q.themes}
    dropped = [before_q.text(t.title, before_q.language_for(language)) for t in before_q.themes if t.id not in new_ids]
    return {"rows": rows, "charts": charts, "dropped": dropped}
