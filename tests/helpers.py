"""Helpers the tests share: reading a form's CSRF token, filling in the firm profile, an app on one
questionnaire, an SMTP server."""

from __future__ import annotations

import base64
import contextlib
import email.policy
import os
import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import NamedTuple

import pytest


def csrf_token(html: str | bytes) -> str:
    """Return the CSRF token of the first form in a page."""
    text = html.decode() if isinstance(html, bytes) else html
    match = re.search(r'<input[^>]*name="(?:q-)?csrf_token"[^>]*value="([^"]+)"', text)
    assert match, "the page has no CSRF token"
    return match.group(1)


PROFILE = {
    "name": "Muebles Arequipa",
    "sector": "wood_furniture",
    "size": "micro",
    "region": "Arequipa",
    "year_founded": "2008",
}


def start(client, profile: dict | None = None) -> str:
    """Fill in the firm profile as an owner would; return the new assessment's resume token."""
    page = client.get("/start")
    response = client.post("/start", data={**PROFILE, **(profile or {}), "csrf_token": csrf_token(page.data)})
    assert response.status_code == 302, response.data
    return response.headers["Location"].split("/")[2]


def started_assessments(app, client, count: int) -> tuple[list[str], list[int]]:
    """Start `count` assessments for new firms as owners would; return their resume tokens and ids."""
    from survey.store.assessments import find_assessment
    from survey.store.connection import connect

    tokens = [start(client, {"name": f"Firma {i}"}) for i in range(count)]
    db = connect(app.config["DATABASE"])
    try:
        return tokens, [find_assessment(db, token)["id"] for token in tokens]
    finally:
        db.close()


def extreme_value(question, best: bool = True):
    """The answer that gives a scored question all its points (best) or none; None if not scored."""
    pick = max if best else min
    if question.type == "choice":
        return pick(question.option_points, key=question.option_points.get)
    if question.type == "yesno":
        return "yes" if best else "no"
    if question.type == "checklist":
        if best:
            return tuple(value for value, points in question.option_points.items() if points > 0)
        nothing = [o.value for o in question.options if o.exclusive and not o.not_applicable]
        return tuple(nothing[:1]) or (min(question.option_points, key=question.option_points.get),)
    if question.type == "number" and question.bands:
        if not best:
            return question.min if question.min is not None else 0
        top = max(question.bands, key=lambda band: band.score)
        return top.min if question.max is None else min(max(top.min, question.min or 0), question.max)
    return None


def app_serving(tmp_path: Path, questionnaire: Path):
    """Return an app on a fresh database that serves one questionnaire file, new assessments included."""
    from survey import create_app
    from survey.core.questionnaire import load_questionnaire
    from survey.store.schema import migrate
    from survey.web.database import get_db

    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / questionnaire.name).write_text(questionnaire.read_text(encoding="utf-8"), encoding="utf-8")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "test.sqlite3"),
            "SECRET_KEY": "test",
            "QUESTIONNAIRES": str(folder),
            "DEFAULT_QUESTIONNAIRE": load_questionnaire(questionnaire).id,
        }
    )
    with app.app_context():
        migrate(get_db())
    return app


def send_page(client, url: str, answers: dict, nav: str = "next", marks: bool = True):
    """Post a page of questions as a browser does: its hidden fields and the answers given.

    The hidden fields are the form's token and a mark for each checklist whose empty selection
    means "none of these"; marks=False leaves the marks out, as a page that did not show them.
    """
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(url).data, "html.parser")
    data = {
        field["name"]: field["value"]
        for field in page.select("form.questions input[type=hidden]")
        if marks or not field["name"].endswith("__shown")
    }
    data["nav"] = nav
    for qid, value in answers.items():
        data[f"q-{qid}"] = [str(v) for v in value] if isinstance(value, (tuple, list)) else str(value)
    return client.post(url, data=data)


def missing(message: str) -> None:
    """Stop a test whose tool or build is missing: a failure under CI (make installs it), else a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# --------------------------------------------------------------------------- a tiny SMTP server


class SMTPSession(socketserver.StreamRequestHandler):
    """One client's conversation: enough of SMTP for smtplib (EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT)."""

    def reply(self, *lines: str) -> None:
        """Send a reply; a reply of several lines marks all but the last with a dash."""
        text = "".join(f"{line[:3]}{'-' if i < len(lines) - 1 else ' '}{line[4:]}\r\n" for i, line in enumerate(lines))
        self.wfile.write(text.encode())

    def handle(self) -> None:
        server = self.server
        server.connections += 1
        if server.silent:  # accepts the connection and never greets: the client times out
            self.rfile.read()
            return
        self.reply("220 fake.example ESMTP")
        sender, recipients = None, []
        for raw in self.rfile:
            command = raw.decode("utf-8").rstrip("\r\n")
            verb, _, argument = command.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.reply("250 fake.example", *(["250 AUTH PLAIN"] if server.auth else []), "250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 fake.example")
            elif verb == "AUTH" and server.auth and argument.upper().startswith("PLAIN "):
                _identity, user, password = base64.b64decode(argument.split()[1]).decode().split("\0")
                server.logins.append((user, password))
                self.reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                sender, recipients = argument.split("<", 1)[1].split(">")[0], []
                self.reply("250 OK")
            elif verb == "RCPT":
                if server.refuse_recipients:
                    self.reply("550 5.1.1 No such user here")
                else:
                    recipients.append(argument.split("<", 1)[1].split(">")[0])
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                for line in self.rfile:
                    if line == b".\r\n":
                        break
                    lines.append(line[1:] if line.startswith(b".") else line)  # undo dot-stuffing
                raw_message = b"".join(lines)
                server.received.append(Received(sender, recipients, raw_message, parse_message(raw_message)))
                self.reply("250 OK: queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class Received(NamedTuple):
    """A message as the SMTP server received it: the envelope, the bytes and the parsed message."""

    sender: str
    recipients: list[str]
    raw: bytes
    message: EmailMessage


def parse_message(raw: bytes) -> EmailMessage:
    return BytesParser(policy=email.policy.default).parsebytes(raw)


class FakeSMTPServer(socketserver.ThreadingTCPServer):
    """An SMTP server on a free port of 127.0.0.1 that keeps what it receives, in `received`."""

    daemon_threads = True

    def __init__(self, *, auth: bool = False, silent: bool = False, refuse_recipients: bool = False):
        super().__init__(("127.0.0.1", 0), SMTPSession)
        self.auth, self.silent, self.refuse_recipients = auth, silent, refuse_recipients
        self.connections = 0
        self.received: list[Received] = []
        self.logins: list[tuple[str, str]] = []

    @property
    def port(self) -> int:
        return self.server_address[1]


@contextlib.contextmanager
def smtp_server(**options) -> Iterator[FakeSMTPServer]:
    """Run a FakeSMTPServer in a thread for the length of a with block."""
    server = FakeSMTPServer(**options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port() -> int:
    """Return a port of 127.0.0.1 that nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
