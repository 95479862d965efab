"""A page of questions: its form, progress, navigation, and the markup cached per worker."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, url_for
from markupsafe import Markup

from ..core.model import Questionnaire, Section
from ..core.navigation import position, shown_questions
from ..core.scoring import visible_answers
from .access import Opened, absolute
from .forms import EVIDENCE_LIMIT, evidence_field_name, na_field_name, section_form, shown_field_name
from .language import language as ui_language

_questions_cache: dict[tuple, Markup] = {}


def language_for(questionnaire: Questionnaire) -> str:
    """Return the request's language if the questionnaire offers it, else its default."""
    return questionnaire.language_for(ui_language())


def render_section(opened: Opened, index: int, form: Any, answers: dict) -> str:
    """Render a section page with its form, progress and navigation.

    Without a form (a GET), the form is built from the stored answers when needed.
    """
    questionnaire = opened.questionnaire
    effective, hidden = visible_answers(questionnaire, answers)
    place, total = position(questionnaire, index, hidden)
    language = language_for(questionnaire)
    current = questionnaire.sections[index]
    home = url_for("owner.resume", token=opened.token)  # one URL built; the page's others derive from it
    return render_template(
        "owner/section.html",
        assessment=opened.assessment,
        questionnaire=questionnaire,
        section=current,
        number=index + 1,
        position=place,
        total=total,
        form=form,
        language=language,
        questions_html=questions_html(questionnaire, current, language, form, answers, hidden),
        conditions=page_conditions(questionnaire, current, effective),
        action=f"{home}/section/{index + 1}",
        resume_url=absolute(home),
    )


def questions_html(
    questionnaire: Questionnaire,
    current: Section,
    language: str,
    form: Any,
    answers: dict,
    hidden: set[str],
    evidence: dict[str, str] | None = None,
    evidence_errors: dict[str, str] | None = None,
) -> Markup:
    """Render a section's questions, reusing the markup of the same section with the same answers.

    Shown from the stored answers (no form given: a GET), the questions of a section are the
    same HTML for every owner whose answers to it are the same, and most views are of sections
    not answered yet. A form shown again with what was posted is always rendered afresh, and so
    are the questions of a consultant's check, each with its own evidence note (`evidence`, by
    question id) and any message refusing it (`evidence_errors`).
    """
    shown_ids = shown_questions(current, hidden)
    key = None
    size = current_app.config["SECTION_CACHE_SIZE"]
    if size and form is None and evidence is None:
        keys = [key for q in current.questions for key in q.answer_keys()]
        given = tuple(sorted((key, answers.get(key)) for key in keys if answers.get(key) is not None))
        key = (
            questionnaire.id,
            questionnaire.version,
            questionnaire.digest,
            current.id,
            language,
            ui_language(),
            frozenset(shown_ids),
            given,
        )
        found = _questions_cache.get(key)
        if found is not None:
            return found
    if form is None:
        form = section_form(questionnaire, current, language, answers=answers)
    html = Markup(
        render_template(
            "owner/_questions.html",
            questionnaire=questionnaire,
            section=current,
            form=form,
            language=language,
            shown_ids=shown_ids,
            na_name=na_field_name,
            shown_name=shown_field_name,
            translate=lambda value: questionnaire.text(value, language),
            evidence=evidence,
            evidence_errors=evidence_errors or {},
            evidence_name=evidence_field_name,
            evidence_limit=EVIDENCE_LIMIT,
        )
    )
    if key is not None:
        if len(_questions_cache) >= size:
            _questions_cache.pop(next(iter(_questions_cache)))  # the oldest entry
        _questions_cache[key] = html
    return html


def page_conditions(questionnaire: Questionnaire, section: Section, effective: dict[str, Any]) -> dict | None:
    """Return what static/conditions.js needs to show and hide questions as the owner answers.

    `effective`: the answers that count, those of hidden questions left out (visible_answers).
    A grid's rows are read as choices under their keys; a row is hidden with its grid, so its
    test is the grid's condition and its own.
    """
    on_page = {q.id: q.type for q in section.questions if not q.rows}
    on_page |= {key: "choice" for q in section.questions for key in q.answer_keys() if q.rows}
    order, here = [], {q.id for q in section.questions}
    for question in questionnaire.evaluation_order:
        if question.id not in here:
            continue
        if question.relevant is not None and question.relevant.names & on_page.keys():
            order.append((question.id, question.relevant))
        for row in question.rows:
            conditions = [c for c in (question.relevant, row.relevant) if c is not None]
            if any(c.names & on_page.keys() for c in conditions):
                order.append((row.key, *conditions))
    if not order:
        return None
    names = sorted(set().union(*(c.names for _, *conditions in order for c in conditions)) | {key for key, *_ in order})
    stored = {name: effective.get(name) for name in names if name not in on_page}
    return {
        "order": [
            [key, conditions[0].tree if len(conditions) == 1 else ["and", *(c.tree for c in conditions)]]
            for key, *conditions in order
        ],
        "names": names,
        "types": on_page,
        "stored": {k: list(v) if isinstance(v, tuple) else v for k, v in stored.items()},
    }
