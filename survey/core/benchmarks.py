"""Compare a firm with its peers: medians, quartiles, percentile ranks, the group to use.

Pure functions over sorted sequences of scores. The firm's own score may be in a sequence:
pass it as `own` and it is left out, without copying the sequence.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, overload

import numpy as np

# Peer groups, from the closest to the widest.
SECTOR_SIZE, SECTOR, ALL = "sector_size", "sector", "all"

# Peer groups are kept as counts of scores in bins a tenth of a point wide: a median read from
# them is within 0.05 of the exact one, and pages show whole points.
BINS_PER_POINT = 10


def bin_of(score: float) -> int:
    """Return the bin of a score (0-100): the nearest tenth, halves up; the data layer's SQL does the same."""
    return int(score * BINS_PER_POINT + 0.5)


def binned(score: float | None) -> float | None:
    """Return a score as its bin holds it, to compare it with binned peers."""
    return None if score is None else bin_of(score) / BINS_PER_POINT


BINS = 100 * BINS_PER_POINT + 1  # bins 0 to 100.0


class BinnedScores(Sequence[float]):
    """The sorted scores of a group, held as a count per bin: indexable as if every score were listed.

    Quantiles and ranks read it as a sorted sequence, touching a few of its millions of items.
    """

    def __init__(self, counts: Iterable[int]):
        """`counts[b]`: how many scores fall in bin b."""
        # The index just past each bin's scores; numpy's running sum, as every results page builds
        # one per dimension and group (a Python running sum of 1,001 bins was a sixth of the page).
        held = counts if isinstance(counts, (Sequence, np.ndarray)) else list(counts)
        self._ends = np.cumsum(np.asarray(held, dtype=np.int64))
        self._length = int(self._ends[-1]) if len(self._ends) else 0

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> float: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[float]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < self._length:
            raise IndexError(index)
        return int(self._ends.searchsorted(index, side="right")) / BINS_PER_POINT


class Summary(NamedTuple):
    count: int
    median: float | None
    q1: float | None
    q3: float | None


def _position(values: Sequence[float], own: float | None) -> int | None:
    """Return the index of one occurrence of own in values, or None."""
    if own is None:
        return None
    index = bisect_left(values, own)
    return index if index < len(values) and values[index] == own else None


def quantile(values: Sequence[float], share: float, skip: int | None = None) -> float | None:
    """Return a quantile with linear interpolation, as if values[skip] were not there."""
    count = len(values) - (skip is not None)
    if count <= 0:
        return None

    def at(i: int) -> float:
        return values[i + 1] if skip is not None and i >= skip else values[i]

    exact = share * (count - 1)
    low = int(exact)
    high = min(low + 1, count - 1)
    return at(low) + (at(high) - at(low)) * (exact - low)


def summarise(values: Sequence[float], own: float | None = None) -> Summary:
    """Return count, median and quartiles of sorted peer scores, leaving out the firm's own."""
    skip = _position(values, own)
    return Summary(
        len(values) - (skip is not None),
        quantile(values, 0.5, skip),
        quantile(values, 0.25, skip),
        quantile(values, 0.75, skip),
    )


def percentile_rank(values: Sequence[float], score: float, own: float | None = None) -> float | None:
    """Return the share (0-100) of peers whose score is below this one."""
    skip = _position(values, own)
    count = len(values) - (skip is not None)
    if count <= 0:
        return None
    below = bisect_left(values, score)
    if skip is not None and skip < below:
        below -= 1
    return 100.0 * below / count


def choose_group(sizes: Sequence[tuple[str, int]], minimum: int) -> tuple[str, int]:
    """Return the first group with at least `minimum` peers, else the last one."""
    for name, count in sizes:
        if count >= minimum:
            return name, count
    return sizes[-1]


class Comparison(NamedTuple):
    """A firm against the peer group shown on its results page."""

    group: str  # SECTOR_SIZE, SECTOR or ALL
    count: int  # peers in the group, the firm itself left out
    summaries: dict[str, Summary]  # by dimension: overall, pillar and theme ids
    ranks: dict[str, float | None]  # percentile rank by dimension


def compare(
    dimensions: Mapping[str, float | None],
    own: Mapping[str, float],
    groups: Iterable[tuple[str, Mapping[str, Sequence[float]]]],
    minimum: int,
) -> Comparison:
    """Compare a firm's scores with the first group that holds at least `minimum` peers.

    `groups` yields (name, sorted scores by dimension), closest group first; it is consumed only
    as far as needed, so a lazy caller loads no wider group than it must. `own` holds the firm's
    scores where they are among the groups' scores: they are left out.
    """
    loaded: dict[str, Mapping[str, Sequence[float]]] = {}
    sizes: list[tuple[str, int]] = []
    for name, values in groups:
        loaded[name] = values
        sizes.append((name, len(values.get("overall", ())) - ("overall" in own)))
        if sizes[-1][1] >= minimum:
            break
    group, count = choose_group(sizes, minimum)
    values = loaded[group]
    summaries, ranks = {}, {}
    for dimension, score in dimensions.items():
        peers = values.get(dimension, ())
        summaries[dimension] = summarise(peers, own.get(dimension))
        ranks[dimension] = None if score is None else percentile_rank(peers, score, own.get(dimension))
    return Comparison(group, count, summaries, ranks)
