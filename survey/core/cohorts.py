"""Figures about groups of firms: spreads, medians by group, shares per level and paired changes.

Every figure is about a group, and a group of fewer than `k` firms gives no figure (None): the
privacy rule programmes report under. Quantiles are interpolated linearly between the two
nearest firms, as Excel's QUARTILE.INC and PERCENTILE.INC do, so a manager can check them there.

Two more rules keep a single firm's score out of reach. No mean is given: a mean of n firms
beside one of the n - 1 among them gives away the last firm's score. And the 10th and 90th
percentiles come only from 2k firms: in five firms they lie so close to the lowest and highest
score that those can be worked out from them and the quartiles.

Scores arrive as whole tenths of a point (store.cohorts packs them so), which lets every figure
come from counts per tenth: one counting pass per dimension for all groups at once, instead of
a sort per group (a hundred thousand firms in tens of milliseconds).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

TENTHS = 10
TOP = 100 * TENTHS  # the highest score, in tenths
QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)


class CohortRows(NamedTuple):
    """The packed scores of a view's firms: `dimensions` wide, one row per firm, and each row's sector."""

    dimensions: list[str]
    sectors: list[str]
    packed: bytes


class CohortPairs(NamedTuple):
    """Follow-ups and their baselines, packed in step, by the baseline's version (a baseline may be older)."""

    dimensions: list[str]
    by_baseline_version: dict[int, tuple[list[str], bytes, bytes]]  # version -> its layout, follow-ups, baselines


class Spread(NamedTuple):
    """How a group's scores on one dimension spread; figures None when the group is too small."""

    firms: int
    low: float | None = None  # 10th percentile, from 2k firms
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    high: float | None = None  # 90th percentile, from 2k firms


class Change(NamedTuple):
    """Paired change on one dimension among the firms with a baseline and a follow-up."""

    firms: int
    baseline: float | None = None  # medians
    follow_up: float | None = None
    median_change: float | None = None


def unpack(packed: bytes, width: int) -> np.ndarray:
    """Return packed rows as a firms × dimensions array of tenths of a point, -1 where there is no score."""
    if width == 0:
        return np.empty((0, 0), dtype=np.int16)
    return np.frombuffer(packed, dtype="<i2").reshape(-1, width)


def align(matrix: np.ndarray, columns: Sequence[str], wanted: Sequence[str]) -> np.ndarray:
    """Return a matrix's columns in the order of `wanted`, -1 for a column it does not have.

    A baseline on an older questionnaire version lines up with the follow-up's dimensions by id.
    """
    position = {name: index for index, name in enumerate(columns)}
    aligned = np.full((matrix.shape[0], len(wanted)), -1, dtype=np.int16)
    for index, name in enumerate(wanted):
        if name in position:
            aligned[:, index] = matrix[:, position[name]]
    return aligned


def counts_by_group(matrix: np.ndarray, groups: np.ndarray, group_count: int) -> np.ndarray:
    """Return how many rows of each group hold each score: groups × columns × tenths (0 to 100 points)."""
    found = np.zeros((group_count, matrix.shape[1], TOP + 1), dtype=np.int64)
    for column in range(matrix.shape[1]):
        values = matrix[:, column]
        scored = values >= 0
        key = groups[scored].astype(np.int64) * (TOP + 1) + values[scored]
        found[:, column, :] = np.bincount(key, minlength=group_count * (TOP + 1)).reshape(group_count, TOP + 1)
    return found


def _quantiles(counts: np.ndarray, offset: int = 0) -> tuple[float, ...]:
    """Return the QUANTILES of values counted per tenth (index - offset), interpolated as Excel's .INC does."""
    n = int(counts.sum())
    cumulative = np.cumsum(counts)
    found = []
    for share in QUANTILES:
        rank = (n - 1) * share
        below = int(np.floor(rank))
        # The value of the r-th smallest firm (from 0) is the first tenth whose running count exceeds r.
        low_value = int(np.searchsorted(cumulative, below, side="right"))
        high_value = int(np.searchsorted(cumulative, min(below + 1, n - 1), side="right"))
        found.append((low_value + (rank - below) * (high_value - low_value) - offset) / TENTHS)
    return tuple(found)


def _round(value: float) -> float:
    return round(float(value) + 0.0, 1)  # + 0.0: never "-0.0"


def spread(counts: np.ndarray, k: int) -> Spread:
    """Return the spread of the scores counted per tenth, or only how many there are below k."""
    firms = int(counts.sum())
    if firms < max(k, 1):
        return Spread(firms)
    low, q1, median, q3, high = (_round(q) for q in _quantiles(counts))
    if firms < 2 * k:
        return Spread(firms, None, q1, median, q3, None)
    return Spread(firms, low, q1, median, q3, high)


def level_shares(counts: np.ndarray, minimums: Sequence[float], k: int) -> tuple[int, list[float | None] | None]:
    """Return how many firms have a score, and the share (0-1) of them at each level; None below k firms.

    `minimums`: each level's lowest score, in order; a score below the first counts in the first
    level, as the results page's levels do. A level held by fewer than k firms (but some) gives no
    share; when it is the only one, the smallest other level gives none either, or 100% less
    the rest would tell it.
    """
    firms = int(counts.sum())
    if firms < max(k, 1) or not minimums:
        return firms, None
    tenths = np.arange(TOP + 1) / TENTHS
    level_of = np.clip(np.searchsorted(np.asarray(minimums), tenths, side="right") - 1, 0, len(minimums) - 1)
    at_level = [int(n) for n in np.bincount(level_of, weights=counts, minlength=len(minimums))]
    hidden = suppressed(at_level, k)
    return firms, [None if index in hidden else n / firms for index, n in enumerate(at_level)]


def suppressed(counts: Sequence[int], k: int) -> set[int]:
    """Return which groups of a view to hide: those of fewer than k firms (but not empty ones).

    When that hides exactly one, the smallest of the others is hidden too: the total less the
    groups shown would tell it.
    """
    hidden = {index for index, n in enumerate(counts) if 0 < n < k}
    if len(hidden) == 1:
        others = [index for index, n in enumerate(counts) if index not in hidden and n > 0]
        if others:
            hidden.add(min(others, key=lambda index: counts[index]))
    return hidden


def changes(follow_ups: np.ndarray, baselines: np.ndarray, k: int) -> list[Change]:
    """Return the paired change of every column: firms with a score at both, medians and the median change."""
    found = []
    for column in range(follow_ups.shape[1]):
        after, before = follow_ups[:, column], baselines[:, column]
        both = (after >= 0) & (before >= 0)
        firms = int(both.sum())
        if firms < max(k, 1):
            found.append(Change(firms))
            continue
        difference = np.bincount(after[both].astype(np.int64) - before[both] + TOP, minlength=2 * TOP + 1)
        found.append(
            Change(
                firms,
                _round(_quantiles(np.bincount(before[both], minlength=TOP + 1))[2]),
                _round(_quantiles(np.bincount(after[both], minlength=TOP + 1))[2]),
                _round(_quantiles(difference, offset=TOP)[2]),
            )
        )
    return found
