"""Read-only links to an assessment's results: made by its owner, seen by anyone with one, revoked at will."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from helpers import PROFILE, csrf_token, start
from test_owner import answer_all, seeded, submit  # noqa: F401 (seeded is a fixture)


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def submitted_for(client, name: str = PROFILE["name"]) -> str:
    token = start(client, {**PROFILE, "name": name})
    answer_all(client, token)
    submit(client, token)
    return token


def make_share(client, token: str) -> str:
    page = client.get(f"/a/{token}/share")
    response = client.post(f"/a/{token}/share", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 200
    link = soup_of(response).select_one("textarea.link").get_text().strip()
    return re.search(r"/s/[^/\s]+$", link).group(0)


def test_a_read_only_link_shows_the_results_and_nothing_that_changes_them(seeded, en, app):  # noqa: F811
    token = submitted_for(en)
    shared = make_share(en, token)
    viewer = app.test_client()
    viewer.set_cookie("lang", "en")
    page = viewer.get(shared)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store" and "noindex" in page.headers["X-Robots-Tag"]
    body = page.get_data(as_text=True)
    soup = soup_of(page)
    assert soup.h1.get_text(strip=True) == f"Results for {PROFILE['name']}"
    assert token not in body  # the private link never shows
    assert not soup.find("form")  # no follow-up, nothing to post
    assert not soup.find("a", href=re.compile(r"^/a/"))
    every = soup.find("a", href=f"{shared}/actions")
    assert every is not None and viewer.get(every["href"]).status_code == 200
    assert viewer.get(f"{shared}/actions").status_code == 200


def test_a_revoked_link_stops_working(seeded, en, app):  # noqa: F811
    token = submitted_for(en)
    shared = make_share(en, token)
    page = soup_of(en.get(f"/a/{token}/share"))
    stop = page.select_one("ul.shares form")
    response = en.post(stop["action"], data={"csrf_token": stop.find("input", {"name": "csrf_token"})["value"]})
    assert response.status_code == 302
    assert app.test_client().get(shared).status_code == 404
    assert "None: nobody can see" in soup_of(en.get(f"/a/{token}/share")).get_text()


def test_one_owner_cannot_revoke_another_owners_link(seeded, en, app):  # noqa: F811
    mine = submitted_for(en, "Mía")
    other = app.test_client()
    other.set_cookie("lang", "en")
    theirs = submitted_for(other, "Ajena")
    shared = make_share(other, theirs)
    share_id = soup_of(other.get(f"/a/{theirs}/share")).select_one("ul.shares form")["action"].split("/")[-2]
    token = csrf_token(en.get(f"/a/{mine}/share").data)
    assert en.post(f"/a/{mine}/share/{share_id}/revoke", data={"csrf_token": token}).status_code == 400
    assert app.test_client().get(shared).status_code == 200


def test_making_a_link_needs_the_form_token_and_a_submitted_assessment(seeded, en, app):  # noqa: F811
    token = submitted_for(en)
    assert en.post(f"/a/{token}/share").status_code == 400
    draft = start(en)
    assert en.get(f"/a/{draft}/share").status_code == 302  # a draft has no results to share yet
    assert app.test_client().get("/s/not-a-link").status_code == 404


def test_the_results_page_leads_to_the_read_only_links(seeded, en):  # noqa: F811
    token = submitted_for(en)
    link = soup_of(en.get(f"/a/{token}/results")).find("a", href=f"/a/{token}/share")
    assert link is not None and link.get_text(strip=True) == "Read-only links"
