"""Invitations by e-mail: what goes over the wire to an SMTP server, and what the admin sees when it fails."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import closed_port, smtp_server
from test_accounts import PASSWORD, add_user, english, invitation_path, invite, log_in, soup_of

from survey.web.mail import MailNotSent, expiry_text, invitation_message, send

SENDER = "Diagnóstico <encuesta@example.org>"
SMTP_PASSWORD = "clave-del-servidor-smtp"


def use_server(app, port: int, **settings) -> None:
    """Send the app's e-mail to a server on 127.0.0.1; STARTTLS off, as the test server has none."""
    app.config.update(
        {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False, "MAIL_FROM": SENDER, "MAIL_TIMEOUT": 2}
        | {"BASE_URL": "http://localhost"}
        | settings
    )


def logged_in_admin(app):
    add_user(app, role="admin")
    admin = english(app)
    log_in(admin)
    return admin


def invitation_count(app) -> int:
    with sqlite3.connect(app.config["DATABASE"]) as db:
        return db.execute("SELECT count(*) FROM invitations").fetchone()[0]


def expiry_of(app) -> str:
    with sqlite3.connect(app.config["DATABASE"]) as db:
        return db.execute("SELECT expires_at FROM invitations").fetchone()[0]


def notice(response) -> str:
    """Return what the page says about the invitation, above its link."""
    return soup_of(response).select_one("section.invited").get_text(" ", strip=True)


def test_an_invitation_goes_by_e_mail_with_its_link_and_the_page_still_shows_it(app):
    """The SMTP server receives one message to the invited address, with the link the page shows."""
    admin = logged_in_admin(app)
    with smtp_server(auth=True) as server:
        use_server(app, server.port, MAIL_USERNAME="encuesta", MAIL_PASSWORD=SMTP_PASSWORD)
        response = invite(admin, "luis@example.org")
    assert response.status_code == 200
    assert "Invitation sent to luis@example.org." in notice(response)
    path = invitation_path(response)
    link = soup_of(response).select_one("section.invited textarea").get_text().strip()

    assert server.logins == [("encuesta", SMTP_PASSWORD)]
    [received] = server.received
    assert (received.sender, received.recipients) == ("encuesta@example.org", ["luis@example.org"])
    message = received.message
    assert message["To"] == "luis@example.org" and message["From"] == SENDER
    assert message["Reply-To"] == "ana@example.org"  # the admin who invited
    assert message["Subject"] == "Su invitación al Diagnóstico de preparación / Your invitation to the readiness survey"
    body = message.get_content()
    assert body.count(link) == 2  # in Spanish, then in English
    assert body.index("le ha invitado") < body.index("has invited you")
    assert body.count("Ana Quispe (ana@example.org)") == 2
    assert "como consultor." in body and "as consultant." in body
    expires_at = expiry_of(app)
    assert f"hasta el {expiry_text(expires_at, 'es')}." in body and f"until {expiry_text(expires_at, 'en')}." in body
    assert SMTP_PASSWORD.encode() not in received.raw and PASSWORD not in body  # the login is not in the message
    assert english(app).get(path).status_code == 200  # the link works


@pytest.mark.parametrize(
    "failure", ["connection refused", "server silent", "recipient refused", "no STARTTLS"]
)  # fmt: skip
def test_an_e_mail_that_cannot_be_sent_leaves_the_invitation_and_its_link(app, caplog, failure):
    """Refused, timed out, or refused by the server: the link is shown, the page says so, the log says why."""
    admin = logged_in_admin(app)
    options = {"server silent": {"silent": True}, "recipient refused": {"refuse_recipients": True}}
    with smtp_server(**options.get(failure, {})) as server:
        port = closed_port() if failure == "connection refused" else server.port
        use_server(app, port, MAIL_TIMEOUT=0.5)
        if failure == "no STARTTLS":
            app.config["MAIL_USE_TLS"] = True
        response = invite(admin, "luis@example.org")
    assert response.status_code == 200
    assert server.received == []
    assert "The e-mail to luis@example.org could not be sent." in notice(response)
    assert "Invitation sent" not in notice(response)
    assert soup_of(response).select_one("section.invited .flash.error[role=alert]") is not None
    path = invitation_path(response)
    assert english(app).get(path).status_code == 200  # the invitation was made all the same
    [warning] = [record for record in caplog.records if "invitation e-mail" in record.getMessage()]
    assert warning.levelname == "WARNING" and "luis@example.org" in warning.getMessage()
    assert path.rsplit("/", 1)[1] not in caplog.text  # the token stays out of the log


def test_without_a_mail_server_nothing_is_attempted_and_the_page_is_as_before(app):
    """MAIL_SERVER empty (the default): no connection, and the page says nothing about e-mail."""
    admin = logged_in_admin(app)
    with smtp_server() as server:
        app.config.update(MAIL_PORT=server.port, MAIL_USE_TLS=False, MAIL_FROM=SENDER)
        assert app.config["MAIL_SERVER"] == ""
        response = invite(admin, "luis@example.org")
    assert response.status_code == 200 and invitation_path(response).startswith("/invitation/")
    assert server.connections == 0
    assert notice(response) == (
        "Invitation ready Send this link to the person you invited. It works once, for 7 days. "
        + soup_of(response).select_one("section.invited textarea").get_text().strip()
    )


# --------------------------------------------------------------------------- header injection


def message_to(app, to: str = "luis@example.org", **inviter):
    with app.app_context():
        return invitation_message(
            app.config,
            to=to,
            link="https://encuesta.example.org/invitation/abc",
            role="manager",
            inviter_name=inviter.get("name", "Ana Quispe"),
            inviter_email=inviter.get("email", "ana@example.org"),
            expires_at="2026-12-02T14:03:00+00:00",
        )


@pytest.mark.parametrize(
    "address", ["luis@example.org\r\nBcc: eve@example.org", "luis@example.org\nBcc: eve@example.org",
                "eve@example.org, luis@example.org", "Eve <eve@example.org>"],
)  # fmt: skip
def test_an_address_that_would_add_headers_or_recipients_is_refused(app, address):
    """The recipient must be one bare address: a line break or a list never reaches the message."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_FROM=SENDER)
    with pytest.raises(MailNotSent, match="not an address"):
        message_to(app, address)


@pytest.mark.parametrize(
    "sender", ["encuesta@example.org\r\nBcc: eve@example.org", "Diagnóstico", "a@example.org, b@example.org"]
)
def test_a_sender_setting_that_is_not_one_address_is_refused(app, sender):
    """MAIL_FROM with a line break, no address or two addresses makes no message."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_FROM=sender)
    with pytest.raises(MailNotSent):
        message_to(app)


def test_the_inviter_s_name_and_address_cannot_add_headers(app):
    """A line break in the admin's name or address is a space in the body; the address gets no Reply-To."""
    app.config.update(MAIL_FROM=SENDER)
    with smtp_server() as server:
        use_server(app, server.port)
        message = message_to(app, name="Ana\r\nBcc: eve@example.org", email="ana@example.org\nBcc: eve@example.org")
        send(app.config, message)
    [received] = server.received
    assert received.recipients == ["luis@example.org"]
    assert "Bcc" not in received.message and "Reply-To" not in received.message
    assert sorted(received.message.keys()) == sorted(
        ["From", "To", "Subject", "Date", "Message-ID", "Content-Language", "Content-Type",
         "Content-Transfer-Encoding", "MIME-Version"]
    )  # fmt: skip
    assert (
        "Ana Bcc: eve@example.org (ana@example.org Bcc: eve@example.org) le ha invitado"
        in received.message.get_content()
    )


def test_a_newline_in_the_invited_address_is_refused_by_the_form(app):
    """The page refuses such an address before any invitation or e-mail is made."""
    admin = logged_in_admin(app)
    with smtp_server() as server:
        use_server(app, server.port)
        response = invite(admin, "luis@example.org\r\nBcc: eve@example.org")
    assert response.status_code == 400
    assert server.connections == 0 and invitation_count(app) == 0
