"""Peer groups read from their counts per bin, which every submission keeps up to date."""

from __future__ import annotations

from collections.abc import Iterator

import sqlite_utils

from ..core.benchmarks import ALL, SECTOR, SECTOR_SIZE, BinnedScores, Comparison, binned, compare
from ..core.scoring import Scores
from .scores import firm_scores, group_scores


def peer_comparison(db: sqlite_utils.Database, assessment: dict, scores: Scores, minimum: int) -> Comparison:
    """Compare an assessment with the closest peer group that holds at least `minimum` firms.

    The firm's scores are compared as the bins hold them, so that its own latest scores are
    found among its peers and left out.
    """
    base = (scores.questionnaire_id, scores.version)
    keys = {
        SECTOR_SIZE: base + (assessment["sector"], assessment["size"]),
        SECTOR: base + (assessment["sector"], None),
        ALL: base + (None, None),
    }

    def groups() -> Iterator[tuple[str, dict[str, BinnedScores]]]:
        for name, key in keys.items():
            yield name, group_scores(db, *key)

    own = firm_scores(db, assessment["firm_id"], scores.questionnaire_id, scores.version)
    dimensions = {dimension: binned(score) for dimension, score in scores.dimensions().items()}
    return compare(dimensions, {d: binned(s) for d, s in own.items()}, groups(), minimum)
