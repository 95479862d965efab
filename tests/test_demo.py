"""Demo data: `flask seed-demo` and `flask drop-demo`.

Synthetic firms and submitted assessments, reproducible from a seed, spread over every sector,
size and both periods, marked as demo so that they can be removed without touching real data.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from statistics import mean

import pytest
from bs4 import BeautifulSoup
from helpers import csrf_token, start
from test_owner import answer_all, assessment_row, query, run_command, soup_of, stored_answers, submit

from survey import create_app
from survey.core.profile import SECTORS, SIZES
from survey.store.schema import migrate
from survey.web.database import get_db


def fresh_app(path):
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test"})
    with app.app_context():
        migrate(get_db())
    return app


def digest(app) -> str:
    """A fingerprint of every demo assessment: who it is and what it scored."""
    rows = query(
        app,
        "SELECT f.sector, f.size, f.region, a.period, a.overall FROM assessments a "
        "JOIN firms f ON f.id = a.firm_id ORDER BY a.id",
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def counts(app) -> dict[str, int]:
    return {
        table: query(app, f"SELECT count(*) FROM {table}")[0][0]
        for table in ("firms", "assessments", "answers", "scores")
    }


@pytest.fixture
def demo(app):
    result = run_command(app, "seed-demo")
    assert "Added 800 demo assessments" in result.output
    return app


def test_seed_demo_creates_enough_assessments_across_every_group(demo):
    assert query(demo, "SELECT count(*) FROM assessments")[0][0] >= 600
    assert (
        query(
            demo,
            "SELECT count(*) FROM assessments WHERE status = 'submitted' AND overall IS NOT NULL "
            "AND scores_json IS NOT NULL",
        )[0][0]
        == query(demo, "SELECT count(*) FROM assessments")[0][0]
    )
    sectors = {row[0] for row in query(demo, "SELECT DISTINCT sector FROM firms")}
    assert sectors == set(SECTORS)
    sizes = {row[0] for row in query(demo, "SELECT DISTINCT size FROM firms")}
    assert sizes == set(SIZES)
    assert query(demo, "SELECT count(DISTINCT region) FROM firms")[0][0] >= 5
    assert query(demo, "SELECT count(DISTINCT period) FROM assessments")[0][0] == 2
    # Some firms took the assessment in both periods: a follow-up, counted once among peers.
    assert (
        query(
            demo,
            "SELECT count(*) FROM (SELECT firm_id FROM assessments GROUP BY firm_id HAVING count(DISTINCT period) = 2)",
        )[0][0]
        > 0
    )
    latest = query(demo, "SELECT count(*) FROM scores WHERE dimension = 'overall' AND is_latest = 1")[0][0]
    assert latest == query(demo, "SELECT count(*) FROM firms")[0][0]
    # Every sector and size is there, and every sector is a peer group of at least five firms.
    assert len(query(demo, "SELECT DISTINCT sector, size FROM firms")) == len(SECTORS) * len(SIZES)
    for sector, firms in query(
        demo, "SELECT sector, count(*) FROM scores WHERE dimension = 'overall' AND is_latest = 1 GROUP BY sector"
    ):
        assert firms >= 5, sector


def test_every_demo_row_is_marked_as_demo(demo):
    assert query(demo, "SELECT DISTINCT is_demo FROM firms") == [(1,)]
    assert query(demo, "SELECT DISTINCT is_demo FROM assessments") == [(1,)]
    assert query(demo, "SELECT DISTINCT is_demo FROM scores") == [(1,)]
    assert query(demo, "SELECT count(*) FROM firms WHERE name NOT LIKE 'Demo %'") == [(0,)]


def test_demo_answers_score_as_stored(demo):
    """Each demo assessment's answers give its stored scores, through the app's own scoring."""
    import json

    from survey.core.scoring import score_response
    from survey.store.assessments import load_answers
    from survey.store.connection import connect

    versions = demo.extensions["questionnaires"]
    db = connect(demo.config["DATABASE"])
    try:
        rows = query(demo, "SELECT id, questionnaire_version, scores_json FROM assessments ORDER BY random() LIMIT 40")
        for assessment_id, version, scores_json in rows:
            answers = load_answers(db, assessment_id)
            assert answers
            questionnaire = versions.get(db, "readiness", version)
            assert score_response(questionnaire, answers).to_dict() == json.loads(scores_json)
    finally:
        db.close()


def test_the_same_seed_gives_the_same_data(tmp_path, demo):
    other = fresh_app(tmp_path / "other.sqlite3")
    run_command(other, "seed-demo")
    assert digest(other) == digest(demo)
    third = fresh_app(tmp_path / "third.sqlite3")
    run_command(third, "seed-demo", "--seed", "7")
    assert digest(third) != digest(demo)


def test_sectors_differ_realistically(demo):
    def digital(sector: str) -> float:
        return mean(
            row[0]
            for row in query(
                demo, "SELECT score FROM scores WHERE dimension = 'digital' AND is_latest = 1 AND sector = ?", (sector,)
            )
        )

    assert digital("retail_wholesale") > digital("agriculture") + 10
    assert digital("other_services") > digital("construction")
    # Larger firms are more digital, and follow-ups score higher than baselines.
    by_size = dict(
        query(demo, "SELECT size, avg(score) FROM scores WHERE dimension = 'digital' AND is_latest = 1 GROUP BY size")
    )
    assert by_size["medium"] > by_size["small"] > by_size["micro"]
    by_period = dict(query(demo, "SELECT period, avg(overall) FROM assessments GROUP BY period"))
    assert by_period["2026-H2"] > by_period["2025-H2"]
    # Scores spread out: not everyone at the same level.
    overall = [row[0] for row in query(demo, "SELECT overall FROM assessments")]
    assert min(overall) < 30 and max(overall) > 60


def test_seed_demo_if_empty_adds_nothing_to_a_database_in_use(demo):
    before = counts(demo)
    result = run_command(demo, "seed-demo", "--if-empty")
    assert "already holds assessments" in result.output
    assert counts(demo) == before


def test_seed_demo_if_empty_seeds_an_empty_database(app):
    result = run_command(app, "seed-demo", "--if-empty", "--count", "40")
    assert "Added 40 demo assessments" in result.output
    assert counts(app)["assessments"] == 40


def test_seed_demo_if_empty_counts_a_real_owners_draft(app, client):
    start(client)
    run_command(app, "seed-demo", "--if-empty")
    assert counts(app)["assessments"] == 1


def test_drop_demo_removes_every_demo_row_and_keeps_real_owners(app, client):
    client.set_cookie("lang", "en")
    real = start(client)
    answer_all(client, real)
    assert submit(client, real).status_code == 302
    draft = start(client, {"name": "Panadería Lima", "sector": "food_beverages"})
    real_row, real_answers = assessment_row(app, real), stored_answers(app, real)
    real_scores = query(app, "SELECT * FROM scores ORDER BY dimension")
    run_command(app, "seed-demo", "--count", "200")
    assert counts(app)["assessments"] == 202
    result = run_command(app, "drop-demo")
    assert "Removed" in result.output and "demo firms" in result.output
    assert query(app, "SELECT count(*) FROM firms WHERE is_demo = 1") == [(0,)]
    assert query(app, "SELECT count(*) FROM assessments WHERE is_demo = 1") == [(0,)]
    assert query(app, "SELECT count(*) FROM scores WHERE is_demo = 1") == [(0,)]
    assert query(app, "SELECT count(*) FROM answers WHERE assessment_id NOT IN (SELECT id FROM assessments)") == [(0,)]
    assert counts(app) == {"firms": 2, "assessments": 2, "answers": len(real_answers), "scores": len(real_scores)}
    assert assessment_row(app, real) == real_row
    assert stored_answers(app, real) == real_answers
    assert query(app, "SELECT * FROM scores ORDER BY dimension") == real_scores
    assert assessment_row(app, draft)["status"] == "draft"
    # The owner's results still show, now without peers.
    page = client.get(f"/a/{real}/results")
    assert page.status_code == 200
    assert "No other firm has taken this assessment yet" in soup_of(page).select_one(".peer-group").get_text()
    # Dropping again is harmless.
    run_command(app, "drop-demo")
    assert counts(app)["assessments"] == 2


def test_demo_data_gives_a_real_owner_peers_at_once(app, client):
    client.set_cookie("lang", "en")
    run_command(app, "seed-demo", "--count", "300")
    token = start(client)
    answer_all(client, token)
    assert submit(client, token).status_code == 302
    group = " ".join(soup_of(client.get(f"/a/{token}/results")).select_one(".peer-group").get_text().split())
    assert group.startswith("Compared with micro firms in wood and furniture:")


@pytest.mark.parametrize("args", [["seed-demo", "--count", "5"], ["drop-demo"], ["check-questionnaires"]])
def test_commands_run_under_the_test_cli_runner(app, runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.exception is None


def test_demo_accounts_are_refused_outside_a_demonstration_site(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--count", "10", "--with-users"])
    assert result.exit_code != 0 and "DEMO = True" in result.output
    with sqlite3.connect(app.config["DATABASE"]) as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (0,)


def test_demo_accounts_log_in_with_the_printed_passwords_and_see_a_portfolio(app):
    app.config["DEMO"] = True
    result = app.test_cli_runner().invoke(args=["seed-demo", "--count", "60", "--with-users"])
    assert result.exit_code == 0, result.output
    printed = dict(re.findall(r"^\s+\w+\s+(\S+@demo\.invalid)\s+(\S+)$", result.output, flags=re.MULTILINE))
    assert set(printed) == {
        "admin@demo.invalid",
        "consultora@demo.invalid",
        "gestor@demo.invalid",
        "empresaria@demo.invalid",
    }
    client = app.test_client()
    page = client.get("/login")
    data = {"email": "consultora@demo.invalid", "password": printed["consultora@demo.invalid"]}
    response = client.post("/login", data=data | {"csrf_token": csrf_token(page.data)})
    assert response.headers["Location"] == "/portfolio"
    cards = BeautifulSoup(client.get("/portfolio").get_data(as_text=True), "html.parser").select("li.client")
    assert len(cards) == 12
    # The first client has a checked assessment and a plan, one action overdue, one done.
    assert sum("1 atrasada" in card.get_text() for card in cards) == 1  # the page is in Spanish
    with sqlite3.connect(app.config["DATABASE"]) as db:
        assert db.execute("SELECT count(*) FROM verifications WHERE value IS NOT NULL").fetchone() == (2,)
        assert db.execute("SELECT count(*) FROM plan_actions WHERE status = 'done'").fetchone() == (1,)
    # The demo owner finds the consultant's first client among her firms; the manager reads the programme's firms.
    owner = app.test_client()
    data = {"email": "empresaria@demo.invalid", "password": printed["empresaria@demo.invalid"]}
    owner.post("/login", data=data | {"csrf_token": csrf_token(owner.get("/login").data)})
    with sqlite3.connect(app.config["DATABASE"]) as db:
        (first_client,) = db.execute("SELECT f.name FROM firm_owners JOIN firms f ON f.id = firm_id").fetchone()
        assert db.execute(
            "SELECT count(*) FROM plan_actions JOIN firms f ON f.id = firm_id WHERE f.name = ?", [first_client]
        ).fetchone() > (0,)
    assert first_client in owner.get("/my").get_data(as_text=True)
    manager = app.test_client()
    data = {"email": "gestor@demo.invalid", "password": printed["gestor@demo.invalid"]}
    manager.post("/login", data=data | {"csrf_token": csrf_token(manager.get("/login").data)})
    assert first_client in manager.get("/programme").get_data(as_text=True)
    # Run again: the passwords change, the accounts are not doubled.
    again = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty", "--with-users"])
    assert "no demo assessment added" in again.output
    with sqlite3.connect(app.config["DATABASE"]) as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (4,)
    # drop-demo removes the demo's accounts with its firms.
    app.test_cli_runner().invoke(args=["drop-demo"])
    with sqlite3.connect(app.config["DATABASE"]) as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM firm_consultants").fetchone() == (0,)


def test_demo_baselines_answer_the_archived_version_and_follow_ups_the_current_one(tmp_path):
    from test_versions import V1, V2

    folder = tmp_path / "questionnaires"
    (folder / "archive").mkdir(parents=True)
    (folder / "small.yaml").write_text(V2, encoding="utf-8")
    (folder / "archive" / "small-1.yaml").write_text(V1, encoding="utf-8")
    settings = {"QUESTIONNAIRES": str(folder), "DEFAULT_QUESTIONNAIRE": "small"}
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "d.sqlite3"), "SECRET_KEY": "t", **settings})
    with app.app_context():
        migrate(get_db())
    output = run_command(app, "seed-demo", "--count", "120").output
    assert "The 2025-H2 baselines answer version 1 (from the archive), the later assessments version 2." in output
    by_period = query(app, "SELECT period, questionnaire_version, count(*) FROM assessments GROUP BY 1, 2 ORDER BY 1")
    assert [(period, version) for period, version, _ in by_period] == [("2025-H2", 1), ("2026-H2", 2)]
    # Both versions stored exactly as their files, so each assessment keeps scoring on its own.
    stored = dict(
        query(app, "SELECT version, source_text FROM questionnaire_versions WHERE questionnaire_id = 'small'")
    )
    assert stored == {1: V1, 2: V2}
    # Peers are counted per version: the version-1 baselines and the version-2 follow-ups apart.
    held = query(app, "SELECT DISTINCT questionnaire_version FROM peer_bins WHERE questionnaire_id = 'small'")
    assert sorted(held) == [(1,), (2,)]
    # Firms with a follow-up have their baseline on version 1 and their follow-up on version 2.
    pairs = query(
        app,
        "SELECT group_concat(questionnaire_version) FROM (SELECT firm_id, questionnaire_version FROM assessments "
        "ORDER BY firm_id, period) GROUP BY firm_id HAVING count(*) = 2",
    )
    assert pairs and set(pairs) == {("1,2",)}
