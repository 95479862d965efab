"""Owners' own accounts: signing up, keeping a firm's assessments together by their private links."""

from __future__ import annotations

import re

from helpers import PROFILE, csrf_token, start
from test_accounts import PASSWORD, add_user, english, invite, log_in, soup_of
from test_owner import answer_all, submit
from test_portfolio import consultant, key_of, new_client

from survey.web.database import get_db


def register(client, email: str = "dueña@example.org", password: str = PASSWORD, confirm: str | None = None, **query):
    page = client.get("/register", query_string=query)
    data = {
        "name": "Rosa Huamán",
        "email": email,
        "password": password,
        "confirm": password if confirm is None else confirm,
        "csrf_token": csrf_token(page.data),
    }
    return client.post("/register", data=data, query_string=query)


def owner_with_account(app, email: str = "dueña@example.org"):
    client = english(app)
    response = register(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def attach(client, link: str):
    page = client.get("/my")
    return client.post("/my/attach", data={"link": link, "csrf_token": csrf_token(page.data)})


def submitted_assessment(app, name: str = "Taller Rosa") -> str:
    """An anonymous owner's submitted assessment; return its private link's token."""
    owner = english(app)
    token = start(owner, {**PROFILE, "name": name})
    answer_all(owner, token)
    assert submit(owner, token).status_code == 302
    return token


def firms_in_account(app) -> list[tuple]:
    with app.app_context():
        return get_db().execute("SELECT firm_id, user_id FROM firm_owners").fetchall()


def test_an_owner_signs_up_keeps_an_assessment_by_its_link_and_opens_it_from_the_account(app):
    token = submitted_assessment(app)
    owner = owner_with_account(app)
    mine = owner.get("/my")
    assert mine.status_code == 200 and "No firm in your account yet" in mine.get_data(as_text=True)
    response = attach(owner, f"https://encuesta.example.org/a/{token}/results")  # the whole address, as copied
    assert response.status_code == 302
    page = owner.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    assert "Taller Rosa" in text and "Submitted on" in text
    # Open it: a key of the owner's own, not the private link, leads to the results.
    assessment_id = re.search(r"/my/assessments/(\d+)/open", text).group(1)
    opened = owner.post(f"/my/assessments/{assessment_id}/open", data={"csrf_token": csrf_token(page.data)})
    key = key_of(opened.headers["Location"])
    assert key != token
    results = owner.get(f"/a/{key}/results")
    assert results.status_code == 200 and "Taller Rosa" in results.get_data(as_text=True)
    # The key works as the owner's link does: consent is theirs to give; a consultant's check is not.
    assert owner.get(f"/a/{key}/consultants").status_code == 200
    assert owner.get(f"/a/{key}/verify/1").status_code == 404
    # A follow-up of the firm comes into the account with it.
    follow = owner.post(f"/a/{key}/follow-up", data={"csrf_token": csrf_token(results.data)})
    assert follow.status_code == 302
    assert owner.get("/my").get_data(as_text=True).count("In progress since") == 1


def test_signing_up_from_the_results_page_keeps_that_assessment(app):
    token = submitted_assessment(app)
    visitor = english(app)
    page = visitor.get(f"/a/{token}/results")
    link = soup_of(page).select_one('a[href^="/register"]')
    assert link is not None and firms_in_account(app) == []
    response = visitor.post(
        link["href"],
        data={"name": "Rosa", "email": "rosa@example.org", "password": PASSWORD, "confirm": PASSWORD}
        | {"csrf_token": csrf_token(visitor.get(link["href"]).data)},
    )
    assert response.headers["Location"] == f"/a/{token}/results"
    assert len(firms_in_account(app)) == 1
    assert soup_of(visitor.get(f"/a/{token}/results")).select_one(f'form[action="/a/{token}/keep"]') is None


def test_an_owner_already_logged_in_keeps_an_assessment_from_its_results_page(app):
    token = submitted_assessment(app)
    owner = owner_with_account(app)
    page = owner.get(f"/a/{token}/results")
    keep = soup_of(page).select_one(f'form[action="/a/{token}/keep"]')
    assert keep is not None and firms_in_account(app) == []
    kept = owner.post(f"/a/{token}/keep", data={"csrf_token": csrf_token(page.data)})
    assert kept.status_code == 302 and len(firms_in_account(app)) == 1
    assert soup_of(owner.get(f"/a/{token}/results")).select_one(f'form[action="/a/{token}/keep"]') is None


def test_an_owner_logged_in_keeps_what_they_start(app):
    owner = owner_with_account(app)
    token = start(owner, {**PROFILE, "name": "Taller Nuevo"})
    assert len(firms_in_account(app)) == 1
    assert "Taller Nuevo" in owner.get("/my").get_data(as_text=True)
    assert english(app).get(f"/a/{token}").status_code == 302  # the private link works as ever


def test_signing_up_refuses_a_taken_address_a_weak_or_mistyped_password_and_a_missing_token(app):
    owner_with_account(app, "rosa@example.org")
    client = english(app)
    taken = register(client, "Rosa@Example.org")
    assert taken.status_code == 400 and "exists already" in taken.get_data(as_text=True)
    weak = register(client, "otra@example.org", password="corta")
    assert weak.status_code == 400 and "At least 10 characters" in weak.get_data(as_text=True)
    mistyped = register(client, "otra@example.org", confirm="otra contraseña distinta")
    assert mistyped.status_code == 400 and "not the same" in mistyped.get_data(as_text=True)
    forged = client.post(
        "/register", data={"name": "X", "email": "x@example.org", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert forged.status_code == 400
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM users").fetchone() == (1,)


def test_many_sign_ups_from_one_address_wait(app):
    app.config["LOGIN_ATTEMPTS_PER_ADDRESS"] = 2
    client = english(app)
    assert register(client, "a@example.org").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/my").data)})
    assert register(client, "b@example.org").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/my").data)})
    third = register(client, "c@example.org")
    assert third.status_code == 429 and "Too many accounts" in third.get_data(as_text=True)


def test_a_wrong_link_or_a_consultants_key_attaches_nothing(app):
    rosa = consultant(app, "rosa@example.org")
    consultant_key = key_of(new_client(rosa, "Cliente De Rosa"))
    owner = owner_with_account(app)
    for link in ["no es un enlace", "https://encuesta.example.org/a/AAAAAAAAAAAAAAAAAAAAAAAA", consultant_key]:
        response = attach(owner, link)
        assert response.status_code == 400 and "opens no assessment" in response.get_data(as_text=True)
    assert firms_in_account(app) == []


def test_pasting_links_is_throttled(app):
    app.config["LOGIN_ATTEMPTS_PER_ADDRESS"] = 3
    token = submitted_assessment(app)
    owner = owner_with_account(app)
    for _ in range(3):
        attach(owner, "AAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    refused = attach(owner, token)  # even the right link waits
    assert refused.status_code == 429 and firms_in_account(app) == []


def test_removing_a_firm_from_the_account_ends_its_keys_but_not_its_link(app):
    token = submitted_assessment(app)
    owner = owner_with_account(app)
    attach(owner, token)
    page = owner.get("/my")
    assessment_id = re.search(r"/my/assessments/(\d+)/open", page.get_data(as_text=True)).group(1)
    opened = owner.post(f"/my/assessments/{assessment_id}/open", data={"csrf_token": csrf_token(page.data)})
    key = key_of(opened.headers["Location"])
    firm_id = firms_in_account(app)[0][0]
    removed = owner.post(f"/my/firms/{firm_id}/detach", data={"csrf_token": csrf_token(page.data)})
    assert removed.status_code == 302 and firms_in_account(app) == []
    assert owner.get(f"/a/{key}/results").status_code == 404
    assert english(app).get(f"/a/{token}/results").status_code == 200


def test_another_owner_opens_nothing_of_a_firm_not_in_their_account(app):
    token = submitted_assessment(app)
    first = owner_with_account(app, "primera@example.org")
    attach(first, token)
    with app.app_context():
        assessment_id, firm_id = get_db().execute("SELECT id, firm_id FROM assessments").fetchone()
    second = owner_with_account(app, "segunda@example.org")
    page = second.get("/my")
    assert "Taller Rosa" not in page.get_data(as_text=True)
    form = {"csrf_token": csrf_token(page.data)}
    assert second.post(f"/my/assessments/{assessment_id}/open", data=form).status_code == 404
    assert second.post(f"/my/firms/{firm_id}/detach", data=form).status_code == 404
    assert len(firms_in_account(app)) == 1  # still the first owner's
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM assessment_keys").fetchone() == (0,)


def test_an_owner_logs_in_to_their_firms(app):
    owner_with_account(app, "rosa@example.org")
    client = english(app)
    response = log_in(client, email="rosa@example.org")
    assert response.headers["Location"] == "/my"


def test_the_owner_sees_the_accounts_that_keep_the_firm_and_removes_one(app):
    token = submitted_assessment(app)
    eve = owner_with_account(app, "eve@example.org")
    attach(eve, token)
    owner = english(app)
    page = owner.get(f"/a/{token}/consultants")
    assert "eve@example.org" in page.get_data(as_text=True)
    eve_id = firms_in_account(app)[0][1]
    removed = owner.post(f"/a/{token}/accounts/{eve_id}/remove", data={"csrf_token": csrf_token(page.data)})
    assert removed.status_code == 302 and firms_in_account(app) == []
    assert "eve@example.org" not in owner.get(f"/a/{token}/consultants").get_data(as_text=True)


def test_a_new_private_link_ends_the_accounts_kept_with_the_old_one(app):
    rosa = consultant(app, "rosa@example.org")
    new_client(rosa, "Cliente De Rosa")
    with app.app_context():
        assessment_id = get_db().execute("SELECT id FROM assessments").fetchone()[0]
    page = rosa.get("/portfolio")
    made = rosa.post(f"/portfolio/assessments/{assessment_id}/owner-link", data={"csrf_token": csrf_token(page.data)})
    first = re.search(r"/a/([A-Za-z0-9_-]{20,})", made.get_data(as_text=True)).group(1)
    eve = owner_with_account(app, "eve@example.org")
    attach(eve, first)
    assert len(firms_in_account(app)) == 1
    rosa.post(f"/portfolio/assessments/{assessment_id}/owner-link", data={"csrf_token": csrf_token(page.data)})
    assert firms_in_account(app) == []
    assert "Cliente De Rosa" not in eve.get("/my").get_data(as_text=True)


def test_an_invited_address_cannot_be_taken_by_signing_up(app):
    add_user(app, email="admin@example.org", role="admin")
    admin = english(app)
    log_in(admin, email="admin@example.org")
    invite(admin, "luis@example.org")
    taken = register(english(app), "luis@example.org")
    assert taken.status_code == 400 and "exists already" in taken.get_data(as_text=True)
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM users").fetchone() == (1,)
