"""Time `flask backup` and `flask restore` on a database of 100,000 assessments, with an owner writing.

What it does:
1. Takes the 100,000-assessment demo database that bench/bench_web.py builds and caches under
   bench/out/ (building it when missing: about 100,000 submitted demo assessments, which takes a
   while), or the file given with --source, and copies it once to bench/out/backup-source.sqlite3,
   which it then treats as the live database (its migrations applied). Prints its size and rows.
2. Backs it up into bench/out/backups/ (survey.store.backups.backup_database, what `flask backup`
   runs) while a thread saves a page of answers every 20 ms through the store's write(), as an
   owner's worker would: prints the backup's total time, its size, the time of the integrity check
   alone (run again on the copy), the writes acknowledged during the backup and their slowest.
3. Restores the backup into a new database (bench/out/restored/survey.sqlite3) and then again over
   it with replace (the `--yes` case, which moves the replaced file aside): prints both times.
   Removes the restored files and the backups at the end (--keep-files keeps them).

Run by hand from the repository root:
    .venv/bin/python bench/bench_backup.py
Options: --source PATH (a database of the app to use instead), --assessments N (when building).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere, without installing the app
sys.path.insert(0, str(ROOT / "bench"))

from survey.core.questionnaire import load_questionnaire  # noqa: E402
from survey.store.assessments import find_assessment, save_answers, start_assessment  # noqa: E402
from survey.store.backups import backup_database, integrity_problems, open_read_only, restore_database  # noqa: E402
from survey.store.connection import connect  # noqa: E402
from survey.store.schema import migrate  # noqa: E402

OUT = ROOT / "bench" / "out"
SOURCE = OUT / "backup-source.sqlite3"
QUESTIONNAIRE = ROOT / "questionnaires" / "readiness.yaml"
PROFILE = {"name": "Bench", "sector": "wood_furniture", "size": "micro", "region": "Lima", "year_founded": 2010}


def prepare(source: Path | None, count: int) -> Path:
    """Return the live database of the benchmark, copied once from the demo database."""
    if not SOURCE.exists():
        if source is None:
            from bench_web import build_database  # noqa: PLC0415 (only when the cache is missing)

            source, _ = build_database(QUESTIONNAIRE, load_questionnaire(QUESTIONNAIRE), count, rebuild=False)
        print(f"Copying {source} to {SOURCE.relative_to(ROOT)} ...", flush=True)
        shutil.copyfile(source, SOURCE)
    db = connect(str(SOURCE))
    try:
        migrate(db)
        assessments = db.execute("SELECT count(*) FROM assessments").fetchone()[0]
        answers = db.execute("SELECT count(*) FROM answers").fetchone()[0]
    finally:
        db.close()
    print(f"Live database: {SOURCE.stat().st_size / 1e6:,.0f} MB, {assessments:,} assessments, {answers:,} answers")
    return SOURCE


class Owner(threading.Thread):
    """Save a page of answers every 20 ms, timing each write, until stopped."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.stopping, self.latencies = path, threading.Event(), []
        db = connect(str(path))
        token = start_assessment(db, load_questionnaire(QUESTIONNAIRE), PROFILE)
        self.assessment_id = find_assessment(db, token)["id"]
        db.close()

    def run(self) -> None:
        db = connect(str(self.path))
        number = 0
        while not self.stopping.is_set():
            began = time.perf_counter()
            save_answers(db, self.assessment_id, {f"bench_{number % 40:02d}": number}, 0)
            self.latencies.append((began, time.perf_counter() - began))
            number += 1
            time.sleep(0.02)
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, default=None)
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--keep-files", action="store_true")
    args = parser.parse_args()
    live = prepare(args.source, args.assessments)
    folder, restored = OUT / "backups", OUT / "restored" / "survey.sqlite3"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(restored.parent, ignore_errors=True)

    owner = Owner(live)
    owner.start()
    time.sleep(1)
    began = time.perf_counter()
    made = backup_database(str(live), folder, keep=2)
    ended = time.perf_counter()
    time.sleep(1)
    owner.stopping.set()
    owner.join()
    during = [latency for at, latency in owner.latencies if began <= at <= ended]
    print(f"\nBackup: {made.seconds:.1f} s, {made.size / 1e6:,.0f} MB ({made.path.name})")
    copy = open_read_only(made.path)
    checked = time.perf_counter()
    assert integrity_problems(copy) == []
    print(f"  of which the integrity check alone: {time.perf_counter() - checked:.1f} s")
    copy.close()
    if during:
        print(
            f"  an owner saving a page every 20 ms meanwhile: {len(during)} writes acknowledged, "
            f"median {statistics.median(during) * 1000:.1f} ms, slowest {max(during) * 1000:.1f} ms"
        )

    fresh = restore_database(made.path, str(restored), replace=False)
    print(f"Restore into a new database: {fresh.seconds:.1f} s ({fresh.counts['assessments']:,} assessments)")
    again = restore_database(made.path, str(restored), replace=True)
    print(f"Restore over an existing one (--yes, the old one moved aside): {again.seconds:.1f} s")
    if not args.keep_files:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(restored.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
