"""Datasette over the database: the analysis views answer, with small groups left out; nothing else does."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import missing
from test_benchmarks import submit_firm

from survey.store.schema import table_names
from survey.web.database import get_db

FLASK = Path(sys.executable).with_name("flask")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def datasette(app):
    """Five firms in wood furniture (two with a follow-up), four in agriculture; Datasette started as the README says."""
    if not Path(sys.executable).with_name("datasette").exists():
        missing("datasette is not installed: make install")
    with app.app_context():
        db = get_db()
        for level in range(5):
            assessment, _ = submit_firm(db, "wood_furniture", "micro", level)
            if level < 2:
                submit_firm(db, "wood_furniture", "micro", level + 3, assessment["firm_id"], assessment)
        for level in range(4):
            submit_firm(db, "agriculture", "micro", level)
        tables = table_names(db)
    port = free_port()
    env = {**os.environ, "SURVEY_DATABASE": app.config["DATABASE"], "SURVEY_SECRET_KEY": "test"}
    server = subprocess.Popen(
        [str(FLASK), "--app", "survey", "datasette", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"Datasette did not start: {server.stdout.read1().decode() if server.stdout else ''}")
        yield port, tables
    finally:
        server.terminate()
        server.wait(timeout=10)


def rows(port: int, view: str) -> list[dict]:
    status, body = fetch(port, f"/test/{view}.json?_shape=array&_size=max")
    assert status == 200, body[:300]
    return json.loads(body)


def test_the_views_answer_and_leave_out_groups_of_fewer_than_five(datasette):
    port, _ = datasette
    by_sector = rows(port, "analysis_scores_by_sector")
    overall = {row["sector"]: row for row in by_sector if row["dimension"] == "overall"}
    assert overall["wood_furniture"]["firms"] == 5
    assert "agriculture" not in overall  # four firms: no figure at all
    assert {row["sector"] for row in by_sector} == {"wood_furniture"}
    by_group = rows(port, "analysis_scores_by_group")
    assert {(row["sector"], row["firms"]) for row in by_group} == {("wood_furniture", 5)}
    assert rows(port, "analysis_progress") == []  # two pairs only: fewer than five
    for row in by_sector:
        assert set(row) == {
            "questionnaire_id",
            "questionnaire_version",
            "sector",
            "demo",
            "dimension",
            "firms",
            "mean_score",
        }


def test_no_raw_table_no_sql_and_no_download(datasette):
    port, tables = datasette
    assert {"users", "firms", "assessments", "answers", "notes", "invitations"} <= set(tables)
    for table in tables:
        status, body = fetch(port, f"/test/{table}.json")
        assert status == 403, (table, status)
    assert fetch(port, "/test.json?sql=select+email+from+users")[0] == 403
    assert fetch(port, "/test.db")[0] == 403
    assert fetch(port, "/test/analysis_scores_by_group.json?_where=1=1")[0] == 403
    status, index = fetch(port, "/test.json")
    assert status == 200 and "users" not in {t["name"] for t in json.loads(index)["tables"] if not t["hidden"]}
