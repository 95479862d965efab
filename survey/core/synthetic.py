"""Synthetic firms and completed assessments, so a new installation shows benchmarks at once.

Reproducible: the same seed gives the same firms, answers and scores (never the resume links,
which the data layer draws as unguessably as any other). Sectors, sizes and
periods differ the way a programme would expect: larger firms and service sectors are more
digital, follow-ups score a little higher than baselines.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from .model import NOT_APPLICABLE, Question, Questionnaire
from .profile import REGIONS, SECTORS
from .scoring import score_response, visible_answers

# Typical readiness (0-1) per sector for the pillars digital, green, work.
SECTOR_PROFILE = {
    "wood_furniture": (0.35, 0.40, 0.45),
    "food_beverages": (0.40, 0.45, 0.50),
    "textiles_apparel": (0.35, 0.35, 0.40),
    "metal_products": (0.40, 0.35, 0.50),
    "other_manufacturing": (0.42, 0.40, 0.48),
    "agriculture": (0.25, 0.45, 0.35),
    "construction": (0.30, 0.30, 0.40),
    "retail_wholesale": (0.55, 0.35, 0.45),
    "tourism_hospitality": (0.55, 0.45, 0.50),
    "other_services": (0.60, 0.40, 0.55),
}
SIZE_SHARE = (("micro", 0.6, -0.08), ("small", 0.3, 0.0), ("medium", 0.1, 0.10))
PERIODS = (("2025-H2", "2025-09-15"), ("2026-H2", "2026-09-15"))
NAME_PARTS = (
    "Andina",
    "del Sur",
    "Inca",
    "Pacífico",
    "Norteña",
    "Sierra",
    "Amazónica",
    "Colonial",
    "Los Olivos",
    "San Juan",
    "Santa Rosa",
    "El Sol",
    "La Unión",
    "Progreso",
    "Huayna",
)
PILLAR_INDEX = {"digital": 0, "green": 1, "work": 2}


def draw_answer(question: Question, level: float, rng: random.Random) -> Any:
    """Draw a plausible answer for a firm of this readiness level (0-1)."""
    if question.allow_not_applicable and rng.random() < 0.04:
        return NOT_APPLICABLE
    target = min(1.0, max(0.0, rng.gauss(level, 0.2)))
    if not question.scored and question.type in ("choice", "checklist"):
        return _context_answer(question, rng)
    if question.type == "choice":
        return _choose(question, target, rng)
    if question.type == "yesno":
        return "yes" if target > 0.66 else "partly" if target > 0.33 else "no"
    if question.type == "checklist":
        ticked = tuple(o.value for o in question.options if o.score and rng.random() < target)
        if ticked:
            return ticked
        exclusive = [o.value for o in question.options if o.exclusive]
        return (exclusive[0],) if exclusive else (() if question.empty_is_none else None)
    if question.type == "number":
        low = question.min if question.min is not None else 0.0
        high = question.max if question.max is not None else low + 100.0
        return round(low + (high - low) * target * target)
    return None


def draw_grid(question: Question, level: float, rng: random.Random) -> dict[str, str]:
    """Draw a grid's answers, a row at a time, each as a choice of this readiness level, by row key."""
    if not question.scored:
        return {key: _context_answer(question, rng) for key in question.answer_keys()}
    return {key: _choose(question, min(1.0, max(0.0, rng.gauss(level, 0.2))), rng) for key in question.answer_keys()}


def _choose(question: Question, target: float, rng: random.Random) -> str:
    """Choose the option whose share of the points is near the target (0-1); now and then one that does not apply."""
    scored = sorted((o for o in question.options if o.score is not None), key=lambda o: o.score)
    if any(o.not_applicable for o in question.options) and rng.random() < 0.04:
        return next(o.value for o in question.options if o.not_applicable)
    return min(scored, key=lambda o: abs(o.score / question.max_points - target) + rng.random() * 0.1).value


def _context_answer(question: Question, rng: random.Random) -> Any:
    """Draw the answer to a question that is not scored: any option, or any few of a checklist's."""
    values = [o.value for o in question.options if not o.not_applicable and not o.exclusive]
    if question.type in ("choice", "grid"):
        return rng.choice(values) if values else None
    ticked = tuple(value for value in values if rng.random() < 0.5)
    return ticked or (() if question.empty_is_none else None)


def generate(
    questionnaire: Questionnaire, count: int, seed: int = 2026, earlier: Questionnaire | None = None
) -> Iterator[dict]:
    """Yield `count` completed assessments, each with its questionnaire, firm, period, answers and scores.

    With an `earlier` version, the first period's assessments answer it, as a programme that
    published the current version between its baseline and its follow-up would have them.
    """
    rng = random.Random(seed)
    sectors = list(SECTORS)
    made = 0
    firm_number = 0
    while made < count:
        firm_number += 1
        sector = rng.choice(sectors)
        size, shift = rng.choices([(s, d) for s, _, d in SIZE_SHARE], weights=[w for _, w, _ in SIZE_SHARE])[0]
        base = [min(0.95, max(0.05, rng.gauss(v + shift, 0.15))) for v in SECTOR_PROFILE[sector]]
        firm = {
            "name": f"Demo {rng.choice(NAME_PARTS)} {firm_number}",
            "sector": sector,
            "size": size,
            "region": rng.choice(REGIONS),
            "year_founded": rng.randint(1975, 2024),
            "is_demo": 1,
            "created_at": PERIODS[0][1] + "T09:00:00+00:00",
        }
        periods = PERIODS if rng.random() < 0.4 else (rng.choice(PERIODS),)
        for round_number, (period, day) in enumerate(periods):
            if made >= count:
                break
            gain = 0.08 * round_number
            asked = earlier if earlier is not None and period == PERIODS[0][0] else questionnaire
            answers = {}
            for question in asked.questions.values():
                level = base[PILLAR_INDEX.get(question.pillar_id, 0) % 3] + gain
                if question.rows:
                    answers.update(draw_grid(question, level, rng))
                    continue
                value = draw_answer(question, level, rng)
                if value is not None:
                    answers[question.id] = value
            answers, _ = visible_answers(asked, answers)
            made += 1
            yield {
                "questionnaire": asked,
                "firm": firm,
                "firm_number": firm_number,
                "period": period,
                "submitted_at": f"{day}T{rng.randint(8, 18):02d}:00:00+00:00",
                "answers": answers,
                "scores": score_response(asked, answers),
            }
