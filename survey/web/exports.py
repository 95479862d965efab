"""The Exports page: submitted assessments as CSV or JSON (streamed) or XLSX, with the codebook.

Who exports what: administrators every firm; consultants their clients; programme managers the
firms of their programme whose owners let its managers read their answers, where the programme
asks it. Nobody else, and nothing more.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..core.profile import SECTORS, SIZES
from ..reports.export import codebook_csv, csv_lines, json_chunks, write_xlsx
from ..store import exports as store
from ..store import jobs, programmes
from ..store.users import list_programmes
from .accounts import requires
from .arguments import number
from .database import get_db, own_connection, registry

bp = Blueprint("exports", __name__, url_prefix="/exports")
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json", "xlsx": None}
FILTERS = ("sector", "size", "region", "period", "programme", "version")
PROJECT = Path(__file__).resolve().parents[2]  # where `flask --app survey` finds the package
STALE_MINUTES = 10  # a job whose process said nothing for this long has stopped


def scope() -> store.Scope:
    """What the logged-in account may export one assessment at a time."""
    if current_user.role == "admin":
        return store.Scope(everyone=True)
    if current_user.role == "consultant":
        return store.Scope(consultant_id=current_user.id)
    programme = programmes.get_programme(get_db(), current_user.programme_id) if current_user.programme_id else None
    if programme and programme["managers_see_answers"]:
        return store.Scope(programme_id=programme["id"])
    return store.Scope()  # a manager whose programme shows firms only in aggregates: nothing one by one


def chosen() -> tuple:
    """Return the questionnaire, the filters and what the query string asked for."""
    args = request.args
    questionnaire = registry().current[current_app.config["DEFAULT_QUESTIONNAIRE"]]
    version = number(args.get("version")) or questionnaire.version
    if version != questionnaire.version:
        try:
            questionnaire = registry().get(get_db(), questionnaire.id, version)
        except LookupError:
            version = questionnaire.version
    asked = {name: args.get(name) or None for name in ("sector", "size", "region", "period")}
    asked["sector"] = asked["sector"] if asked["sector"] in SECTORS else None
    asked["size"] = asked["size"] if asked["size"] in SIZES else None
    programme_id = number(args.get("programme")) if current_user.role == "admin" else None
    filters = store.ExportFilter(
        asked["sector"],
        asked["size"],
        (asked["region"] or "")[:100] or None,
        (asked["period"] or "")[:10] or None,
        programme_id,
        current_app.config["DEMO"],  # a demonstration site's data is its demo data
    )
    return questionnaire, filters, asked | {"programme": programme_id, "version": version}


@bp.route("")
@requires("admin", "consultant", "manager")
def page():
    """Choose what to export and in which format; say how many assessments that is and whose."""
    questionnaire, filters, asked = chosen()
    allowed = scope()
    count = store.count_records(get_db(), questionnaire.id, questionnaire.version, filters, allowed)
    return render_template(
        "exports/page.html",
        query={name: value for name, value in request.args.items() if name in FILTERS and value},
        count=count,
        asked=asked,
        allowed=allowed,
        questionnaire=questionnaire,
        sectors=SECTORS,
        sizes=SIZES,
        regions=current_app.config["REGIONS"],
        programmes=list_programmes(get_db()) if current_user.role == "admin" else [],
        inline_rows=current_app.config["XLSX_INLINE_ROWS"],
    )


@bp.route("/download")
@requires("admin", "consultant", "manager")
def download():
    """Send the export: CSV and JSON as they are read, XLSX built here when small enough."""
    kind = request.args.get("format", "csv")
    if kind not in FORMATS:
        kind = "csv"
    questionnaire, filters, _asked = chosen()
    allowed = scope()
    db = get_db()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    name = f"{questionnaire.id}-v{questionnaire.version}-{stamp}.{kind}"
    if kind == "xlsx":
        count = store.count_records(db, questionnaire.id, questionnaire.version, filters, allowed)
        if count > current_app.config["XLSX_INLINE_ROWS"]:
            return redirect(url_for(".job", job_id=start_job(questionnaire, filters, allowed, count)))
        buffer = io.BytesIO()
        write_xlsx(
            buffer, questionnaire, store.export_records(db, questionnaire.id, questionnaire.version, filters, allowed)
        )
        buffer.seek(0)
        return send_file(
            buffer,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=name,
        )
    response = Response(streamed(kind, questionnaire, filters, allowed, own_connection()), mimetype=FORMATS[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def start_job(questionnaire, filters: store.ExportFilter, allowed: store.Scope, count: int) -> int:
    """Record an XLSX export and start the process that makes it; return the job's id.

    A process of its own, not a thread of this worker: a web worker is restarted now and then,
    and a big XLSX takes a minute of CPU.
    """
    params = {
        "questionnaire": questionnaire.id,
        "version": questionnaire.version,
        "filters": filters._asdict(),
        "scope": allowed._asdict(),
    }
    job_id = jobs.create_job(get_db(), current_user.id, params, count)
    subprocess.Popen(  # noqa: S603 (our own command, with an id we made)
        [str(Path(sys.executable).with_name("flask")), "--app", "survey", "export-job", str(job_id)],
        cwd=PROJECT,
        env={**os.environ, "SURVEY_DATABASE": current_app.config["DATABASE"]},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # not stopped with this worker
    )
    return job_id


def own_job(job_id: int) -> dict:
    """Return a job of the logged-in account's; 404 for any other, as for none."""
    found = jobs.get_job(get_db(), job_id)
    if found is None or found["user_id"] != current_user.id:
        abort(404)
    return found


@bp.route("/jobs/<int:job_id>")
@requires("admin", "consultant", "manager")
def job(job_id: int):
    """Show how far an XLSX export is; the page reloads itself until the file is ready."""
    found = own_job(job_id)
    stale = found["status"] in ("queued", "running") and minutes_since(found["updated_at"]) > STALE_MINUTES
    return render_template("exports/job.html", job=found, stale=stale)


@bp.route("/jobs/<int:job_id>/file")
@requires("admin", "consultant", "manager")
def job_file(job_id: int):
    """Send the XLSX an export job made."""
    found = own_job(job_id)
    if found["status"] != "done" or not found["path"] or not Path(found["path"]).exists():
        abort(404)
    params = found["params"]
    return send_file(
        found["path"],
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"{params['questionnaire']}-v{params['version']}-{found['created_at'][:10]}.xlsx",
    )


def minutes_since(stamp: str) -> float:
    """Return the minutes since an ISO time stamp of the data layer."""
    return (datetime.now(UTC) - datetime.fromisoformat(stamp)).total_seconds() / 60


def streamed(kind: str, questionnaire, filters: store.ExportFilter, allowed: store.Scope, db) -> Iterator[str]:
    """Yield the export as it is read, on a connection of its own that closes at the end.

    The request's connection closes when the view returns, before the body is sent.
    """
    try:
        records = store.export_records(db, questionnaire.id, questionnaire.version, filters, allowed)
        yield from csv_lines(questionnaire, records) if kind == "csv" else json_chunks(questionnaire, records)
    finally:
        db.close()


@bp.route("/codebook.csv")
@requires("admin", "consultant", "manager")
def codebook():
    """Send the codebook of the chosen questionnaire version: question ids, texts, options and points."""
    questionnaire, _filters, _asked = chosen()
    response = Response(codebook_csv(questionnaire), mimetype=FORMATS["csv"])
    name = f"{questionnaire.id}-v{questionnaire.version}-codebook.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
