"""The results of one assessment as plain data: scores, levels, peers, explanations, chart and actions.

`build_results` needs no request and no database: it takes what the data layer loaded and the
language to write in, so the results page, an export or a printed report read the same data.
"""

from __future__ import annotations

import math
from typing import Any

from ..core.benchmarks import SECTOR, SECTOR_SIZE, Comparison, Summary
from ..core.model import Question, Questionnaire, Theme
from ..core.recommendations import Action, action_plan, start_here
from ..core.scoring import HIDDEN, NOT_APPLICABLE, UNANSWERED, Scores, hidden_questions, level_for, question_points
from .charts import radar_figure
from .labels import EFFORT_LABELS, NOT_SCORED_LABEL, SEVERITY_LABELS, STATUS_LABELS, Words, words


def group_label(comparison: Comparison, assessment: dict, say: Words) -> str:
    """Say which firms the results are compared with."""
    sector = say.sector(assessment["sector"]).lower()
    if comparison.group == SECTOR_SIZE:
        phrases = {
            "micro": say("micro firms in %(sector)s", sector=sector),
            "small": say("small firms in %(sector)s", sector=sector),
            "medium": say("medium-sized firms in %(sector)s", sector=sector),
        }
        return phrases.get(assessment["size"], sector)
    if comparison.group == SECTOR:
        return say("firms of every size in %(sector)s", sector=sector)
    return say("all firms that took this assessment")


def middle_half(summary: Summary | None) -> str:
    """Show the range of the middle half of peer scores, e.g. '35–62'."""
    if summary is None or summary.q1 is None:
        return ""
    return f"{summary.q1:.0f}–{summary.q3:.0f}"


def explain_theme(
    questionnaire: Questionnaire,
    theme: Theme,
    theme_result: Any,
    answers: dict,
    hidden: set[str],
    say: Words,
    language: str,
) -> list[dict]:
    """Return each question of a theme with the owner's answer and the points it gave.

    Context questions (a choice, checklist or grid with `scored: false`) are listed too when
    shown, with their answer and no points. A grid is followed by its rows (marked "row"), each
    with its answer and points.
    """
    text = lambda value: questionnaire.text(value, language)  # noqa: E731
    results = {item.question_id: item for item in theme_result.questions}
    explained = []
    for question in theme.questions:
        item = results.get(question.id)
        if item is not None and item.status == "scored":
            points = f"{item.points:g} / {item.max_points:g}"
            if question.weight != 1:
                points += f" (×{question.weight:g})"
        elif item is not None:
            points = say(STATUS_LABELS[item.status]) if item.status in STATUS_LABELS else ""
        elif question.type in ("choice", "checklist", "grid") and question.id not in hidden:
            points = say(NOT_SCORED_LABEL)
        else:
            continue  # notes, texts, and context questions not asked
        explained.append(
            {
                "id": question.id,
                "label": text(question.label),
                "points": points,
                "answer": say.answer(questionnaire, question, answers.get(question.id), language),
                "row": False,
            }
        )
        if question.rows and question.id not in hidden:
            explained += explain_rows(questionnaire, question, answers, hidden, say, language)
    return explained


def explain_rows(
    questionnaire: Questionnaire, question: Question, answers: dict, hidden: set[str], say: Words, language: str
) -> list[dict]:
    """Return each row of a shown grid with the owner's answer and the points it gave (none in a context grid)."""
    explained = []
    for row in question.rows:
        value = None if row.key in hidden else answers.get(row.key)
        if not question.scored:
            points = ""
        elif row.key in hidden:
            points = say(STATUS_LABELS[HIDDEN])
        elif value is None:
            points = say(STATUS_LABELS[UNANSWERED])
        elif value in question.not_applicable_values:
            points = say(STATUS_LABELS[NOT_APPLICABLE])
        else:
            points = f"{question_points(question, value) or 0:g} / {question.max_points:g}"
            points += f" (×{row.weight:g})" if row.weight != 1 else ""
        explained.append(
            {
                "id": row.key,
                "label": questionnaire.text(row.label, language),
                "points": points,
                "answer": say.answer(questionnaire, question, value, language),
                "row": True,
            }
        )
    return explained


def build_results(
    questionnaire: Questionnaire,
    scores: Scores,
    answers: dict,
    comparison: Comparison,
    assessment: dict,
    language: str,
) -> dict:
    """Return everything a results page shows, in `language`.

    The questionnaire's own texts are in `language` when it offers it, else in its default.
    """
    say = words(language)
    language = questionnaire.language_for(language)
    text = lambda value: questionnaire.text(value, language)  # noqa: E731
    summaries, ranks = comparison.summaries, comparison.ranks
    hidden = hidden_questions(questionnaire, answers)
    pillars = []
    for pillar, result in zip(questionnaire.pillars, scores.pillars):
        level = level_for(pillar.levels, result.score)
        themes = [
            {
                "id": theme.id,
                "title": text(theme.title),
                "score": theme_result.score,
                "peers": summaries.get(theme.id),
                "middle": middle_half(summaries.get(theme.id)),
                "rank": ranks.get(theme.id),
                "questions": explain_theme(questionnaire, theme, theme_result, answers, hidden, say, language),
            }
            for theme, theme_result in zip(pillar.themes, result.themes)
        ]
        pillars.append(
            {
                "id": pillar.id,
                "title": text(pillar.title),
                "score": result.score,
                "level": text(level.name) if level else None,
                "level_description": text(level.description) if level else "",
                "peers": summaries.get(pillar.id),
                "middle": middle_half(summaries.get(pillar.id)),
                "rank": ranks.get(pillar.id),
                "themes": themes,
            }
        )
    overall_level = level_for(questionnaire.levels, scores.overall)
    actions = describe_plan(questionnaire, answers, scores, say, language)
    return {
        "language": say.language,
        "title": text(questionnaire.title),
        "firm": assessment["firm_name"],
        "overall": scores.overall,
        "overall_level": text(overall_level.name) if overall_level else None,
        "overall_peers": summaries.get("overall"),
        "overall_rank": ranks.get("overall"),
        "pillars": pillars,
        "group": group_label(comparison, assessment, say),
        "group_kind": comparison.group,
        "group_count": comparison.count,
        **radar_charts(pillars, assessment["firm_name"], say),
        "actions": actions,
        "top_actions": [a for a in actions if a["start_here"]],
        "action_groups": group_actions(actions, pillars),
    }


def describe_plan(questionnaire: Questionnaire, answers: dict, scores: Scores, say: Words, language: str) -> list[dict]:
    """Return the recommended actions in plan order, each numbered, marked "start here" or not."""
    dimensions = [*questionnaire.pillars, *questionnaire.themes]
    titles = {dimension.id: questionnaire.text(dimension.title, language) for dimension in dimensions}
    plan = action_plan(questionnaire, answers, scores)
    first = {a.recommendation.id for a in start_here(plan)}
    actions = [describe_action(questionnaire, a, rank, titles, say, language) for rank, a in enumerate(plan, 1)]
    numbers = {action["id"]: action["rank"] for action in actions}
    for action in actions:
        action["start_here"] = action["id"] in first
        action["after"] = [{"id": rid, "rank": numbers[rid]} for rid in action.pop("waits_for")]
    return actions


def describe_action(
    questionnaire: Questionnaire, action: Action, rank: int, titles: dict, say: Words, language: str
) -> dict:
    """Return one action as the owner reads it: what to do, why, how serious and how costly.

    `titles` are those of the pillars and themes, by id. A theme's or a pillar's action has no
    question: the score below its threshold says why.
    """
    recommendation, question = action.recommendation, action.question
    theme_id, pillar_id = recommendation.theme_id, recommendation.pillar_id
    if question is None:
        threshold = recommendation.score_below
        why = say(
            "%(title)s scored %(score)s (below %(threshold)s)",
            title=titles[theme_id or pillar_id],
            score=score_below(action.score, threshold),
            threshold=f"{threshold:g}",
        )
    elif action.row is not None:  # a grid's action: the row it looks at, and its answer
        answer = say.answer(questionnaire, question, action.answer, language)
        why = say("%(row)s: your answer: %(answer)s", row=questionnaire.text(action.row.label, language), answer=answer)
    elif action.missing:
        missing = [questionnaire.text(question.option(v).label, language) for v in action.missing]
        why = say("Not ticked: %(options)s", options="; ".join(missing))
    else:
        answer = say.answer(questionnaire, question, action.answer, language) or say("nothing ticked")
        why = say("Your answer: %(answer)s", answer=answer)
    return {
        "id": recommendation.id,
        "rank": rank,
        "text": questionnaire.text(recommendation.action, language),
        "severity": recommendation.severity,
        "severity_label": say(SEVERITY_LABELS[recommendation.severity])
        if recommendation.severity in SEVERITY_LABELS
        else "",
        "effort": recommendation.effort,
        "effort_label": say(EFFORT_LABELS[recommendation.effort]),
        "source": questionnaire.text(recommendation.source, language),
        "kind": "question" if question else ("theme" if theme_id else "pillar"),
        "question": questionnaire.text(question.label, language) if question else "",
        "row": questionnaire.text(action.row.label, language) if action.row else None,
        "why": why,
        "pillar_id": pillar_id,
        "pillar": titles[pillar_id],
        "theme_id": theme_id,
        "theme": titles[theme_id] if theme_id else "",
        "priority": action.priority,
        "waits_for": list(action.waits_for),
    }


def score_below(score: float, threshold: float) -> str:
    """Show a score below a threshold as the results do (a whole number), with a decimal if that reads as not below."""
    shown = f"{score:.0f}"
    return shown if float(shown) < threshold else f"{math.floor(score * 10) / 10:.1f}"


def group_actions(actions: list[dict], pillars: list[dict]) -> list[dict]:
    """Return the actions by pillar and theme, in questionnaire order; each keeps its rank.

    A pillar's own actions come under the pillar, before its themes; a theme's own, first in the theme.
    """
    groups = []
    for pillar in pillars:
        themes = []
        for theme in pillar["themes"]:
            members = [a for a in actions if a["theme_id"] == theme["id"]]
            members.sort(key=lambda a: a["kind"] != "theme")  # stable: each part stays in plan order
            if members:
                themes.append({"id": theme["id"], "title": theme["title"], "actions": members})
        own = [a for a in actions if a["kind"] == "pillar" and a["pillar_id"] == pillar["id"]]
        if themes or own:
            groups.append({"id": pillar["id"], "title": pillar["title"], "actions": own, "themes": themes})
    return groups


def radar_charts(pillars: list[dict], firm_name: str, say: Words) -> dict:
    """Return one radar per pillar, its themes against the peer median and middle half, and their legend.

    The legend lists what the radars draw (the firm, the median, the middle half) for the page to
    show in HTML, where a long firm name wraps.
    """
    names = {"firm": firm_name, "median": say("Median of similar firms"), "band": say("Middle half of similar firms")}

    def peers_of(themes: list[dict], field: str) -> list[float | None]:
        return [getattr(t["peers"], field) if t["peers"] else None for t in themes]

    charts = []
    for pillar in pillars:
        themes = pillar["themes"]
        figure = radar_figure(
            [t["title"] for t in themes],
            [t["score"] for t in themes],
            peers_of(themes, "median"),
            peers_of(themes, "q1"),
            peers_of(themes, "q3"),
            names,
        )
        label = say("Radar chart of the themes of %(pillar)s against similar firms", pillar=pillar["title"])
        charts.append({"pillar_id": pillar["id"], "title": pillar["title"], "figure": figure, "label": label})
    drawn = {trace["legendgroup"] for chart in charts for trace in chart["figure"]["data"]}
    legend = [{"kind": kind, "name": names[kind]} for kind in ("firm", "median", "band") if kind in drawn]
    return {"charts": charts, "chart_legend": legend}
