"""Accounts: creating them, logging in and out, throttled guesses, sessions that end, invitations."""

from __future__ import annotations

import functools
import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import csrf_token

from survey import create_app
from survey.store import users as store
from survey.web.database import get_db
from survey.web.passwords import hash_password

PASSWORD = "cuatro palabras juntas"


@pytest.fixture
def client(app):
    """A visitor who reads English, so that the tests can quote the messages."""
    return english(app)


def english(app):
    """A new visitor (a device of its own) who chose English."""
    visitor = app.test_client()
    visitor.set_cookie("lang", "en")
    return visitor


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@functools.cache
def hashed(password: str) -> str:
    """The stored form of a password, made once per test run: scrypt is slow on purpose."""
    return hash_password(password)


def add_user(app, email: str = "ana@example.org", role: str = "consultant", password: str = PASSWORD) -> int:
    with app.app_context():
        return store.create_user(get_db(), email, role, hashed(password), name="Ana Quispe")


def log_in(client, email: str = "ana@example.org", password: str = PASSWORD, **headers):
    page = client.get("/login")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_token(page.data)}, **headers
    )


def refusal(response) -> str:
    found = soup_of(response).select_one("p.flash.error")
    return found.get_text(strip=True) if found else ""


# --------------------------------------------------------------------------- the command


def test_create_user_reads_the_password_from_standard_input(app, runner):
    result = runner.invoke(args=["create-user", "Ana@Example.org", "--role", "admin", "--name", "Ana"], input=PASSWORD)
    assert result.exit_code == 0, result.output
    assert "Created the admin account Ana@Example.org" in result.output
    with app.app_context():
        row = store.user_by_email(get_db(), "ana@example.org")  # any letter case finds it
    assert (row["role"], row["name"]) == ("admin", "Ana")
    assert PASSWORD not in row["password_hash"] and row["password_hash"].startswith("scrypt:")
    assert log_in(english(app), "ana@example.org").status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [("corta", "Use at least 10 characters."), ("ana@example.org", "Do not use your e-mail address")],
)
def test_create_user_refuses_a_weak_password(app, runner, password, message):
    result = runner.invoke(args=["create-user", "ana@example.org", "--role", "consultant"], input=password)
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        assert store.user_by_email(get_db(), "ana@example.org") is None


def test_create_user_refuses_a_second_account_for_an_address(app, runner):
    add_user(app)
    result = runner.invoke(args=["create-user", "ANA@example.org", "--role", "owner"], input=PASSWORD)
    assert result.exit_code != 0 and "exists already" in result.output


def test_create_user_takes_no_password_on_the_command_line(runner):
    result = runner.invoke(args=["create-user", "--help"])
    assert "--password" not in result.output and "Example: flask --app survey create-user" in result.output


# --------------------------------------------------------------------------- logging in and out


def test_login_opens_the_account_page_with_a_logout_button_on_every_page(app, client):
    add_user(app)
    response = log_in(client)
    assert (response.status_code, response.headers["Location"]) == (302, "/portfolio")  # a consultant's clients
    for path in ("/account", "/", "/start"):
        header = soup_of(client.get(path)).select_one("header nav.account")
        assert "Ana Quispe" in header.get_text()
        logout = header.find("form")
        assert (
            logout["method"] == "post"
            and logout["action"] == "/logout"
            and logout.find("input", {"name": "csrf_token"})
        )
    response = client.post("/logout", data={"csrf_token": csrf_token(client.get("/account").data)})
    assert response.status_code == 302
    assert client.get("/account").status_code == 302  # back to the login page


def test_logout_is_a_post_with_a_form_token(app, client):
    add_user(app)
    log_in(client)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token: refused
    assert client.get("/account").status_code == 200  # still logged in


def test_login_goes_back_to_the_page_asked_for_but_never_off_the_site(app, client):
    add_user(app)
    page = client.get("/account")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")
    login_page = client.get("/login")
    data = {"email": "ana@example.org", "password": PASSWORD, "csrf_token": csrf_token(login_page.data)}
    assert client.post("/login?next=//evil.example/x", data=data).headers["Location"] == "/portfolio"


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(app):
    add_user(app)
    wrong = log_in(english(app), password="no es la contraseña")
    unknown = log_in(english(app), email="nadie@example.org")
    assert wrong.status_code == unknown.status_code == 400
    assert refusal(wrong) == refusal(unknown) == "Wrong e-mail or password."


def test_the_login_form_needs_its_token(app, client):
    add_user(app)
    response = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_login_starts_a_fresh_session(app, client):
    """Nothing planted in a session before the login survives it (no session fixation)."""
    add_user(app)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    log_in(client)
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("_user_id")
        assert session.permanent


def test_a_session_left_unused_ends(app, client):
    add_user(app)
    log_in(client)
    assert client.get("/account").status_code == 200
    with client.session_transaction() as session:
        session["seen"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 1
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "after a while without use" in soup_of(client.get("/login")).get_text()


def test_an_inactive_account_cannot_log_in(app):
    user_id = add_user(app)
    with sqlite3.connect(app.config["DATABASE"]) as db:
        db.execute("UPDATE users SET is_active = 0 WHERE id = ?", [user_id])
    assert refusal(log_in(english(app))) == "Wrong e-mail or password."


# --------------------------------------------------------------------------- throttling


def test_guesses_against_one_account_wait_even_with_the_right_password(app):
    add_user(app)
    limit = app.config["LOGIN_ATTEMPTS_PER_ACCOUNT"]
    for _ in range(limit):
        assert log_in(english(app), password="adivinanza equivocada").status_code == 400
    refused = log_in(english(app))
    assert refused.status_code == 429
    assert refusal(refused) == "Too many attempts to log in. Try again in 15 minutes."
    with app.app_context():
        assert store.user_by_email(get_db(), "ana@example.org")["last_login_at"] is None


def test_a_successful_login_clears_the_account_count(app):
    add_user(app)
    limit = app.config["LOGIN_ATTEMPTS_PER_ACCOUNT"]
    for _ in range(limit - 1):
        log_in(english(app), password="adivinanza equivocada")
    assert log_in(english(app)).status_code == 302
    for _ in range(limit - 1):
        assert log_in(english(app), password="adivinanza equivocada").status_code == 400


def test_one_address_trying_many_accounts_waits(app):
    app.config["LOGIN_ATTEMPTS_PER_ADDRESS"] = 4
    statuses = [log_in(english(app), email=f"u{i}@example.org").status_code for i in range(6)]
    assert statuses == [400] * 4 + [429] * 2
    # Another address is not held back.
    other = log_in(english(app), email="u9@example.org", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 400


def test_a_room_sharing_one_address_logs_in_many_times_without_waiting(app):
    """Successful logins do not count against the address: a workshop's consultants share one."""
    app.config["LOGIN_ATTEMPTS_PER_ADDRESS"] = 3
    for number in range(6):
        add_user(app, email=f"c{number}@example.org")
        assert log_in(english(app), email=f"c{number}@example.org").status_code == 302
    # Wrong passwords still do.
    statuses = [log_in(english(app), email="c0@example.org", password="mal").status_code for _ in range(4)]
    assert statuses == [400] * 3 + [429]


def guess(database: str, secret: str, tries: int, results) -> None:
    """One worker process: its own app on the shared database, making wrong guesses."""
    app = create_app({"DATABASE": database, "SECRET_KEY": secret})
    client = app.test_client()
    for _ in range(tries):
        results.put(log_in(client, password="adivinanza equivocada").status_code)


def test_the_limit_holds_across_worker_processes(app):
    """Two processes guess at once against one account: together they get the limit, not twice it."""
    add_user(app)
    limit = app.config["LOGIN_ATTEMPTS_PER_ACCOUNT"]
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    workers = [spawn.Process(target=guess, args=(app.config["DATABASE"], "test", limit, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    statuses = [results.get(timeout=120) for _ in range(2 * limit)]
    for worker in workers:
        worker.join(timeout=30)
    assert sorted(statuses) == [400] * limit + [429] * limit


# --------------------------------------------------------------------------- passwords


def change(client, current: str, new: str, confirm: str | None = None):
    page = client.get("/account/password")
    data = {"current": current, "password": new, "confirm": new if confirm is None else confirm}
    return client.post("/account/password", data=data | {"csrf_token": csrf_token(page.data)})


def test_changing_the_password_ends_the_other_sessions(app):
    add_user(app)
    laptop, phone = english(app), english(app)
    log_in(laptop)
    log_in(phone)
    assert change(laptop, "no es la actual", "una nueva contraseña larga").status_code == 400
    assert change(laptop, PASSWORD, "una nueva contraseña larga", "otra distinta").status_code == 400
    assert change(laptop, PASSWORD, "corta").status_code == 400
    response = change(laptop, PASSWORD, "una nueva contraseña larga")
    assert (response.status_code, response.headers["Location"]) == (302, "/account")
    assert laptop.get("/account").status_code == 200  # the session that changed it goes on
    assert phone.get("/account").status_code == 302  # the other one is logged out
    assert log_in(english(app), password=PASSWORD).status_code == 400
    assert log_in(english(app), password="una nueva contraseña larga").status_code == 302


# --------------------------------------------------------------------------- invitations and the admin page


def invite(client, email: str, role: str = "consultant"):
    page = client.get("/admin/users")
    return client.post(
        "/admin/users", data={"email": email, "role": role, "programme": "", "csrf_token": csrf_token(page.data)}
    )


def invitation_path(response) -> str:
    link = soup_of(response).select_one("section.invited textarea").get_text().strip()
    return "/" + link.split("/", 3)[3]


def accept(client, path: str, name: str = "Luis Mamani", password: str = "una contraseña segura"):
    page = client.get(path)
    return client.post(
        path, data={"name": name, "password": password, "confirm": password, "csrf_token": csrf_token(page.data)}
    )


def test_an_invitation_link_works_once(app):
    add_user(app, role="admin")
    admin = english(app)
    log_in(admin)
    response = invite(admin, "luis@example.org")
    assert response.status_code == 200
    path = invitation_path(response)
    assert path.startswith("/invitation/")
    invited = english(app)
    page = invited.get(path)
    assert "luis@example.org" in page.get_data(as_text=True) and "consultant" in page.get_data(as_text=True)
    assert accept(invited, path).headers["Location"] == "/portfolio"  # an invited consultant starts on their clients
    assert "Luis Mamani" in soup_of(invited.get("/account")).get_text()
    assert english(app).get(path).status_code == 404  # spent
    late = english(app)
    data = {"name": "Otro", "password": "otra contraseña larga", "confirm": "otra contraseña larga"}
    assert late.post(path, data=data | {"csrf_token": csrf_token(late.get("/login").data)}).status_code == 404
    accounts = soup_of(admin.get("/admin/users")).select("section[aria-labelledby=accounts-heading] tbody tr")
    assert any("luis@example.org" in row.get_text() for row in accounts)


def test_an_expired_invitation_link_does_not_work(app):
    add_user(app, role="admin")
    app.config["INVITATION_DAYS"] = 0
    admin = english(app)
    log_in(admin)
    path = invitation_path(invite(admin, "luis@example.org"))
    assert english(app).get(path).status_code == 404
    assert english(app).get("/invitation/not-a-token").status_code == 404


def test_an_invitation_for_an_address_with_an_account_is_refused(app):
    add_user(app, role="admin")
    admin = english(app)
    log_in(admin)
    response = invite(admin, "ANA@example.org")
    assert response.status_code == 400 and "exists already" in response.get_data(as_text=True)
    assert invite(admin, "not an address").status_code == 400


@pytest.mark.parametrize("role", ["consultant", "manager", "owner"])
def test_only_an_admin_opens_the_accounts_page(app, role):
    add_user(app, role=role)
    client = english(app)
    assert client.get("/admin/users").status_code == 302  # anonymous: asked to log in
    log_in(client)
    response = client.get("/admin/users")
    assert response.status_code == 403 and "ana@example.org" not in response.get_data(as_text=True)
    assert invite(client, "x@example.org").status_code in (400, 403)
    with app.app_context():
        assert store.user_by_email(get_db(), "x@example.org") is None
    with sqlite3.connect(app.config["DATABASE"]) as db:
        assert db.execute("SELECT count(*) FROM invitations").fetchone() == (0,)


def test_accounts_pages_are_in_spanish(app):
    add_user(app)
    client = app.test_client()
    assert "Iniciar sesión" in soup_of(client.get("/login")).h1.get_text()
    log_in(client)
    assert soup_of(client.get("/account")).h1.get_text() == "Su cuenta"


def test_the_database_file_holds_no_password(app, tmp_path):
    add_user(app)
    assert PASSWORD.encode() not in Path(app.config["DATABASE"]).read_bytes()


def test_logging_out_ends_a_copied_session_cookie_too(app, client):
    add_user(app)
    log_in(client)
    copied = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/account").data)})
    thief = english(app)
    thief.set_cookie("session", copied)
    assert thief.get("/account").status_code == 302


def test_a_session_ends_after_its_lifetime_even_when_used(app, client):
    add_user(app)
    log_in(client)
    with client.session_transaction() as session:
        assert session["seen"] and session["started"]  # stamped at login, not at the next request
        session["started"] -= app.permanent_session_lifetime.total_seconds() + 1
    assert client.get("/account").status_code == 302


def test_guesses_at_the_current_password_are_throttled(app, client):
    add_user(app)
    log_in(client)
    limit = app.config["LOGIN_ATTEMPTS_PER_ACCOUNT"]
    statuses = [change(client, "no es la actual", "una nueva contraseña larga").status_code for _ in range(limit + 1)]
    assert statuses == [400] * limit + [429]
    assert change(client, PASSWORD, "una nueva contraseña larga").status_code == 429  # even the right one waits


def test_behind_a_trusted_proxy_each_client_address_is_counted_apart(app):
    app.config["LOGIN_ATTEMPTS_PER_ADDRESS"] = 2
    trusted = create_app({"DATABASE": app.config["DATABASE"], "SECRET_KEY": "test", "TRUSTED_PROXIES": 1})
    trusted.config["LOGIN_ATTEMPTS_PER_ADDRESS"] = 2

    def attempt(application, forwarded: str) -> int:
        visitor = english(application)
        return log_in(visitor, email="x@example.org", headers={"X-Forwarded-For": forwarded}).status_code

    # Behind nginx every request comes from 127.0.0.1: one attacker must not lock out the others.
    assert [attempt(trusted, "203.0.113.7") for _ in range(3)] == [400, 400, 429]
    assert attempt(trusted, "198.51.100.9") == 400
    # Without a trusted proxy, the header is anyone's to forge and is not believed.
    assert [attempt(app, f"192.0.2.{i}") for i in range(3)] == [400, 400, 429]
