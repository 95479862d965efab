"""The administrator's programmes and assignments, and what a programme lets its managers see."""

from __future__ import annotations

import re

import pytest
from helpers import PROFILE, csrf_token, start
from test_accounts import PASSWORD, english, hashed, log_in, soup_of
from test_owner import answer_all, submit
from test_portfolio import key_of, new_client

from survey.store import users
from survey.web.database import get_db


def account(app, email: str, role: str, programme: str | None = None):
    """A logged-in account of a role (in a programme, made if new), reading English."""
    with app.app_context():
        db = get_db()
        programme_id = users.ensure_programme(db, programme) if programme else None
        users.create_user(
            db, email, role, hashed(PASSWORD), name=email.split("@")[0].title(), programme_id=programme_id
        )
    client = english(app)
    log_in(client, email=email)
    return client


def post(client, path: str, data: dict | None = None, page: str | None = None):
    token = csrf_token(client.get(page or path).data)
    return client.post(path, data={**(data or {}), "csrf_token": token})


def scalar(app, sql: str, params: tuple = ()):
    with app.app_context():
        return get_db().execute(sql, params).fetchone()[0]


def client_with_results(app, rosa, name: str) -> int:
    """A client of Rosa's, filled in with her and submitted; return the assessment's id."""
    key = key_of(new_client(rosa, name))
    answer_all(rosa, key)
    assert submit(rosa, key).status_code == 302
    return scalar(app, "SELECT a.id FROM assessments a JOIN firms f ON f.id = a.firm_id WHERE f.name = ?", (name,))


def user_id(app, email: str) -> int:
    return scalar(app, "SELECT id FROM users WHERE email = ?", (email,))


# --------------------------------------------------------------------------- programmes


def test_an_admin_adds_a_programme_and_sets_what_its_managers_see(app):
    admin = account(app, "admin@example.org", "admin")
    added = post(admin, "/admin/programmes", {"name": "SCORE Perú 2026"})
    assert added.status_code == 302
    page = admin.get("/admin/programmes").get_data(as_text=True)
    assert "SCORE Perú 2026" in page and "Aggregates only" in page
    twice = post(admin, "/admin/programmes", {"name": "SCORE Perú 2026"})
    assert twice.status_code == 400 and "exists already" in twice.get_data(as_text=True)
    programme_id = scalar(app, "SELECT id FROM programmes")
    saved = post(admin, f"/admin/programmes/{programme_id}", {"name": "SCORE Perú", "managers_see_answers": "y"})
    assert saved.status_code == 302
    assert scalar(app, "SELECT name || ':' || managers_see_answers FROM programmes") == "SCORE Perú:1"
    assert "Each firm's answers" in admin.get("/admin/programmes").get_data(as_text=True)
    assert post(admin, f"/admin/programmes/{programme_id}", {"name": ""}).status_code == 400


@pytest.mark.parametrize("role", ["consultant", "manager", "owner"])
def test_only_an_admin_reaches_the_administration(app, role):
    visitor = account(app, f"{role}@example.org", role)
    for path in ["/admin/programmes", "/admin/programmes/1", "/admin/firms", "/admin/firms/1", "/admin/users/1"]:
        assert visitor.get(path).status_code == 403
    token = csrf_token(visitor.get("/account").data)
    assert visitor.post("/admin/programmes", data={"name": "Intruso", "csrf_token": token}).status_code == 403
    assert scalar(app, "SELECT count(*) FROM programmes") == 0


# --------------------------------------------------------------------------- moving firms


def test_an_admin_moves_a_firm_from_one_consultant_to_another(app):
    rosa = account(app, "rosa@example.org", "consultant", "SCORE Perú")
    luis = account(app, "luis@example.org", "consultant", "SCORE Perú")
    key = key_of(new_client(rosa, "Carpintería Ccori"))
    firm_id = scalar(app, "SELECT id FROM firms")
    assert scalar(app, "SELECT programme_id FROM firms") is not None  # the consultant's programme
    admin = account(app, "admin@example.org", "admin")
    listing = admin.get("/admin/firms", query_string={"q": "ccori"}).get_data(as_text=True)
    assert "Carpintería Ccori" in listing and "Rosa" in listing
    moved = post(admin, f"/admin/firms/{firm_id}", {"consultants": [user_id(app, "luis@example.org")], "programme": ""})
    assert moved.status_code == 302
    assert rosa.get(f"/a/{key}/section/1").status_code == 404  # her key no longer opens it
    assert "Carpintería Ccori" not in rosa.get("/portfolio").get_data(as_text=True)
    assert "Carpintería Ccori" in luis.get("/portfolio").get_data(as_text=True)
    assert scalar(app, "SELECT programme_id FROM firms") is None


def test_an_admin_moves_every_client_of_a_consultant_at_once(app):
    rosa = account(app, "rosa@example.org", "consultant")
    account(app, "luis@example.org", "consultant")
    for name in ["Uno", "Dos", "Tres"]:
        new_client(rosa, name)
    admin = account(app, "admin@example.org", "admin")
    rosa_id, luis_id = user_id(app, "rosa@example.org"), user_id(app, "luis@example.org")
    same = post(admin, "/admin/firms/move", {"source": rosa_id, "target": rosa_id}, page="/admin/firms")
    assert same.status_code == 400 and "Choose two different consultants" in same.get_data(as_text=True)
    assert scalar(app, "SELECT count(*) FROM firm_consultants WHERE user_id = ?", (rosa_id,)) == 3
    moved = post(admin, "/admin/firms/move", {"source": rosa_id, "target": luis_id}, page="/admin/firms")
    assert moved.status_code == 302
    assert "3 clients moved" in admin.get(moved.headers["Location"]).get_data(as_text=True)
    assert scalar(app, "SELECT count(*) FROM firm_consultants WHERE user_id = ?", (luis_id,)) == 3
    assert scalar(app, "SELECT count(*) FROM firm_consultants WHERE user_id = ?", (rosa_id,)) == 0


def test_a_firm_nobody_follows_joins_no_portfolio_or_programme_through_the_admin(app):
    """An owner's own assessment reaches a consultant or a programme only with the owner's code."""
    owner = english(app)
    start(owner, {**PROFILE, "name": "Taller Sin Consultor"})
    account(app, "rosa@example.org", "consultant")
    admin = account(app, "admin@example.org", "admin")
    post(admin, "/admin/programmes", {"name": "SCORE Perú", "managers_see_answers": "y"})
    firm_id, programme_id = scalar(app, "SELECT id FROM firms"), scalar(app, "SELECT id FROM programmes")
    refused = post(
        admin, f"/admin/firms/{firm_id}", {"consultants": [user_id(app, "rosa@example.org")], "programme": ""}
    )
    assert refused.status_code == 400 and "code from its owner" in refused.get_data(as_text=True)
    refused = post(admin, f"/admin/firms/{firm_id}", {"programme": programme_id})
    assert refused.status_code == 400
    assert scalar(app, "SELECT count(*) FROM firm_consultants") == 0
    assert scalar(app, "SELECT programme_id FROM firms") is None


def test_the_firm_list_pages_fifty_at_a_time(app):
    rosa = account(app, "rosa@example.org", "consultant")
    with app.app_context():
        db = get_db()
        db.conn.executemany(
            "INSERT INTO firms (name, sector, size, region, created_at) VALUES (?, 'retail', 'micro', 'Lima', '2026-01-01')",
            [(f"Firma {n:03}",) for n in range(120)],
        )
    new_client(rosa, "Zapatería Zeta")
    admin = account(app, "admin@example.org", "admin")
    first = admin.get("/admin/firms").get_data(as_text=True)
    assert "121 firms" in first and "Page 1 of 3" in first and "Firma 049" in first and "Firma 050" not in first
    last = admin.get("/admin/firms", query_string={"page": 3}).get_data(as_text=True)
    assert "Zapatería Zeta" in last
    mine = admin.get("/admin/firms", query_string={"consultant": user_id(app, "rosa@example.org")}).get_data(
        as_text=True
    )
    assert "1 firm" in mine and "Zapatería Zeta" in mine
    wildcard = admin.get("/admin/firms", query_string={"q": "%"}).get_data(as_text=True)
    assert "0 firms" in wildcard  # a percent sign is searched for, not a wildcard


# --------------------------------------------------------------------------- managers


def joined_firm(app, consultant, name: str) -> tuple:
    """An owner's own submitted assessment, added to a consultant's portfolio with the owner's code.

    Returns the owner's client, the private link's token and the assessment's id.
    """
    owner = english(app)
    token = start(owner, {**PROFILE, "name": name})
    answer_all(owner, token)
    assert submit(owner, token).status_code == 302
    code_page = post(owner, f"/a/{token}/consultants")
    code = re.search(r'class="code"><strong>([A-Z0-9-]+)<', code_page.get_data(as_text=True)).group(1)
    assert post(consultant, "/portfolio/join", {"code": code}).status_code == 302
    return (
        owner,
        token,
        scalar(app, "SELECT a.id FROM assessments a JOIN firms f ON f.id = a.firm_id WHERE f.name = ?", (name,)),
    )


def test_a_manager_reads_a_firms_answers_only_when_the_programme_and_the_owner_allow_it(app):
    account(app, "otro@example.org", "consultant", "Otro Programa")  # the first programme made
    rosa = account(app, "rosa@example.org", "consultant", "SCORE Perú")
    owner, token, assessment_id = joined_firm(app, rosa, "Carpintería Ccori")
    manager = account(app, "gestora@example.org", "manager", "SCORE Perú")
    home = manager.get("/programme").get_data(as_text=True)
    assert "only as aggregates" in home and "Carpintería Ccori" not in home
    assert manager.get(f"/programme/assessments/{assessment_id}").status_code == 404
    # The programme asks to read answers: nothing changes until the owner agrees.
    admin = account(app, "admin@example.org", "admin")
    programme_id = scalar(app, "SELECT id FROM programmes WHERE name = 'SCORE Perú'")
    post(admin, f"/admin/programmes/{programme_id}", {"name": "SCORE Perú", "managers_see_answers": "y"})
    home = manager.get("/programme").get_data(as_text=True)
    assert "Carpintería Ccori" not in home and "1 firm of the programme has not agreed" in home
    assert manager.get(f"/programme/assessments/{assessment_id}").status_code == 404
    agreed = post(owner, f"/a/{token}/programme", {"allow": "1"}, page=f"/a/{token}/consultants")
    assert agreed.status_code == 302
    home = manager.get("/programme").get_data(as_text=True)
    assert "Carpintería Ccori" in home and "has not agreed" not in home
    page = manager.get(f"/programme/assessments/{assessment_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Carpintería Ccori" in text and "Self-declared" in text
    assert soup_of(page).select("form[method=post]") == [soup_of(page).select_one("nav.account form")]  # read-only
    # A manager of another programme, even one that asks too, reads nothing of this firm.
    other = account(app, "otra@example.org", "manager", "Otro Programa")
    other_id = scalar(app, "SELECT id FROM programmes WHERE name = 'Otro Programa'")
    post(admin, f"/admin/programmes/{other_id}", {"name": "Otro Programa", "managers_see_answers": "y"})
    assert other.get(f"/programme/assessments/{assessment_id}").status_code == 404
    assert "Carpintería Ccori" not in other.get("/programme").get_data(as_text=True)
    # The owner takes it back: gone.
    post(owner, f"/a/{token}/programme", {"allow": "0"}, page=f"/a/{token}/consultants")
    assert manager.get(f"/programme/assessments/{assessment_id}").status_code == 404
    # Agreed again, then the programme stops asking: gone too.
    post(owner, f"/a/{token}/programme", {"allow": "1"}, page=f"/a/{token}/consultants")
    assert manager.get(f"/programme/assessments/{assessment_id}").status_code == 200
    post(admin, f"/admin/programmes/{programme_id}", {"name": "SCORE Perú"})
    assert manager.get(f"/programme/assessments/{assessment_id}").status_code == 404


def test_the_owner_sees_their_programme_and_decides_what_its_managers_read(app):
    rosa = account(app, "rosa@example.org", "consultant", "SCORE Perú")
    owner = english(app)
    token = start(owner, {**PROFILE, "name": "Taller Rosa"})
    before = owner.get(f"/a/{token}/consultants").get_data(as_text=True)
    assert "joins the consultant's programme" in before  # said before the code is made
    code_page = post(owner, f"/a/{token}/consultants")
    code = re.search(r'class="code"><strong>([A-Z0-9-]+)<', code_page.get_data(as_text=True)).group(1)
    assert post(rosa, "/portfolio/join", {"code": code}).status_code == 302
    page = owner.get(f"/a/{token}/consultants")
    text = page.get_data(as_text=True)
    assert "SCORE Perú" in text and "never on their own" in text
    assert soup_of(page).select_one(f'form[action="/a/{token}/programme"]') is None  # the programme does not ask
    refused = post(owner, f"/a/{token}/programme", {"allow": "1"}, page=f"/a/{token}/consultants")
    assert refused.status_code == 400 and scalar(app, "SELECT answers_to_programme FROM firms") == 0
    with app.app_context():
        get_db().execute("UPDATE programmes SET managers_see_answers = 1")
    text = owner.get(f"/a/{token}/consultants").get_data(as_text=True)
    assert "asks to let its managers read" in text and "You do not let them." in text
    post(owner, f"/a/{token}/programme", {"allow": "1"}, page=f"/a/{token}/consultants")
    assert "You let them." in owner.get(f"/a/{token}/consultants").get_data(as_text=True)
    # Withdrawing the last consultant takes the firm out of the programme, and the consent with it.
    rosa_id = user_id(app, "rosa@example.org")
    post(owner, f"/a/{token}/consultants/{rosa_id}/withdraw", page=f"/a/{token}/consultants")
    assert scalar(app, "SELECT programme_id IS NULL AND answers_to_programme = 0 FROM firms") == 1
    assert "SCORE Perú" not in owner.get(f"/a/{token}/consultants").get_data(as_text=True)


def test_a_manager_logs_in_to_the_programme_page(app):
    account(app, "gestora@example.org", "manager", "SCORE Perú")
    client = english(app)
    assert log_in(client, email="gestora@example.org").headers["Location"] == "/programme/dashboard"


# --------------------------------------------------------------------------- accounts


def test_an_admin_deactivates_a_consultant_who_is_logged_out_at_once_and_hands_over_the_clients(app):
    rosa = account(app, "rosa@example.org", "consultant")
    account(app, "luis@example.org", "consultant")
    key = key_of(new_client(rosa, "Carpintería Ccori"))
    admin = account(app, "admin@example.org", "admin")
    rosa_id, luis_id = user_id(app, "rosa@example.org"), user_id(app, "luis@example.org")
    saved = post(admin, f"/admin/users/{rosa_id}", {"programme": ""})  # "May log in" unticked
    assert saved.status_code == 302
    assert "Deactivated" in admin.get("/admin/users").get_data(as_text=True)
    assert rosa.get("/portfolio").status_code == 302  # her session ended
    assert rosa.get(f"/a/{key}/section/1").status_code == 404
    again = english(app)
    assert log_in(again, email="rosa@example.org").status_code == 400
    # Her clients go to Luis: she is offered as the one to move from, never as the one to move to.
    page = soup_of(admin.get("/admin/firms"))
    assert page.select_one(f'#source option[value="{rosa_id}"]') is not None
    assert page.select_one(f'#target option[value="{rosa_id}"]') is None
    assert (
        post(admin, "/admin/firms/move", {"source": rosa_id, "target": luis_id}, page="/admin/firms").status_code == 302
    )
    assert "Carpintería Ccori" in account_page(app, "luis@example.org")
    # Active again, she logs in.
    post(admin, f"/admin/users/{rosa_id}", {"programme": "", "active": "y"})
    assert rosa.get("/portfolio").status_code == 302  # the session she had stays ended
    assert log_in(english(app), email="rosa@example.org").status_code == 302


def account_page(app, email: str) -> str:
    client = english(app)
    log_in(client, email=email)
    return client.get("/portfolio").get_data(as_text=True)


def test_an_admin_puts_an_account_in_a_programme_but_cannot_lock_themselves_out(app):
    admin = account(app, "admin@example.org", "admin")
    account(app, "gestora@example.org", "manager")
    post(admin, "/admin/programmes", {"name": "SCORE Perú"})
    programme_id = scalar(app, "SELECT id FROM programmes")
    manager_id = user_id(app, "gestora@example.org")
    assert post(admin, f"/admin/users/{manager_id}", {"programme": programme_id, "active": "y"}).status_code == 302
    assert scalar(app, "SELECT programme_id FROM users WHERE id = ?", (manager_id,)) == programme_id
    own = user_id(app, "admin@example.org")
    refused = post(admin, f"/admin/users/{own}", {"programme": ""})
    assert refused.status_code == 400 and "your own account" in refused.get_data(as_text=True)
    assert scalar(app, "SELECT is_active FROM users WHERE id = ?", (own,)) == 1
    assert admin.get("/admin/users/999").status_code == 404


def test_the_admin_moves_firms_only_among_the_consultants_of_their_programme(app):
    rosa = account(app, "rosa@example.org", "consultant", "SCORE Perú")
    account(app, "luis@example.org", "consultant", "SCORE Perú")
    account(app, "otro@example.org", "consultant", "Otro Programa")
    new_client(rosa, "Carpintería Ccori")
    firm_id = scalar(app, "SELECT id FROM firms")
    admin = account(app, "admin@example.org", "admin")
    page = soup_of(admin.get(f"/admin/firms/{firm_id}"))
    offered = {int(box["value"]) for box in page.select("input[name=consultants]")}
    assert offered == {user_id(app, "rosa@example.org"), user_id(app, "luis@example.org")}
    assert [o["value"] for o in page.select("#programme option")] == [
        "",
        str(scalar(app, "SELECT programme_id FROM firms")),
    ]
    other = user_id(app, "otro@example.org")
    refused = post(admin, f"/admin/firms/{firm_id}", {"consultants": [other], "programme": ""})
    assert refused.status_code == 400
    assert scalar(app, "SELECT user_id FROM firm_consultants") == user_id(app, "rosa@example.org")
    moved = post(
        admin, "/admin/firms/move", {"source": user_id(app, "rosa@example.org"), "target": other}, page="/admin/firms"
    )
    assert moved.status_code == 400 and "same programme" in moved.get_data(as_text=True)
    assert scalar(app, "SELECT user_id FROM firm_consultants") == user_id(app, "rosa@example.org")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/firms?page=%C2%B2",
        "/admin/firms?programme=%C2%B2&consultant=99999999999999999999",
        "/admin/firms?page=99999999999999999999",
        "/admin/firms/99999999999999999999",
        "/admin/users/99999999999999999999",
        "/admin/programmes/99999999999999999999",
        "/programme/assessments/99999999999999999999",
        "/portfolio/firms/99999999999999999999",
    ],
)
def test_odd_numbers_in_addresses_are_not_server_errors(app, path):
    admin = account(app, "admin@example.org", "admin")
    assert admin.get(path).status_code in (200, 404)


def test_a_firm_left_with_no_consultant_by_the_admin_leaves_its_programme(app):
    rosa = account(app, "rosa@example.org", "consultant", "SCORE Perú")
    new_client(rosa, "Carpintería Ccori")
    firm_id, programme_id = scalar(app, "SELECT id FROM firms"), scalar(app, "SELECT programme_id FROM firms")
    admin = account(app, "admin@example.org", "admin")
    assert post(admin, f"/admin/firms/{firm_id}", {"programme": programme_id}).status_code == 302  # none ticked
    assert scalar(app, "SELECT count(*) FROM firm_consultants") == 0
    assert scalar(app, "SELECT programme_id FROM firms") is None
