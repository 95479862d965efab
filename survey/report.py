"""Assemble what a results page shows: scores, levels, peers, explanations, chart and actions.

Templates receive plain data built here, in the owner's language.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup


from .charts import figure_html, radar_figure
from .forms import YESNO_LABELS
from .i18n import gettext as _
from .model import NOT_APPLICABLE, Question, Questionnaire
from .peers import SECTOR, SECTOR_SIZE, Comparison
from .profile import SECTORS
from .recommendations import action_plan
from .scoring import HIDDEN, NOT_APPLICABLE as STATUS_NA, UNANSWERED, Scores, level_for

TOP_ACTIONS = 5


def answer_text(questionnaire: Questionnaire, question: Question, value: Any, language: str) -> str:
    """Return an answer as the owner would read it."""
    if value is None:
        return ""
    if value == NOT_APPLICABLE:
        return _("Does not apply")
    if question.type == "yesno":
        return str(YESNO_LABELS.get(value, value))
    if question.type in ("choice", "checklist"):
        values = value if isinstance(value, (tuple, list)) else (value,)
        labels = []
        for item in values:
            option = question.option(item)
            labels.append(questionnaire.text(option.label, language) if option else str(item))
        return "; ".join(labels)
    if question.type == "number":
        return f"{value:g} {question.unit or ''}".strip()
    return str(value)


def group_label(comparison: Comparison, assessment: dict) -> str:
    """Say which firms the results are compared with."""
    sector = str(SECTORS.get(assessment["sector"], assessment["sector"])).lower()
    if comparison.group == SECTOR_SIZE:
        phrases = {
            "micro": _("micro firms in %(sector)s", sector=sector),
            "small": _("small firms in %(sector)s", sector=sector),
            "medium": _("medium-sized firms in %(sector)s", sector=sector),
        }
        return phrases.get(assessment["size"], sector)
    if comparison.group == SECTOR:
        return _("firms of every size in %(sector)s", sector=sector)
    return _("all firms that took this assessment")


def format_score(value: float | None) -> Markup:
    """Show a score as a whole number, or say that there is none."""
    if value is None:
        return Markup('<span class="none">%s</span>') % _("no score")
    return Markup(f"{value:.0f}")


def middle_half(summary) -> str:
    """Show the range of the middle half of peer scores, e.g. '35–62'."""
    if summary is None or summary.q1 is None:
        return ""
    return f"{summary.q1:.0f}–{summary.q3:.0f}"


def status_texts() -> dict[str, str]:
    """Say why an answer is left out of the score, by status."""
    return {
        STATUS_NA: _("does not apply: left out of the score"),
        HIDDEN: _("not asked: left out of the score"),
        UNANSWERED: _("not answered: left out of the score"),
    }


def build_report(questionnaire: Questionnaire, scores: Scores, answers: dict, comparison: Comparison,
                 language: str, assessment: dict) -> dict:
    """Return the data of a results page."""
    text = lambda value: questionnaire.text(value, language)  # noqa: E731
    summaries, ranks = comparison.summaries, comparison.ranks
    statuses = status_texts()
    pillars = []
    for pillar, result in zip(questionnaire.pillars, scores.pillars):
        level = level_for(pillar.levels, result.score)
        themes = []
        for theme, theme_result in zip(pillar.themes, result.themes):
            explained = []
            for item in theme_result.questions:
                question = questionnaire.questions[item.question_id]
                if item.status == "scored":
                    points = f"{item.points:g} / {item.max_points:g}"
                    if question.weight != 1:
                        points += f" (×{question.weight:g})"
                else:
                    points = statuses.get(item.status, "")
                explained.append({
                    "label": text(question.label), "points": points,
                    "answer": answer_text(questionnaire, question, answers.get(question.id), language),
                })
            themes.append({"id": theme.id, "title": text(theme.title), "score": theme_result.score,
                           "peers": summaries.get(theme.id), "middle": middle_half(summaries.get(theme.id)),
                           "rank": ranks.get(theme.id), "questions": explained})
        pillars.append({
            "id": pillar.id, "title": text(pillar.title), "score": result.score,
            "level": text(level.name) if level else None, "level_description": text(level.description) if level else "",
            "peers": summaries.get(pillar.id), "middle": middle_half(summaries.get(pillar.id)),
            "rank": ranks.get(pillar.id), "themes": themes,
        })
    axes = [theme for pillar in pillars for theme in pillar["themes"]]
    peers_of = lambda key: [t["peers"] and t["peers"][key] for t in axes]  # noqa: E731
    figure = radar_figure(
        [t["title"] for t in axes], [t["score"] for t in axes],
        peers_of(1), peers_of(2), peers_of(3),
        {"firm": assessment["firm_name"], "median": _("Median of similar firms"),
         "band": _("Middle half of similar firms")},
    )
    overall_level = level_for(questionnaire.levels, scores.overall)
    theme_titles = {theme["id"]: theme["title"] for theme in axes}
    efforts = {"low": _("Low effort"), "medium": _("Medium effort"), "high": _("High effort")}
    actions = [
        {"text": text(a.recommendation.action), "effort": a.recommendation.effort, "source": a.recommendation.source,
         "question": text(a.question.label), "theme": theme_titles[a.question.theme_id], "priority": a.priority,
         "effort_label": efforts[a.recommendation.effort]}
        for a in action_plan(questionnaire, answers, scores)
    ]
    return {
        "title": text(questionnaire.title), "overall": scores.overall,
        "overall_level": text(overall_level.name) if overall_level else None,
        "overall_peers": summaries.get("overall"), "overall_rank": ranks.get("overall"),
        "pillars": pillars, "group": group_label(comparison, assessment), "group_kind": comparison.group,
        "group_count": comparison.count,
        "chart": figure_html(figure, "radar", _("Radar chart of theme scores against the peer group")),
        "actions": actions, "top_actions": actions[:TOP_ACTIONS],
    }
