"""The private link's page: the whole link to keep, and ways to send it to oneself."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from helpers import start
from test_owner import soup_of


def test_the_link_page_shows_the_whole_link_and_ways_to_send_it(en):
    """The link sits in a wrapping field, with WhatsApp and e-mail links that carry it whole."""
    token = start(en)
    soup = soup_of(en.get(f"/a/{token}/link"))
    link = f"http://localhost/a/{token}"
    field = soup.select_one("textarea#resume-link")
    assert field.get_text().strip() == link and field.has_attr("readonly")
    assert soup.find("label", attrs={"for": "resume-link"}).get_text(strip=True) == "Private link"
    whatsapp = urlsplit(soup.find("a", string="WhatsApp")["href"])
    assert (whatsapp.scheme, whatsapp.netloc) == ("https", "wa.me")
    assert parse_qs(whatsapp.query)["text"][0].endswith(link)
    mail = urlsplit(soup.find("a", string="E-mail")["href"])
    assert mail.scheme == "mailto" and parse_qs(mail.query)["body"][0].endswith(link)
    # The buttons need the script: without it they stay hidden, and the field is there to select.
    assert soup.select_one("[data-share-buttons]").has_attr("hidden")
    assert soup.select_one("[data-copy]").get_text(strip=True) == "Copy the link"


def test_the_link_page_is_in_spanish_by_default(client):
    """The new words of the page come from the Spanish catalog."""
    token = start(client)
    soup = soup_of(client.get(f"/a/{token}/link"))
    assert soup.select_one("[data-copy]").get_text(strip=True) == "Copiar el enlace"
    assert soup.find("a", string="Correo") is not None
