"""The shipped deployment, run for real on loopback: nginx (deploy/nginx/) in front of gunicorn
(deploy/gunicorn.conf.py, 4 sync workers), as deploy/systemd/survey.service starts it.

Slow clients that hold back their bodies must not delay anyone else, the app must see the
client's own address (and no forged one), a body over the limit is refused before the app, and
neither log holds a resume token.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from helpers import missing
from stack import CLIENT, DEPLOY, ROOT, Stack, find_nginx

from survey import create_app
from survey.store.assessments import start_assessment
from survey.web.database import get_db


@pytest.fixture(scope="module")
def nginx() -> str:
    found = find_nginx()
    if found is None:
        missing("nginx is missing: apt-get install -y nginx (make test installs it when run as root)")
    return found


@pytest.fixture(scope="module")
def stack(nginx, tmp_path_factory):
    running = Stack(tmp_path_factory.mktemp("deploy"), nginx)
    yield running
    running.stop()


def app_lines(stack: Stack) -> list[str]:
    return [line for line in stack.app_log.read_text().splitlines() if "] request " in line]


def test_a_page_comes_through_nginx_with_the_apps_security_headers(stack):
    status, headers, body, _ = stack.request("GET", "/", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Server"] == "nginx"  # no version given away
    assert headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("slow_clients", [8, 50])
def test_slow_clients_holding_back_their_bodies_do_not_delay_a_normal_request(stack, slow_clients):
    held = stack.hold_bodies(slow_clients)
    try:
        for _ in range(3):
            status, _, _, seconds = stack.request("GET", "/", timeout=10)
            assert status == 200
            assert seconds < 1.0, f"GET / took {seconds:.2f} s with {slow_clients} slow clients"
    finally:
        for sock in held:
            sock.close()


def test_the_app_sees_the_clients_address_and_not_a_forged_one(stack):
    stack.request("GET", "/no-such-page-for-the-address")
    stack.request("GET", "/no-such-page-forged", headers={"X-Forwarded-For": "203.0.113.66"})
    lines = app_lines(stack)
    assert any(re.search(rf"GET /no-such-page-for-the-address 404 [0-9.]+ ms {re.escape(CLIENT)}$", x) for x in lines)
    forged = [x for x in lines if "/no-such-page-forged" in x]
    assert forged and forged[0].endswith(f" {CLIENT}")


def test_a_body_over_the_limit_is_refused_by_nginx_before_the_app(stack):
    before = len(app_lines(stack))
    body = b"language=es&" + b"x" * (300 * 1024)
    status, _, _, _ = stack.request(
        "POST", "/start", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 413
    assert len(app_lines(stack)) == before  # gunicorn never saw it


def test_static_files_are_served_by_nginx_compressed(stack):
    before = len(app_lines(stack))
    status, headers, _, _ = stack.request("GET", "/static/style.css", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert len(app_lines(stack)) == before


def test_neither_log_holds_a_resume_token(stack):
    app = create_app({"DATABASE": str(stack.database), "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        token = start_assessment(
            get_db(),
            app.extensions["questionnaires"].current["readiness"],
            {"name": "Taller", "sector": "wood_furniture", "size": "micro", "region": "Lima"},
        )
    assert stack.request("GET", f"/a/{token}/section/1")[0] == 200
    stack.request("GET", f"/login?next=/a/{token}/results")
    stack.request("GET", f"//a//{token}/results")  # slashes doubled...
    stack.request("GET", f"/a%2F{token}/section/1")  # ...or encoded: the app reads /a/<token> all the same
    stack.request("GET", f"/s/{token}")
    # nginx writes its line after the response has gone: wait for the last one.
    access_log = logged(stack.folder / "survey.access.log", '"GET /s/***" ')
    app_log = stack.app_log.read_text()
    for log in (access_log, app_log):
        assert token not in log
        assert "GET /a/***/section/1 200" in log or '"GET /a/***/section/1" 200' in log
    assert '"GET /login" 200' in access_log


def test_pages_and_static_files_keep_browsers_on_https(stack):
    for path in ("/", "/static/style.css"):
        headers = stack.request("GET", path)[1]
        assert headers["Strict-Transport-Security"] == "max-age=31536000", path


def test_every_server_of_the_site_logs_in_the_masked_format():
    """The HTTP server only redirects, but a link typed with http:// still carries its token."""
    site = (DEPLOY / "nginx" / "survey-site.conf").read_text()
    servers = site.split("server {")[1:]
    assert len(servers) == 2
    for server in servers:
        assert "access_log /var/log/nginx/survey.access.log survey;" in server or "survey-app.conf;" in server
    assert "access_log /var/log/nginx/survey.access.log survey;" in (DEPLOY / "nginx" / "survey-app.conf").read_text()


def test_health_checks_from_one_address_are_rate_limited(stack):
    statuses = [stack.request("GET", "/healthz")[0] for _ in range(30)]
    assert statuses[0] == 200
    assert 429 in statuses


def logged(path: Path, expected: str, seconds: float = 5.0) -> str:
    """Return a log's text once it holds `expected` (or after `seconds`, for the assertion to say what it holds)."""
    deadline = time.monotonic() + seconds
    while expected not in (text := path.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert expected in text, text[-2000:]
    return text


def test_the_shipped_site_passes_nginx_own_check(nginx, tmp_path):
    """The whole site (HTTP redirect, HTTPS with certificates) as an operator installs it."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=encuesta.example.org",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (
        (DEPLOY / "nginx" / "survey-site.conf")
        .read_text()
        .replace("/etc/letsencrypt/live/encuesta.example.org", str(tmp_path))
        .replace("/etc/nginx/snippets/survey-app.conf", str(tmp_path / "app.conf"))
    )
    (tmp_path / "site.conf").write_text(site)
    app_part = (DEPLOY / "nginx" / "survey-app.conf").read_text()
    (tmp_path / "app.conf").write_text(
        app_part.replace("/srv/survey", str(ROOT)).replace("/var/log/nginx", str(tmp_path))
    )
    (tmp_path / "http.conf").write_text((DEPLOY / "nginx" / "survey-http.conf").read_text())
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n include {tmp_path / 'http.conf'};\n include {tmp_path / 'site.conf'};\n}}\n"
    )
    result = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_gunicorn_takes_the_shipped_settings():
    settings: dict = {}
    with contextlib.suppress(SystemExit):
        exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)  # noqa: S102
    assert settings["bind"] == "127.0.0.1:8000"  # loopback: only nginx reaches it
    assert settings["worker_class"] == "sync" and settings["accesslog"] is None
    nginx_app = (DEPLOY / "nginx" / "survey-app.conf").read_text()
    assert f"proxy_read_timeout {settings['timeout']}s;" in nginx_app
    assert "server 127.0.0.1:8000;" in (DEPLOY / "nginx" / "survey-http.conf").read_text()


def test_nginx_and_the_app_limit_bodies_alike():
    from survey.settings import DEFAULTS

    limit = re.search(r"client_max_body_size (\d+)k;", (DEPLOY / "nginx" / "survey-app.conf").read_text())
    assert int(limit.group(1)) * 1024 == DEFAULTS["MAX_CONTENT_LENGTH"]


def test_the_systemd_units_are_valid(tmp_path):
    """systemd's own check of the units as installed: known keys only, executables that exist."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (it comes with systemd)")
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        copy = tmp_path / unit.name
        copy.write_text(unit.read_text().replace("/srv/survey", str(ROOT)))
        units.append(str(copy))
    assert len(units) == 3
    result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
