"""Commands for operators: the database, questionnaires, demo data, aggregates and exports.

The command that creates accounts lives with the accounts, in web/auth.py.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

import click
import sqlite_utils
from flask import Flask, current_app
from flask.cli import with_appcontext

from .core.completion_time import (
    READING_WORDS_PER_MINUTE,
    SECONDS_PER_ANSWER,
    about_minutes,
    time_range,
    typical_time,
)
from .core.questionnaire import Questionnaire, QuestionnaireError, load_archived, load_questionnaire
from .core.synthetic import PERIODS
from .reports.datasette import metadata
from .reports.export import codebook_csv, csv_lines, json_chunks, write_xlsx
from .store.backups import MAIN_TABLES, BackupError, backup_database, restore_database
from .store.cohorts import rebuild_cohorts
from .store.connection import connect, write
from .store.demo import DEMO_ACCOUNTS, drop_demo, has_assessments, store_demo, store_demo_accounts, store_demo_work
from .store.exports import ExportFilter, Scope, export_records
from .store.jobs import get_job, set_progress
from .store.programmes import programme_named
from .store.schema import applied, migrate, set_privacy_k, table_names
from .store.scores import peer_groups_held, rebuild_peer_bins


def open_database() -> sqlite_utils.Database:
    """Open the app's database for a command."""
    return connect(current_app.config["DATABASE"], current_app.config["DATABASE_TIMEOUT"])


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database, or upgrade an existing one to the current schema.

    Example: flask --app survey init-db
    """
    db = open_database()
    try:
        before = set(applied(db))
        migrate(db)
        new = [name for name in applied(db) if name not in before]
    finally:
        db.close()
    where = current_app.config["DATABASE"]
    click.echo(f"Database {where}: applied {', '.join(new)}." if new else f"Database {where} is up to date.")


@click.command("check-questionnaires")
@with_appcontext
@click.argument("paths", nargs=-1, type=click.Path())
def check_questionnaires(paths: tuple[str, ...]) -> None:
    """Check questionnaire files and list every problem; exit 1 if any file is broken.

    Without PATHS, checks every file the app serves. Warnings (such as a scored question without
    recommendations) are listed after a file that loads, and do not fail the check.

    Example: flask --app survey check-questionnaires questionnaires/readiness.yaml
    """
    files = [Path(p) for p in paths] or sorted(Path(current_app.config["QUESTIONNAIRES"]).glob("*.yaml"))
    broken = 0
    for path in files:
        try:
            questionnaire = load_questionnaire(path)
        except QuestionnaireError as error:
            broken += 1
            click.echo(f"{path}: {len(error.problems)} problem(s)", err=True)
            for problem in error.problems:
                click.echo(f"  {problem}", err=True)
            continue
        scored = sum(q.scored for q in questionnaire.questions.values())
        click.echo(
            f"{path}: ok ({questionnaire.id} version {questionnaire.version}, "
            f"{len(questionnaire.questions)} questions, {scored} scored)"
        )
        for line in time_lines(questionnaire):
            click.echo(f"  {line}")
        if questionnaire.written_minutes is not None:
            click.echo(
                f"  warning: estimated_minutes: {questionnaire.written_minutes} is ignored: the start page shows "
                "the time worked out from the questions (remove it when you next raise the version)",
                err=True,
            )
        for warning in questionnaire.warnings:
            click.echo(f"  warning: {warning}", err=True)
    if broken:
        raise SystemExit(1)


def time_lines(questionnaire: Questionnaire) -> list[str]:
    """Say, in each language, how long an owner takes: the typical path, and the shortest and longest bounds."""
    lines = []
    for language in questionnaire.languages:
        typical = typical_time(questionnaire, language)
        fewest, most = time_range(questionnaire, language)
        lines.append(
            f"{language}: typical path {typical.minutes:.1f} min ({typical.words:,} words at "
            f"{READING_WORDS_PER_MINUTE} a minute, {typical.answers} answers at {SECONDS_PER_ANSWER} s), shown as "
            f"about {about_minutes(typical.minutes)} min; no conditional question shown {fewest.minutes:.1f} min, "
            f"every question {most.minutes:.1f} min"
        )
    return lines


@click.command("seed-demo")
@with_appcontext
@click.option("--count", default=800, show_default=True, help="How many demo assessments to create.")
@click.option("--seed", default=2026, show_default=True, help="Random seed: the same seed gives the same data.")
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no assessment yet.")
@click.option(
    "--with-users",
    is_flag=True,
    help="Also create (or reset) a demo admin, consultant, manager and owner, and print their passwords. Only on a "
    "demonstration site (DEMO = True) or in debug mode.",
)
def seed_demo(count: int, seed: int, if_empty: bool, with_users: bool) -> None:
    """Create synthetic completed assessments, marked as demo, so benchmarks show at once.

    Example: flask --app survey seed-demo --count 800 --with-users
    """
    if with_users and not (current_app.debug or current_app.config["DEMO"]):
        raise click.ClickException(
            "demo accounts with printed passwords are for a demonstration site: set DEMO = True "
            "(SURVEY_DEMO=true) or run in debug mode"
        )
    db = open_database()
    try:
        migrate(db)
        if if_empty and has_assessments(db):
            click.echo("The database already holds assessments: no demo assessment added.")
        else:
            questionnaire = current_app.extensions["questionnaires"].current[
                current_app.config["DEFAULT_QUESTIONNAIRE"]
            ]
            earlier = load_archived(current_app.config["QUESTIONNAIRES"], questionnaire)
            store_demo(db, questionnaire, count, seed, earlier=earlier)
            click.echo(f"Added {count} demo assessments (seed {seed}). Remove them with: flask --app survey drop-demo")
            if earlier is not None:
                click.echo(
                    f"The {PERIODS[0][0]} baselines answer version {earlier.version} (from the archive), "
                    f"the later assessments version {questionnaire.version}."
                )
        if with_users:
            seed_demo_accounts(db)
    finally:
        db.close()


def seed_demo_accounts(db: sqlite_utils.Database) -> None:
    """Create or reset the demo's accounts with new passwords, and print how to log in."""
    passwords = {email: secrets.token_urlsafe(9) for _, email, _ in DEMO_ACCOUNTS}
    # The web layer's hasher, registered on the app: the commands never import the web layer.
    hasher = current_app.extensions["password_hasher"]
    store_demo_accounts(db, {email: hasher(password) for email, password in passwords.items()})
    questionnaire = current_app.extensions["questionnaires"].current[current_app.config["DEFAULT_QUESTIONNAIRE"]]
    store_demo_work(db, questionnaire)
    click.echo("Demo accounts (log in at /login; these passwords are new each time this runs):")
    for role, email, _ in DEMO_ACCOUNTS:
        click.echo(f"  {role:<11} {email:<26} {passwords[email]}")


@click.command("drop-demo")
@with_appcontext
def drop_demo_command() -> None:
    """Delete every demo firm, with its assessments, answers and scores.

    Example: flask --app survey drop-demo
    """
    db = open_database()
    try:
        firms = drop_demo(db)
    finally:
        db.close()
    click.echo(f"Removed {firms} demo firms and their assessments.")


@click.command("rebuild-aggregates")
@with_appcontext
def rebuild_aggregates() -> None:
    """Count every firm's latest scores into the peer groups again, and make the dashboard's rows again.

    Each submission keeps the groups up to date; this is for a database restored or edited by
    hand. Safe while the app runs: one write transaction.

    Example: flask --app survey rebuild-aggregates
    """
    db = open_database()
    try:
        migrate(db)
        # Two transactions, each shorter than the time a waiting writer allows (DATABASE_TIMEOUT).
        with write(db):
            rebuild_peer_bins(db)
        with write(db):
            rebuild_cohorts(db)
        groups, firms = peer_groups_held(db)
    finally:
        db.close()
    click.echo(f"Rebuilt {groups} peer groups from the latest scores of {firms} firms, and the dashboard's rows.")


@click.command("export")
@click.option("--format", "kind", type=click.Choice(["csv", "xlsx", "json"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write.")
@click.option("--questionnaire", default=None, help="Questionnaire id (default: the app's default questionnaire).")
@click.option("--version", type=int, default=None, help="Its version (default: the current one).")
@click.option("--sector", default=None)
@click.option("--size", default=None)
@click.option("--region", default=None)
@click.option("--period", default=None, help="Half-year of submission, e.g. 2026-H2.")
@click.option("--programme", default=None, help="A programme's name.")
@click.option("--include-demo", is_flag=True, help="Include the demo's synthetic assessments.")
@with_appcontext
def export_command(kind: str, output: Path, questionnaire: str | None, version: int | None, **chosen) -> None:
    """Export submitted assessments with their answers and scores, and the codebook.

    CSV writes the codebook beside the file (NAME.codebook.csv); XLSX as a second sheet; JSON
    inside the document. Text that could start a formula is never written as one.

    Example: flask --app survey export --format xlsx --output baseline.xlsx --period 2026-H1
    """
    registry = current_app.extensions["questionnaires"]
    questionnaire_id = questionnaire or current_app.config["DEFAULT_QUESTIONNAIRE"]
    db = open_database()
    try:
        if questionnaire_id not in registry.current:
            raise click.ClickException(f"no questionnaire {questionnaire_id!r}: {', '.join(sorted(registry.current))}")
        chosen_version = version or registry.current[questionnaire_id].version
        try:
            form = registry.get(db, questionnaire_id, chosen_version)
        except LookupError:
            raise click.ClickException(f"{questionnaire_id} has no version {chosen_version}") from None
        programme_id = None
        if chosen["programme"]:
            programme_id = programme_named(db, chosen["programme"])
            if programme_id is None:
                raise click.ClickException(f"no programme named {chosen['programme']!r}")
        filters = ExportFilter(
            chosen["sector"], chosen["size"], chosen["region"], chosen["period"], programme_id, chosen["include_demo"]
        )
        records = export_records(db, questionnaire_id, chosen_version, filters, Scope(everyone=True))
        if kind == "csv":
            count = -1  # the header is a line too
            with open(output, "w", encoding="utf-8", newline="") as out:
                for line in csv_lines(form, records):
                    out.write(line)
                    count += 1
            codebook_path = output.with_name(output.stem + ".codebook.csv")
            codebook_path.write_text(codebook_csv(form), encoding="utf-8")
            extra = f" and its codebook to {codebook_path}"
        elif kind == "json":
            count = -2  # the chunks before and after the assessments
            with open(output, "w", encoding="utf-8") as out:
                for chunk in json_chunks(form, records):
                    out.write(chunk)
                    count += 1
            extra = ", the codebook inside"
        else:
            count = write_xlsx(str(output), form, records)
            extra = ", the codebook as its second sheet"
    finally:
        db.close()
    click.echo(f"Wrote {count} assessments ({questionnaire_id} version {chosen_version}) to {output}{extra}.")


@click.command("datasette")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8001, show_default=True)
@with_appcontext
def datasette_command(host: str, port: int) -> None:
    """Open the database read-only in Datasette, showing only the analysis views.

    Groups of fewer than PRIVACY_MIN_GROUP firms are left out of every view; raw tables, the
    SQL box and the download of the file are refused.

    Example: flask --app survey datasette --port 8001
    """
    path = Path(current_app.config["DATABASE"])
    db = open_database()
    try:
        migrate(db)
        with write(db):
            set_privacy_k(db, current_app.config["PRIVACY_MIN_GROUP"])
        tables = table_names(db)
    finally:
        db.close()
    settings = path.with_name("datasette-metadata.json")  # beside the database, in the instance folder
    settings.write_text(json.dumps(metadata(path.stem, tables, current_app.config["PRIVACY_MIN_GROUP"]), indent=2))
    command = [
        str(Path(sys.executable).with_name("datasette")),
        "serve",
        str(path),
        "--metadata",
        str(settings),
        "--host",
        host,
        "--port",
        str(port),
        *("--setting", "default_allow_sql", "off"),
        *("--setting", "allow_download", "off"),
    ]
    click.echo(f"Datasette on http://{host}:{port}/{path.stem} (analysis views only; Ctrl-C stops it)")
    os.execv(command[0], command)


@click.command("export-job")
@click.argument("job_id", type=int)
@with_appcontext
def export_job_command(job_id: int) -> None:
    """Make the XLSX of an export job started from the Exports page (the page starts this command itself).

    Example: flask --app survey export-job 12
    """
    db = open_database()
    try:
        job = get_job(db, job_id)
        if job is None or job["status"] != "queued":
            raise click.ClickException(f"no export job {job_id} waiting to be made")
        params = job["params"]
        form = current_app.extensions["questionnaires"].get(db, params["questionnaire"], params["version"])
        folder = Path(current_app.config["DATABASE"]).parent / "exports"
        folder.mkdir(exist_ok=True)
        path = folder / f"job-{job_id}-{secrets.token_hex(8)}.xlsx"
        set_progress(db, job_id, "running")
        try:
            records = export_records(
                db, form.id, form.version, ExportFilter(**params["filters"]), Scope(**params["scope"])
            )
            count = write_xlsx(str(path), form, records, lambda done: set_progress(db, job_id, "running", done))
        except Exception as error:
            set_progress(db, job_id, "failed", error=type(error).__name__)
            raise
        set_progress(db, job_id, "done", count, path=str(path))
    finally:
        db.close()
    click.echo(f"Export job {job_id}: {count} assessments written to {path}")


@click.command("backup")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--keep", type=click.IntRange(min=1), default=14, show_default=True, help="How many backups to keep in FOLDER."
)
@with_appcontext
def backup_command(folder: Path, keep: int) -> None:
    """Copy the live database into FOLDER as survey-YYYYMMDD-HHMMSS.sqlite3 (UTC), check it, keep the newest KEEP.

    Safe while the app runs: the copy is the database at one moment, and writers go on. The copy
    must pass SQLite's integrity check and hold the same rows as the live database at that moment,
    or it is deleted and the command fails. Only files named like its backups are ever deleted.

    Example: flask --app survey backup /var/backups/survey --keep 14
    """
    try:
        made = backup_database(current_app.config["DATABASE"], folder, keep, current_app.config["DATABASE_TIMEOUT"])
    except (BackupError, OSError) as error:  # OSError: a folder that cannot be made or written
        raise click.ClickException(f"no backup made: {error}") from None
    click.echo(
        f"Backed up {current_app.config['DATABASE']} to {made.path}: {made.size / 1e6:,.1f} MB in {made.seconds:.1f} s."
    )
    click.echo(f"Checked: integrity ok, {counts_line(made.counts)}; every table as in the live database.")
    for path in made.removed:
        click.echo(f"Removed the old backup {path.name} (keeping {keep}).")


@click.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the existing database (it is kept beside it, renamed).")
@with_appcontext
def restore_command(backup: Path, yes: bool) -> None:
    """Bring back a backup as the app's database, upgraded to the current schema; stop the app first.

    The backup is checked (integrity, the app's schema) before anything changes. An existing
    database is replaced only with --yes, never while the app has it open, and is kept as
    DATABASE.before-restore-YYYYMMDD-HHMMSS, so a restore can be undone.

    Example: flask --app survey restore /var/backups/survey/survey-20260131-020000.sqlite3 --yes
    """
    try:
        restored = restore_database(backup, current_app.config["DATABASE"], yes, current_app.config["DATABASE_TIMEOUT"])
    except (BackupError, OSError) as error:  # OSError: a folder that cannot be made or written
        raise click.ClickException(f"nothing restored: {error}") from None
    click.echo(f"Restored {backup} to {restored.target} in {restored.seconds:.1f} s: {counts_line(restored.counts)}.")
    if restored.upgraded:
        click.echo(f"Upgraded it to the current schema: applied {', '.join(restored.upgraded)}.")
    if restored.kept:
        click.echo(f"The database it replaced is kept as {restored.kept}.")
    click.echo("Start the app again.")


def counts_line(counts: dict[str, int]) -> str:
    """Say how many rows the main tables hold: "1,204 firms, 2,950 assessments, ..."."""
    return ", ".join(f"{counts[name]:,} {name}" for name in MAIN_TABLES if name in counts)


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (
        init_db,
        check_questionnaires,
        seed_demo,
        drop_demo_command,
        rebuild_aggregates,
        export_command,
        datasette_command,
        export_job_command,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)
