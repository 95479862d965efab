"""Measure what slow clients do to everyone else, with and without nginx in front of gunicorn.

What it does: starts the shipped deployment on loopback (tests/stack.py: gunicorn with
deploy/gunicorn.conf.py and 4 sync workers; nginx with deploy/nginx/ when asked), opens N
connections that send the start form's headers with `Content-Length: 1000` and then hold back the
body (a phone on a bad link, or an attacker), and times a normal `GET /` from another client,
--tries times, each given at most --wait seconds. Both setups run on an empty database in a
temporary folder, in the same run, for N = 0, 8 and 50.

Prints one line per setup and N: the median and worst time of `GET /`, or "no answer" when it
took longer than --wait.

Run by hand: .venv/bin/python bench/bench_slow_clients.py [--tries 5] [--wait 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from stack import Stack, find_nginx  # noqa: E402


def time_get(stack: Stack, wait: float) -> float | None:
    """Return how long `GET /` took, or None when no answer came within `wait` seconds."""
    try:
        status, _, _, seconds = stack.request("GET", "/", timeout=wait)
    except (TimeoutError, ConnectionError):
        return None
    return seconds if status == 200 else None


def measure(stack: Stack, slow: int, tries: int, wait: float) -> str:
    """Hold `slow` bodies back and time `tries` normal requests; return the figures as text."""
    held = stack.hold_bodies(slow) if slow else []
    try:
        times = [time_get(stack, wait) for _ in range(tries)]
    finally:
        for sock in held:
            sock.close()
    answered = [t * 1000 for t in times if t is not None]
    lost = tries - len(answered)
    if not answered:
        return f"no answer within {wait:.0f} s ({tries} of {tries})"
    text = f"median {statistics.median(answered):7.1f} ms, worst {max(answered):7.1f} ms"
    return text + (f", {lost} of {tries} with no answer within {wait:.0f} s" if lost else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=5)
    parser.add_argument("--wait", type=float, default=15.0)
    args = parser.parse_args()
    nginx = find_nginx()
    if nginx is None:
        sys.exit("nginx is missing: apt-get install -y nginx")
    for label, proxy in (("gunicorn alone", None), ("nginx + gunicorn", nginx)):
        with tempfile.TemporaryDirectory() as folder:
            stack = Stack(Path(folder), proxy)
            try:
                for slow in (0, 8, 50):
                    print(
                        f"{label:<17} {slow:>2} slow clients: {measure(stack, slow, args.tries, args.wait)}", flush=True
                    )
            finally:
                stack.stop()


if __name__ == "__main__":
    main()
