"""Time the peer comparison of a results page on a large database: at rest and right after submissions.

What it does:
1. Builds (or reuses, under bench/out/) a SQLite database of --firms firms (default 1,000,000),
   each with one submitted assessment's scores on the readiness questionnaire: no answers, as
   only the scores and the peer groups counted from them are read here. Scores are drawn at
   random per dimension, sector and size at random. Indexes are made after the rows, and the
   peer groups by rebuild_peer_bins, as `flask --app survey rebuild-aggregates` does. Prints how
   long that took and the file's size.
2. Times peer_comparison (what a results page asks the database for its peers) for --samples
   random firms, each on a fresh connection's second call (the first warms the page cache):
   median, 95th percentile and maximum in milliseconds. Target: the median under 10 ms.
3. Times the same right after a submission: each round stores a new assessment's scores in a
   write transaction (store_scores: the firm's earlier scores leave the groups, the new come in)
   and then compares a firm of the same sector and size at once. Prints both times.
4. For contrast, times what the app did before the groups were counted: reading one sector and
   size group's every score, sorted (the old per-worker cache's reload after any submission).

Run by hand from the repository root:
    .venv/bin/python bench/bench_peers.py                  # 1,000,000 firms (builds once, ~2 GB)
    .venv/bin/python bench/bench_peers.py --firms 100000   # a smaller run
Options: --rebuild forces a new database; --samples N (default 300).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere, without installing the app

from survey.core.profile import SECTORS, SIZES  # noqa: E402
from survey.core.questionnaire import load_questionnaire  # noqa: E402
from survey.core.scoring import Scores  # noqa: E402
from survey.store.connection import connect, write  # noqa: E402
from survey.store.peers import peer_comparison  # noqa: E402
from survey.store.schema import migrate  # noqa: E402
from survey.store.scores import rebuild_peer_bins, store_scores  # noqa: E402

OUT = ROOT / "bench" / "out"
READINESS = load_questionnaire(ROOT / "questionnaires" / "readiness.yaml")
DIMENSIONS = ["overall"] + [p.id for p in READINESS.pillars] + [t.id for t in READINESS.themes]
REGIONS = ["Lima", "Arequipa", "Cusco", "Piura", "La Libertad"]
MINIMUM = 5


def random_scores(rng: random.Random) -> dict[str, float]:
    return {d: round(min(100.0, max(0.0, rng.gauss(45, 20))), 4) for d in DIMENSIONS}


def build(path: Path, firms: int) -> None:
    """Write the firms' scores in bulk, then the indexes and the peer groups."""
    started = time.perf_counter()
    final, path = path, path.with_suffix(".partial")  # a build cut short is never reused
    path.unlink(missing_ok=True)
    db = connect(str(path))
    migrate(db)
    conn = db.conn
    conn.execute("PRAGMA synchronous=OFF")
    for index in ("scores_peers", "scores_all", "scores_firm", "scores_assessment"):
        conn.execute(f"DROP INDEX {index}")
    rng = random.Random(2026)
    sectors, sizes = list(SECTORS), list(SIZES)
    q, v = READINESS.id, READINESS.version
    batch = 20_000
    for start in range(1, firms + 1, batch):
        firm_rows, assessment_rows, score_rows = [], [], []
        for firm_id in range(start, min(start + batch, firms + 1)):
            sector, size, region = rng.choice(sectors), rng.choice(sizes), rng.choice(REGIONS)
            firm_rows.append((firm_id, f"Firma {firm_id}", sector, size, region, "2026-01-01"))
            assessment_rows.append((firm_id, firm_id, f"bench-{firm_id}", q, v))
            for dimension, score in random_scores(rng).items():
                score_rows.append((firm_id, firm_id, q, v, sector, size, region, "2026", 1, 1, dimension, score))
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO firms (id, name, sector, size, region, created_at) VALUES (?, ?, ?, ?, ?, ?)", firm_rows
        )
        conn.executemany(
            "INSERT INTO assessments (id, firm_id, token_hash, questionnaire_id, questionnaire_version, status, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'submitted', '2026-01-01', '2026-01-01')",
            assessment_rows,
        )
        conn.executemany("INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", score_rows)
        conn.execute("COMMIT")
    print(f"  {firms:,} firms' scores written in {time.perf_counter() - started:.0f} s")
    conn.executescript(
        """
        CREATE INDEX scores_peers ON scores
            (questionnaire_id, questionnaire_version, is_latest, sector, size, dimension, score);
        CREATE INDEX scores_all ON scores (questionnaire_id, questionnaire_version, is_latest, dimension, score);
        CREATE INDEX scores_firm ON scores (firm_id, is_latest);
        CREATE INDEX scores_assessment ON scores (assessment_id);
        """
    )
    print(f"  indexes made by {time.perf_counter() - started:.0f} s")
    with write(db):
        rebuild_peer_bins(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    path.rename(final)
    print(f"  peer groups counted by {time.perf_counter() - started:.0f} s; {final.stat().st_size / 1e9:.2f} GB")


def firm(db, firm_id: int) -> dict:
    sector, size = db.execute("SELECT sector, size FROM firms WHERE id = ?", [firm_id]).fetchone()
    return {"firm_id": firm_id, "sector": sector, "size": size}


def scores_of(values: dict[str, float]) -> Scores:
    """A Scores whose dimensions() are these values (the comparison reads nothing else)."""
    pillars = []
    for pillar in READINESS.pillars:
        themes = [{"theme_id": t.id, "score": values[t.id], "questions": []} for t in pillar.themes]
        pillars.append({"pillar_id": pillar.id, "score": values[pillar.id], "level_id": None, "themes": themes})
    return Scores.from_dict(
        {
            "questionnaire_id": READINESS.id,
            "version": READINESS.version,
            "overall": values["overall"],
            "overall_level_id": None,
            "pillars": pillars,
        }
    )


def milliseconds(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(0.95 * (len(samples) - 1))]
    return f"median {statistics.median(samples):6.2f} ms   p95 {p95:6.2f} ms   max {samples[-1]:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--rebuild", action="store_true")
    options = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"peers-{options.firms}.sqlite3"
    print(f"Database {path.relative_to(ROOT)}:")
    if options.rebuild or not path.exists():
        build(path, options.firms)
    else:
        print(f"  reused ({path.stat().st_size / 1e9:.2f} GB)")
    rng = random.Random(7)
    db = connect(str(path))
    firms = db.execute("SELECT max(id) FROM firms").fetchone()[0]

    at_rest = []
    for _ in range(options.samples):
        chosen = firm(db, rng.randint(1, firms))
        own = dict(db.execute("SELECT dimension, score FROM scores WHERE firm_id = ?", [chosen["firm_id"]]).fetchall())
        scores = scores_of(own)
        peer_comparison(db, chosen, scores, MINIMUM)
        started = time.perf_counter()
        comparison = peer_comparison(db, chosen, scores, MINIMUM)
        at_rest.append((time.perf_counter() - started) * 1000)
    print(
        f"\nPeer comparison at rest, {options.samples} random firms ({comparison.group}, {comparison.count:,} peers):"
    )
    print(f"  {milliseconds(at_rest)}")

    submit, after = [], []
    next_id = db.execute("SELECT max(id) FROM assessments").fetchone()[0] + 1
    for _ in range(min(options.samples, 100)):
        chosen = firm(db, rng.randint(1, firms))
        values = random_scores(rng)
        assessment = {"id": next_id, "region": "Lima", **chosen}
        next_id += 1
        started = time.perf_counter()
        with write(db):
            db.execute(
                "INSERT INTO assessments (id, firm_id, token_hash, questionnaire_id, questionnaire_version, status, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'submitted', '2027-01-01', '2027-01-01')",
                [next_id - 1, chosen["firm_id"], f"bench-{next_id - 1}", READINESS.id, READINESS.version],
            )
            store_scores(db, assessment, scores_of(values), "2027")
        submit.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        peer_comparison(db, chosen, scores_of(values), MINIMUM)
        after.append((time.perf_counter() - started) * 1000)
    print(f"\nA submission (scores stored, groups updated, committed), {len(submit)} rounds:")
    print(f"  {milliseconds(submit)}")
    print("The peer comparison of the same sector and size right after it:")
    print(f"  {milliseconds(after)}")

    chosen = firm(db, 1)
    started = time.perf_counter()
    rows = db.execute(
        "SELECT dimension, score FROM scores WHERE questionnaire_id = ? AND questionnaire_version = ? "
        "AND is_latest = 1 AND sector = ? AND size = ? ORDER BY dimension, score",
        [READINESS.id, READINESS.version, chosen["sector"], chosen["size"]],
    ).fetchall()
    old = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    everyone = db.execute(
        "SELECT dimension, score FROM scores WHERE questionnaire_id = ? AND questionnaire_version = ? "
        "AND is_latest = 1 ORDER BY dimension, score",
        [READINESS.id, READINESS.version],
    ).fetchall()
    old_all = (time.perf_counter() - started) * 1000
    print("\nBefore (for contrast): reading a group's every score, as each worker did after any submission:")
    print(f"  one sector and size ({len(rows):,} scores): {old:,.0f} ms")
    print(f"  every firm ({len(everyone):,} scores): {old_all:,.0f} ms")
    db.close()
    print(f"\n{os.cpu_count()} cores; SQLite {sqlite3.sqlite_version}")


if __name__ == "__main__":
    main()
