"""Exports of assessments as CSV, JSON and XLSX with their codebook: what they hold, and text that stays text."""

from __future__ import annotations

import csv
import json
import re
import time
import zipfile
from xml.etree import ElementTree

import pytest
from helpers import PROFILE, start
from test_accounts import log_in
from test_owner import READINESS, answer_all, submit
from test_portfolio import consultant, key_of, new_client
from test_programmes import account, joined_firm, post, scalar
from test_verification import check_every_page

from survey.core.codebook import columns
from survey.store.assessments import decode_answer
from survey.web.database import get_db

TRAP = '=HYPERLINK("http://example.org/x","clic")'
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def read_xlsx(path) -> dict[str, list[list]]:
    """Read every sheet of a workbook written with inline strings: {sheet name: rows of values}."""
    book = zipfile.ZipFile(path)
    names = [s.get("name") for s in ElementTree.fromstring(book.read("xl/workbook.xml")).iter(f"{MAIN}sheet")]
    sheets = {}
    for number, name in enumerate(names, 1):
        root = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{number}.xml"))
        assert root.find(f".//{MAIN}f") is None, "a formula in the workbook"
        rows = []
        for row in root.iter(f"{MAIN}row"):
            cells = {}
            for cell in row.iter(f"{MAIN}c"):
                column = re.match(r"[A-Z]+", cell.get("r")).group()
                index = 0
                for letter in column:
                    index = index * 26 + ord(letter) - 64
                kind = cell.get("t")
                if kind == "inlineStr":
                    cells[index - 1] = "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
                elif kind == "b":
                    cells[index - 1] = cell.find(f"{MAIN}v").text == "1"
                else:
                    cells[index - 1] = float(cell.find(f"{MAIN}v").text)
            rows.append([cells.get(i) for i in range(max(cells) + 1)])
        sheets[name] = rows
    return sheets


@pytest.fixture
def submitted(app):
    """Three submitted assessments: an owner's with a name that looks like a formula, a second sector's, and
    a consultant's client checked with one answer found otherwise."""
    owner = app.test_client()
    for profile in ({"name": TRAP}, {"name": "Panadería Sol", "sector": "food_beverages", "region": "Cusco"}):
        token = start(owner, {**PROFILE, **profile})
        answer_all(owner, token, overrides={"dig_green": ["less_paper", "track_use"]})
        assert submit(owner, token).status_code == 302
    rosa = consultant(app, "rosa@example.org")
    key = key_of(new_client(rosa, "Carpintería Flores"))
    answer_all(rosa, key, overrides={"dig_backup": "tested"})
    submit(rosa, key)
    check_every_page(rosa, key, {"dig_backup": "none"})
    return app


def export(app, tmp_path, kind: str, *options: str):
    path = tmp_path / f"out.{kind}"
    result = app.test_cli_runner().invoke(args=["export", "--format", kind, "--output", str(path), *options])
    assert result.exit_code == 0, (result.output, result.exception)
    return path, result.output


def stored(app) -> dict[int, dict]:
    """What the database holds per assessment: answers, and declared and verified scores."""
    with app.app_context():
        db = get_db()
        found = {
            row[0]: {"answers": {}, "scores": json.loads(row[1]), "verified": row[2] and json.loads(row[2])}
            for row in db.execute("SELECT id, scores_json, verified_scores_json FROM assessments")
        }
        for assessment_id, question_id, value in db.execute("SELECT assessment_id, question_id, value FROM answers"):
            found[assessment_id]["answers"][question_id] = decode_answer(value)
    return found


def cell_of(value):
    if isinstance(value, tuple):
        return ";".join(value)
    return value


def test_the_csv_holds_what_the_database_holds_and_no_formula(submitted, tmp_path):
    path, output = export(submitted, tmp_path, "csv")
    assert "Wrote 3 assessments" in output
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == columns(READINESS)
    truth = stored(submitted)
    for row in rows:
        held = truth[int(row["assessment_id"])]
        for question_id, value in held["answers"].items():
            assert row[question_id] == str(cell_of(value)), question_id
        if row["firm"] != "Carpintería Flores":
            assert row["dig_green"] == "less_paper;track_use"  # a checklist's values in one cell
        assert float(row["score_overall"]) == held["scores"]["overall"]
        assert row["level_overall"] == held["scores"]["overall_level_id"]
        if held["verified"]:
            assert float(row["verified_overall"]) == held["verified"]["overall"]
            assert float(row["verified_digital_data"]) < float(row["score_digital_data"])
        else:
            assert row["verified_overall"] == ""
    firms = {row["firm"] for row in rows}
    assert "'" + TRAP in firms and TRAP not in firms  # a spreadsheet shows it as text
    codebook = list(csv.DictReader(path.with_name("out.codebook.csv").read_text(encoding="utf-8").splitlines()))
    questions = {row["question_id"] for row in codebook if row["type"] != "option"}
    assert questions == {c for c in columns(READINESS) if c in READINESS.questions}
    plan = [row for row in codebook if row["question_id"] == "dig_strategy_plan" and row["type"] == "option"]
    assert plan and all(row["text_es"] and row["text_en"] for row in plan)
    assert [float(row["points"]) for row in plan] == [
        READINESS.questions["dig_strategy_plan"].option_points[o.value]
        for o in READINESS.questions["dig_strategy_plan"].options
    ]


def test_the_xlsx_holds_the_same_rows_as_the_csv_with_text_as_text(submitted, tmp_path):
    csv_path, _ = export(submitted, tmp_path, "csv")
    xlsx_path, output = export(submitted, tmp_path, "xlsx")
    assert "Wrote 3 assessments" in output
    sheets = read_xlsx(xlsx_path)
    assert list(sheets) == ["assessments", "codebook"]
    header, *rows = sheets["assessments"]
    assert header == columns(READINESS)
    with open(csv_path, encoding="utf-8", newline="") as handle:
        expected = list(csv.DictReader(handle))
    for row, line in zip(rows, expected, strict=True):
        values = dict(zip(header, row + [None] * (len(header) - len(row))))
        for name, text in line.items():
            value = values[name]
            if name == "firm":
                assert value == text.removeprefix("'")  # the very text, in a text cell
            elif value is None:
                assert text == ""
            elif isinstance(value, bool):
                assert text == str(value)
            elif isinstance(value, float):
                assert value == float(text), name
            else:
                assert value == text, name
    assert TRAP in {dict(zip(header, row))["firm"] for row in rows}


def test_the_json_holds_the_rows_and_the_codebook(submitted, tmp_path):
    path, output = export(submitted, tmp_path, "json")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["questionnaire"] == {"id": "readiness", "version": READINESS.version}
    assert document["columns"] == columns(READINESS)
    assert len(document["assessments"]) == 3 and document["codebook"]
    truth = stored(submitted)
    for row in document["assessments"]:
        assert row["score_overall"] == truth[row["assessment_id"]]["scores"]["overall"]
    assert TRAP in {row["firm"] for row in document["assessments"]}  # JSON is data, not a spreadsheet


def test_demo_assessments_stay_out_unless_asked_for(submitted, tmp_path):
    submitted.test_cli_runner().invoke(args=["seed-demo", "--count", "10"])
    with submitted.app_context():
        demo = dict(
            get_db()
            .execute("SELECT questionnaire_version, count(*) FROM assessments WHERE is_demo = 1 GROUP BY 1")
            .fetchall()
        )
    # The demo's first baselines answer the archived version 2, the rest the current version.
    assert sum(demo.values()) == 10 and demo.get(READINESS.version)
    _, output = export(submitted, tmp_path, "csv")
    assert "Wrote 3 assessments" in output
    _, output = export(submitted, tmp_path, "csv", "--include-demo")
    assert f"Wrote {3 + demo[READINESS.version]} assessments" in output
    for version in set(demo) - {READINESS.version}:
        _, output = export(submitted, tmp_path, "csv", "--version", str(version))
        assert "Wrote 0 assessments" in output
        _, output = export(submitted, tmp_path, "csv", "--version", str(version), "--include-demo")
        assert f"Wrote {demo[version]} assessments" in output


def test_exports_are_filtered(submitted, tmp_path):
    path, output = export(submitted, tmp_path, "csv", "--sector", "food_beverages")
    assert "Wrote 1 assessments" in output
    assert [row["firm"] for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines())] == ["Panadería Sol"]
    _, output = export(submitted, tmp_path, "csv", "--region", "Cusco", "--sector", "wood_furniture")
    assert "Wrote 0 assessments" in output
    result = submitted.test_cli_runner().invoke(
        args=["export", "--format", "csv", "--output", str(tmp_path / "x.csv"), "--programme", "Nadie"]
    )
    assert result.exit_code != 0 and "no programme named 'Nadie'" in result.output


# --------------------------------------------------------------------------- the Exports page


def csv_firms(response) -> set[str]:
    return {row["firm"] for row in csv.DictReader(response.get_data(as_text=True).splitlines())}


def test_each_role_exports_only_the_firms_it_may_read(submitted, tmp_path):
    app = submitted
    # Rosa (no programme) follows Carpintería Flores; Luis, of SCORE Perú, follows a firm whose owner
    # lets the programme's managers read it, and one whose owner does not.
    luis = account(app, "luis@example.org", "consultant", "SCORE Perú")
    owner, token, _ = joined_firm(app, luis, "Taller Abierto")
    joined_firm(app, luis, "Taller Reservado")
    with app.app_context():
        get_db().execute("UPDATE programmes SET managers_see_answers = 1")
    post(owner, f"/a/{token}/programme", {"allow": "1"}, page=f"/a/{token}/consultants")
    rosa = app.test_client()
    log_in(rosa, email="rosa@example.org")
    assert csv_firms(rosa.get("/exports/download?format=csv")) == {"Carpintería Flores"}
    assert csv_firms(luis.get("/exports/download?format=csv")) == {"Taller Abierto", "Taller Reservado"}
    manager = account(app, "gestora@example.org", "manager", "SCORE Perú")
    assert csv_firms(manager.get("/exports/download?format=csv")) == {"Taller Abierto"}
    other = account(app, "otra@example.org", "manager", "Otro Programa")
    assert csv_firms(other.get("/exports/download?format=csv")) == set()
    assert "only in aggregates" in other.get("/exports").get_data(as_text=True)
    admin = account(app, "admin@example.org", "admin")
    everyone = csv_firms(admin.get("/exports/download?format=csv"))
    assert {"Carpintería Flores", "Taller Abierto", "Taller Reservado", "'" + TRAP} <= everyone
    programme_id = scalar(app, "SELECT id FROM programmes WHERE name = 'SCORE Perú'")
    assert csv_firms(admin.get(f"/exports/download?format=csv&programme={programme_id}")) == {
        "Taller Abierto",
        "Taller Reservado",
    }
    owner_account = account(app, "duena@example.org", "owner")
    assert owner_account.get("/exports/download?format=csv").status_code == 403
    assert app.test_client().get("/exports/download?format=csv").status_code == 302  # to the login


def test_the_page_counts_and_offers_each_format(submitted):
    admin = account(submitted, "admin@example.org", "admin")
    page = admin.get("/exports?sector=food_beverages&format=json")  # a stray format is ignored
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "1 assessment" in text
    streamed = admin.get("/exports/download?format=json&sector=food_beverages")
    assert (
        streamed.is_streamed
        and json.loads(streamed.get_data(as_text=True))["assessments"][0]["firm"] == "Panadería Sol"
    )
    book = admin.get("/exports/download?format=xlsx")
    assert book.status_code == 200 and book.data[:2] == b"PK"
    codebook = admin.get("/exports/codebook.csv").get_data(as_text=True)
    assert codebook.startswith("question_id,pillar,theme,type,value,text_es,text_en,points,weight")


def test_a_big_xlsx_is_made_by_a_process_of_its_own_and_offered_when_ready(submitted, tmp_path):
    submitted.config["XLSX_INLINE_ROWS"] = 2
    admin = account(submitted, "admin@example.org", "admin")
    started = admin.get("/exports/download?format=xlsx")
    assert started.status_code == 302 and re.fullmatch(r"/exports/jobs/\d+", started.headers["Location"])
    page = admin.get(started.headers["Location"]).get_data(as_text=True)
    assert "This page updates itself" in page or "ready" in page
    for _ in range(200):  # the process starts a Python of its own: a few seconds
        page = admin.get(started.headers["Location"]).get_data(as_text=True)
        if "ready" in page or "could not" in page:
            break
        time.sleep(0.1)
    assert "Your XLSX file is ready: 3 assessments." in page, page[-600:]
    download = admin.get(started.headers["Location"] + "/file")
    assert download.status_code == 200
    (tmp_path / "job.xlsx").write_bytes(download.data)
    header, *rows = read_xlsx(tmp_path / "job.xlsx")["assessments"]
    assert header == columns(READINESS) and len(rows) == 3
    # Someone else's job is nobody else's business.
    other = account(submitted, "otro@example.org", "admin")
    assert other.get(started.headers["Location"]).status_code == 404
    assert other.get(started.headers["Location"] + "/file").status_code == 404
