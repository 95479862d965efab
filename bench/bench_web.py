"""Measure the survey's web pages under load, and what they weigh on the wire, in one run.

What it does:
1. Builds a SQLite database with --assessments submitted demo assessments (default 100,000,
   survey.store.demo.store_demo), or reuses the one cached under bench/out/ for the same questionnaire
   version and digest if it already holds enough; the demo resume tokens are kept in a file next
   to it. Prints how long the build took. Then adds --drafts draft assessments (default 200,
   survey.store.assessments.start_assessment) for the answering pages.
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
   wrk's count of responses that are not 2xx/3xx and its socket errors are printed.
4. Prints a table: endpoint, requests/s, ratio to the bare view, target, PASS/FAIL, p99 latency.
   Targets (ratios to the bare view in the same run, as absolute numbers drift with the
   machine): section GET >= 25%, section POST >= 15%, results >= 10%.
5. Prints bytes transferred with Accept-Encoding: gzip (response bodies, headers excluded) for
   the answering pages (target: under 30 KB gzipped), the results page on a cold cache (the HTML
   plus every stylesheet and script it references) and on a warm cache (assets sent with a long
   max-age and `immutable` are not requested again; the HTML and any other asset are requested
   conditionally, with If-None-Match / If-Modified-Since, as a browser would).
6. Stops gunicorn at the end, even after an error, and prints the machine's core count.

Only 127.0.0.1 is ever contacted. Needs wrk (/usr/bin/wrk) and the virtualenv's gunicorn.

Run by hand from the repository root:
    .venv/bin/python bench/bench_web.py                        # 100,000 assessments, 10 s per endpoint
    .venv/bin/python bench/bench_web.py --assessments 2000 --duration 3   # a quick run
Options: --rebuild forces a new database; --questionnaire PATH benchmarks another questionnaire
file (its folder must hold only valid questionnaires).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere, without installing the app

from survey import create_app  # noqa: E402
from survey.core.model import Question, Questionnaire  # noqa: E402
from survey.core.questionnaire import load_questionnaire  # noqa: E402
from survey.store.assessments import start_assessment  # noqa: E402
from survey.store.demo import store_demo  # noqa: E402
from survey.store.schema import migrate  # noqa: E402
from survey.web.database import get_db  # noqa: E402

OUT = ROOT / "bench" / "out"
DEFAULT_QUESTIONNAIRE = ROOT / "questionnaires" / "readiness.yaml"
HOST = "127.0.0.1"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SEED = 2026
WORKERS = 2
TARGETS = {"section GET": 0.25, "section POST": 0.15, "results": 0.10, "section GET, no cache": 0.25}
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
    args = parser.parse_args()
    if not 1 <= args.duration <= 120 or not 0 <= args.warmup <= 30:
        parser.error("--duration must be 1-120 s and --warmup 0-30 s")
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
    drafts = add_drafts(db_path, questionnaire_path, questionnaire, args.drafts)

    process = None
    try:
        port = free_port()
        process = start_gunicorn(db_path, questionnaire_path, questionnaire, port)
        results = measure(port, questionnaire, demo_tokens, drafts, args)
        print("\nPage weight, gzipped (Accept-Encoding: gzip; response bodies, headers excluded):")
        weigh(port, questionnaire, drafts, demo_tokens)
        # The same section GET with the cache of rendered questions turned off: what a view of a
        # section costs when no owner has seen it with the same answers yet.
        stop_gunicorn(process)
        process = start_gunicorn(db_path, questionnaire_path, questionnaire, port, {"SURVEY_SECTION_CACHE_SIZE": "0"})
        section_paths = [f"/a/{token}/section/1" for token in drafts]
        script = lua_paths_script("section_get_uncached", section_paths)
        if args.warmup:
            run_wrk(port, script, section_paths[0], args.warmup, args.threads, args.connections)
        results.append(
            (
                "section GET, no cache",
                run_wrk(port, script, section_paths[0], args.duration, args.threads, args.connections),
            )
        )
        print_table(results, args)
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
    measured = []
    for name, script, path in plans:
        if args.warmup:
            run_wrk(port, script, path, args.warmup, args.threads, args.connections)
        result = run_wrk(port, script, path, args.duration, args.threads, args.connections)
        print(
            f"wrk {name}: {result['rps']:,.0f} req/s over {result['requests']:,} requests, "
            f"non-2xx/3xx {result['bad_status']}, socket errors: {result['socket_errors']}"
        )
        measured.append((name, result))
    return measured


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
