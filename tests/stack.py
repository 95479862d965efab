"""The shipped deployment on loopback: gunicorn with deploy/gunicorn.conf.py, nginx with deploy/nginx/.

Used by tests/test_deploy.py and bench/bench_slow_clients.py. nginx's files are the shipped ones,
with only their machine-specific parts replaced: the app's folder (/srv/survey), gunicorn's
address, the log folder, and the listening address (the test server block listens on loopback
instead of the site's ports 80 and 443).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
GUNICORN = Path(sys.executable).parent / "gunicorn"
# Three loopback addresses, so that each side of the proxy is told apart: the client connects
# from CLIENT to nginx on NGINX; nginx connects to gunicorn from 127.0.0.1.
CLIENT = "127.0.0.3"
NGINX = "127.0.0.2"
APP = "127.0.0.1"


def find_nginx() -> str | None:
    """Return the nginx binary, if installed (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def free_port(host: str) -> int:
    """Return a port free on host now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_for(host: str, port: int, seconds: float = 20.0) -> None:
    """Wait until something accepts connections on host:port."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {host}:{port} after {seconds} s")


def nginx_config(folder: Path, app_port: int, nginx_port: int) -> Path:
    """Write an nginx.conf that serves the shipped snippets on NGINX:nginx_port; return its path."""
    http_part = (DEPLOY / "nginx" / "survey-http.conf").read_text().replace("127.0.0.1:8000", f"{APP}:{app_port}")
    app_part = (
        (DEPLOY / "nginx" / "survey-app.conf")
        .read_text()
        .replace("/srv/survey", str(ROOT))
        .replace("/var/log/nginx", str(folder))
    )
    (folder / "survey-http.conf").write_text(http_part)
    (folder / "survey-app.conf").write_text(app_part)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the files the test wrote
    config = folder / "nginx.conf"
    config.write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "nginx-main.error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
{temp}
    include {folder / "survey-http.conf"};
    server {{
        listen {NGINX}:{nginx_port};
        include {folder / "survey-app.conf"};
    }}
}}
"""
    )
    return config


class Stack:
    """gunicorn (4 sync workers, the shipped settings) and, optionally, nginx in front of it."""

    def __init__(self, folder: Path, nginx: str | None, workers: int = 4):
        self.folder = folder
        self.app_port = free_port(APP)
        self.nginx_port = free_port(NGINX) if nginx else None
        self.database = folder / "survey.sqlite3"
        env = {
            **os.environ,
            "SURVEY_DATABASE": str(self.database),
            "SURVEY_SECRET_KEY": "loopback test",
            "SURVEY_TRUSTED_PROXIES": "1" if nginx else "0",
        }
        subprocess.run(
            [str(GUNICORN.parent / "flask"), "--app", "survey", "init-db"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        self.app_log = folder / "gunicorn.log"
        self.processes: list[subprocess.Popen] = []
        command = [str(GUNICORN), "-c", str(DEPLOY / "gunicorn.conf.py"), "--bind", f"{APP}:{self.app_port}"]
        command += ["--workers", str(workers), "wsgi:app"]
        with open(self.app_log, "w") as log:
            self.processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log))
        wait_for(APP, self.app_port)
        if nginx:
            config = nginx_config(folder, self.app_port, self.nginx_port)
            with open(folder / "nginx.out", "w") as out:
                self.processes.append(subprocess.Popen([nginx, "-c", str(config)], stdout=out, stderr=out))
            wait_for(NGINX, self.nginx_port)
        self.warm_up(workers)

    def warm_up(self, workers: int) -> None:
        """Send each worker its first requests (templates compiled, catalogs read) before anything is timed."""
        with ThreadPoolExecutor(2 * workers) as pool:
            for _ in range(3):
                list(pool.map(lambda _: self.request("GET", "/"), range(2 * workers)))

    @property
    def front(self) -> tuple[str, int]:
        """Where clients connect: nginx if it runs, else gunicorn."""
        return (NGINX, self.nginx_port) if self.nginx_port else (APP, self.app_port)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout=30.0):
        """Send one request from the client's address; return (status, headers, body, seconds taken)."""
        host, port = self.front
        started = time.perf_counter()
        connection = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(CLIENT, 0))
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return response.status, dict(response.getheaders()), data, time.perf_counter() - started
        finally:
            connection.close()

    def hold_bodies(self, count: int) -> list[socket.socket]:
        """Open `count` connections that send the start form's headers, promise 1,000 bytes and send 10."""
        held = []
        for _ in range(count):
            sock = socket.create_connection(self.front, timeout=5, source_address=(CLIENT, 0))
            sock.sendall(
                b"POST /start HTTP/1.1\r\nHost: survey.test\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 1000\r\n\r\nlanguage=e"
            )
            held.append(sock)
        time.sleep(0.3)  # let each reach a worker (or nginx) before the normal request comes
        return held

    def stop(self) -> None:
        """Stop nginx and gunicorn, and wait for them."""
        for process in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM if process is self.processes[0] else signal.SIGQUIT)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
