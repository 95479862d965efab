"""Time the results page as an owner's phone loads it: on a slow link, with a slow processor.

What it does:
1. Builds a fresh database in a temporary folder with --firms demo assessments (default 300),
   so that the results have peers, and submits one more assessment through the app's own pages
   (answers drawn by survey.core.synthetic); serves the app on 127.0.0.1 and a free port, in a thread.
2. Opens that assessment's results page in Debian's headless Chromium (Playwright), at 375x740,
   with Chrome's network emulation at --mbits Mbit/s down (default 1.6), 0.75 Mbit/s up and
   --rtt ms round trip (default 150: Lighthouse's "slow 4G"), and with the processor slowed
   --cpu times (default: 1 and 4). For each, a cold load (empty cache) and a warm one (reload).
3. Prints, per run: the bytes received (encoded, as on the wire), the time to the first text
   painted (first-contentful-paint), and the time until every chart is drawn once the page is
   scrolled to them at load (charts.js marks each chart `data-drawn`), from navigation start.
   The same for a bare page of the same server (/bench/bare: "ok"), as the floor of the link.
4. Repeats the cold load with Accept-Encoding limited to gzip, for a browser without brotli.

Only 127.0.0.1 is contacted. Run by hand from the repository root:
    .venv/bin/python bench/bench_page_load.py
    .venv/bin/python bench/bench_page_load.py --mbits 1.6 --rtt 150 --cpu 1 4 --firms 300
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from survey import create_app  # noqa: E402
from survey.core.synthetic import generate  # noqa: E402
from survey.store.demo import store_demo  # noqa: E402
from survey.store.schema import migrate  # noqa: E402
from survey.web.database import get_db  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROFILE = {"name": "Muebles Bench", "sector": "wood_furniture", "size": "micro", "region": "Arequipa"}
PROFILE |= {"year_founded": "2008"}


def token_of(html: str) -> str:
    """The CSRF token of a page's first form (section forms prefix their fields with q-)."""
    return re.search(r'<input[^>]*name="(?:q-)?csrf_token"[^>]*value="([^"]+)"', html).group(1)


def submitted_assessment(app) -> str:
    """Answer every page of a new assessment through the app, submit it, return its token."""
    client = app.test_client()
    page = client.get("/start").get_data(as_text=True)
    location = client.post("/start", data={**PROFILE, "csrf_token": token_of(page)}).headers["Location"]
    token = location.split("/")[2]
    questionnaire = app.extensions["questionnaires"].current[app.config["DEFAULT_QUESTIONNAIRE"]]
    answers = next(generate(questionnaire, 1, seed=7))["answers"]
    location = client.get(f"/a/{token}").headers["Location"]
    while "/section/" in location:
        number = int(location.rsplit("/", 1)[1])
        html = client.get(location).get_data(as_text=True)
        data: list[tuple[str, str]] = [("q-csrf_token", token_of(html)), ("nav", "next")]
        for question in questionnaire.sections[number - 1].questions:
            value = answers.get(question.id)
            values = value if isinstance(value, (list, tuple)) else [] if value is None else [value]
            data += [(f"q-{question.id}", f"{v:g}" if isinstance(v, float) else str(v)) for v in values]
        response = client.post(location, data=MultiDict(data))
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        location = response.headers["Location"]
    review = client.get(f"/a/{token}/review").get_data(as_text=True)
    response = client.post(f"/a/{token}/submit", data={"csrf_token": token_of(review)})
    assert response.headers["Location"].endswith("/results"), response.status_code
    return token


def measure(browser, url: str, mbits: float, rtt: int, cpu: float, encodings: str | None, charts: bool) -> list:
    """Load a page cold then warm; return (label, bytes, first paint ms, charts drawn ms) for each."""
    headers = {"Accept-Encoding": encodings} if encodings else {}
    # bypass_csp: Playwright waits by evaluating strings, which the site's policy rightly forbids.
    context = browser.new_context(viewport={"width": 375, "height": 740}, extra_http_headers=headers, bypass_csp=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": rtt,
            "downloadThroughput": mbits * 1_000_000 / 8,
            "uploadThroughput": 750_000 / 8,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    received = {"bytes": 0}
    cdp.on(
        "Network.loadingFinished",
        lambda event: received.__setitem__("bytes", received["bytes"] + event["encodedDataLength"]),
    )
    rows = []
    for label in ("cold", "warm"):
        received["bytes"] = 0
        start = time.perf_counter()
        if label == "cold":
            page.goto(url, wait_until="domcontentloaded")
        else:
            page.reload(wait_until="domcontentloaded")
        drawn = None
        if charts:
            page.evaluate("document.querySelector('.chart').scrollIntoView()")
            page.wait_for_function(
                "[...document.querySelectorAll('.chart')].every(c => c.hasAttribute('data-drawn'))", timeout=120_000
            )
            drawn = (time.perf_counter() - start) * 1000
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # let the last transfers report
        paint = page.evaluate(
            "(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: null}).startTime"
        )
        rows.append((label, received["bytes"], paint, drawn))
    context.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mbits", type=float, default=1.6)
    parser.add_argument("--rtt", type=int, default=150)
    parser.add_argument("--cpu", type=float, nargs="+", default=[1, 4])
    parser.add_argument("--firms", type=int, default=300)
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-page-"))
    app = create_app({"DATABASE": str(folder / "survey.sqlite3"), "SECRET_KEY": "bench"}, instance_path=str(folder))
    app.add_url_rule("/bench/bare", "bench_bare", lambda: "ok")
    with app.app_context():
        db = get_db()
        migrate(db)
        store_demo(db, app.extensions["questionnaires"].current[app.config["DEFAULT_QUESTIONNAIRE"]], options.firms)
    token = submitted_assessment(app)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request amid the figures
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    print(f"link: {options.mbits} Mbit/s down, 0.75 up, {options.rtt} ms RTT; viewport 375x740")
    print(f"{'page':<10}{'cpu':>5}{'encoding':>10}{'load':>6}{'KB':>9}{'first text ms':>15}{'charts ms':>11}")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            runs = [("bare", "/bench/bare", None, False), ("results", f"/a/{token}/results", None, True)]
            runs.append(("results", f"/a/{token}/results", "gzip", True))
            for cpu in options.cpu:
                for name, path, encodings, charts in runs:
                    for label, size, paint, drawn in measure(
                        browser, base + path, options.mbits, options.rtt, cpu, encodings, charts
                    ):
                        print(
                            f"{name:<10}{cpu:>5g}{encodings or 'br,gzip':>10}{label:>6}{size / 1000:>9.1f}"
                            f"{paint or 0:>15.0f}{drawn or 0:>11.0f}"
                        )
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
