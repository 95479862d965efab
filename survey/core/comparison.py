"""Which scores of two versions of a questionnaire measure the same thing.

A progress view compares a follow-up with a baseline that may be on an older version. A theme
is compared when both versions have its id; it is *the same* only when it scores the same
questions the same way (ids, types, weights, points, conditions, a grid's rows). A theme kept under its id
with other questions is still compared, but marked: part of the change comes from the questions.
"""

from __future__ import annotations

from collections.abc import Hashable

from .model import Question, Questionnaire, Theme


def question_key(question: Question) -> Hashable:
    """Return what decides how a question scores: two questions with equal keys score alike."""
    return (
        question.id,
        question.type,
        question.weight,
        question.relevant.source if question.relevant is not None else None,
        tuple(sorted(question.option_points.items())),
        tuple(sorted(question.not_applicable_values)),
        question.allow_not_applicable,
        tuple((band.min, band.score) for band in question.bands),
        question.max_points,
        question.empty_means,
        # A grid scores the weighted mean of its rows, each shown by its own condition.
        tuple((row.id, row.weight, row.relevant.source if row.relevant is not None else None) for row in question.rows),
    )


def theme_key(theme: Theme) -> Hashable:
    """Return what decides how a theme scores."""
    return (theme.weight, tuple(question_key(q) for q in theme.questions if q.scored))


def changed_dimensions(before: Questionnaire, after: Questionnaire) -> frozenset[str]:
    """Return the ids of the later version's themes and pillars (and "overall") that score differently.

    A theme, pillar or overall index the earlier version lacks is not in the set: it cannot be
    compared at all, which the caller tells apart by its id.
    """
    if (before.id, before.version) == (after.id, after.version):
        return frozenset()
    earlier = {theme.id: theme_key(theme) for theme in before.themes}
    changed = {t.id for t in after.themes if t.id in earlier and theme_key(t) != earlier[t.id]}
    old_pillars = {p.id: p for p in before.pillars}
    for pillar in after.pillars:
        old = old_pillars.get(pillar.id)
        if old is None:
            continue
        same_themes = [t.id for t in old.themes] == [t.id for t in pillar.themes] and old.weight == pillar.weight
        if not same_themes or any(t.id in changed for t in pillar.themes):
            changed.add(pillar.id)
    if changed or [p.id for p in before.pillars] != [p.id for p in after.pillars]:
        changed.add("overall")
    return frozenset(changed)
