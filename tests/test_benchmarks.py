"""Benchmarks: the pure functions on hand-computed examples and a property, then peer groups in the app."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_owner import READINESS, run_command

from survey.core.benchmarks import (
    ALL,
    BINS_PER_POINT,
    SECTOR,
    SECTOR_SIZE,
    BinnedScores,
    Summary,
    bin_of,
    binned,
    choose_group,
    percentile_rank,
    quantile,
    summarise,
)
from survey.core.synthetic import generate
from survey.store import assessments as store
from survey.store.connection import write
from survey.store.peers import peer_comparison as compare
from survey.store.scores import bins_held, peer_groups_held, rebuild_peer_bins
from survey.web.database import get_db

# --------------------------------------------------------------------------- quantiles


@pytest.mark.parametrize(
    "values, share, expected",
    [
        ([1, 2, 3, 4], 0.5, 2.5),
        ([1, 2, 3, 4], 0.25, 1.75),  # position 0.75 between 1 and 2
        ([1, 2, 3, 4], 0.75, 3.25),  # position 2.25 between 3 and 4
        ([1, 2, 3, 4], 0.0, 1),
        ([1, 2, 3, 4], 1.0, 4),
        ([10, 20, 30, 40, 50], 0.5, 30),
        ([10, 20, 30, 40, 50], 0.25, 20),
        ([10, 20, 30, 40, 50], 0.1, 14),  # position 0.4
        ([7], 0.5, 7),
        ([7], 0.25, 7),
        ([0, 100], 0.3, 30),
    ],
)
def test_quantile_interpolates_linearly(values, share, expected):
    assert quantile(values, share) == pytest.approx(expected)


def test_quantile_of_nothing_is_none():
    assert quantile([], 0.5) is None
    assert quantile([5], 0.5, skip=0) is None


def test_quantile_can_skip_one_value():
    # [1, 2, 3, 4, 100] without the 100: [1, 2, 3, 4]
    assert quantile([1, 2, 3, 4, 100], 0.5, skip=4) == pytest.approx(2.5)
    # without the 1: [2, 3, 4, 100]
    assert quantile([1, 2, 3, 4, 100], 0.5, skip=0) == pytest.approx(3.5)
    assert quantile([1, 2, 3, 4, 100], 0.75, skip=0) == pytest.approx(4 + 96 * 0.25)
    # without the 3: [1, 2, 4, 100]
    assert quantile([1, 2, 3, 4, 100], 0.5, skip=2) == pytest.approx(3)


# --------------------------------------------------------------------------- summaries


def test_summarise_without_own_score():
    assert summarise([10, 20, 30, 40]) == Summary(4, 25, 17.5, 32.5)


def test_summarise_leaves_out_the_own_score():
    # Peers without the own 30: [10, 20, 40, 50]
    summary = summarise([10, 20, 30, 40, 50], own=30)
    assert summary.count == 4
    assert summary.median == pytest.approx(30)
    assert summary.q1 == pytest.approx(17.5)
    assert summary.q3 == pytest.approx(42.5)


def test_summarise_leaves_out_only_one_occurrence_of_a_duplicated_score():
    # Three firms scored 20, one of them this firm: [20, 20, 50] remain.
    summary = summarise([20, 20, 20, 50], own=20)
    assert summary == Summary(3, 20, 20, 35)


def test_summarise_keeps_everything_when_the_own_score_is_absent():
    assert summarise([10, 20, 30], own=25) == summarise([10, 20, 30])
    assert summarise([10, 20, 30], own=None) == Summary(3, 20, 15, 25)


def test_summarise_of_only_the_own_score_is_empty():
    assert summarise([42], own=42) == Summary(0, None, None, None)
    assert summarise([]) == Summary(0, None, None, None)


# --------------------------------------------------------------------------- percentile ranks


def test_percentile_rank_is_the_share_of_peers_below():
    assert percentile_rank([10, 20, 30, 40], 25) == 50.0
    assert percentile_rank([10, 20, 30, 40], 5) == 0.0
    assert percentile_rank([10, 20, 30, 40], 45) == 100.0
    # Ties are not below.
    assert percentile_rank([10, 20, 20, 40], 20) == 25.0


def test_percentile_rank_leaves_out_the_own_score():
    # Peers of a firm with 30: [10, 20, 40]; one of three... two are below.
    assert percentile_rank([10, 20, 30, 40], 30, own=30) == pytest.approx(200 / 3)
    # The highest firm is ahead of every peer.
    assert percentile_rank([10, 20, 30, 40], 40, own=40) == 100.0
    # The lowest is ahead of none.
    assert percentile_rank([10, 20, 30, 40], 10, own=10) == 0.0
    # With duplicates, one occurrence only: peers [20, 20, 50].
    assert percentile_rank([20, 20, 20, 50], 20, own=20) == 0.0
    assert percentile_rank([20, 20, 20, 50], 60) == 100.0


def test_percentile_rank_without_peers_is_none():
    assert percentile_rank([], 50) is None
    assert percentile_rank([50], 50, own=50) is None


# --------------------------------------------------------------------------- group choice


def test_choose_group_takes_the_first_with_enough_peers():
    sizes = [(SECTOR_SIZE, 7), (SECTOR, 20), (ALL, 300)]
    assert choose_group(sizes, 5) == (SECTOR_SIZE, 7)
    assert choose_group([(SECTOR_SIZE, 4), (SECTOR, 5), (ALL, 300)], 5) == (SECTOR, 5)
    assert choose_group([(SECTOR_SIZE, 1), (SECTOR, 4), (ALL, 9)], 5) == (ALL, 9)
    assert choose_group([(SECTOR_SIZE, 0), (SECTOR, 1), (ALL, 2)], 5) == (ALL, 2)
    assert choose_group([(SECTOR_SIZE, 5)], 5) == (SECTOR_SIZE, 5)


# --------------------------------------------------------------------------- properties

scores = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)


@st.composite
def peers_and_own(draw):
    values = sorted(draw(st.lists(scores, max_size=40)))
    own = draw(st.sampled_from(values)) if values and draw(st.booleans()) else draw(st.one_of(st.none(), scores))
    return values, own


def without_one(values: list[float], own: float | None) -> list[float]:
    rest = list(values)
    if own is not None and own in rest:
        rest.remove(own)
    return rest


@settings(max_examples=300, deadline=None)
@given(peers_and_own())
def test_summarise_equals_summarise_with_the_own_score_removed(case):
    values, own = case
    assert summarise(values, own) == summarise(without_one(values, own))


@settings(max_examples=300, deadline=None)
@given(peers_and_own(), scores)
def test_percentile_rank_equals_the_rank_among_the_others(case, score):
    values, own = case
    if own is not None:
        score = own
    rest = without_one(values, own)
    assert percentile_rank(values, score, own) == percentile_rank(rest, score)
    if rest:
        expected = 100.0 * sum(v < score for v in rest) / len(rest)
        assert percentile_rank(values, score, own) == pytest.approx(expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(scores, min_size=1, max_size=40))
def test_quartiles_are_ordered_and_within_the_values(values):
    values.sort()
    summary = summarise(values)
    assert values[0] <= summary.q1 <= summary.median <= summary.q3 <= values[-1]


# --------------------------------------------------------------------------- peer groups in the app

PLANS = [o.value for o in READINESS.questions["dig_strategy_plan"].options]


def submit_firm(db, sector: str, size: str, level: int = 0, firm_id: int | None = None, previous=None):
    """A firm answers a few questions and submits, through the app's own storage functions."""
    profile = {
        "name": f"Firma {sector} {size} {level}",
        "sector": sector,
        "size": size,
        "region": "Lima",
        "year_founded": 2010,
    }
    token = store.start_assessment(db, READINESS, profile, firm_id=firm_id, previous=previous)
    assessment = store.find_assessment(db, token)
    # Every required question answered (by the demo generator), then the two this test varies.
    answers = dict(next(generate(READINESS, 1, seed=level))["answers"])
    answers.update(
        {
            "dig_strategy_plan": PLANS[level % len(PLANS)],
            "dig_online_sales": ("not_online", "catalogue", "tracked")[level % 3],
        }
    )
    store.save_answers(db, assessment["id"], answers, 0)
    submission = store.submit_assessment(db, assessment["id"], READINESS)
    assert not submission.missing
    return store.find_assessment(db, token), submission.scores


def comparison_for(app, peers: list[tuple[str, str]], own=("wood_furniture", "micro")):
    with app.app_context():
        db = get_db()
        for level, (sector, size) in enumerate(peers):
            submit_firm(db, sector, size, level)
        assessment, scores = submit_firm(db, *own, level=2)
        return compare(db, assessment, scores, app.config["PEER_GROUP_MINIMUM"]), assessment, scores


def test_five_firms_of_the_same_sector_and_size_make_the_group(app):
    peers = [("wood_furniture", "micro")] * 5 + [("wood_furniture", "small")] * 3 + [("agriculture", "micro")] * 4
    comparison, _, _ = comparison_for(app, peers)
    assert comparison.group == SECTOR_SIZE
    assert comparison.count == 5
    assert comparison.summaries["overall"].count == 5


def test_fewer_than_five_of_the_same_size_fall_back_to_the_sector(app):
    peers = [("wood_furniture", "micro")] * 4 + [("wood_furniture", "medium")] * 2 + [("agriculture", "micro")] * 6
    comparison, _, _ = comparison_for(app, peers)
    assert comparison.group == SECTOR
    assert comparison.count == 6
    assert comparison.summaries["overall"].count == 6


def test_fewer_than_five_in_the_sector_fall_back_to_everyone(app):
    peers = [("wood_furniture", "micro")] * 2 + [("wood_furniture", "small")] * 2 + [("agriculture", "micro")] * 3
    comparison, _, _ = comparison_for(app, peers)
    assert comparison.group == ALL
    assert comparison.count == 7
    assert comparison.summaries["overall"].count == 7


def test_with_too_few_firms_anywhere_everyone_is_shown(app):
    comparison, _, _ = comparison_for(app, [("agriculture", "micro")] * 2)
    assert (comparison.group, comparison.count) == (ALL, 2)


def test_the_first_firm_has_no_peers(app):
    comparison, _, _ = comparison_for(app, [])
    assert (comparison.group, comparison.count) == (ALL, 0)
    assert comparison.summaries["overall"] == Summary(0, None, None, None)
    assert comparison.ranks["overall"] is None


def test_the_firm_itself_never_counts_among_its_peers(app):
    comparison, assessment, scores = comparison_for(app, [("wood_furniture", "micro")] * 5)
    assert comparison.count == 5  # six firms in the group, the firm itself left out
    with app.app_context():
        db = get_db()
        in_group = db.execute(
            "SELECT count(*) FROM scores WHERE dimension = 'overall' AND is_latest = 1 "
            "AND sector = 'wood_furniture' AND size = 'micro'"
        ).fetchone()[0]
        assert in_group == 6
        # Its own score is left out of the median and rank: peers scored levels 0-4 of the plan question.
        # Peers are counted in bins a tenth of a point wide: the exact scores, rounded so.
        peer_overall = sorted(
            binned(row[0])
            for row in db.execute(
                "SELECT score FROM scores WHERE dimension = 'overall' AND is_latest = 1 AND firm_id != ?",
                [assessment["firm_id"]],
            )
        )
        assert comparison.summaries["overall"] == summarise(peer_overall)
        assert comparison.ranks["overall"] == percentile_rank(peer_overall, binned(scores.overall))
        # A follow-up of the same firm replaces its earlier assessment; neither counts as a peer.
        follow_up, new_scores = submit_firm(
            db, "wood_furniture", "micro", level=4, firm_id=assessment["firm_id"], previous=assessment
        )
        again = compare(db, follow_up, new_scores, app.config["PEER_GROUP_MINIMUM"])
        assert (again.group, again.count) == (SECTOR_SIZE, 5)
        assert again.summaries["overall"] == summarise(peer_overall)


def test_a_new_submission_updates_the_group(app):
    comparison, assessment, scores = comparison_for(app, [("wood_furniture", "micro")] * 5)
    assert comparison.count == 5
    with app.app_context():
        db = get_db()
        submit_firm(db, "wood_furniture", "micro", level=1)
        again = compare(db, assessment, scores, app.config["PEER_GROUP_MINIMUM"])
        assert again.count == 6


# --------------------------------------------------------------------------- groups kept per bin


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.integers(0, 1000), st.integers(0, 5), max_size=30),
    st.floats(0, 100),
    st.floats(0, 1),
)
def test_scores_in_bins_read_as_the_sorted_list_they_stand_for(bins, score, share):
    listed = [b / BINS_PER_POINT for b, n in sorted(bins.items()) for _ in range(n)]
    held = BinnedScores(bins.get(b, 0) for b in range(1001))
    assert len(held) == len(listed) and list(held) == listed
    assert quantile(held, share) == quantile(listed, share)
    own = listed[len(listed) // 2] if listed else None
    assert summarise(held, own) == summarise(listed, own)
    assert percentile_rank(held, score, own) == percentile_rank(listed, score, own)


def test_a_score_goes_to_the_nearest_tenth_halves_up():
    assert [bin_of(s) for s in (0, 34.349, 34.35, 34.36, 99.95, 100)] == [0, 343, 344, 344, 1000, 1000]
    assert binned(33.333333) == 33.3 and binned(None) is None


def stored_bins(db) -> list[tuple]:
    """Every group's non-empty bins, without the groups emptied by firms that moved on."""
    return [row for row in bins_held(db) if row[-1]]


def test_groups_kept_by_each_submission_equal_groups_rebuilt_from_the_scores(app):
    """Firms of several sectors and sizes, follow-ups that replace a firm's latest scores, demo firms added and dropped."""
    app.config["DEMO"] = True
    with app.app_context():
        db = get_db()
        firms = []
        for level, (sector, size) in enumerate(
            [("wood_furniture", "micro"), ("wood_furniture", "small"), ("agriculture", "micro")] * 3
        ):
            firms.append(submit_firm(db, sector, size, level))
        for assessment, _ in firms[:4]:  # follow-ups: the earlier scores leave the groups
            submit_firm(db, assessment["sector"], assessment["size"], 7, assessment["firm_id"], assessment)
    run_command(app, "seed-demo", "--count", "40")
    run_command(app, "drop-demo")
    run_command(app, "seed-demo", "--count", "30", "--seed", "3")
    with app.app_context():
        db = get_db()
        kept = stored_bins(db)
        assert kept and all(n > 0 for row in kept for n in row[-1].values())  # no firm ever taken away twice
        firms = db.execute("SELECT count(DISTINCT firm_id) FROM scores").fetchone()[0]
        assert firms > 9 and peer_groups_held(db)[1] == firms  # each firm once, with its latest assessment
        with write(db):
            rebuild_peer_bins(db)
        assert stored_bins(db) == kept


def test_the_comparison_equals_one_computed_from_every_score(app):
    with app.app_context():
        db = get_db()
        for level in range(12):
            submit_firm(db, ("wood_furniture", "agriculture")[level % 2], "micro", level)
        submit_firm(db, "wood_furniture", "micro", level=5)  # a peer with the very same scores: not below
        assessment, scores = submit_firm(db, "wood_furniture", "micro", level=5)
        comparison = compare(db, assessment, scores, app.config["PEER_GROUP_MINIMUM"])
        assert (comparison.group, comparison.count) == (SECTOR_SIZE, 7)
        for dimension in scores.dimensions():
            peers = sorted(
                binned(row[0])
                for row in db.execute(
                    "SELECT score FROM scores WHERE dimension = ? AND is_latest = 1 AND sector = 'wood_furniture' "
                    "AND firm_id != ?",
                    [dimension, assessment["firm_id"]],
                )
            )
            assert comparison.summaries[dimension] == summarise(peers)
            assert comparison.ranks[dimension] == percentile_rank(peers, binned(scores.dimensions()[dimension]))


def test_rebuild_aggregates_restores_groups_edited_by_hand(app):
    with app.app_context():
        db = get_db()
        for level in range(6):
            submit_firm(db, "wood_furniture", "micro", level)
        kept = stored_bins(db)
        db.execute("UPDATE peer_bins SET counts = zeroblob(length(counts)) WHERE dimension = 'digital'")
        db.execute("DELETE FROM peer_bins WHERE dimension = 'overall'")
    result = run_command(app, "rebuild-aggregates")
    assert "Rebuilt 3 peer groups from the latest scores of 6 firms" in result.output
    with app.app_context():
        assert stored_bins(get_db()) == kept
