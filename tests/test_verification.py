"""A consultant checks a submitted assessment: answers confirmed or corrected, verified scores beside declared ones."""

from __future__ import annotations

import json
import re
import sqlite3

from bs4 import BeautifulSoup
from helpers import csrf_token, start
from test_owner import READINESS, answer_all, form_data, submit, valid_answers
from test_portfolio import consultant, key_of, new_client


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def check_every_page(client, key: str, changes: dict, evidence: str = "") -> str:
    """Go through the check page by page, changing some answers; return where the last page leads."""
    location = ""
    for number, section in enumerate(READINESS.sections, 1):
        page = client.get(f"/a/{key}/verify/{number}")
        assert page.status_code == 200, number
        ours = {k: v for k, v in changes.items() if k in {q.id for q in section.questions}}
        answers = valid_answers(section, **ours)
        data = form_data(answers, csrf_token(page.data)) | {"evidence": evidence if ours else ""}
        response = client.post(f"/a/{key}/verify/{number}", data=data)
        assert response.status_code == 302, (number, response.get_data(as_text=True)[:300])
        location = response.headers["Location"]
    return location


def test_a_consultant_checks_the_answers_and_both_scores_show_side_by_side(app):
    rosa = consultant(app, "rosa@example.org")
    key = key_of(new_client(rosa, "Carpintería Flores"))
    answer_all(rosa, key, overrides={"dig_backup": "tested"})
    submit(rosa, key)
    results = soup_of(rosa.get(f"/a/{key}/results"))
    assert results.find("a", href=f"/a/{key}/verify/1") is not None
    with sqlite3.connect(app.config["DATABASE"]) as db:
        declared = db.execute("SELECT scores_json FROM assessments").fetchone()[0]
    end = check_every_page(rosa, key, {"dig_backup": "none"}, "No hay copias: el disco externo está vacío.")
    assert end == f"/a/{key}/results#verified-heading"
    table = soup_of(rosa.get(f"/a/{key}/results")).select_one("table.verified")
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
        for tr in table.select("tbody tr")
    }
    data = rows["Data and cybersecurity"]
    assert int(data[1]) < int(data[0]) and data[2] == f"{int(data[1]) - int(data[0]):+d}"
    assert rows["Digital strategy"][2] == "+0"
    with sqlite3.connect(app.config["DATABASE"]) as db:
        checks = dict(db.execute("SELECT question_id, value FROM verifications").fetchall())
        evidence = db.execute("SELECT evidence FROM verifications WHERE question_id = 'dig_backup'").fetchone()[0]
        # The declared scores, which peers are compared on, do not change.
        assert db.execute("SELECT scores_json FROM assessments").fetchone()[0] == declared
    assert json.loads(checks["dig_backup"]) == "none" and evidence.startswith("No hay copias")
    # The client list shows the verified overall score beside the declared one.
    card = " ".join(soup_of(rosa.get("/portfolio")).select_one("li.client").get_text(" ").split())
    assert re.search(r"\d+/100 · verified: \d+/100", card), card
    assert sum(value is None for value in checks.values()) == len(checks) - 1  # every other answer confirmed


def test_the_owners_own_link_cannot_check_answers(en):
    token = start(en)
    answer_all(en, token)
    submit(en, token)
    assert en.get(f"/a/{token}/verify/1").status_code == 404
    assert not soup_of(en.get(f"/a/{token}/results")).find("a", href=re.compile("/verify/"))


def test_a_draft_cannot_be_checked(app):
    rosa = consultant(app, "rosa@example.org")
    key = key_of(new_client(rosa, "Borrador"))
    response = rosa.get(f"/a/{key}/verify/1")
    assert response.status_code == 302 and "/verify/" not in response.headers["Location"]
