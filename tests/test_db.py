"""The SQLite database: init-db, connection settings, upgrades that keep data, concurrent writers."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time

import pytest
from helpers import start, started_assessments
from test_owner import answer_all, query, run_command, stored_answers, submit

from survey import create_app
from survey.store.assessments import load_answers, save_answers
from survey.store.connection import connect
from survey.store.schema import migrations
from survey.web.database import get_db

TABLES = {"meta", "questionnaire_versions", "firms", "assessments", "answers", "scores"}


@pytest.fixture
def bare(tmp_path):
    """An app whose database file does not exist yet."""
    path = tmp_path / "new.sqlite3"
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test"})
    assert not path.exists()
    return app


def tables(app) -> set[str]:
    return {row[0] for row in query(app, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_init_db_creates_the_schema_on_an_empty_file(bare):
    result = run_command(bare, "init-db")
    assert "applied m001_initial" in result.output
    assert bare.config["DATABASE"] in result.output
    assert tables(bare) >= TABLES
    assert query(bare, "SELECT value FROM meta WHERE key = 'scores_generation'") == [("0",)]
    indexes = {row[0] for row in query(bare, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"scores_peers", "scores_all", "assessments_firm"} <= indexes


def test_init_db_twice_is_fine(bare):
    run_command(bare, "init-db")
    result = run_command(bare, "init-db")
    assert "is up to date" in result.output
    assert "applied" not in result.output
    assert tables(bare) >= TABLES


def test_the_app_works_on_a_database_made_by_init_db(bare):
    run_command(bare, "init-db")
    client = bare.test_client()
    token = start(client)
    assert client.get(f"/a/{token}").status_code == 302


def test_init_db_keeps_the_data_of_an_existing_database(app, client):
    client.set_cookie("lang", "en")
    token = start(client)
    answer_all(client, token)
    assert submit(client, token).status_code == 302
    draft = start(client, {"name": "Panadería Lima"})
    before = {table: query(app, f"SELECT * FROM {table} ORDER BY 1") for table in sorted(TABLES)}
    result = run_command(app, "init-db")
    assert "is up to date" in result.output
    assert {table: query(app, f"SELECT * FROM {table} ORDER BY 1") for table in sorted(TABLES)} == before
    assert client.get(f"/a/{token}/results").status_code == 200
    assert client.get(f"/a/{draft}").status_code == 302


def test_init_db_keeps_the_data_of_a_database_made_outside_the_app(tmp_path):
    """An older database, made by the first migration alone, with data written outside the app,
    brought up to date by init-db: the accounts' tables are added and the firm is kept.
    """
    path = tmp_path / "old.sqlite3"
    db = connect(str(path))
    migrations.apply(db, stop_before="m002_accounts")
    db.execute(
        "INSERT INTO firms (name, sector, size, region, is_demo, created_at) "
        "VALUES ('Vieja', 'agriculture', 'small', 'Cusco', 0, '2025-01-01')"
    )
    applied = [m.name for m in migrations.applied(db)]
    db.close()
    assert applied == ["m001_initial"]
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test"})
    result = run_command(app, "init-db")
    assert "applied m002_accounts" in result.output
    assert {"users", "programmes", "invitations", "login_attempts"} <= tables(app)
    assert query(app, "SELECT name, sector FROM firms") == [("Vieja", "agriculture")]


def test_a_database_in_rollback_journal_mode_is_switched_to_wal(tmp_path):
    path = tmp_path / "journal.sqlite3"
    plain = sqlite3.connect(path)
    plain.execute("PRAGMA journal_mode=DELETE")
    plain.close()
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test"})
    run_command(app, "init-db")
    plain = sqlite3.connect(path)
    assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # WAL is kept in the file
    plain.close()


def test_a_request_connection_uses_wal_and_synchronous_normal(app):
    with app.test_request_context("/"):
        db = get_db()
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.conn.isolation_level is None  # transactions are opened by survey.store.connection.write
        assert get_db() is db  # one connection per request


def test_the_request_connection_is_closed_after_the_request(app):
    from flask import g

    with app.test_request_context("/"):
        db = get_db()
    with pytest.raises(sqlite3.ProgrammingError):
        db.execute("SELECT 1")
    with app.test_request_context("/"):
        assert "db" not in g


# --------------------------------------------------------------------------- concurrent writers

SAVES = 200


def writer(path: str, assessment_id: int, queue) -> None:
    """Save answers one page at a time, as a worker process serving one owner would."""
    errors = []
    try:
        db = connect(path, timeout=10.0)
        for i in range(SAVES):
            try:
                save_answers(db, assessment_id, {f"load_{i:03d}": i, "dig_strategy_plan": "plan"}, i % 15)
            except sqlite3.OperationalError as error:
                errors.append(str(error))
        db.close()
    except Exception as error:  # noqa: BLE001 - reported to the parent
        errors.append(repr(error))
    queue.put((assessment_id, errors))


def test_two_processes_saving_answers_at_once_never_see_database_is_locked(app, client):
    tokens, ids = started_assessments(app, client, 2)
    path = app.config["DATABASE"]
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=writer, args=(path, assessment_id, queue)) for assessment_id in ids]
    started = time.monotonic()
    for process in processes:
        process.start()
    results = dict(queue.get(timeout=60) for _ in processes)
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert results == {assessment_id: [] for assessment_id in ids}  # no "database is locked"
    assert time.monotonic() - started < 30
    db = connect(path)
    try:
        for assessment_id in ids:
            answers = load_answers(db, assessment_id)
            assert len(answers) == SAVES + 1
            assert all(answers[f"load_{i:03d}"] == i for i in range(SAVES))
        assert query(app, "SELECT count(*) FROM answers") == [(2 * (SAVES + 1),)]
    finally:
        db.close()
    # The pages still read what was written.
    assert stored_answers(app, tokens[0])["dig_strategy_plan"] == "plan"


def test_init_db_runs_under_the_test_cli_runner(bare):
    result = bare.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert tables(bare) >= TABLES
