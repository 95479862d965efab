"""E-mail through the SMTP server of the settings: the invitation to create an account."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Mapping
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from babel.dates import format_date, format_time

from ..reports.labels import words
from .account_forms import ROLE_NAMES


class MailNotSent(Exception):
    """A message the SMTP server did not take; the text says why, never what the message held."""


def mail_configured(config: Mapping) -> bool:
    """Whether the settings name an SMTP server to send e-mail through."""
    return bool(config["MAIL_SERVER"])


def mail_languages(config: Mapping) -> list[str]:
    """Return the languages an e-mail is written in: the default one first, then the others offered.

    The person invited has no account yet, hence no language of their own, and the admin's
    says nothing about theirs. A Peruvian programme writes to its consultants in Spanish but
    works with partners' staff who read English: every offered language, Spanish first.
    """
    default = config["BABEL_DEFAULT_LOCALE"]
    return [default] + [code for code in config["LANGUAGES"] if code != default]


def expiry_text(expires_at: str, language: str) -> str:
    """Return an expiry moment as a language writes it, e.g. "25 de noviembre de 2026, 14:03 UTC".

    In UTC, and saying so: the site has no time zone of its own, and a bare date could be a day
    off for the reader.
    """
    moment = datetime.fromisoformat(expires_at)
    return f"{format_date(moment, 'long', locale=language)}, {format_time(moment, 'HH:mm', locale=language)} UTC"


def invitation_message(
    config: Mapping, *, to: str, link: str, role: str, inviter_name: str, inviter_email: str, expires_at: str
) -> EmailMessage:
    """Return the plain-text invitation to `to`, in every offered language; replies go to the inviter.

    Raise MailNotSent when the recipient or MAIL_FROM is not a single address: a line break or
    a comma in one would otherwise add headers or recipients.
    """
    languages = mail_languages(config)
    inviter = " ".join(inviter_name.split()) or inviter_email  # one line, whatever was stored
    if inviter != inviter_email:
        inviter = f"{inviter} ({' '.join(inviter_email.split())})"
    subjects, bodies = [], []
    for language in languages:
        say = words(language)
        subjects.append(say("Your invitation to the readiness survey"))
        invited = say(
            "%(inviter)s has invited you to create an account on the readiness survey, as %(role)s.",
            inviter=inviter,
            role=say(ROLE_NAMES[role]).lower(),
        )
        expiry = say(
            "The link works once, until %(expiry)s. If you were not expecting this invitation, "
            "you can ignore this message.",
            expiry=expiry_text(expires_at, language),
        )
        opening = say("To create it, open this link and choose a password:")
        bodies.append(f"{say('Hello,')}\n\n{invited}\n\n{opening}\n{link}\n\n{expiry}\n")
    message = EmailMessage()
    try:
        message["From"] = config["MAIL_FROM"]
        message["To"] = Address(addr_spec=to)
    except ValueError as error:  # EmailMessage and Address refuse line breaks and lists
        raise MailNotSent(f"not an address for an e-mail header: {error}") from error
    # An admin made on the command line may have an address no mail reaches: then no Reply-To.
    with contextlib.suppress(ValueError):
        message["Reply-To"] = Address(addr_spec=inviter_email)
    sender = message["From"].addresses
    if len(sender) != 1 or not sender[0].domain:
        raise MailNotSent(f"MAIL_FROM is not one address: {config['MAIL_FROM']!r}")
    message["Subject"] = " / ".join(subjects)
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid(domain=sender[0].domain)
    # Quoted-printable keeps every line short and ASCII, for relays that refuse 8-bit text.
    message.set_content("\n---\n\n".join(bodies), cte="quoted-printable")
    message["Content-Language"] = ", ".join(languages)  # after set_content, which drops Content- headers
    return message


def send(config: Mapping, message: EmailMessage) -> None:
    """Hand a message to the SMTP server of the settings; raise MailNotSent when it does not take it."""
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), float(config["MAIL_TIMEOUT"])
    try:
        if config["MAIL_USE_SSL"]:
            server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                # Raises when the server offers no STARTTLS: the password and the link never go in clear.
                server.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                # str(): a SURVEY_ variable made only of digits is read as a number.
                server.login(str(config["MAIL_USERNAME"]), str(config["MAIL_PASSWORD"]))
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:  # refused, timed out, TLS failed, or the server said no
        raise MailNotSent(f"{type(error).__name__}: {error}") from error
