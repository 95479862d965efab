"""The action plan: actions chosen from the recommendations, at most seven under way, who, by when, how far."""

from __future__ import annotations

from datetime import date, timedelta

from bs4 import BeautifulSoup
from helpers import csrf_token
from test_owner import answer_all, submit
from test_sharing import submitted_for


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def add_start_here(client, token: str):
    page = client.get(f"/a/{token}/plan")
    form = soup_of(page).select("form[action$='/plan/add']")[0]
    data = [("csrf_token", csrf_token(page.data))] + [
        ("recommendation", i["value"]) for i in form.select("input[name=recommendation]")
    ]
    from werkzeug.datastructures import MultiDict

    return client.post(f"/a/{token}/plan/add", data=MultiDict(data))


def test_the_start_here_actions_make_the_first_plan(en):
    token = submitted_for(en)
    results = soup_of(en.get(f"/a/{token}/results"))
    start_here = [li.select_one(".what").get_text() for li in results.select("ol.actions.start li")]
    assert results.find("a", href=f"/a/{token}/plan") is not None
    assert "No action chosen yet" in soup_of(en.get(f"/a/{token}/plan")).get_text()
    assert add_start_here(en, token).status_code == 302
    plan = soup_of(en.get(f"/a/{token}/plan"))
    assert [li.select_one(".what").get_text() for li in plan.select("ol.plan li")] == start_here
    assert f"{len(start_here)} actions under way, of at most 7" in plan.get_text()


def test_no_more_than_seven_actions_are_under_way(en, app):
    token = submitted_for(en)
    add_start_here(en, token)
    page = en.get(f"/a/{token}/plan")
    offered = [i["value"] for i in soup_of(page).select("ol.actions input[name=recommendation]")]
    for recommendation in offered[:5]:
        en.post(f"/a/{token}/plan/add", data={"recommendation": recommendation, "csrf_token": csrf_token(page.data)})
    plan = soup_of(en.get(f"/a/{token}/plan"))
    assert len(plan.select("ol.plan li")) == 7
    assert "At most 7 actions at a time" in plan.get_text()


def test_an_action_gets_who_by_when_and_how_far_and_shows_when_overdue(en):
    token = submitted_for(en)
    add_start_here(en, token)
    page = en.get(f"/a/{token}/plan")
    item = soup_of(page).select_one("ol.plan li")
    form = item.find("form")
    prefix = form.find("input", {"name": lambda n: n and n.endswith("-responsible")})["name"].rsplit("-", 1)[0]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    data = {
        f"{prefix}-csrf_token": csrf_token(page.data),
        f"{prefix}-responsible": "Juana, la encargada",
        f"{prefix}-due": yesterday,
        f"{prefix}-status": "in_progress",
        f"{prefix}-notes": "Pedimos presupuesto.",
    }
    assert en.post(form["action"], data=data).status_code == 302
    saved = soup_of(en.get(f"/a/{token}/plan")).select_one(f"li#{item['id']}")
    assert (
        "overdue" in saved["class"] and "Juana, la encargada" in saved.get_text() and "In progress" in saved.get_text()
    )
    data[f"{prefix}-status"] = "done"
    en.post(form["action"], data=data)
    done = soup_of(en.get(f"/a/{token}/plan")).select_one(f"li#{item['id']}")
    assert "overdue" not in done["class"] and "status-done" in done["class"]


def test_one_firm_cannot_touch_another_firms_plan(en, app):
    mine = submitted_for(en, "Mía")
    other = app.test_client()
    theirs = submitted_for(other, "Ajena")
    add_start_here(other, theirs)
    their_form = soup_of(other.get(f"/a/{theirs}/plan")).select_one("ol.plan li form")
    action_id = their_form["action"].rsplit("/", 1)[1]
    page = en.get(f"/a/{mine}/plan")
    data = {f"a{action_id}-csrf_token": csrf_token(page.data), f"a{action_id}-status": "dropped"}
    assert en.post(f"/a/{mine}/plan/{action_id}", data=data).status_code == 404
    # A recommendation the results do not offer is refused.
    tampered = en.post(
        f"/a/{mine}/plan/add", data={"recommendation": "no_such_action", "csrf_token": csrf_token(page.data)}
    )
    assert tampered.status_code == 400


def test_the_results_and_the_follow_up_say_how_far_the_plan_is(en):
    token = submitted_for(en)
    add_start_here(en, token)
    page = en.get(f"/a/{token}/plan")
    form = soup_of(page).select_one("ol.plan li form")
    prefix = form["action"].rsplit("/", 1)[1]
    en.post(form["action"], data={f"a{prefix}-csrf_token": csrf_token(page.data), f"a{prefix}-status": "done"})
    summary = soup_of(en.get(f"/a/{token}/results")).select_one(".plan-summary").get_text(" ", strip=True)
    assert "1 done" in summary and "actions under way" in summary
    # The follow-up carries the firm's plan: what was done shows there too.
    page = en.get(f"/a/{token}/results")
    new = en.post(f"/a/{token}/follow-up", data={"csrf_token": csrf_token(page.data)}).headers["Location"].split("/")[2]
    answer_all(en, new)
    submit(en, new)
    plan = soup_of(en.get(f"/a/{new}/plan"))
    done = plan.select("li.status-done .what")
    assert len(done) == 1 and " " in done[0].get_text() and "rec_" not in done[0].get_text()  # its text, not its id
