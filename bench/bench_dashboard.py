"""Time every view of the programme dashboard on a large database, against a bare Flask view.

What it does:
1. Copies the 100,000-assessment demo database that bench/bench_web.py builds and caches under
   bench/out/ (run that first) to bench/out/dashboard-<its name>.sqlite3, once, opens it with the
   app (the migrations make the dashboard's rows from the assessments: the time is printed), and
   spreads its firms over --programmes programmes at random, as a country's programmes would.
2. Serves the app in this process (Flask's test client, no network) as an administrator and as
   one programme's manager, with DEMO on so that the demo firms count.
3. For each view (every firm; one programme; a sector; a sector and size; a region; a period;
   verified scores; the CSV download) requests the page --repeat times after one warm-up and
   prints the median and the maximum in milliseconds, the firms the view holds, and PASS/FAIL
   against the target: every view within 300 ms at 100,000 assessments.
4. Times a bare view (a Flask route returning "ok") in the same run, as the floor.

Run by hand from the repository root:
    .venv/bin/python bench/bench_dashboard.py
Options: --source PATH (another demo database), --repeat N (default 15), --programmes N (default 5).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere, without installing the app

from survey import create_app  # noqa: E402
from survey.store import users  # noqa: E402
from survey.store.schema import migrate  # noqa: E402
from survey.web.database import get_db  # noqa: E402
from survey.web.passwords import hash_password  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGET_MS = 300
PASSWORD = "bench-password-1234"


def source_database() -> Path:
    found = sorted(OUT.glob("web-readiness-v*.sqlite3"), key=lambda p: p.stat().st_mtime)
    if not found:
        sys.exit("No demo database under bench/out/: run bench/bench_web.py first.")
    return found[-1]


def prepare(source: Path, programmes: int) -> Path:
    target = OUT / f"dashboard-{source.stem}.sqlite3"
    if not target.exists():
        print(f"Copying {source.name} to {target.name} …")
        with sqlite3.connect(source) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(source, target)
    return target


def spread_over_programmes(db, programmes: int) -> None:
    """Put every firm in one of the programmes at random, once."""
    if db.execute("SELECT count(*) FROM programmes").fetchone()[0]:
        return
    ids = [users.ensure_programme(db, f"Programa {n + 1}") for n in range(programmes)]
    rng = random.Random(2026)
    with db.conn:
        db.conn.executemany(
            "UPDATE firms SET programme_id = ? WHERE id = ?",
            [(rng.choice(ids), firm_id) for (firm_id,) in db.execute("SELECT id FROM firms").fetchall()],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--programmes", type=int, default=5)
    args = parser.parse_args()
    path = prepare(args.source or source_database(), args.programmes)
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "bench", "DEMO": True, "WTF_CSRF_ENABLED": False})
    app.add_url_rule("/bench/bare", "bare", lambda: "ok")
    with app.app_context():
        db = get_db()
        started = time.perf_counter()
        migrate(db)
        took = time.perf_counter() - started
        print(f"Migrations (the dashboard's rows made from the assessments when new): {took:.1f} s")
        spread_over_programmes(db, args.programmes)
        rows = db.execute("SELECT count(*) FROM cohort_scores").fetchone()[0]
        programme_id = db.execute("SELECT min(id) FROM programmes").fetchone()[0]
        period = db.execute("SELECT max(period) FROM cohort_scores").fetchone()[0]
        region = db.execute("SELECT region FROM cohort_scores GROUP BY region ORDER BY count(*) DESC").fetchone()[0]
        for email, role, programme in (
            ("admin@bench.example", "admin", None),
            ("manager@bench.example", "manager", programme_id),
        ):
            found = users.user_by_email(db, email)
            if found is None:
                users.create_user(db, email, role, hash_password(PASSWORD), name=role, programme_id=programme)
            else:
                users.update_user(db, found["id"], programme, True)
    print(f"{rows:,} assessments in the dashboard's rows; {path.stat().st_size / 1e9:.2f} GB")

    def logged_in(email: str):
        client = app.test_client()
        client.set_cookie("lang", "es")
        answer = client.post("/login", data={"email": email, "password": PASSWORD})
        assert answer.status_code == 302, answer.status_code
        return client

    admin, manager = logged_in("admin@bench.example"), logged_in("manager@bench.example")
    views = [
        ("bare Flask view (floor)", admin, "/bench/bare"),
        ("admin: every firm", admin, "/programme/dashboard"),
        ("admin: one programme", admin, f"/programme/dashboard?programme={programme_id}"),
        ("admin: a sector", admin, "/programme/dashboard?sector=food_beverages"),
        ("admin: sector and size", admin, "/programme/dashboard?sector=food_beverages&size=micro"),
        ("admin: a region", admin, f"/programme/dashboard?region={region}"),
        ("admin: a period", admin, f"/programme/dashboard?period={period}"),
        ("admin: verified scores", admin, "/programme/dashboard?basis=verified"),
        ("admin: CSV of every firm", admin, "/programme/dashboard.csv"),
        ("manager: their programme", manager, "/programme/dashboard"),
        ("manager: programme, a sector", manager, "/programme/dashboard?sector=wood_furniture"),
    ]
    print(f"\n{'view':34} {'median ms':>10} {'max ms':>8} {'firms':>8}  target")
    for name, client, url in views:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            answer = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        text = answer.get_data(as_text=True)
        count = re.search(r'class="view-count">([^<]*)<', text)
        firms = count.group(1).split()[0] if count and count.group(1).strip() else ("csv" if ".csv" in url else "-")
        median = statistics.median(times)
        verdict = "" if "bare" in name else ("PASS" if median <= TARGET_MS else "FAIL")
        print(f"{name:34} {median:10.1f} {max(times):8.1f} {firms:>8}  {verdict}")


if __name__ == "__main__":
    main()
