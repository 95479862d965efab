"""Progress from one assessment to a later one of the same firm, as plain data: changes and charts.

Two assessments may be on different questionnaire versions: a pillar or theme is compared when
both versions have its id, and the others are named as not comparable; one whose questions changed
is compared but marked (core.comparison).
"""

from __future__ import annotations

from ..core.comparison import changed_dimensions
from ..core.model import Questionnaire
from ..core.scoring import Scores
from .charts import radar_figure
from .labels import Words


def change_row(
    title: str, before: float | None, after: float | None, comparable: bool, kind: str, changed: bool = False
) -> dict:
    """Return one line of the table of changes; `changed`: compared, but its questions differ between versions."""
    change = after - before if comparable and before is not None and after is not None else None
    row = {"kind": kind, "title": title, "before": before, "after": after, "change": change, "comparable": comparable}
    return row | {"changed": comparable and changed}


def change_table(
    before_q: Questionnaire, before: Scores, after_q: Questionnaire, after: Scores, say: Words, language: str
) -> list[dict]:
    """Return the table of changes: overall, then each pillar of the later version and its themes."""
    old, new = before.dimensions(), after.dimensions()
    old_ids = {p.id for p in before_q.pillars} | {t.id for t in before_q.themes}
    changed = changed_dimensions(before_q, after_q)
    language = after_q.language_for(language)
    rows = [change_row(say("Overall"), old.get("overall"), new.get("overall"), True, "overall", "overall" in changed)]
    for pillar in after_q.pillars:
        title = after_q.text(pillar.title, language)
        comparable = pillar.id in old_ids
        rows.append(
            change_row(title, old.get(pillar.id), new.get(pillar.id), comparable, "pillar", pillar.id in changed)
        )
        for theme in pillar.themes:
            title = after_q.text(theme.title, language)
            comparable = theme.id in old_ids
            rows.append(
                change_row(title, old.get(theme.id), new.get(theme.id), comparable, "theme", theme.id in changed)
            )
    return rows


def build_progress(
    before_q: Questionnaire,
    before: Scores,
    after_q: Questionnaire,
    after: Scores,
    names: tuple[str, str],
    say: Words,
    language: str,
) -> dict:
    """Return the table of changes and one radar of both assessments per pillar, and the dropped themes.

    `names` says what the two assessments are called in the charts (e.g. their dates).
    """
    old, new = before.dimensions(), after.dimensions()
    old_ids = {t.id for t in before_q.themes}
    later = after_q.language_for(language)
    charts = []
    for pillar in after_q.pillars:
        title = after_q.text(pillar.title, later)
        figure = radar_figure(
            [after_q.text(t.title, later) for t in pillar.themes],
            [new.get(t.id) for t in pillar.themes],
            [old.get(t.id) if t.id in old_ids else None for t in pillar.themes],
            [],
            [],
            {"firm": names[1], "median": names[0], "band": ""},
        )
        label = say("Radar chart of the themes of %(pillar)s, before and after", pillar=title)
        charts.append({"pillar_id": pillar.id, "title": title, "figure": figure, "label": label})
    new_ids = {p.id for p in after_q.pillars} | {t.id for t in after_q.themes}
    earlier = before_q.language_for(language)
    dropped = [before_q.text(t.title, earlier) for t in before_q.themes if t.id not in new_ids]
    rows = change_table(before_q, before, after_q, after, say, language)
    return {"rows": rows, "charts": charts, "dropped": dropped, "changed": any(row["changed"] for row in rows)}
