"""Backups of the live database that are checked when made, and restores that can be undone."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import sqlite3
import stat
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from .connection import connect
from .schema import applied, migrate, migrations

# survey-20260131-020000.sqlite3: the names sort as the times do.
BACKUP_NAME = re.compile(r"^survey-\d{8}-\d{6}\.sqlite3$")
SQLITE_HEADER = b"SQLite format 3\x00"
# The tables whose counts an operator reads first; every table is compared.
MAIN_TABLES = ("firms", "assessments", "answers", "users")
# How long restore waits for the app to let go of the database before saying it still runs.
LOCK_TIMEOUT = 2.0


class BackupError(Exception):
    """A backup or a restore was not made; the message tells the operator why and what to do."""


@dataclass
class Backup:
    """A backup written, checked and named."""

    path: Path
    size: int
    seconds: float
    counts: dict[str, int]
    removed: list[Path] = field(default_factory=list)


@dataclass
class Restore:
    """A database brought back from a backup."""

    target: Path
    kept: Path | None
    seconds: float
    counts: dict[str, int]
    upgraded: list[str]


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Return the number of rows of every table of ours (SQLite's own left out)."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """Return what PRAGMA integrity_check finds wrong (nothing for a sound file), at most ten lines."""
    try:
        found = [row[0] for row in conn.execute("PRAGMA integrity_check(10)")]
    except sqlite3.DatabaseError as error:  # a file damaged enough that the check cannot even run
        return [str(error)]
    return [] if found == ["ok"] else found


def backups_in(folder: Path) -> list[Path]:
    """Return the backups this command made in a folder, oldest first (their names sort by time)."""
    return sorted(p for p in folder.iterdir() if BACKUP_NAME.match(p.name) and p.is_file())


def next_name(folder: Path) -> Path:
    """Return the name of a new backup, after the current UTC second; never one that exists."""
    while True:
        path = folder / f"survey-{datetime.now(UTC):%Y%m%d-%H%M%S}.sqlite3"
        if not path.exists():
            return path
        time.sleep(0.2)  # a second backup within the same second waits for the next one


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest backups beyond the newest `keep`; return those deleted."""
    old = backups_in(folder)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder's list of names, to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_with_journals(path: Path) -> None:
    """Delete a database file with any journal, WAL or shared-memory file SQLite left beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Copy a database page by page into a new self-contained file (no WAL beside it).

    One step of SQLite's backup API, inside the read transaction the caller holds: in WAL mode
    writers go on while it copies, and the copy is the database as of that transaction's start.
    Steps of a few pages with the read transaction released between them start again from the
    first page after any write by another connection: on a busy site they might never finish.
    """
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # The copy inherits the WAL mode in its header; a backup must be one file that opens anywhere.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    fsync_path(target)


def open_read_only(path: Path) -> sqlite3.Connection:
    """Open a database file for reading only: checking a backup never changes it."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def backup_database(database: str, folder: Path, keep: int, timeout: float = 10.0) -> Backup:
    """Copy the live database into a new file in `folder`, check the copy, then delete the oldest beyond `keep`.

    Safe while the app writes. The copy is written under a hidden temporary name and renamed
    only once it has passed its checks, so a file with a backup's name is always a whole one.
    """
    started = time.perf_counter()
    if not Path(database).is_file():
        raise BackupError(f"there is no database at {database}")
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is a file: give the folder the backups go into")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(folder / ".survey-backup.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"another backup is being written into {folder}") from None
        # Whatever an interrupted backup left: no other backup is running (we hold the lock).
        for leftover in folder.glob(".survey-*.partial*"):
            leftover.unlink()
        path = next_name(folder)
        partial = folder / f".{path.name}.partial"
        try:
            with private_files():  # the answers of every firm: for the app's user only, from the first byte
                counts = write_checked_copy(database, partial, timeout)
            os.chmod(partial, 0o600)
            os.replace(partial, path)
            fsync_path(folder)
        except BaseException:
            remove_with_journals(partial)
            raise
        removed = rotate(folder, keep)
    return Backup(path, path.stat().st_size, time.perf_counter() - started, counts, removed)


@contextlib.contextmanager
def private_files():
    """Create files (and SQLite's journals beside them) readable by this user only, while in the block."""
    before = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(before)


def write_checked_copy(database: str, partial: Path, timeout: float) -> dict[str, int]:
    """Copy the live database to `partial` and check it (integrity, migrations, row counts); return the counts."""
    db = connect(database, timeout)
    try:
        needed = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
        free = shutil.disk_usage(partial.parent).free
        if needed > free:
            raise BackupError(
                f"not enough space in {partial.parent}: the copy needs about {needed / 1e6:,.0f} MB, "
                f"{free / 1e6:,.0f} MB are free"
            )
        db.execute("BEGIN")  # one read transaction: the counts and the copy see the same database
        try:
            names = applied(db)
            if not names:
                raise BackupError(f"{database} holds no schema of the app: run init-db first")
            counts = row_counts(db.conn)
            copy_database(db.conn, partial)
        finally:
            db.execute("COMMIT")
    except sqlite3.Error as error:
        raise BackupError(f"the copy failed: {error}") from error
    except OSError as error:
        raise BackupError(f"the copy could not be written to {partial.parent}: {error.strerror or error}") from error
    finally:
        db.close()
    copy = open_read_only(partial)
    try:
        problems = integrity_problems(copy)
        if problems:
            raise BackupError("the copy failed its integrity check: " + "; ".join(problems))
        copied = row_counts(copy)
        copied_names = applied(sqlite_utils.Database(copy))
    finally:
        copy.close()
    if copied != counts or copied_names != names:
        differing = sorted(name for name in counts.keys() | copied.keys() if counts.get(name) != copied.get(name))
        raise BackupError(f"the copy does not match the live database (tables {', '.join(differing) or 'none'})")
    return counts


def check_backup(path: Path) -> None:
    """Refuse at once a backup that is missing or not an SQLite file, before anything is touched."""
    if not path.is_file():
        raise BackupError(f"there is no backup file at {path}")
    with open(path, "rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not an SQLite database")


def check_restored(copy: Path, source: Path) -> list[str]:
    """Check a copy of a backup before it replaces anything; return the migrations it holds."""
    conn = open_read_only(copy)
    try:
        problems = integrity_problems(conn)
        if problems:
            raise BackupError(f"{source} failed its integrity check: " + "; ".join(problems))
        held = applied(sqlite_utils.Database(conn))
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} cannot be read as a database: {error}") from error
    finally:
        conn.close()
    if not held:
        raise BackupError(f"{source} is not a backup of this app: it holds none of its schema migrations")
    known = {m.name for m in migrations.pending(sqlite_utils.Database(memory=True))}
    unknown = [name for name in held if name not in known]
    if unknown:
        raise BackupError(
            f"{source} was made by a newer version of the app (migrations {', '.join(unknown)} are unknown "
            "here): install that version first"
        )
    return held


def lock_out_the_app(target: Path) -> sqlite3.Connection:
    """Take the database for this process alone; refuse while another process has it open.

    A connection in exclusive locking mode keeps its lock after its transaction, and cannot take
    it while any other connection is open, even an idle one such as each app worker holds.
    """
    conn = sqlite3.connect(target, timeout=LOCK_TIMEOUT, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except sqlite3.OperationalError:
        conn.close()
        raise BackupError(
            f"{target} is in use: stop the app (and anything else that opens the database) and run again"
        ) from None
    return conn


def same_as_before(path: Path, before: Path) -> None:
    """Give a restored file the permissions, and when run as root the owner, of the file it replaces."""
    status = before.stat()
    os.chmod(path, stat.S_IMODE(status.st_mode))
    if os.geteuid() == 0:
        os.chown(path, status.st_uid, status.st_gid)


def restore_database(backup: Path, database: str, replace: bool, timeout: float = 10.0) -> Restore:
    """Bring a backup back as the app's database, upgraded to the current schema.

    Refuses to replace an existing database unless `replace`, and while the app holds it open.
    The replaced database is kept beside it as `<name>.before-restore-<UTC time>`. The backup is
    copied and checked under a temporary name first: a refused backup changes nothing.
    """
    started = time.perf_counter()
    check_backup(backup)
    target = Path(database)
    exists = target.exists()
    if exists and not replace:
        raise BackupError(
            f"{target} exists and a restore replaces it: stop the app, then run again with --yes "
            "(the replaced database is kept beside it)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    holder = lock_out_the_app(target) if exists else None
    restoring = target.with_name(f".{target.name}.restoring")
    try:
        remove_with_journals(restoring)
        source = open_read_only(backup)
        try:
            with private_files():  # until restore gives it the replaced database's owner and mode
                copy_database(source, restoring)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{backup} cannot be read as a database: {error}") from error
        finally:
            source.close()
        held = check_restored(restoring, backup)
        db = connect(str(restoring), timeout)
        try:
            migrate(db)
            upgraded = [name for name in applied(db) if name not in held]
            counts = row_counts(db.conn)
        finally:
            db.close()  # the last connection: SQLite folds the WAL into the file and deletes it
        kept = target.with_name(f"{target.name}.before-restore-{datetime.now(UTC):%Y%m%d-%H%M%S}")
        if holder is not None:
            holder.close()  # the last connection too: the WAL of the replaced database goes into it
            holder = None
            os.replace(target, kept)
        # A WAL left beside the name would be read into the restored file: it goes with the old one.
        for suffix in ("-wal", "-shm"):
            if Path(f"{target}{suffix}").exists():
                os.replace(f"{target}{suffix}", f"{kept}{suffix}")
        try:
            if exists:  # the app's user must still own and write its database, whoever runs the restore
                same_as_before(restoring, kept)
            os.replace(restoring, target)
        except BaseException:
            if exists:
                os.replace(kept, target)  # the database as it was, under its name again
            raise
        fsync_path(target.parent)
    except BaseException:
        remove_with_journals(restoring)
        raise
    finally:
        if holder is not None:
            holder.close()
    return Restore(target, kept if exists else None, time.perf_counter() - started, counts, upgraded)
