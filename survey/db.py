"""The SQLite database: one connection per request, write transactions, schema migrations."""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from typing import Iterator

import click
import sqlite_utils
from flask import Flask, current_app, g
from flask.cli import with_appcontext
from sqlite_utils.migrations import Migrations

migrations = Migrations("survey")


def connect(path: str, timeout: float = 10.0) -> sqlite_utils.Database:
    """Open the database with the settings every connection needs."""
    # isolation_level=None: we open every transaction ourselves, so that writes can start with
    # BEGIN IMMEDIATE (see write()) instead of the driver's deferred BEGIN.
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    # WAL is a property of the file, set once by migrate(); synchronous is per connection.
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return sqlite_utils.Database(conn, recursive_triggers=False)  # we define no triggers


_held: dict[tuple[int, str], sqlite3.Connection] = {}


def hold_open(path: str) -> None:
    """Keep one idle connection to the database open in this process.

    When the last connection to a WAL database closes, SQLite checkpoints and deletes the
    write-ahead log, and the next connection sets it up again: with one connection per
    request that happened on most requests. An idle connection held by each worker avoids it.
    """
    key = (os.getpid(), path)  # per process: a connection must not cross a fork
    if key not in _held:
        held = sqlite3.connect(path, check_same_thread=False)
        # A query that reads the file: "SELECT 1" alone would never open the database.
        held.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _held[key] = held


def get_db() -> sqlite_utils.Database:
    """Return this request's connection, opening it on first use."""
    if "db" not in g:
        path = current_app.config["DATABASE"]
        hold_open(path)
        g.db = connect(path, current_app.config["DATABASE_TIMEOUT"])
    return g.db


def close_db(_error: BaseException | None = None) -> None:
    """Close this request's connection, if one was opened."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run a write transaction that takes the write lock at once.

    A deferred BEGIN that reads first and writes later fails with "database is locked" when
    another writer commits in between, whatever the busy timeout; BEGIN IMMEDIATE waits for
    the lock instead (measured in shared/ENGINEERING.md).
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE questionnaire_versions (
            questionnaire_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            digest TEXT NOT NULL,
            source_text TEXT NOT NULL,
            published_at TEXT NOT NULL,
            PRIMARY KEY (questionnaire_id, version)
        );
        CREATE TABLE firms (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            sector TEXT NOT NULL,
            size TEXT NOT NULL,
            region TEXT NOT NULL,
            year_founded INTEGER,
            is_demo INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE assessments (
            id INTEGER PRIMARY KEY,
            firm_id INTEGER NOT NULL REFERENCES firms(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            questionnaire_id TEXT NOT NULL,
            questionnaire_version INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
            current_section INTEGER NOT NULL DEFAULT 0,
            previous_id INTEGER REFERENCES assessments(id) ON DELETE SET NULL,
            period TEXT,
            scores_json TEXT,
            overall REAL,
            is_demo INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            submitted_at TEXT
        );
        CREATE INDEX assessments_firm ON assessments (firm_id);
        CREATE TABLE answers (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (assessment_id, question_id)
        ) WITHOUT ROWID;
        CREATE TABLE scores (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            firm_id INTEGER NOT NULL,
            questionnaire_id TEXT NOT NULL,
            questionnaire_version INTEGER NOT NULL,
            sector TEXT NOT NULL,
            size TEXT NOT NULL,
            region TEXT NOT NULL,
            period TEXT NOT NULL,
            is_latest INTEGER NOT NULL DEFAULT 1,
            is_demo INTEGER NOT NULL DEFAULT 0,
            dimension TEXT NOT NULL,
            score REAL NOT NULL
        );
        -- Covering indexes for the peer groups of the results page (see shared/ENGINEERING.md).
        CREATE INDEX scores_peers ON scores
            (questionnaire_id, questionnaire_version, is_latest, sector, size, dimension, score);
        CREATE INDEX scores_all ON scores
            (questionnaire_id, questionnaire_version, is_latest, dimension, score);
        CREATE INDEX scores_firm ON scores (firm_id, is_latest);
        CREATE INDEX scores_assessment ON scores (assessment_id);
        INSERT INTO meta (key, value) VALUES ('scores_generation', '0');
        """
    )


def migrate(db: sqlite_utils.Database) -> None:
    """Create the schema, or bring an older database up to date without losing data."""
    db.execute("PRAGMA journal_mode=WAL")
    migrations.apply(db)


def init_app(app: Flask) -> None:
    """Close connections after each request and register the init-db command."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the database, or upgrade an existing one to the current schema.

    Example: flask --app survey init-db
    """
    db = get_db()
    before = {m.name for m in migrations.applied(db)}
    migrate(db)
    applied = [m.name for m in migrations.applied(db) if m.name not in before]
    where = current_app.config["DATABASE"]
    if applied:
        click.echo(f"Database {where}: applied {', '.join(applied)}.")
    else:
        click.echo(f"Database {where} is up to date.")
