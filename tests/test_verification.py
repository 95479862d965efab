"""A consultant checks a submitted assessment: answers confirmed or corrected, verified scores beside declared ones."""

from __future__ import annotations

import json
import re
import sqlite3

from bs4 import BeautifulSoup
from helpers import csrf_token, start
from test_owner import READINESS, answer_all, form_data, number_of_question, submit, valid_answers
from test_portfolio import consultant, key_of, new_client


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def check_every_page(client, key: str, changes: dict, evidence: dict | None = None) -> str:
    """Go through the check page by page, changing some answers and noting evidence by question id.

    Return where the last page leads.
    """
    location = ""
    for number, section in enumerate(READINESS.sections, 1):
        page = client.get(f"/a/{key}/verify/{number}")
        assert page.status_code == 200, number
        ids = {q.id for q in section.questions}
        ours = {k: v for k, v in changes.items() if k in ids}
        answers = valid_answers(section, **ours)
        notes = {f"evidence-{qid}": note for qid, note in (evidence or {}).items() if qid in ids}
        data = form_data(answers, csrf_token(page.data)) | notes
        response = client.post(f"/a/{key}/verify/{number}", data=data)
        assert response.status_code == 302, (number, response.get_data(as_text=True)[:300])
        location = response.headers["Location"]
    return location


def test_a_consultant_checks_the_answers_and_both_scores_show_side_by_side(app):
    rosa = consultant(app, "rosa@example.org")
    key = key_of(new_client(rosa, "Carpintería Flores"))
    # Every security measure ticked: the theme's scores are whole numbers (100, then 33), so the
    # difference shown is the difference of the scores shown.
    every_measure = tuple(o.value for o in READINESS.questions["dig_security"].options if not o.exclusive)
    answer_all(rosa, key, overrides={"dig_backup": "tested", "dig_security": every_measure})
    submit(rosa, key)
    results = soup_of(rosa.get(f"/a/{key}/results"))
    assert results.find("a", href=f"/a/{key}/verify/1") is not None
    with sqlite3.connect(app.config["DATABASE"]) as db:
        declared = db.execute("SELECT scores_json FROM assessments").fetchone()[0]
    end = check_every_page(
        rosa,
        key,
        {"dig_backup": "none", "dig_security": every_measure},
        {"dig_backup": "No hay copias: el disco externo está vacío."},
    )
    assert end == f"/a/{key}/results#verified-heading"
    table = soup_of(rosa.get(f"/a/{key}/results")).select_one("table.verified")
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
        for tr in table.select("tbody tr")
    }
    data = rows["Data and cybersecurity"]
    assert int(data[1]) < int(data[0]) and data[2] == f"{int(data[1]) - int(data[0]):+d}"
    assert rows["Digital strategy and people"][2] == "0"
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


def submitted_client(app, **overrides) -> tuple:
    """A consultant and the key of a client assessment they answered (with `overrides`) and submitted."""
    rosa = consultant(app, "rosa@example.org")
    key = key_of(new_client(rosa, "Carpintería Flores"))
    answer_all(rosa, key, overrides=overrides)
    submit(rosa, key)
    return rosa, key


def stored_evidence(app) -> dict[str, str]:
    """The evidence note stored for each checked answer, by question id."""
    with sqlite3.connect(app.config["DATABASE"]) as db:
        return dict(db.execute("SELECT question_id, evidence FROM verifications").fetchall())


def as_shown(page) -> dict:
    """What a browser posts for a check page left as it is shown: the answers and notes filled in."""
    form = soup_of(page).select_one("form.questions")
    data: dict[str, list[str]] = {}
    for field in form.select("input[name], textarea[name]"):
        if field.name == "textarea":
            data.setdefault(field["name"], []).append(field.get_text())
        elif field.get("type") not in ("radio", "checkbox") or field.has_attr("checked"):
            data.setdefault(field["name"], []).append(field.get("value", ""))
    return data


DATA_PAGE = number_of_question(READINESS, "dig_backup")  # dig_backup, dig_security, dig_machines, dig_ai_use, dig_green


def test_each_answer_on_a_page_keeps_its_own_evidence_note(app):
    rosa, key = submitted_client(app)
    page = rosa.get(f"/a/{key}/verify/{DATA_PAGE}")
    answers = valid_answers(READINESS.sections[DATA_PAGE - 1], dig_backup="none")
    data = form_data(answers, csrf_token(page.data)) | {
        "evidence-dig_backup": "No hay copias: el disco externo está vacío.",
        "evidence-dig_ai_use": "Vi los chats con el asistente.",
    }
    assert rosa.post(f"/a/{key}/verify/{DATA_PAGE}", data=data).status_code == 302
    assert stored_evidence(app) == {
        "dig_backup": "No hay copias: el disco externo está vacío.",
        "dig_security": "",
        "dig_machines": "",
        "dig_ai_use": "Vi los chats con el asistente.",
        "dig_green": "",
    }
    # Each note is shown in its own question's box, under a label of its own.
    again = soup_of(rosa.get(f"/a/{key}/verify/{DATA_PAGE}"))
    for question_id, note in [("dig_backup", "No hay copias"), ("dig_ai_use", "Vi los chats")]:
        box = again.select_one(f"#question-{question_id}")
        field = box.select_one("textarea[name^=evidence-]")
        assert field["name"] == f"evidence-{question_id}" and field.get_text().startswith(note)
        assert box.find("label", attrs={"for": field["id"]}).get_text(strip=True).startswith("What you saw")


def test_saved_evidence_is_filled_in_again_when_a_page_is_checked_again(app):
    rosa, key = submitted_client(app)
    page = rosa.get(f"/a/{key}/verify/{DATA_PAGE}")
    answers = valid_answers(READINESS.sections[DATA_PAGE - 1])
    notes = {"evidence-dig_backup": "Vi el disco externo.", "evidence-dig_security": "Antivirus al día."}
    response = rosa.post(f"/a/{key}/verify/{DATA_PAGE}", data=form_data(answers, csrf_token(page.data)) | notes)
    assert response.status_code == 302
    shown = as_shown(rosa.get(f"/a/{key}/verify/{DATA_PAGE}"))
    assert shown["evidence-dig_backup"] == ["Vi el disco externo."]
    assert shown["evidence-dig_security"] == ["Antivirus al día."]
    assert shown["evidence-dig_ai_use"] == [""]
    # Saved again as it is shown, with one note changed: only that note changes.
    shown["evidence-dig_security"] = ["Antivirus vencido desde marzo."]
    assert rosa.post(f"/a/{key}/verify/{DATA_PAGE}", data=shown).status_code == 302
    assert stored_evidence(app) == {
        "dig_backup": "Vi el disco externo.",
        "dig_security": "Antivirus vencido desde marzo.",
        "dig_machines": "",
        "dig_ai_use": "",
        "dig_green": "",
    }


def test_a_hidden_question_gets_no_evidence_field_and_a_note_posted_for_it_is_ignored(app):
    # With one person, the owner, the questions about workers on the page are hidden.
    rosa, key = submitted_client(app, wrk_workers=1)
    number = number_of_question(READINESS, "wrk_osh_supervisor")
    page = rosa.get(f"/a/{key}/verify/{number}")
    offered = {t["name"] for t in soup_of(page).select("form.questions textarea")}
    assert offered == {"evidence-wrk_training"}
    answers = valid_answers(READINESS.sections[number - 1])
    answers.pop("wrk_osh_supervisor")
    # Not read at all: not even refused for being too long.
    posted = {
        "evidence-wrk_osh_supervisor": "Vi el acta de la elección. " * 30,
        "evidence-dig_backup": "Otra página.",
        "evidence-x": "?" * 600,
    }
    response = rosa.post(f"/a/{key}/verify/{number}", data=form_data(answers, csrf_token(page.data)) | posted)
    assert response.status_code == 302
    assert stored_evidence(app) == {"wrk_training": ""}


def test_evidence_with_markup_is_shown_as_text(app):
    rosa, key = submitted_client(app)
    page = rosa.get(f"/a/{key}/verify/{DATA_PAGE}")
    answers = valid_answers(READINESS.sections[DATA_PAGE - 1])
    data = form_data(answers, csrf_token(page.data)) | {"evidence-dig_backup": "<b>x</b>"}
    assert rosa.post(f"/a/{key}/verify/{DATA_PAGE}", data=data).status_code == 302
    html = rosa.get(f"/a/{key}/verify/{DATA_PAGE}").get_data(as_text=True)
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    field = BeautifulSoup(html, "html.parser").find("textarea", attrs={"name": "evidence-dig_backup"})
    assert field.get_text() == "<b>x</b>"


def test_a_note_longer_than_500_characters_is_refused_with_a_message_and_nothing_is_saved(app):
    rosa, key = submitted_client(app)
    page = rosa.get(f"/a/{key}/verify/{DATA_PAGE}")
    answers = valid_answers(READINESS.sections[DATA_PAGE - 1])
    token = csrf_token(page.data)
    too_long = "x" * 501
    response = rosa.post(
        f"/a/{key}/verify/{DATA_PAGE}", data=form_data(answers, token) | {"evidence-dig_backup": too_long}
    )
    assert response.status_code == 400
    field = soup_of(response).find("textarea", attrs={"name": "evidence-dig_backup"})
    assert field.get_text() == too_long and field["aria-invalid"] == "true"
    message = soup_of(response).select_one(f"#{field['id']}-error").get_text(strip=True)
    assert message == "Please shorten this note to 500 characters or fewer."
    assert f"{field['id']}-error" in field["aria-describedby"].split()
    assert stored_evidence(app) == {}
    # A line break counts as one character, as the browser counts it against maxlength.
    just_fits = "y" * 249 + "\r\n" + "z" * 250
    response = rosa.post(
        f"/a/{key}/verify/{DATA_PAGE}", data=form_data(answers, token) | {"evidence-dig_backup": just_fits}
    )
    assert response.status_code == 302
    assert stored_evidence(app)["dig_backup"] == "y" * 249 + "\n" + "z" * 250


def test_a_check_stopped_part_way_says_how_many_answers_it_covers(app):
    rosa = consultant(app, "rosa@example.org")
    key = key_of(new_client(rosa, "Carpintería Flores"))
    answer_all(rosa, key)
    submit(rosa, key)
    section = READINESS.sections[0]
    page = rosa.get(f"/a/{key}/verify/1")
    rosa.post(f"/a/{key}/verify/1", data=form_data(valid_answers(section), csrf_token(page.data)))
    with sqlite3.connect(app.config["DATABASE"]) as db:
        checked = db.execute("SELECT count(*) FROM verifications").fetchone()[0]
        answered = db.execute("SELECT count(*) FROM answers").fetchone()[0]
    assert 0 < checked < answered
    text = " ".join(soup_of(rosa.get(f"/a/{key}/results")).select_one("#verified-heading").parent.get_text().split())
    assert re.search(rf"{checked} of \d+ answers checked so far", text), text
    check_every_page(rosa, key, {})
    text = " ".join(soup_of(rosa.get(f"/a/{key}/results")).select_one("#verified-heading").parent.get_text().split())
    assert "Every answer checked." in text
