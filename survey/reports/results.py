"""The results of one assessment as plain data: scores, levels, peers, explanations, chart and actions.

`build_results` needs no request and no database: it takes what the data layer loaded and the
language to write in, so the results page, an export or a printed report read the same data.
"""

from __future__ import annotations

from typing import Any

from ..core.benchmarks import SECTOR, SECTOR_SIZE, Comparison, Summary
from ..core.model import Questionnaire
from ..core.recommendations import action_plan
from ..core.scoring import Scores, level_for
from .charts import radar_figure
from .labels import EFFORT_LABELS, STATUS_LABELS, Words, words

TOP_ACTIONS = 5


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
    questionnaire: Questionnaire, theme_result: Any, answers: dict, say: Words, language: str
) -> list[dict]:
    """Return each question of a theme with the owner's answer and the points it gave."""
    text = lambda value: questionnaire.text(value, language)  # noqa: E731
    explained = []
    for item in theme_result.questions:
        question = questionnaire.questions[item.question_id]
        if item.status == "scored":
            points = f"{item.points:g} / {item.max_points:g}"
            if question.weight != 1:
                points += f" (×{question.weight:g})"
        else:
            points = say(STATUS_LABELS[item.status]) if item.status in STATUS_LABELS else ""
        explained.append(
            {
                "id": question.id,
                "label": text(question.label),
                "points": points,
                "answer": say.answer(questionnaire, question, answers.get(question.id), language),
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
                "questions": explain_theme(questionnaire, theme_result, answers, say, language),
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
    axes = [theme for pillar in pillars for theme in pillar["themes"]]
    theme_titles = {theme["id"]: theme["title"] for theme in axes}
    overall_level = level_for(questionnaire.levels, scores.overall)
    actions = [
        {
            "text": text(a.recommendation.action),
            "effort": a.recommendation.effort,
            "effort_label": say(EFFORT_LABELS[a.recommendation.effort]),
            "source": a.recommendation.source,
            "question": text(a.question.label),
            "theme": theme_titles[a.question.theme_id],
            "priority": a.priority,
        }
        for a in action_plan(questionnaire, answers, scores)
    ]
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
        "chart": radar_chart(axes, assessment["firm_name"], say),
        "chart_label": say("Radar chart of theme scores against the peer group"),
        "actions": actions,
        "top_actions": actions[:TOP_ACTIONS],
    }


def radar_chart(axes: list[dict], firm_name: str, say: Words) -> dict:
    """Return the radar figure of the theme scores against the peer median and middle half."""

    def peers_of(field: str) -> list[float | None]:
        return [getattr(t["peers"], field) if t["peers"] else None for t in axes]

    return radar_figure(
        [t["title"] for t in axes],
        [t["score"] for t in axes],
        peers_of("median"),
        peers_of("q1"),
        peers_of("q3"),
        {"firm": firm_name, "median": say("Median of similar firms"), "band": say("Middle half of similar firms")},
    )
