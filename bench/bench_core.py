"""Time the core of the survey: loading a questionnaire and scoring responses, on one core.

Prints (a) the median time to load and validate questionnaires/readiness.yaml over 20 runs
(target: under 200 ms) and (b) how many completed responses score_response scores per second
(target: at least 20,000/s), then the same for score_response followed by action_plan.
Answers are 2,000 random, complete and valid answer sets drawn with a fixed seed.
Run by hand: .venv/bin/python bench/bench_core.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere, without installing the app

from survey.core.model import NOT_APPLICABLE, Question, Questionnaire  # noqa: E402
from survey.core.questionnaire import load_questionnaire, load_questionnaire_text  # noqa: E402
from survey.core.recommendations import action_plan  # noqa: E402
from survey.core.scoring import score_response  # noqa: E402

READINESS = ROOT / "questionnaires" / "readiness.yaml"
README = ROOT / "questionnaires" / "README.md"
LOAD_RUNS = 20
ANSWER_SETS = 2_000
SECONDS = 3.0
SEED = 20240601
LOAD_TARGET_MS = 200
SCORE_TARGET = 20_000


def source() -> tuple[str, Callable[[], Questionnaire]]:
    """Return a description of the questionnaire timed and a function that loads it."""
    if READINESS.exists():
        return str(READINESS.relative_to(ROOT)), lambda: load_questionnaire(READINESS)
    readme = README.read_text(encoding="utf-8")
    text = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    return "the README example (questionnaires/readiness.yaml does not exist yet)", lambda: load_questionnaire_text(
        text, "README.md"
    )


def random_answer(question: Question, rng: random.Random) -> Any:
    """Return one valid answer to a question, or None for a note."""
    na = question.allow_not_applicable and rng.random() < 0.05
    if question.type == "choice":
        return rng.choice(question.options).value
    if question.type == "checklist":
        if na:
            return NOT_APPLICABLE
        exclusive = [o.value for o in question.options if o.exclusive]
        plain = [o.value for o in question.options if not o.exclusive]
        if exclusive and rng.random() < 0.2:
            return (rng.choice(exclusive),)
        return tuple(value for value in plain if rng.random() < 0.5)
    if question.type == "yesno":
        return NOT_APPLICABLE if na else rng.choice(("yes", "partly", "no"))
    if question.type == "number":
        if na:
            return NOT_APPLICABLE
        low = question.min if question.min is not None else 0.0
        high = question.max if question.max is not None else low + 1000.0
        return rng.randint(int(low), int(high)) if rng.random() < 0.7 else rng.uniform(low, high)
    if question.type == "text":
        return rng.choice(("", "Some comments.", "Más comentarios sobre la empresa."))
    return None


def answer_sets(questionnaire: Questionnaire, count: int, seed: int) -> list[dict[str, Any]]:
    """Return count complete, valid answer sets (every question that takes an answer is answered)."""
    rng = random.Random(seed)
    sets = []
    for _ in range(count):
        answers = {}
        for question in questionnaire.questions.values():
            value = random_answer(question, rng)
            if value is not None:
                answers[question.id] = value
        sets.append(answers)
    return sets


def load_time_ms(load: Callable[[], Questionnaire]) -> float:
    """Return the median time of LOAD_RUNS loads, in milliseconds."""
    times = []
    for _ in range(LOAD_RUNS):
        started = time.perf_counter()
        load()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def rate(work: Callable[[dict[str, Any]], Any], sets: list[dict[str, Any]]) -> float:
    """Run work over the answer sets again and again for about SECONDS; return sets per second."""
    for answers in sets[:100]:  # warm up
        work(answers)
    done = 0
    started = time.perf_counter()
    elapsed = 0.0
    while elapsed < SECONDS:
        for answers in sets:
            work(answers)
        done += len(sets)
        elapsed = time.perf_counter() - started
    return done / elapsed


def verdict(ok: bool) -> str:
    """Return a short pass/miss mark for a target."""
    return "ok" if ok else "MISSED"


def main() -> None:
    """Print the figures."""
    described, load = source()
    questionnaire = load()
    print(f"questionnaire: {described}")
    print(f"  {questionnaire.id} v{questionnaire.version}, {len(questionnaire.questions)} questions")
    print(f"python {sys.version.split()[0]}")

    load_ms = load_time_ms(load)
    print(
        f"load and validate: {load_ms:.1f} ms median of {LOAD_RUNS} "
        f"(target < {LOAD_TARGET_MS} ms: {verdict(load_ms < LOAD_TARGET_MS)})"
    )

    sets = answer_sets(questionnaire, ANSWER_SETS, SEED)
    scored = rate(lambda answers: score_response(questionnaire, answers), sets)
    print(
        f"score_response: {scored:,.0f} responses/s over {ANSWER_SETS:,} answer sets "
        f"(target >= {SCORE_TARGET:,}/s: {verdict(scored >= SCORE_TARGET)})"
    )

    def score_and_plan(answers: dict[str, Any]) -> None:
        action_plan(questionnaire, answers, score_response(questionnaire, answers))

    planned = rate(score_and_plan, sets)
    print(f"score_response + action_plan: {planned:,.0f} responses/s")


if __name__ == "__main__":
    main()
