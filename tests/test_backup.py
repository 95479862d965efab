"""Backups and restores: `flask backup` while owners save answers, `flask restore` into a fresh instance.

A backup is checked when made and named only once whole; a restore changes nothing until the
backup has passed its checks, never replaces a database without --yes or while the app holds it,
and keeps the database it replaced.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import time
from pathlib import Path

import pytest
from helpers import PROFILE, started_assessments

from survey import create_app
from survey.store import backups
from survey.store.assessments import load_answers, save_answers, start_assessment
from survey.store.connection import _held, connect, hold_open
from survey.store.schema import applied, migrate, migrations


def instance(tmp_path: Path, name: str, create: bool = True):
    """Return an app on its own database, migrated unless `create` is False; no connection is left open."""
    path = tmp_path / name / "survey.sqlite3"
    path.parent.mkdir()
    if create:
        db = connect(str(path))
        migrate(db)
        db.close()
    return create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test"})


def invoke(app, *args: str):
    """Run a command and return its result, whether it succeeded or not."""
    return app.test_cli_runner().invoke(args=list(args))


def rows(path: Path | str, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def answer_rows(path: Path | str) -> set[tuple]:
    return set(rows(path, "SELECT assessment_id, question_id, value FROM answers"))


def files_in(folder: Path) -> list[str]:
    """The names in a folder, the backup command's lock file left out."""
    return sorted(p.name for p in folder.iterdir() if p.name != ".survey-backup.lock")


def the_backup(folder: Path) -> Path:
    found = backups.backups_in(folder)
    assert len(found) == 1, files_in(folder)
    return found[0]


def add_firm(app, name: str) -> None:
    """Start an assessment for a new firm, on a connection closed afterwards (the pages would hold one open)."""
    db = connect(app.config["DATABASE"])
    try:
        start_assessment(db, app.extensions["questionnaires"].current["readiness"], {**PROFILE, "name": name})
    finally:
        db.close()


# --------------------------------------------------------------------------- backing up while owners write


def keep_saving(path: str, assessment_id: int, stop, acknowledged) -> None:
    """Save one answer after another, as a worker serving an owner would; report each once it is stored."""
    db = connect(path, timeout=10.0)
    try:
        number = 0
        while not stop.is_set():
            question = f"q{number:05d}"
            save_answers(db, assessment_id, {question: number}, 0)
            acknowledged.put((assessment_id, question, str(number)))  # write() has committed it
            number += 1
            time.sleep(0.002)
    except Exception as error:  # noqa: BLE001 - reported to the test
        acknowledged.put(("error", repr(error), ""))
    finally:
        db.close()


def drain(queue, seconds: float = 0.5) -> list[tuple]:
    """Return what the writers acknowledged so far: until the queue is empty, or for at most `seconds`.

    Writers quicker than the reader would otherwise keep it reading for ever.
    """
    found, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found.append(queue.get(timeout=0.05))
        except Exception:  # noqa: BLE001 - queue.Empty
            break
    return found


def test_a_backup_made_while_owners_save_holds_every_acknowledged_answer_and_restores(app, tmp_path):
    assert invoke(app, "seed-demo", "--count", "80").exit_code == 0  # a few MB: the copy takes a while
    tokens, ids = started_assessments(app, app.test_client(), 3)
    path = app.config["DATABASE"]
    context = multiprocessing.get_context("fork")
    stop, queue = context.Event(), context.Queue()
    writers = [context.Process(target=keep_saving, args=(path, i, stop, queue)) for i in ids]
    for process in writers:
        process.start()
    try:
        before: list[tuple] = []
        while len(before) < 60:
            before += drain(queue)
        result = invoke(app, "backup", str(tmp_path / "backups"))
        during = drain(queue)
        time.sleep(0.3)
    finally:
        stop.set()
        # Read the queue until the writers are gone: a process exits only once what it put is read.
        after, deadline = [], time.monotonic() + 30
        while any(process.is_alive() for process in writers) and time.monotonic() < deadline:
            after += drain(queue)
        after += drain(queue)
    assert not any(process.is_alive() for process in writers)
    assert [row for row in before + during + after if row[0] == "error"] == []
    assert result.exit_code == 0, result.output
    assert len(during + after) > 0  # the writers went on while and after the backup ran
    copy = the_backup(tmp_path / "backups")
    assert rows(copy, "PRAGMA integrity_check") == [("ok",)]
    assert set(before) <= answer_rows(copy)
    # One self-contained file: no WAL beside it, and none needed to open it.
    assert rows(copy, "PRAGMA journal_mode") == [("delete",)]
    assert files_in(tmp_path / "backups") == [copy.name]
    assert f"{copy}" in result.output and "integrity ok" in result.output

    fresh = instance(tmp_path, "fresh", create=False)
    restored = invoke(fresh, "restore", str(copy))
    assert restored.exit_code == 0, restored.output
    target = fresh.config["DATABASE"]
    assert answer_rows(target) == answer_rows(copy)
    db = connect(target)
    try:
        for assessment_id in ids:
            stored = load_answers(db, assessment_id)
            assert {(assessment_id, q, str(v)) for q, v in stored.items()} >= {
                r for r in before if r[0] == assessment_id
            }
    finally:
        db.close()
    # The restored instance knows the owners' private links.
    client = fresh.test_client()
    assert client.get(f"/a/{tokens[0]}").status_code == 302
    assert client.get(f"/a/{tokens[0]}", follow_redirects=True).status_code == 200
    assert client.get("/a/not-a-link").status_code == 404
    assert rows(target, "PRAGMA journal_mode") == [("wal",)]


def test_backup_counts_every_table_and_prints_the_main_ones(app, tmp_path):
    add_firm(app, "Firma A")
    result = invoke(app, "backup", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    assert "1 firms, 1 assessments, 0 answers, 0 users" in result.output
    assert "MB in" in result.output


# --------------------------------------------------------------------------- keeping the last N


def test_keep_deletes_the_oldest_backups_and_nothing_else(app, tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    old = [f"survey-2026010{day}-020000.sqlite3" for day in range(1, 6)]
    others = [
        "notes.txt",
        "survey-latest.sqlite3",
        "survey-20260101-020000.sqlite3.gz",
        "other-20260101-020000.sqlite3",
    ]
    for name in old + others:
        (folder / name).write_text("x")
    result = invoke(app, "backup", str(folder), "--keep", "3")
    assert result.exit_code == 0, result.output
    made = [name for name in files_in(folder) if name not in old + others]
    assert len(made) == 1
    assert files_in(folder) == sorted(
        ["survey-20260104-020000.sqlite3", "survey-20260105-020000.sqlite3"] + made + others
    )
    assert "Removed the old backup survey-20260101-020000.sqlite3" in result.output


def test_two_backups_in_one_second_get_two_names(app, tmp_path):
    for _ in range(2):
        assert invoke(app, "backup", str(tmp_path / "b")).exit_code == 0
    names = [p.name for p in backups.backups_in(tmp_path / "b")]
    assert len(names) == 2 and names[0] < names[1]


def test_keep_must_be_at_least_one(app, tmp_path):
    result = invoke(app, "backup", str(tmp_path / "b"), "--keep", "0")
    assert result.exit_code != 0
    assert not (tmp_path / "b").exists()


# --------------------------------------------------------------------------- a backup that fails leaves nothing


def test_a_copy_that_fails_its_check_leaves_no_file(app, tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "integrity_problems", lambda conn: ["*** in database main *** Page 7: corrupt"])
    result = invoke(app, "backup", str(tmp_path / "b"))
    assert result.exit_code == 1
    assert "no backup made: the copy failed its integrity check" in result.output
    assert files_in(tmp_path / "b") == []


def test_a_disk_that_fills_up_during_the_copy_leaves_no_file(app, tmp_path, monkeypatch):
    add_firm(app, "Firma A")
    real_copy = backups.copy_database

    def copy_then_fail(source, target):
        real_copy(source, target)
        assert target.exists()
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backups, "copy_database", copy_then_fail)
    result = invoke(app, "backup", str(tmp_path / "b"))
    assert result.exit_code == 1
    assert "the copy failed: database or disk is full" in result.output
    assert files_in(tmp_path / "b") == []


def test_too_little_free_space_is_said_before_copying(app, tmp_path, monkeypatch):
    monkeypatch.setattr(backups.shutil, "disk_usage", lambda path: type("Usage", (), {"free": 1000})())
    result = invoke(app, "backup", str(tmp_path / "b"))
    assert result.exit_code == 1
    assert "not enough space" in result.output
    assert files_in(tmp_path / "b") == []


def test_an_unwritable_destination_is_refused(app, tmp_path):
    (tmp_path / "a-file").write_text("x")
    result = invoke(app, "backup", str(tmp_path / "a-file"))
    assert result.exit_code == 1
    assert "is a file" in result.output
    result = invoke(app, "backup", str(tmp_path / "a-file" / "below"))
    assert result.exit_code == 1
    assert "Error: no backup made: [Errno 20] Not a directory" in result.output
    assert (tmp_path / "a-file").read_text() == "x"


def test_a_leftover_of_an_interrupted_backup_is_removed(app, tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / ".survey-20260101-020000.sqlite3.partial").write_text("half")
    assert invoke(app, "backup", str(folder)).exit_code == 0
    assert len(files_in(folder)) == 1 and files_in(folder)[0].startswith("survey-")


def test_backup_of_a_missing_database_creates_none(tmp_path):
    app = instance(tmp_path, "none", create=False)
    result = invoke(app, "backup", str(tmp_path / "b"))
    assert result.exit_code == 1
    assert "there is no database at" in result.output
    assert not Path(app.config["DATABASE"]).exists()


# --------------------------------------------------------------------------- restoring


@pytest.fixture
def backed_up(tmp_path):
    """An instance with one firm, backed up, and a second firm added after the backup."""
    app = instance(tmp_path, "live")
    add_firm(app, "Before the backup")
    assert invoke(app, "backup", str(tmp_path / "b")).exit_code == 0
    add_firm(app, "After the backup")
    return app, the_backup(tmp_path / "b")


def firm_names(path) -> list[str]:
    return [row[0] for row in rows(path, "SELECT name FROM firms ORDER BY id")]


def test_restore_refuses_to_replace_a_database_without_yes(backed_up):
    app, copy = backed_up
    path = Path(app.config["DATABASE"])
    before = path.read_bytes()
    result = invoke(app, "restore", str(copy))
    assert result.exit_code == 1
    assert "run again with --yes" in result.output
    assert path.read_bytes() == before
    assert firm_names(path) == ["Before the backup", "After the backup"]
    assert sorted(p.name for p in path.parent.iterdir() if "restor" in p.name) == []


def test_restore_with_yes_brings_the_backup_back_and_keeps_the_replaced_database(backed_up):
    app, copy = backed_up
    path = Path(app.config["DATABASE"])
    result = invoke(app, "restore", str(copy), "--yes")
    assert result.exit_code == 0, result.output
    assert firm_names(path) == ["Before the backup"]
    kept = [p for p in path.parent.iterdir() if p.name.startswith("survey.sqlite3.before-restore-")]
    assert len(kept) == 1
    assert firm_names(kept[0]) == ["Before the backup", "After the backup"]
    assert f"kept as {kept[0]}" in result.output
    assert "1 firms, 1 assessments" in result.output
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []  # no temporary file left
    assert (path.stat().st_mode & 0o777) == (kept[0].stat().st_mode & 0o777)


def test_restore_refuses_while_the_app_holds_the_database(backed_up):
    app, copy = backed_up
    path = Path(app.config["DATABASE"])
    hold_open(str(path))  # what each worker of a running app keeps open
    try:
        result = invoke(app, "restore", str(copy), "--yes")
    finally:
        _held.pop((os.getpid(), str(path))).close()
    assert result.exit_code == 1
    assert "is in use: stop the app" in result.output
    assert firm_names(path) == ["Before the backup", "After the backup"]
    assert sorted(p.name for p in path.parent.iterdir() if "restor" in p.name) == []


def test_restore_refuses_a_file_that_is_not_a_database(backed_up, tmp_path):
    app, _ = backed_up
    path = Path(app.config["DATABASE"])
    (tmp_path / "notes.sqlite3").write_text("this is not a database " * 100)
    result = invoke(app, "restore", str(tmp_path / "notes.sqlite3"), "--yes")
    assert result.exit_code == 1
    assert "is not an SQLite database" in result.output
    result = invoke(app, "restore", str(tmp_path / "missing.sqlite3"), "--yes")
    assert result.exit_code == 1
    assert "there is no backup file" in result.output
    assert firm_names(path) == ["Before the backup", "After the backup"]


def test_restore_refuses_a_damaged_backup_and_changes_nothing(backed_up, tmp_path):
    app, copy = backed_up
    path = Path(app.config["DATABASE"])
    # Damage that reading does not notice: one character of a link's hash changed in the index only.
    (token_hash,) = rows(copy, "SELECT token_hash FROM assessments")[0]
    (root,) = rows(copy, "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'assessments' AND sql IS NULL")[0]
    (page_size,) = rows(copy, "PRAGMA page_size")[0]
    data = bytearray(copy.read_bytes())
    at = data.index(token_hash.encode(), (root - 1) * page_size, root * page_size)
    data[at] = ord("x")
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(bytes(data))
    assert rows(damaged, "SELECT count(*) FROM assessments") == [(1,)]  # it still reads
    result = invoke(app, "restore", str(damaged), "--yes")
    assert result.exit_code == 1
    assert f"nothing restored: {damaged} failed its integrity check" in result.output
    assert firm_names(path) == ["Before the backup", "After the backup"]
    assert sorted(p.name for p in path.parent.iterdir() if "restor" in p.name) == []


def test_restore_refuses_a_database_of_another_app(backed_up, tmp_path):
    app, _ = backed_up
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    result = invoke(app, "restore", str(other), "--yes")
    assert result.exit_code == 1
    assert "is not a backup of this app" in result.output


def test_restore_refuses_a_backup_of_a_newer_version_of_the_app(backed_up, tmp_path):
    app, copy = backed_up
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(copy.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('survey', 'm999_future', 'now')"
    )
    conn.commit()
    conn.close()
    result = invoke(app, "restore", str(newer), "--yes")
    assert result.exit_code == 1
    assert "newer version of the app (migrations m999_future" in result.output


def test_restore_upgrades_a_backup_made_before_the_latest_migration(tmp_path):
    old = tmp_path / "old.sqlite3"
    db = connect(str(old))
    last = migrations.pending(db)[-1].name
    migrations.apply(db, stop_before=last)
    db.execute("PRAGMA journal_mode=DELETE")
    db.close()
    app = instance(tmp_path, "new", create=False)
    result = invoke(app, "restore", str(old))
    assert result.exit_code == 0, result.output
    assert f"applied {last}" in result.output
    db = connect(app.config["DATABASE"])
    try:
        assert applied(db)[-1] == last
    finally:
        db.close()


def test_restore_moves_aside_a_stale_wal_left_without_its_database(backed_up, tmp_path):
    _, copy = backed_up
    app = instance(tmp_path, "empty", create=False)
    stale = Path(f"{app.config['DATABASE']}-wal")
    stale.write_bytes(b"old log")
    result = invoke(app, "restore", str(copy))
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert firm_names(app.config["DATABASE"]) == ["Before the backup"]


def test_a_backup_is_readable_by_the_apps_user_alone_while_it_is_written_too(app, tmp_path, monkeypatch):
    """Every firm's answers: never readable by others, not even during the seconds a large copy takes."""
    seen = []
    copy = backups.copy_database

    def watched(source, target):
        copy(source, target)
        seen.append(target.stat().st_mode & 0o777)  # as left by the copy, before any chmod

    monkeypatch.setattr(backups, "copy_database", watched)
    os.umask(0o022)  # a shell's usual umask: files readable by everyone unless the command says otherwise
    folder = tmp_path / "existing"
    folder.mkdir(mode=0o755)
    assert invoke(app, "backup", str(folder)).exit_code == 0
    assert seen == [0o600]
    assert the_backup(folder).stat().st_mode & 0o777 == 0o600
