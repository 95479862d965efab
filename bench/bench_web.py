"""Measure the survey's web pages under load, and what they weigh on the wire, in one run.

What it does:
1. Builds a SQLite database with --assessments submitted demo assessments (default 100,000,
   survey.store.demo.store_demo), or reuses the one cached under bench/out/ for the same questionnaire
   version and digest if it already holds enough; the demo resume tokens are kept in a file next
   to it. Prints how long the build took. A cached database first gets the migrations it lacks
   (survey.store.schema.migrate), so that one built by an older version of the app still serves.
   Then adds --drafts draft assessments (default 200, survey.store.assessments.start_assessment)
   for the answering pages, and the complete drafts that e submits: each with every answer
   stored (synthetic answers, survey.core.synthetic.generate, saved with save_answers), checked
   to lack no required answer: 1.2 x --submission-rate x (--warmup + --duration + 2 s) + 10 of
   them, enough for the warm-up and the timed run.
2. Starts gunicorn (2 sync workers, 127.0.0.1, a free port) on wsgi:app, through a small module
   generated in bench/out/ that adds a bare view /bench/bare returning "ok" (the ceiling), with
   SURVEY_DATABASE pointing at the bench database and a random SURVEY_SECRET_KEY.
3. Checks that each endpoint answers as expected, then measures requests per second with wrk
   (-t2 -c16, --duration seconds after a short warm-up, --latency) for:
     a. the bare view (the ceiling);
     b. GET of section 1 of the draft assessments (a Lua script spreads requests across them);
        like an owner's browser, b, c and d send back the session cookie of one earlier GET;
     c. POST of section 1 with valid answers and nav=next (answers are saved, 302), with the
        session cookie and CSRF token of one earlier GET, spread across the drafts;
     d. GET of the results page, spread across every demo token.
     e. the results page while submissions arrive: the load of d alone, then the same load again
        while a second load submits complete drafts through the review page's form (POST
        /a/<token>/submit with the CSRF token and session cookie of one earlier GET of a review
        page; each must be answered 302 to /a/<token>/results, which is not followed), at a steady
        --submission-rate a second (default 5, far above what a programme's owners send) from
        two client connections (Python threads with http.client, a new connection each time, as
        gunicorn's sync workers close them). One submission is checked first by hand; the load
        starts before the second run's warm-up and stops when its timed part ends.
   wrk's count of responses that are not 2xx/3xx and its socket errors are printed.
4. Prints a table: endpoint, requests/s, ratio to the bare view, target, PASS/FAIL, p99 latency.
   Targets (ratios to the bare view in the same run, as absolute numbers drift with the
   machine): section GET >= 25%, section POST >= 15%, results >= 10%.
5. Prints e beside the bare view of the same run: the results page's requests/s and p99 latency
   alone and during submissions, the ratio "during / alone" of requests/s (target >= 90%), the
   submissions answered with the redirect and those that were not, their rate during the timed
   run and their latency. Then checks that every submission answered with the redirect left its
   assessment 'submitted' in the database, that the results runs had no response other than
   2xx/3xx, and that the gunicorn log so far (bench/out/gunicorn.log, warnings and errors, no
   access log) holds no failed request ("Exception on", where Flask logs what became a 500) and no
   "database is locked". PASS needs the ratio and every check.
6. Prints bytes transferred with Accept-Encoding: gzip (response bodies, headers excluded) for
   the answering pages (target: under 30 KB gzipped), the results page on a cold cache (the HTML
   plus every stylesheet and script it references) and on a warm cache (assets sent with a long
   max-age and `immutable` are not requested again; the HTML and any other asset are requested
   conditionally, with If-None-Match / If-Modified-Since, as a browser would).
7. Stops gunicorn at the end, even after an error, and prints the machine's core count.

Only 127.0.0.1 is ever contacted. Needs wrk (/usr/bin/wrk) and the virtualenv's gunicorn (the one
beside the Python that runs this script).

Run by hand from the repository root:
    .venv/bin/python bench/bench_web.py                        # 100,000 assessments, 10 s per endpoint
    .venv/bin/python bench/bench_web.py --assessments 2000 --duration 3   # a quick run
    .venv/bin/python bench/bench_web.py --submissions-only --duration 3   # a and e only
Options: --rebuild forces a new database (a smaller --assessments reuses a bigger cached one);
--questionnaire PATH benchmarks another questionnaire file (its folder must hold only valid
questionnaires); --submissions-only measures a and e alone, with no b-d, page weight or uncached
section GET; --submission-rate N submits N drafts a second in e.
Each run leaves its drafts and e's submitted assessments (not demo ones) in the cached database.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere, without installing the app

from survey import create_app  # noqa: E402
from survey.core.answers import prepare_submission  # noqa: E402
from survey.core.model import Question, Questionnaire  # noqa: E402
from survey.core.questionnaire import load_questionnaire  # noqa: E402
from survey.core.synthetic import generate  # noqa: E402
from survey.store.assessments import find_assessment, load_answers, save_answers, start_assessment  # noqa: E402
from survey.store.demo import store_demo  # noqa: E402
from survey.store.schema import applied, migrate  # noqa: E402
from survey.web.database import get_db  # noqa: E402

OUT = ROOT / "bench" / "out"
DEFAULT_QUESTIONNAIRE = ROOT / "questionnaires" / "readiness.yaml"
HOST = "127.0.0.1"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
# The virtualenv's, beside the Python running this script (a git worktree may share another's venv).
GUNICORN = Path(sys.executable).parent / "gunicorn"
SEED = 2026
WORKERS = 2
TARGETS = {"section GET": 0.25, "section POST": 0.15, "results": 0.10, "section GET, no cache": 0.25}
DURING_SUBMISSIONS_TARGET = 0.90  # the results page's requests/s while submissions arrive, over alone
SUBMITTERS = 2  # client connections that submit drafts in e
PAGE_LIMIT = 30 * 1024  # bytes gzipped, for an answering page
STARTUP_SECONDS = 60
HTTP_TIMEOUT = 30


# ---------------------------------------------------------------- the database


def cache_stem(questionnaire: Questionnaire) -> str:
    """Name the cached database after the questionnaire version it was built on."""
    return f"web-{questionnaire.id}-v{questionnaire.version}-{questionnaire.digest[:12]}"


def app_config(db_path: Path, questionnaire_path: Path, questionnaire: Questionnaire) -> dict:
    return {
        "DATABASE": str(db_path),
        "QUESTIONNAIRES": str(questionnaire_path.parent),
        "DEFAULT_QUESTIONNAIRE": questionnaire.id,
        "SECRET_KEY": "bench-build",
    }


def demo_count(db_path: Path) -> int:
    """Return how many submitted demo assessments a database holds (0 if unreadable)."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            return conn.execute(
                "SELECT count(*) FROM assessments WHERE is_demo = 1 AND status = 'submitted'"
            ).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def build_database(
    questionnaire_path: Path, questionnaire: Questionnaire, count: int, rebuild: bool
) -> tuple[Path, list[str]]:
    """Return the bench database and its demo tokens, building them unless a cached one fits."""
    OUT.mkdir(parents=True, exist_ok=True)
    stem = cache_stem(questionnaire)
    db_path, tokens_path = OUT / f"{stem}.sqlite3", OUT / f"{stem}.tokens.txt"
    if not rebuild and db_path.exists() and tokens_path.exists():
        tokens = tokens_path.read_text().split()
        held = demo_count(db_path)
        if held >= count and len(tokens) == held:
            print(
                f"database: reusing {db_path.relative_to(ROOT)} ({held:,} demo assessments, "
                f"{db_path.stat().st_size / 1e6:,.0f} MB)"
            )
            migrate_cached(db_path, questionnaire_path, questionnaire)
            return db_path, tokens
        print(f"database: cached one holds {held:,} demo assessments, {count:,} wanted: rebuilding")
    # Build under a temporary name: an interrupted build is never mistaken for a complete one.
    building = OUT / f"{stem}.building.sqlite3"
    for path in (db_path, building):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = create_app(app_config(building, questionnaire_path, questionnaire))
    print(f"database: building {count:,} demo assessments into {db_path.relative_to(ROOT)} ...", flush=True)
    started = time.perf_counter()
    with app.app_context():
        db = get_db()
        migrate(db)
        tokens = store_demo(db, questionnaire, count, SEED)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    os.replace(building, db_path)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    tokens_path.write_text("\n".join(tokens) + "\n")
    print(
        f"database: built {len(tokens):,} demo assessments in {elapsed:,.1f} s "
        f"({len(tokens) / elapsed:,.0f}/s), {db_path.stat().st_size / 1e6:,.0f} MB"
    )
    return db_path, tokens


def migrate_cached(db_path: Path, questionnaire_path: Path, questionnaire: Questionnaire) -> None:
    """Apply the migrations a cached database lacks: it may have been built by an older app."""
    app = create_app(app_config(db_path, questionnaire_path, questionnaire))
    started = time.perf_counter()
    with app.app_context():
        db = get_db()
        before = set(applied(db))
        migrate(db)
        added = [name for name in applied(db) if name not in before]
    if added:
        print(
            f"database: applied {len(added)} migrations it lacked ({added[0]} to {added[-1]}) "
            f"in {time.perf_counter() - started:,.1f} s"
        )


def add_complete_drafts(db_path: Path, questionnaire_path: Path, questionnaire: Questionnaire, count: int) -> list[str]:
    """Start `count` drafts with every answer stored, each ready to submit; return their tokens."""
    app = create_app(app_config(db_path, questionnaire_path, questionnaire))
    started = time.perf_counter()
    tokens = []
    with app.app_context():
        db = get_db()
        # Another seed than the demo's: these firms and answers are not copies of demo ones.
        for number, item in enumerate(generate(questionnaire, count, SEED + 1)):
            profile = {name: item["firm"][name] for name in ("sector", "size", "region", "year_founded")}
            token = start_assessment(db, questionnaire, {**profile, "name": f"Bench submission {number}"})
            assessment_id = find_assessment(db, token)["id"]
            save_answers(db, assessment_id, item["answers"], len(questionnaire.sections) - 1)
            missing = prepare_submission(questionnaire, load_answers(db, assessment_id)).missing
            if missing:
                raise SystemExit(f"a complete draft lacks required answers: {sorted(missing)}")
            tokens.append(token)
    print(f"drafts: stored {count} complete drafts to submit in {time.perf_counter() - started:.2f} s")
    return tokens


def statuses(db_path: Path, questionnaire_path: Path, questionnaire: Questionnaire, tokens: list[str]) -> dict:
    """Return the status of the assessment each token opens (None for no assessment), by token."""
    app = create_app(app_config(db_path, questionnaire_path, questionnaire))
    with app.app_context():
        db = get_db()
        return {token: (find_assessment(db, token) or {}).get("status") for token in tokens}


def add_drafts(db_path: Path, questionnaire_path: Path, questionnaire: Questionnaire, count: int) -> list[str]:
    """Start `count` draft assessments, as the profile form would; return their tokens."""
    app = create_app(app_config(db_path, questionnaire_path, questionnaire))
    sectors = ["wood_furniture", "food_beverages", "retail_wholesale", "other_services"]
    started = time.perf_counter()
    with app.app_context():
        db = get_db()
        tokens = [
            start_assessment(
                db,
                questionnaire,
                {
                    "name": f"Bench draft {i}",
                    "sector": sectors[i % len(sectors)],
                    "size": "micro",
                    "region": app.config["REGIONS"][i % len(app.config["REGIONS"])],
                    "year_founded": 2010,
                },
            )
            for i in range(count)
        ]
    print(f"drafts: started {count} draft assessments in {time.perf_counter() - started:.2f} s")
    return tokens


# ---------------------------------------------------------------- answers for a section


def valid_value(question: Question) -> list[str]:
    """Return form values that answer a question validly (a list: checklists repeat the field)."""
    if question.type == "choice":
        scored = [o for o in question.options if o.score is not None and not o.not_applicable]
        best = max(scored, key=lambda o: o.score) if scored else question.options[0]
        return [best.value]
    if question.type == "yesno":
        return ["yes"]
    if question.type == "checklist":
        plain = [o.value for o in question.options if not o.exclusive and not o.not_applicable]
        return plain[:2] or [question.options[0].value]
    if question.type == "number":
        low, high = question.min, question.max
        if low is not None and high is not None:
            value = (low + high) / 2
        elif low is not None:
            value = low
        else:
            value = 10.0 if high is None else min(10.0, high)
        return [f"{value:g}"]
    if question.type == "text":
        return ["Respuesta de prueba del benchmark."]
    return []


def section_post_body(questionnaire: Questionnaire, csrf: str, section_index: int = 0) -> str:
    """Return the form-encoded POST of a section: every question answered, then "next"."""
    fields: list[tuple[str, str]] = [("q-csrf_token", csrf)]
    for question in questionnaire.sections[section_index].questions:
        fields += [(f"q-{question.id}", value) for value in valid_value(question)]
    fields.append(("nav", "next"))
    return urlencode(fields)


# ---------------------------------------------------------------- HTTP on loopback


class Reply:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        """The body decoded, un-gzipped if it came gzipped."""
        body = self.body
        if self.headers.get("Content-Encoding", "") == "gzip":
            body = gzip.decompress(body)
        return body.decode("utf-8", "replace")

    def cookies(self) -> str:
        """Return the cookies the response sets, as a Cookie header."""
        pairs = [value.split(";", 1)[0] for value in self.headers.get_all("Set-Cookie") or []]
        return "; ".join(pairs)


def request(port: int, method: str, path: str, headers: dict | None = None, body: str | None = None) -> Reply:
    """Send one request to the bench server and return the raw (still compressed) reply."""
    conn = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def expect(reply: Reply, status: int, what: str) -> Reply:
    if reply.status != status:
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{0,200})', reply.text)
        raise SystemExit(
            f"{what}: expected {status}, got {reply.status}"
            f"{' - errors: ' + '; '.join(errors[:5]) if errors else ''}\n{reply.text[:600]}"
        )
    return reply


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- gunicorn


def write_bench_module() -> str:
    """Write the WSGI module gunicorn serves: the app of wsgi.py plus a bare view; return its spec."""
    module = OUT / "bench_wsgi.py"
    module.write_text(
        '"""Generated by bench/bench_web.py: the production app plus a bare view, the ceiling."""\n'
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "try:\n"
        "    from wsgi import app\n"
        "except ModuleNotFoundError as error:\n"
        "    if error.name != 'wsgi':\n"
        "        raise\n"
        "    from survey import create_app\n"
        "    app = create_app()\n"
        'app.add_url_rule("/bench/bare", "bench_bare", lambda: "ok")\n'
    )
    return "bench_wsgi:app"


def start_gunicorn(
    db_path: Path, questionnaire_path: Path, questionnaire: Questionnaire, port: int, extra_env: dict | None = None
) -> subprocess.Popen:
    """Start gunicorn and wait until the bare view answers."""
    spec = write_bench_module()
    env = {
        **os.environ,
        **(extra_env or {}),
        "SURVEY_DATABASE": str(db_path),
        "SURVEY_SECRET_KEY": "bench-" + secrets.token_hex(16),
        "PYTHONPATH": os.pathsep.join([str(OUT), str(ROOT)]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if questionnaire_path.parent != DEFAULT_QUESTIONNAIRE.parent:
        env["SURVEY_QUESTIONNAIRES"] = str(questionnaire_path.parent)
        env["SURVEY_DEFAULT_QUESTIONNAIRE"] = questionnaire.id
    log = open(OUT / "gunicorn.log", "w")  # noqa: SIM115 (gunicorn writes to it until stopped)
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{port}",
            "--chdir",
            str(OUT),
            "--log-level",
            "warning",
            "--timeout",
            "60",
            spec,
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"gunicorn exited with {process.returncode}:\n{(OUT / 'gunicorn.log').read_text()[-3000:]}"
            )
        try:
            if request(port, "GET", "/bench/bare").status == 200:
                print(
                    f"gunicorn: {WORKERS} sync workers on {HOST}:{port} serving {spec} "
                    f"(wsgi:app + /bench/bare), pid {process.pid}"
                )
                return process
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {STARTUP_SECONDS} s")


def stop_gunicorn(process: subprocess.Popen | None) -> None:
    """Stop gunicorn gracefully, then by force if it lingers (only its own process group)."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    print(f"gunicorn: stopped (exit {process.returncode})")


# ---------------------------------------------------------------- wrk


def lua_paths_script(
    name: str, paths: list[str], method: str = "GET", body: str | None = None, headers: dict | None = None
) -> Path:
    """Write a wrk script that sends each request to a random path of the list."""
    paths_file = OUT / f"{name}.paths"
    paths_file.write_text("\n".join(paths) + "\n")
    lines = [
        "-- Generated by bench/bench_web.py",
        "local paths = {}",
        f"for line in io.lines({json.dumps(str(paths_file))}) do paths[#paths + 1] = line end",
        f"wrk.method = {json.dumps(method)}",
    ]
    for key, value in (headers or {}).items():
        lines.append(f"wrk.headers[{json.dumps(key)}] = {json.dumps(value)}")
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
    lines += [
        "local counter = 0",
        "function setup(thread) counter = counter + 1; thread:set('id', counter) end",
        "function init(args) math.randomseed(os.time() * 1000 + (id or 0)) end",
        "function request() return wrk.format(nil, paths[math.random(#paths)]) end",
    ]
    script = OUT / f"{name}.lua"
    script.write_text("\n".join(lines) + "\n")
    return script


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(output: str) -> dict:
    """Read requests/s, p99 latency, request count and errors from wrk's report."""

    def number(pattern: str, default: float = 0.0) -> float:
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p99_ms": float(p99.group(1)) * UNITS[p99.group(2)] if p99 else None,
        "requests": int(number(r"(\d+) requests in")),
        "bad_status": int(number(r"Non-2xx or 3xx responses:\s+(\d+)")),
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "none",
    }


def run_wrk(port: int, script: Path | None, path: str, seconds: float, threads: int, connections: int) -> dict:
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "5s"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(f"http://{HOST}:{port}{path}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    result = parse_wrk(done.stdout)
    result["raw"] = done.stdout
    return result


def timed_wrk(port: int, name: str, script: Path | None, path: str, args: argparse.Namespace) -> dict:
    """Run wrk's warm-up, then its timed run, and print its counts; `window` says when the timed run ran."""
    if args.warmup:
        run_wrk(port, script, path, args.warmup, args.threads, args.connections)
    began = time.monotonic()
    result = run_wrk(port, script, path, args.duration, args.threads, args.connections)
    result["window"] = (began, time.monotonic())
    print(
        f"wrk {name}: {result['rps']:,.0f} req/s over {result['requests']:,} requests, "
        f"non-2xx/3xx {result['bad_status']}, socket errors: {result['socket_errors']}"
    )
    return result


# ---------------------------------------------------------------- submissions while results are read


class Submitter:
    """Submit drafts through the review page's form at a steady rate, from threads of their own.

    Submission k is due k / rate seconds after the start; each thread takes the next one, waits
    until it is due and sends it, so one slow reply holds back only its own thread.
    """

    def __init__(self, port: int, tokens: list[str], headers: dict, body: str, rate: float):
        self.port, self.tokens, self.headers, self.body, self.rate = port, tokens, headers, body, rate
        self.sent: list[dict] = []  # a submission each: token, sent_at, seconds, status, ok
        self.ran_out = False
        self.taken = 0
        self.started = 0.0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(SUBMITTERS)]

    def start(self) -> None:
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=HTTP_TIMEOUT + 5)

    def run(self) -> None:
        """Send the submissions this thread takes until stopped or out of drafts."""
        while True:
            with self.lock:
                number, self.taken = self.taken, self.taken + 1
            if number >= len(self.tokens):
                self.ran_out = True
                return
            if self.stopping.wait(max(0.0, self.started + number / self.rate - time.monotonic())):
                return
            token = self.tokens[number]
            sent_at = time.monotonic()
            try:
                reply = request(self.port, "POST", f"/a/{token}/submit", self.headers, self.body)
                status, location = reply.status, reply.headers.get("Location") or ""
            except OSError as error:
                status, location = 0, str(error)
            seconds = time.monotonic() - sent_at
            ok = status == 302 and location.endswith(f"/a/{token}/results")
            with self.lock:
                self.sent.append({"token": token, "sent_at": sent_at, "seconds": seconds, "status": status, "ok": ok})


def measure_submissions(
    port: int,
    db_path: Path,
    questionnaire_path: Path,
    questionnaire: Questionnaire,
    demo_tokens: list[str],
    to_submit: list[str],
    args: argparse.Namespace,
) -> dict:
    """Time the results page alone, then while drafts are submitted; check what the submissions left."""
    # One review page gives the session cookie and CSRF token every submission sends, as in c.
    checked, queued = to_submit[0], to_submit[1:]
    review = expect(request(port, "GET", f"/a/{checked}/review"), 200, "GET review")
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', review.text)
    if not match or not review.cookies():
        raise SystemExit("the review page has no csrf_token field or sets no session cookie")
    headers = {"Cookie": review.cookies(), "Content-Type": "application/x-www-form-urlencoded"}
    body = urlencode({"csrf_token": match.group(1)})
    done = expect(request(port, "POST", f"/a/{checked}/submit", headers, body), 302, "POST submit")
    if not done.headers["Location"].endswith(f"/a/{checked}/results"):
        raise SystemExit(f"POST submit redirected to {done.headers['Location']}, not to its results")
    expect(request(port, "GET", f"/a/{checked}/results"), 200, "GET results after submitting")
    print("check: POST submit -> 302 to its results page, which answers 200")

    results_paths = [f"/a/{token}/results" for token in demo_tokens]
    script = lua_paths_script("results_get", results_paths, headers={"Cookie": headers["Cookie"]})
    alone = timed_wrk(port, "results, alone", script, results_paths[0], args)
    submitter = Submitter(port, queued, headers, body, args.submission_rate)
    submitter.start()
    try:
        during = timed_wrk(port, "results, during submissions", script, results_paths[0], args)
    finally:
        submitter.stop()

    began, ended = during["window"]
    redirected = [checked] + [item["token"] for item in submitter.sent if item["ok"]]
    found = statuses(db_path, questionnaire_path, questionnaire, redirected)
    log = (OUT / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    return {
        "alone": alone,
        "during": during,
        "sent": submitter.sent,
        "in_window": [item for item in submitter.sent if began <= item["sent_at"] < ended],
        "window_seconds": ended - began,
        "ran_out": submitter.ran_out,
        "redirected": len(redirected),
        "not_submitted": sorted(token for token, status in found.items() if status != "submitted"),
        "exceptions": log.count("Exception on"),
        "locked": log.count("database is locked"),
    }


def print_submissions(bare: dict, figures: dict, args: argparse.Namespace) -> None:
    """Print the results page alone and during submissions beside the bare view, and the checks."""
    alone, during, sent = figures["alone"], figures["during"], figures["sent"]
    print(
        f"\nResults page while submissions arrive: wrk -t{args.threads} -c{args.connections} "
        f"-d{round(args.duration)}s; submissions due at {args.submission_rate:g}/s from {SUBMITTERS} "
        "connections (POST /a/<draft>/submit)"
    )
    header = f"{'load':<28} {'requests/s':>11} {'vs bare':>8} {'p99 ms':>8} {'non-2xx/3xx':>12}"
    print(header)
    print("-" * len(header))
    for name, result in (("bare view", bare), ("results, alone", alone), ("results, during submissions", during)):
        p99 = f"{result['p99_ms']:.1f}" if result["p99_ms"] is not None else "n/a"
        print(
            f"{name:<28} {result['rps']:>11,.0f} {result['rps'] / (bare['rps'] or 1.0):>8.1%} {p99:>8} "
            f"{result['bad_status']:>12,}"
        )
    ratio = during["rps"] / (alone["rps"] or 1.0)
    held = ratio >= DURING_SUBMISSIONS_TARGET
    p99_change = f", p99 x{during['p99_ms'] / alone['p99_ms']:.2f}" if during["p99_ms"] and alone["p99_ms"] else ""
    print(
        f"during / alone: {ratio:.1%} of requests/s{p99_change} "
        f"(target: requests/s >= {DURING_SUBMISSIONS_TARGET:.0%} of alone): {'PASS' if held else 'FAIL'}"
    )
    failed = [item for item in sent if not item["ok"]]
    in_window = figures["in_window"]
    rate = sum(item["ok"] for item in in_window) / figures["window_seconds"]
    seconds = sorted(item["seconds"] * 1000 for item in sent)
    latency = f"; latency median {statistics.median(seconds):.0f} ms, max {seconds[-1]:.0f} ms" if seconds else ""
    failures = ", ".join(sorted({str(item["status"] or "no reply") for item in failed})) or "none"
    print(
        f"submissions: {len(sent) - len(failed)} answered 302 to their results, {len(failed)} failed "
        f"(statuses: {failures}); {rate:.1f}/s during the timed run "
        f"({sum(item['ok'] for item in in_window)} in {figures['window_seconds']:.1f} s){latency}"
        f"{'; RAN OUT of drafts' if figures['ran_out'] else ''}"
    )
    print(
        f"database: {figures['redirected'] - len(figures['not_submitted'])} of {figures['redirected']} "
        "redirected submissions (the one checked first included) are 'submitted'"
    )
    print(
        f'gunicorn log: {figures["exceptions"]} failed requests ("Exception on"), '
        f'{figures["locked"]} "database is locked"'
    )
    passed = (
        held
        and not failed
        and sent
        and not figures["ran_out"]
        and not figures["not_submitted"]
        and not figures["exceptions"]
        and not figures["locked"]
        and not alone["bad_status"]
        and not during["bad_status"]
    )
    print(f"verdict: {'PASS' if passed else 'FAIL'} (the ratio, every submission redirected and stored, no error)")


# ---------------------------------------------------------------- page weight


class AssetFinder(HTMLParser):
    """Collect the stylesheets, scripts and images a page references."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split() and attributes.get("href"):
            self.urls.append(attributes["href"])
        elif tag in ("script", "img") and attributes.get("src"):
            self.urls.append(attributes["src"])


def local_path(base: str, url: str) -> str | None:
    """Return the path of a same-site URL, or None for another site (never fetched)."""
    parts = urlsplit(urljoin(f"http://{HOST}{base}", url))
    if parts.hostname not in (HOST, "localhost"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def max_age(cache_control: str) -> int:
    match = re.search(r"max-age=(\d+)", cache_control)
    return int(match.group(1)) if match else 0


def page_weight(port: int, path: str) -> None:
    """Print the gzipped bytes of a page with its assets, on a cold and on a warm cache."""
    gz = {"Accept-Encoding": "gzip"}
    html = expect(request(port, "GET", path, gz), 200, f"GET {path}")
    finder = AssetFinder()
    finder.feed(html.text)
    rows = [("HTML", path, html)]
    for url in finder.urls:
        asset = local_path(path, url)
        if asset is None:
            print(f"    (not fetched: {url} is on another site)")
            continue
        rows.append(("asset", asset, expect(request(port, "GET", asset, gz), 200, f"GET {asset}")))
    cold = 0
    print("  cold cache (first visit):")
    for _kind, where, reply in rows:
        cold += len(reply.body)
        print(
            f"    {len(reply.body):>10,} B  {reply.headers.get('Content-Encoding') or 'identity':8}  "
            f"{where[:70]}  [{reply.headers.get('Cache-Control') or 'no Cache-Control'}]"
        )
    print(f"    {cold:>10,} B  total ({cold / 1024:,.1f} KiB)")
    warm = 0
    print("  warm cache (a later visit):")
    for kind, where, reply in rows:
        cache_control = reply.headers.get("Cache-Control") or ""
        if kind == "asset" and "immutable" in cache_control and max_age(cache_control) >= 86400:
            print(f"    {0:>10,} B  not requested (immutable, max-age={max_age(cache_control)})  {where[:60]}")
            continue
        conditional = dict(gz)
        if reply.headers.get("ETag"):
            conditional["If-None-Match"] = reply.headers["ETag"]
        if reply.headers.get("Last-Modified"):
            conditional["If-Modified-Since"] = reply.headers["Last-Modified"]
        again = request(port, "GET", where, conditional)
        warm += len(again.body)
        how = "conditional" if len(conditional) > 1 else "no validator: full download"
        print(f"    {len(again.body):>10,} B  status {again.status} ({how})  {where[:60]}")
    print(f"    {warm:>10,} B  total ({warm / 1024:,.1f} KiB)")


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--assessments", type=int, default=100_000, help="demo assessments in the database")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of wrk per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of untimed wrk per endpoint first")
    parser.add_argument("--drafts", type=int, default=200, help="draft assessments for the answering pages")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--questionnaire", type=Path, default=DEFAULT_QUESTIONNAIRE)
    parser.add_argument("--rebuild", action="store_true", help="build a new database even if one is cached")
    parser.add_argument(
        "--submissions-only",
        action="store_true",
        help="measure only the bare view and the results page during submissions",
    )
    parser.add_argument("--submission-rate", type=float, default=5.0, help="drafts submitted a second during e")
    args = parser.parse_args()
    if not 1 <= args.duration <= 120 or not 0 <= args.warmup <= 30:
        parser.error("--duration must be 1-120 s and --warmup 0-30 s")
    if not 0.1 <= args.submission_rate <= 100:
        parser.error("--submission-rate must be 0.1-100 a second")
    if not 1 <= args.drafts <= 10_000 or args.assessments < 1:
        parser.error("--drafts must be 1-10,000 and --assessments at least 1")
    if not args.questionnaire.exists():
        raise SystemExit(f"{args.questionnaire} does not exist yet: the app refuses to start without it")
    if not os.access(WRK, os.X_OK):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")

    questionnaire_path = args.questionnaire.resolve()
    questionnaire = load_questionnaire(questionnaire_path)
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    print(
        f"questionnaire: {questionnaire.id} v{questionnaire.version}, {len(questionnaire.sections)} sections, "
        f"{len(questionnaire.questions)} questions; python {sys.version.split()[0]}, "
        f"sqlite {sqlite3.sqlite_version}"
    )

    db_path, demo_tokens = build_database(questionnaire_path, questionnaire, args.assessments, args.rebuild)
    drafts = [] if args.submissions_only else add_drafts(db_path, questionnaire_path, questionnaire, args.drafts)
    # Enough for the submission rate over the warm-up and the timed run, with room for wrk's start.
    wanted = math.ceil(args.submission_rate * (args.warmup + args.duration + 2) * 1.2) + 10
    to_submit = add_complete_drafts(db_path, questionnaire_path, questionnaire, wanted)

    process = None
    try:
        port = free_port()
        process = start_gunicorn(db_path, questionnaire_path, questionnaire, port)
        if args.submissions_only:
            expect(request(port, "GET", "/bench/bare"), 200, "GET /bench/bare")
            results = [("bare view", timed_wrk(port, "bare view", None, "/bench/bare", args))]
        else:
            results = measure(port, questionnaire, demo_tokens, drafts, args)
        # Before any restart: the checks read the log this gunicorn has written.
        submissions = measure_submissions(
            port, db_path, questionnaire_path, questionnaire, demo_tokens, to_submit, args
        )
        if not args.submissions_only:
            print("\nPage weight, gzipped (Accept-Encoding: gzip; response bodies, headers excluded):")
            weigh(port, questionnaire, drafts, demo_tokens)
            # The same section GET with the cache of rendered questions turned off: what a view of a
            # section costs when no owner has seen it with the same answers yet.
            stop_gunicorn(process)
            process = start_gunicorn(
                db_path, questionnaire_path, questionnaire, port, {"SURVEY_SECTION_CACHE_SIZE": "0"}
            )
            section_paths = [f"/a/{token}/section/1" for token in drafts]
            script = lua_paths_script("section_get_uncached", section_paths)
            results.append(
                ("section GET, no cache", timed_wrk(port, "section GET, no cache", script, section_paths[0], args))
            )
            print_table(results, args)
        print_submissions(results[0][1], submissions, args)
    finally:
        stop_gunicorn(process)
        print(
            f"machine: {cores} cores ({usable} usable by this process); wrk -t{args.threads} "
            f"-c{args.connections} and gunicorn share them"
        )


def measure(
    port: int, questionnaire: Questionnaire, demo_tokens: list[str], drafts: list[str], args: argparse.Namespace
) -> list[tuple[str, dict]]:
    """Check each endpoint, then time it with wrk; return (name, wrk figures) in order."""
    section_paths = [f"/a/{token}/section/1" for token in drafts]
    results_paths = [f"/a/{token}/results" for token in demo_tokens]

    # a. the bare view
    expect(request(port, "GET", "/bench/bare"), 200, "GET /bench/bare")
    # b. a section page of several drafts
    for path in section_paths[:5]:
        expect(request(port, "GET", path), 200, f"GET {path}")
    # c. a saving POST: the CSRF token is tied to the session cookie of the GET that issued it.
    first = expect(request(port, "GET", section_paths[0]), 200, f"GET {section_paths[0]}")
    match = re.search(r'<input[^>]*name="q-csrf_token"[^>]*value="([^"]+)"', first.text)
    if not match or not first.cookies():
        raise SystemExit("the section page has no q-csrf_token field or sets no session cookie")
    cookie = first.cookies()
    body = section_post_body(questionnaire, match.group(1))
    post_headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    for path in (section_paths[0], section_paths[-1]):
        saved = expect(request(port, "POST", path, post_headers, body), 302, f"POST {path} (saving answers)")
        print(f"check: POST {path.split('/')[-2:]} -> 302 to {saved.headers['Location'].split('/', 3)[-1][-40:]}")
    refused = request(port, "POST", section_paths[0], {"Content-Type": post_headers["Content-Type"]}, body)
    print(f"check: the same POST without the session cookie -> {refused.status} (CSRF refused, as it should)")
    # d. results pages of many demo assessments
    step = max(1, len(results_paths) // 10)
    for path in results_paths[::step][:10]:
        expect(request(port, "GET", path), 200, f"GET {path}")
    print("check: bare 200, section GET 200, section POST 302, results 200 on sampled tokens")

    browser = {"Cookie": cookie}  # an owner's browser sends its session cookie back
    plans = [
        ("bare view", None, "/bench/bare"),
        ("section GET", lua_paths_script("section_get", section_paths, headers=browser), section_paths[0]),
        ("section POST", lua_paths_script("section_post", section_paths, "POST", body, post_headers), section_paths[0]),
        ("results", lua_paths_script("results_get", results_paths, headers=browser), results_paths[0]),
    ]
    return [(name, timed_wrk(port, name, script, path, args)) for name, script, path in plans]


def print_table(measured: list[tuple[str, dict]], args: argparse.Namespace) -> None:
    bare = measured[0][1]["rps"] or 1.0
    print(
        f"\nThroughput: gunicorn {WORKERS} sync workers, wrk -t{args.threads} -c{args.connections} "
        f"-d{round(args.duration)}s --latency on loopback"
    )
    header = (
        f"{'endpoint':<22} {'requests/s':>11} {'vs bare':>8} {'target':>8} {'verdict':>7} {'p99 ms':>8} "
        f"{'non-2xx/3xx':>12}"
    )
    print(header)
    print("-" * len(header))
    for name, result in measured:
        target = TARGETS.get(name)
        ratio = result["rps"] / bare
        verdict = "-" if target is None else ("PASS" if ratio >= target and not result["bad_status"] else "FAIL")
        p99 = f"{result['p99_ms']:.1f}" if result["p99_ms"] is not None else "n/a"
        goal = ">= " + format(target, ".0%") if target else "ceiling"
        print(
            f"{name:<22} {result['rps']:>11,.0f} {ratio:>8.1%} {goal:>8} "
            f"{verdict:>7} {p99:>8} {result['bad_status']:>12,}"
        )


def weigh(port: int, questionnaire: Questionnaire, drafts: list[str], demo_tokens: list[str]) -> None:
    gz = {"Accept-Encoding": "gzip"}
    token = drafts[len(drafts) // 2]
    sizes = []
    for number in range(1, len(questionnaire.sections) + 1):
        reply = expect(request(port, "GET", f"/a/{token}/section/{number}", gz), 200, f"section {number}")
        raw = len(reply.text.encode("utf-8"))
        sizes.append((number, len(reply.body), raw, reply.headers.get("Content-Encoding") or "identity"))
    print("  answering pages (section GET):")
    for number, packed, raw, encoding in sizes:
        print(f"    section {number:>2}: {packed:>8,} B {encoding} ({raw:,} B uncompressed)")
    largest = max(sizes, key=lambda s: s[1])
    verdict = "PASS" if largest[1] < PAGE_LIMIT else "FAIL"
    print(
        f"  largest answering page: section {largest[0]}, {largest[1]:,} B gzipped = {largest[1] / 1024:.1f} KiB "
        f"-> under 30 KB: {verdict}"
    )
    path = f"/a/{demo_tokens[len(demo_tokens) // 3]}/results"
    print(f"  results page {path[:20]}...:")
    page_weight(port, path)


if __name__ == "__main__":
    main()
