"""The consultant's portfolio, assessments on a client's behalf, and who may open a firm's data."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from helpers import PROFILE, csrf_token, start
from test_accounts import PASSWORD, add_user, english, log_in
from test_owner import READINESS, answer_all, submit

from survey.store.users import ensure_programme
from survey.web.database import get_db


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def consultant(app, email: str):
    """A logged-in consultant, reading English."""
    add_user(app, email=email, role="consultant")
    client = english(app)
    log_in(client, email=email)
    return client


def new_client(client, name: str, **profile) -> str:
    """Add a client firm through the form; return the URL of its assessment opened for the consultant."""
    page = client.get("/portfolio/new")
    data = {**PROFILE, "name": name, **profile, "csrf_token": csrf_token(page.data)}
    response = client.post("/portfolio/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def key_of(location: str) -> str:
    return re.fullmatch(r"/a/([^/]+)", location).group(1)


def assessment_ids(app) -> dict[str, int]:
    with app.app_context():
        rows = get_db().execute("SELECT f.name, a.id FROM assessments a JOIN firms f ON f.id = a.firm_id").fetchall()
    return dict(rows)


def test_a_consultant_adds_a_client_and_fills_in_its_assessment_on_its_behalf(app):
    rosa = consultant(app, "rosa@example.org")
    location = new_client(rosa, "Carpintería Flores")
    key = key_of(location)
    section = rosa.get(location)
    assert section.status_code == 302 and section.headers["Location"] == f"/a/{key}/section/1"
    answer_all(rosa, key)
    assert submit(rosa, key).headers["Location"] == f"/a/{key}/results"
    assert "Results for Carpintería Flores" in soup_of(rosa.get(f"/a/{key}/results")).h1.get_text()
    with app.app_context():
        row = get_db().execute("SELECT entered_by, status FROM assessments").fetchone()
    assert row[1] == "submitted" and row[0] is not None  # recorded as entered on the firm's behalf
    card = soup_of(rosa.get("/portfolio")).select_one("li.client")
    text = " ".join(card.get_text(" ").split())
    assert "Carpintería Flores" in text and "Submitted" in text and "entered with the owner" in text
    assert re.search(r"\d+/100", text)


def test_the_portfolio_lists_status_scores_and_change_and_can_be_searched_and_sorted(app):
    rosa = consultant(app, "rosa@example.org")
    new_client(rosa, "Alfa Muebles")  # left as a draft
    beta = key_of(new_client(rosa, "Beta Alimentos", region="Cusco"))
    answer_all(rosa, beta)
    submit(rosa, beta)
    page = soup_of(rosa.get("/portfolio"))
    cards = {c.h2.get_text(): " ".join(c.get_text(" ").split()) for c in page.select("li.client")}
    assert list(cards) == ["Alfa Muebles", "Beta Alimentos"]
    assert f"In progress: section 1 of {len(READINESS.sections)}" in cards["Alfa Muebles"]
    assert "Submitted" in cards["Beta Alimentos"] and "Digitalisation" in cards["Beta Alimentos"]
    assert [c.h2.get_text() for c in soup_of(rosa.get("/portfolio?q=cusco")).select("li.client")] == ["Beta Alimentos"]
    assert [c.h2.get_text() for c in soup_of(rosa.get("/portfolio?status=draft")).select("li.client")] == [
        "Alfa Muebles"
    ]
    by_score = [c.h2.get_text() for c in soup_of(rosa.get("/portfolio?sort=overall")).select("li.client")]
    assert by_score == ["Beta Alimentos", "Alfa Muebles"]  # firms without a score last
    assert "1 of 2 clients" in soup_of(rosa.get("/portfolio?q=alfa")).select_one(".count").get_text()


def test_a_new_private_link_for_the_owner_replaces_the_old_one(app):
    rosa = consultant(app, "rosa@example.org")
    new_client(rosa, "Gamma Textil")
    assessment_id = assessment_ids(app)["Gamma Textil"]
    page = rosa.get("/portfolio")
    response = rosa.post(
        f"/portfolio/assessments/{assessment_id}/owner-link", data={"csrf_token": csrf_token(page.data)}
    )
    link = soup_of(response).select_one("textarea.link").get_text().strip()
    token = link.rsplit("/a/", 1)[1]
    owner = english(app)  # no account: the link alone opens it
    assert owner.get(f"/a/{token}").headers["Location"] == f"/a/{token}/section/1"
    again = rosa.post(f"/portfolio/assessments/{assessment_id}/owner-link", data={"csrf_token": csrf_token(page.data)})
    assert again.status_code == 200
    assert owner.get(f"/a/{token}").status_code == 404  # the first link stopped working


# --------------------------------------------------------------------------- who may open what


@pytest.fixture
def two_tenants(app):
    """Rosa's client (with a key of hers) in her programme, and an anonymous owner's firm.

    Every other account belongs to another programme, one whose managers may read answers.
    """
    rosa = consultant(app, "rosa@example.org")
    with app.app_context():
        db = get_db()
        ensure_programme(db, "Otro Programa")
        db.execute("UPDATE programmes SET managers_see_answers = 1")
        db.execute("UPDATE users SET programme_id = ? WHERE id = 1", [ensure_programme(db, "Programa De Rosa")])
    key = key_of(new_client(rosa, "Cliente De Rosa"))
    owner = english(app)
    start(owner, {**PROFILE, "name": "Taller Sin Consultor"})
    with app.app_context():
        firms = dict(get_db().execute("SELECT name, id FROM firms").fetchall())
        rosa_id = get_db().execute("SELECT id FROM users WHERE email = 'rosa@example.org'").fetchone()[0]
        programmes = get_db().execute("SELECT id, programme_id FROM firms ORDER BY id").fetchall()
    assert programmes[0][1] is not None  # Rosa's client is in her programme
    return {
        "rosa": rosa,
        "rosa_id": rosa_id,
        "key": key,
        "ids": assessment_ids(app),
        "firms": firms,
        "programmes": programmes,
    }


def visitor(app, role: str | None):
    """A visitor of a role (None: anonymous), logged in, reading English, in another programme."""
    if role is None:
        return english(app)
    email = f"{role}@example.org"
    user_id = add_user(app, email=email, role=role)
    with app.app_context():
        db = get_db()
        db.execute("UPDATE users SET programme_id = ? WHERE id = ?", [ensure_programme(db, "Otro Programa"), user_id])
    client = english(app)
    log_in(client, email=email, password=PASSWORD)
    return client


ROLES = [None, "owner", "manager", "consultant"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "route",
    [
        "GET /a/{key}",
        "GET /a/{key}/section/1",
        "POST /a/{key}/section/1",
        "GET /a/{key}/review",
        "GET /a/{key}/link",
        "GET /a/{key}/results",
        "GET /a/{key}/plan",
        "POST /a/{key}/plan/add",
        "GET /a/{key}/progress",
        "GET /a/{key}/share",
        "GET /a/{key}/consultants",
        "POST /portfolio/assessments/{rosa_assessment}/open",
        "POST /portfolio/assessments/{rosa_assessment}/owner-link",
        "POST /portfolio/assessments/{owner_assessment}/open",
        "POST /portfolio/assessments/{owner_assessment}/owner-link",
        "GET /portfolio",
        "GET /portfolio/firms/{rosa_firm}",
        "POST /portfolio/firms/{rosa_firm}",
        "GET /portfolio/firms/{owner_firm}",
        "POST /portfolio/firms/{owner_firm}",
        "POST /a/{key}/keep",
        "GET /a/{key}/actions",
        "POST /a/{key}/submit",
        "POST /a/{key}/follow-up",
        "POST /a/{key}/share",
        "POST /a/{key}/share/1/revoke",
        "POST /a/{key}/plan/1",
        "POST /a/{key}/consultants/{rosa_id}/withdraw",
        "GET /a/{key}/verify/1",
        "POST /a/{key}/verify/1",
        "POST /my/assessments/{rosa_assessment}/open",
        "POST /my/assessments/{owner_assessment}/open",
        "POST /my/firms/{rosa_firm}/detach",
        "POST /my/firms/{owner_firm}/detach",
        "GET /programme/assessments/{rosa_assessment}",
        "GET /programme/assessments/{owner_assessment}",
        "GET /admin/firms",
        "GET /admin/firms/{rosa_firm}",
        "POST /admin/firms/{rosa_firm}",
        "POST /admin/firms/{owner_firm}",
        "POST /admin/firms/move",
    ],
)
def test_nobody_but_the_firms_consultant_opens_its_data(app, two_tenants, role, route):
    """Every route × every role (and anonymous) × a firm of another consultant or of nobody: refused, nothing shown."""
    client = visitor(app, role)
    method, path = route.split(" ")
    ids = two_tenants["ids"]
    firms = two_tenants["firms"]
    path = path.format(
        key=two_tenants["key"],
        rosa_assessment=ids["Cliente De Rosa"],
        owner_assessment=ids["Taller Sin Consultor"],
        rosa_firm=firms["Cliente De Rosa"],
        owner_firm=firms["Taller Sin Consultor"],
        rosa_id=two_tenants["rosa_id"],
    )
    token = csrf_token(client.get("/login").data)
    data = {"csrf_token": token, "nav": "next", "body": "Nota ajena", "assessment": "", "programme": "", "source": 1}
    data |= {"consultants": [1, 2, 3, 4], "target": 2}
    response = client.get(path) if method == "GET" else client.post(path, data=data)
    body = response.get_data(as_text=True)
    if path == "/portfolio" and role == "consultant":
        assert response.status_code == 200  # their own, empty, portfolio
    elif role is None and path.startswith(("/portfolio", "/my/", "/admin/", "/programme/")):
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    else:
        assert response.status_code in (403, 404), (route, role, response.status_code)
    assert "Cliente De Rosa" not in body and "Taller Sin Consultor" not in body
    # Nothing changed: no key made, no link replaced, no answer saved.
    with app.app_context():
        db = get_db()
        assert db.execute("SELECT count(*) FROM assessment_keys").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM answers").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM notes").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM firm_owners").fetchone() == (0,)
        assert db.execute("SELECT user_id FROM firm_consultants").fetchall() == [(two_tenants["rosa_id"],)]
        assert db.execute("SELECT id, programme_id FROM firms ORDER BY id").fetchall() == two_tenants["programmes"]


def test_a_key_stops_working_when_the_firm_leaves_the_portfolio(app, two_tenants):
    rosa, key = two_tenants["rosa"], two_tenants["key"]
    assert rosa.get(f"/a/{key}/section/1").status_code == 200
    with app.app_context():
        get_db().execute("DELETE FROM firm_consultants")
    assert rosa.get(f"/a/{key}/section/1").status_code == 404


def test_a_key_works_only_while_its_consultant_is_logged_in(app, two_tenants):
    rosa, key = two_tenants["rosa"], two_tenants["key"]
    rosa.post("/logout", data={"csrf_token": csrf_token(rosa.get("/portfolio").data)})
    assert rosa.get(f"/a/{key}/section/1").status_code == 404


def test_an_admin_may_open_any_firm(app, two_tenants):
    admin = visitor(app, "admin")
    owner_assessment = two_tenants["ids"]["Taller Sin Consultor"]
    token = csrf_token(admin.get("/portfolio").data)
    response = admin.post(f"/portfolio/assessments/{owner_assessment}/open", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/a/")


def test_notes_on_a_client_are_dated_signed_and_kept_to_its_consultants(app, two_tenants):
    rosa = two_tenants["rosa"]
    firm_page = soup_of(rosa.get("/portfolio")).select_one("li.client h2 a")["href"]
    page = rosa.get(firm_page)
    assert page.status_code == 200 and "Cliente De Rosa" in soup_of(page).h1.get_text()
    choices = [o["value"] for o in soup_of(page).select("select#assessment option")]
    assert choices[0] == "" and len(choices) == 2  # the firm as a whole, or its one assessment
    token = csrf_token(page.data)
    assert rosa.post(firm_page, data={"body": "  ", "assessment": "", "csrf_token": token}).status_code == 400
    response = rosa.post(
        firm_page, data={"body": "Vi el registro de mantenimiento.", "assessment": choices[1], "csrf_token": token}
    )
    assert response.status_code == 302
    note = soup_of(rosa.get(firm_page)).select_one("ul.notes li")
    assert "Vi el registro de mantenimiento." in note.get_text() and "Ana Quispe" in note.get_text()
    # An assessment of another firm cannot carry a note of this one.
    other = two_tenants["ids"]["Taller Sin Consultor"]
    refused = rosa.post(firm_page, data={"body": "x", "assessment": str(other), "csrf_token": token})
    assert refused.status_code == 400
    for role in ["consultant", "manager", "owner", None]:
        body = visitor(app, role).get(firm_page)
        assert body.status_code in (302, 403, 404) and "Vi el registro" not in body.get_data(as_text=True)


def test_pages_seen_logged_in_are_kept_in_no_cache(app, two_tenants):
    rosa = two_tenants["rosa"]
    firm = two_tenants["firms"]["Cliente De Rosa"]
    for path in ("/portfolio", f"/portfolio/firms/{firm}", "/account", "/"):
        assert rosa.get(path).headers.get("Cache-Control") == "no-store", path
    assert english(app).get("/").headers.get("Cache-Control") != "no-store"  # the public landing may be cached


def test_an_owners_own_link_is_never_replaced_by_a_consultant(app, two_tenants):
    admin = visitor(app, "admin")
    owner_assessment = two_tenants["ids"]["Taller Sin Consultor"]  # started by its owner
    token = csrf_token(admin.get("/portfolio").data)
    assert (
        admin.post(f"/portfolio/assessments/{owner_assessment}/owner-link", data={"csrf_token": token}).status_code
        == 400
    )


def test_a_follow_up_started_by_a_consultant_is_entered_on_the_firms_behalf(app):
    rosa = consultant(app, "rosa@example.org")
    key = key_of(new_client(rosa, "Delta Cerámica"))
    answer_all(rosa, key)
    submit(rosa, key)
    page = rosa.get(f"/a/{key}/results")
    response = rosa.post(f"/a/{key}/follow-up", data={"csrf_token": csrf_token(page.data)})
    follow_key = key_of(response.headers["Location"])  # straight to the new assessment, with a key of hers
    assert rosa.get(f"/a/{follow_key}/section/1").status_code == 200
    with app.app_context():
        rows = get_db().execute("SELECT entered_by FROM assessments ORDER BY id").fetchall()
    assert len(rows) == 2 and all(row[0] is not None for row in rows)


def owner_code(owner, token: str) -> str:
    page = owner.get(f"/a/{token}/consultants")
    response = owner.post(f"/a/{token}/consultants", data={"csrf_token": csrf_token(page.data)})
    return soup_of(response).select_one("p.code").get_text(strip=True)


def join(client, code: str):
    page = client.get("/portfolio/join")
    return client.post("/portfolio/join", data={"code": code, "csrf_token": csrf_token(page.data)})


def test_an_owner_lets_a_consultant_in_with_a_one_time_code_and_can_withdraw(app):
    owner = english(app)
    token = start(owner, {**PROFILE, "name": "Taller Propio"})
    answer_all(owner, token)
    submit(owner, token)
    assert owner.get(f"/a/{token}/results").status_code == 200
    code = owner_code(owner, token)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    rosa = consultant(app, "rosa@example.org")
    response = join(rosa, " " + code.lower().replace("-", " ") + " ")  # as read out on the phone
    assert response.status_code == 302 and response.headers["Location"].startswith("/portfolio/firms/")
    assert "Taller Propio" in soup_of(rosa.get("/portfolio")).get_text()
    luis = consultant(app, "luis@example.org")
    assert join(luis, code).status_code == 400  # used once already
    # The owner sees who follows the firm, and withdraws.
    page = soup_of(owner.get(f"/a/{token}/consultants"))
    assert "Ana Quispe" in page.select_one("ul.shares").get_text()
    withdraw = page.select_one("ul.shares form")
    owner.post(withdraw["action"], data={"csrf_token": withdraw.find("input", {"name": "csrf_token"})["value"]})
    assert "Taller Propio" not in soup_of(rosa.get("/portfolio")).get_text()
    assessment = assessment_ids(app)["Taller Propio"]
    token_r = csrf_token(rosa.get("/portfolio").data)
    assert rosa.post(f"/portfolio/assessments/{assessment}/open", data={"csrf_token": token_r}).status_code == 404


def test_a_consultants_key_cannot_make_or_withdraw_consent(app, two_tenants):
    rosa, key = two_tenants["rosa"], two_tenants["key"]
    assert rosa.get(f"/a/{key}/consultants").status_code == 404
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM consent_codes").fetchone() == (0,)


def test_wrong_codes_are_throttled(app):
    rosa = consultant(app, "rosa@example.org")
    limit = app.config["LOGIN_ATTEMPTS_PER_ACCOUNT"]
    statuses = [join(rosa, "AAAA-BBBB").status_code for _ in range(limit + 1)]
    assert statuses == [400] * limit + [429]


def test_keys_to_one_assessment_do_not_pile_up(app, two_tenants):
    """Each "open" makes a key; the newest five of an account's keys to an assessment keep working."""
    rosa, first = two_tenants["rosa"], two_tenants["key"]
    assessment_id = two_tenants["ids"]["Cliente De Rosa"]
    token = csrf_token(rosa.get("/portfolio").data)
    keys = [
        key_of(
            rosa.post(f"/portfolio/assessments/{assessment_id}/open", data={"csrf_token": token}).headers["Location"]
        )
        for _ in range(6)
    ]
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM assessment_keys").fetchone() == (5,)
    assert rosa.get(f"/a/{first}/section/1").status_code == 404  # the oldest, gone
    assert rosa.get(f"/a/{keys[0]}/section/1").status_code == 404
    assert all(rosa.get(f"/a/{key}/section/1").status_code == 200 for key in keys[1:])
