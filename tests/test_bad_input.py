"""Bad input: every case gets a clear message or a 4xx status, and nothing is stored."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from helpers import PROFILE, app_serving, csrf_token, start
from test_owner import (
    READINESS,
    answer_all,
    assessment_row,
    form_data,
    number_of_question,
    post_section,
    query,
    soup_of,
    stored_answers,
    submit,
    text_of,
    valid_answers,
)

from survey.core.questionnaire import load_questionnaire
from survey.web import access

FULL = Path(__file__).parent / "questionnaires" / "valid" / "full.yaml"

NOT_FOUND = "We could not find this page or assessment"


def snapshot(app) -> tuple:
    """Everything an owner's input can change in the database."""
    return (
        query(app, "SELECT * FROM firms ORDER BY id"),
        query(app, "SELECT * FROM assessments ORDER BY id"),
        query(app, "SELECT * FROM answers ORDER BY assessment_id, question_id"),
        query(app, "SELECT * FROM scores ORDER BY assessment_id, dimension"),
    )


@pytest.fixture
def owner(app, en):
    """An owner who has answered the first page; returns the resume token."""
    token = start(en)
    assert post_section(en, token, 1, valid_answers(READINESS.sections[0])).status_code == 302
    return token


def section_of(question_id: str):
    number = number_of_question(READINESS, question_id)
    return number, READINESS.sections[number - 1]


def post_bad(client, token: str, question_id: str, value, **extra):
    """Post a page of valid answers except one."""
    number, section = section_of(question_id)
    return post_section(client, token, number, valid_answers(section, **{question_id: value}), **extra)


def error_of(response, question_id: str) -> str:
    block = soup_of(response).select_one(f"#question-{question_id}")
    assert block is not None, question_id
    errors = block.select_one("ul.errors")
    assert errors is not None, f"no message for {question_id}"
    return errors.get_text(" ", strip=True)


# --------------------------------------------------------------------------- answers


def test_an_option_that_is_not_offered_is_refused(app, en, owner):
    before = snapshot(app)
    response = post_bad(en, owner, "dig_strategy_plan", "bribe")
    assert response.status_code == 400
    assert error_of(response, "dig_strategy_plan")
    assert "invalid" in soup_of(response).select_one("#question-dig_strategy_plan")["class"]
    assert snapshot(app) == before


def test_a_checklist_option_that_is_not_offered_is_refused(app, en, owner):
    before = snapshot(app)
    response = post_bad(en, owner, "dig_security", ("not_an_option",))
    assert response.status_code == 400
    assert error_of(response, "dig_security")
    assert snapshot(app) == before


def test_a_missing_required_answer_is_refused(app, en, owner):
    before = snapshot(app)
    response = post_bad(en, owner, "dig_records", None)
    assert response.status_code == 400
    assert error_of(response, "dig_records") == "Please answer this question."
    assert snapshot(app) == before


@pytest.mark.parametrize(
    "question_id, value, message",
    [
        ("wrk_hours", "500", "Enter a number of hours between 1 and 100."),
        ("wrk_hours", "0", "Enter a number of hours between 1 and 100."),
        ("wrk_hours", "100,5", "Enter a number of hours between 1 and 100."),
        ("wrk_workers", "0", "Enter a number between 1 and 250."),
    ],
)
def test_a_number_out_of_range_is_refused(app, en, owner, question_id, value, message):
    before = snapshot(app)
    response = post_bad(en, owner, question_id, value)
    assert response.status_code == 400
    assert error_of(response, question_id) == message
    # What was typed stays in the field, to correct it.
    assert soup_of(response).select_one(f'input[name="q-{question_id}"]')["value"] == value
    assert snapshot(app) == before


@pytest.mark.parametrize("value", ["abc", "12abc", "1e999", "nan", "12,5,3"])
def test_a_number_that_is_not_a_number_is_refused(app, en, owner, value):
    before = snapshot(app)
    response = post_bad(en, owner, "wrk_hours", value)
    assert response.status_code == 400
    assert "Please enter a number" in error_of(response, "wrk_hours")
    assert snapshot(app) == before


@pytest.mark.parametrize("typed, stored", [("12,5", 12.5), (" 40 ", 40), ("12.5", 12.5), ("1", 1)])
def test_numbers_with_a_decimal_comma_or_spaces_are_accepted(app, en, owner, typed, stored):
    response = post_bad(en, owner, "wrk_hours", typed)
    assert response.status_code == 302
    assert stored_answers(app, owner)["wrk_hours"] == stored
    number, _ = section_of("wrk_hours")
    page = en.get(f"/a/{owner}/section/{number}")
    assert soup_of(page).select_one('input[name="q-wrk_hours"]')["value"] == f"{stored:g}"


def test_a_typed_zero_is_stored_as_zero(tmp_path):
    """0 is an answer, not a blank: a number whose bounds allow it keeps it (readiness has none)."""
    full = load_questionnaire(FULL)
    app = app_serving(tmp_path, FULL)
    client = app.test_client()
    client.set_cookie("lang", "en")
    token = start(client)
    number = number_of_question(full, "staff_trained")
    section = full.sections[number - 1]
    for earlier in range(1, number):
        assert post_section(client, token, earlier, valid_answers(full.sections[earlier - 1])).status_code == 302
    assert post_section(client, token, number, valid_answers(section, staff_trained="0")).status_code == 302
    assert stored_answers(app, token)["staff_trained"] == 0
    page = client.get(f"/a/{token}/section/{number}")
    assert soup_of(page).select_one('input[name="q-staff_trained"]')["value"] == "0"


@pytest.mark.parametrize("typed", ["30", ""])
def test_does_not_apply_cannot_be_posted_for_a_number_that_does_not_allow_it(app, en, owner, typed):
    question = READINESS.questions["wrk_hours"]
    assert question.required and not question.allow_not_applicable
    number, section = section_of(question.id)
    page = en.get(f"/a/{owner}/section/{number}")
    assert not soup_of(page).select(f'input[name="q-{question.id}__na"]')  # the owner is never offered it
    before = snapshot(app)
    response = post_bad(en, owner, question.id, typed or None, **{f"q-{question.id}__na": "y"})
    if response.status_code == 302:
        assert stored_answers(app, owner)[question.id] == 30
    else:
        assert response.status_code == 400
        assert snapshot(app) == before


def test_an_exclusive_none_option_cannot_be_ticked_with_another(app, en, owner):
    question = READINESS.questions["dig_security"]
    exclusive = next(o for o in question.options if o.exclusive)
    other = next(o for o in question.options if not o.exclusive)
    before = snapshot(app)
    response = post_bad(en, owner, "dig_security", (other.value, exclusive.value))
    assert response.status_code == 400
    assert "cannot be ticked together" in error_of(response, "dig_security")
    assert READINESS.text(exclusive.label, "en") in error_of(response, "dig_security")
    assert snapshot(app) == before


def test_an_exclusive_option_alone_is_accepted(app, en, owner):
    question = READINESS.questions["dig_security"]
    exclusive = next(o for o in question.options if o.exclusive)
    response = post_bad(en, owner, "dig_security", (exclusive.value,))
    assert response.status_code == 302
    assert stored_answers(app, owner)["dig_security"] == (exclusive.value,)


def test_an_over_long_text_answer_is_refused(app, en, owner):
    before = snapshot(app)
    response = post_bad(en, owner, "wrk_obstacle", "x" * 2001)
    assert response.status_code == 400
    assert "2000" in error_of(response, "wrk_obstacle")
    assert snapshot(app) == before
    assert post_bad(en, owner, "wrk_obstacle", "x" * 2000).status_code == 302


def test_an_unknown_extra_field_is_refused(app, en, owner):
    before = snapshot(app)
    response = post_bad(en, owner, "dig_strategy_plan", "plan", **{"q-is_admin": "1"})
    assert response.status_code == 400
    assert "not part of this questionnaire. Nothing was saved." in text_of(response)
    assert snapshot(app) == before
    # A question of another page is unknown here too.
    response = post_bad(en, owner, "dig_strategy_plan", "plan", **{"q-wrk_hours": "40"})
    assert response.status_code == 400
    assert snapshot(app) == before


def test_a_field_posted_twice_keeps_one_answer_or_is_refused(app, en, owner):
    number, section = section_of("dig_strategy_plan")
    page = en.get(f"/a/{owner}/section/{number}")
    data = form_data(valid_answers(section), csrf_token(page.data))
    data["q-dig_strategy_plan"] = ["none", "reviewed"]
    response = en.post(f"/a/{owner}/section/{number}", data=data)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert stored_answers(app, owner)["dig_strategy_plan"] in ("none", "reviewed")


# --------------------------------------------------------------------------- CSRF


def test_csrf_protection_is_on_in_the_test_app(app, en):
    """A valid profile posted without its form's token is refused with 400 and stores no firm."""
    response = en.post("/start", data=PROFILE)
    assert response.status_code == 400
    assert query(app, "SELECT count(*) FROM firms") == [(0,)]
    assert query(app, "SELECT count(*) FROM assessments") == [(0,)]
    # The same profile with the token goes through: the token alone made the difference.
    page = en.get("/start")
    assert en.post("/start", data={**PROFILE, "csrf_token": csrf_token(page.data)}).status_code == 302
    assert query(app, "SELECT count(*) FROM firms") == [(1,)]


def test_a_section_post_without_csrf_token_is_refused(app, en, owner):
    before = snapshot(app)
    data = form_data(valid_answers(READINESS.sections[1]), token=None)
    response = en.post(f"/a/{owner}/section/2", data=data)
    assert response.status_code == 400
    assert snapshot(app) == before


def test_a_section_post_with_a_wrong_csrf_token_is_refused(app, en, owner):
    page = en.get(f"/a/{owner}/section/2")
    good = csrf_token(page.data)
    before = snapshot(app)
    for bad in ("x" + good[1:], secrets.token_urlsafe(40), ""):
        response = en.post(f"/a/{owner}/section/2", data=form_data(valid_answers(READINESS.sections[1]), bad))
        assert response.status_code == 400
    # A token from another browser's session is refused too.
    other = app.test_client()
    other_token = csrf_token(other.get("/start").data)
    response = en.post(f"/a/{owner}/section/2", data=form_data(valid_answers(READINESS.sections[1]), other_token))
    assert response.status_code == 400
    assert snapshot(app) == before


def test_profile_and_submit_posts_without_csrf_are_refused(app, en):
    response = en.post("/start", data=PROFILE)
    assert response.status_code == 400
    assert "Nothing was saved" in text_of(response)
    assert query(app, "SELECT count(*) FROM firms") == [(0,)]
    token = start(en)
    answer_all(en, token)
    before = snapshot(app)
    assert en.post(f"/a/{token}/submit", data={}).status_code == 400
    assert en.post(f"/a/{token}/submit", data={"csrf_token": "forged"}).status_code == 400
    assert snapshot(app) == before
    assert assessment_row(app, token)["status"] == "draft"


def test_an_expired_section_page_shows_the_typed_answers_again_and_saves_nothing(app, en, owner):
    number, section = section_of("dig_security")  # a page with a choice and a checklist
    assert number_of_question(READINESS, "dig_backup") == number
    post_section(en, owner, 2, valid_answers(READINESS.sections[1]))
    page = en.get(f"/a/{owner}/section/{number}")
    token = csrf_token(page.data)
    before = snapshot(app)
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is now older than its lifetime
    answers = valid_answers(section, dig_backup="automatic")
    response = en.post(f"/a/{owner}/section/{number}", data=form_data(answers, token))
    assert response.status_code == 400
    soup = soup_of(response)
    assert "expired" in soup.select_one(".flash.error").get_text()
    assert "not saved" in soup.select_one(".flash.error").get_text()
    checked = [i["value"] for i in soup.select('input[name="q-dig_backup"]') if i.has_attr("checked")]
    assert checked == ["automatic"]
    ticked = [i["value"] for i in soup.select('input[name="q-dig_security"]') if i.has_attr("checked")]
    assert ticked == list(answers["dig_security"])
    assert soup.h1.get_text(strip=True) == READINESS.text(section.title, "en")
    assert snapshot(app) == before
    # With a fresh page (a lifetime restored), pressing the button again saves.
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    response = en.post(f"/a/{owner}/section/{number}", data=form_data(answers, csrf_token(response.data)))
    assert response.status_code == 302
    assert stored_answers(app, owner)["dig_backup"] == "automatic"


def test_an_expired_profile_page_is_refused_with_a_message(app, en):
    page = en.get("/start")
    app.config["WTF_CSRF_TIME_LIMIT"] = -1
    response = en.post("/start", data={**PROFILE, "csrf_token": csrf_token(page.data)})
    assert response.status_code == 400
    assert "expired" in soup_of(response).h1.get_text()
    assert query(app, "SELECT count(*) FROM firms") == [(0,)]


# --------------------------------------------------------------------------- resume tokens


def bad_tokens(real: str) -> list[str]:
    changed = ("A" if real[5] != "A" else "B").join((real[:5], real[6:]))
    return [
        changed,
        real[:-1],
        real + "x",
        secrets.token_urlsafe(18),
        "A" * 5000,
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "..%2F..%2Fetc%2Fpasswd",
        "' OR '1'='1",
        "%00",
        "t%C3%B6ken",
    ]


@pytest.mark.parametrize("path", ["", "/link", "/section/1", "/review", "/results", "/actions"])
def test_a_tampered_resume_token_shows_a_clear_not_found_page(app, en, owner, path):
    before = snapshot(app)
    for bad in bad_tokens(owner):
        response = en.get(f"/a/{bad}{path}")
        assert response.status_code == 404, bad
        text = text_of(response)
        assert NOT_FOUND in text
        assert PROFILE["name"] not in text
        assert "<script>alert" not in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_a_tampered_resume_token_cannot_post_anything(app, en, owner):
    page = en.get(f"/a/{owner}/section/2")
    token = csrf_token(page.data)
    before = snapshot(app)
    for bad in bad_tokens(owner)[:4]:
        response = en.post(f"/a/{bad}/section/2", data=form_data(valid_answers(READINESS.sections[1]), token))
        assert response.status_code == 404
        assert en.post(f"/a/{bad}/submit", data={"csrf_token": token}).status_code == 404
        assert en.post(f"/a/{bad}/follow-up", data={"csrf_token": token}).status_code == 404
    assert snapshot(app) == before


def test_a_token_opens_only_its_own_assessment(app, en):
    first = start(en)
    second = start(en, {"name": "Textiles Cusco", "sector": "textiles_apparel"})
    section = READINESS.sections[0]
    post_section(en, first, 1, valid_answers(section, dig_strategy_plan="none"))
    post_section(en, second, 1, valid_answers(section, dig_strategy_plan="reviewed"))
    for token, value in ((first, "none"), (second, "reviewed")):
        page = soup_of(en.get(f"/a/{token}/section/1"))
        assert [i["value"] for i in page.select('input[name="q-dig_strategy_plan"]') if i.has_attr("checked")] == [
            value
        ]
        assert soup_of(en.get(f"/a/{token}/link")).select_one("#resume-link").get_text().endswith(f"/a/{token}")


@pytest.mark.parametrize("path", ["/a/{token}/section/99", "/a/{token}/section/0", "/a/nosuchtoken/section/1"])
def test_a_post_with_an_expired_form_to_a_page_that_does_not_exist_is_a_404(app, en, owner, path):
    before = snapshot(app)
    response = en.post(path.format(token=owner), data={"q-dig_strategy_plan": "plan"})
    assert response.status_code == 404
    assert NOT_FOUND in text_of(response)
    assert snapshot(app) == before


LOCKED = "This assessment has been submitted and can no longer be changed."


@pytest.mark.parametrize("expired", [False, True])
def test_a_stale_page_posted_after_submitting_changes_nothing(app, en, expired):
    """A section page opened before submitting and posted after leads to the results, saying it is locked."""
    token = start(en)
    answer_all(en, token)
    page = en.get(f"/a/{token}/section/1")
    assert submit(en, token).status_code == 302
    before = snapshot(app)
    if expired:
        app.config["WTF_CSRF_TIME_LIMIT"] = -1  # the page's form has expired too
    changed = valid_answers(READINESS.sections[0], dig_strategy_plan="reviewed")
    assert changed != {k: v for k, v in stored_answers(app, token).items() if k in changed}
    response = en.post(f"/a/{token}/section/1", data=form_data(changed, csrf_token(page.data)))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/a/{token}/results"
    assert LOCKED in text_of(en.get(response.headers["Location"]))
    assert snapshot(app) == before


def test_the_data_layer_refuses_a_save_the_view_thought_was_a_draft(app, en, monkeypatch):
    """A save racing a submit (the view read the row as a draft) is refused by the lock in the data layer."""
    token = start(en)
    answer_all(en, token)
    assert submit(en, token).status_code == 302
    before = snapshot(app)
    real_find = access.find_assessment

    def stale_find(db, token_):
        found = real_find(db, token_)
        return found and {**found, "status": "draft"}  # as read just before the submit landed

    monkeypatch.setattr(access, "find_assessment", stale_find)
    page = en.get(f"/a/{token}/section/1")
    assert page.status_code == 200  # the view believes the assessment is still a draft
    changed = valid_answers(READINESS.sections[0], dig_strategy_plan="reviewed")
    assert changed != {k: v for k, v in stored_answers(app, token).items() if k in changed}
    response = en.post(f"/a/{token}/section/1", data=form_data(changed, csrf_token(page.data)))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/a/{token}/results"
    assert snapshot(app) == before
    # Submitting again from the stale view is refused by the data layer too.
    response = en.post(f"/a/{token}/submit", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 302 and response.headers["Location"] == f"/a/{token}/results"
    assert snapshot(app) == before
    monkeypatch.undo()
    assert LOCKED in text_of(en.get(f"/a/{token}/results"))


# --------------------------------------------------------------------------- methods and pages


@pytest.mark.parametrize("path", ["submit", "follow-up"])
def test_a_get_that_would_change_data_is_refused(app, en, path):
    token = start(en)
    answer_all(en, token)
    before = snapshot(app)
    response = en.get(f"/a/{token}/{path}")
    assert response.status_code == 405
    assert "cannot be used that way. Nothing was changed." in text_of(response)
    assert snapshot(app) == before
    assert assessment_row(app, token)["status"] == "draft"
    assert submit(en, token).status_code == 302
    before = snapshot(app)
    assert en.get(f"/a/{token}/{path}").status_code == 405
    assert snapshot(app) == before


@pytest.mark.parametrize("number", [0, 11, 999])
def test_a_section_number_out_of_range_is_a_404(app, en, owner, number):
    assert len(READINESS.sections) == 10
    page = en.get(f"/a/{owner}/section/1")
    before = snapshot(app)
    assert en.get(f"/a/{owner}/section/{number}").status_code == 404
    response = en.post(
        f"/a/{owner}/section/{number}", data=form_data(valid_answers(READINESS.sections[0]), csrf_token(page.data))
    )
    assert response.status_code == 404
    assert NOT_FOUND in text_of(response)
    assert snapshot(app) == before


def test_a_section_number_that_is_not_a_number_is_a_404(en, owner):
    for number in ("-1", "two", "1.5"):
        assert en.get(f"/a/{owner}/section/{number}").status_code == 404


def test_a_body_larger_than_the_limit_is_refused_with_413(app, en, owner):
    page = en.get(f"/a/{owner}/section/2")
    before = snapshot(app)
    data = form_data(valid_answers(READINESS.sections[1]), csrf_token(page.data))
    data["q-dig_records"] = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = en.post(f"/a/{owner}/section/2", data=data)
    assert response.status_code == 413
    assert "Nothing was saved" in text_of(response)
    assert snapshot(app) == before
    response = en.post("/start", data={**PROFILE, "name": "y" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413
    assert snapshot(app) == before


# --------------------------------------------------------------------------- HTML injection

ATTACK = "<script>alert(1)</script>"


def test_a_firm_name_with_html_is_shown_escaped_everywhere(app, en):
    token = start(en, {"name": ATTACK})
    assert query(app, "SELECT name FROM firms") == [(ATTACK,)]
    answer_all(en, token)
    assert submit(en, token).status_code == 302
    response = en.get(f"/a/{token}/results")
    html = response.get_data(as_text=True)
    assert ATTACK not in html
    assert "<script>alert" not in html
    soup = soup_of(response)
    assert soup.h1.get_text(strip=True) == f"Results for {ATTACK}"
    # Inside the chart's JSON the name cannot close the script element, and plotly shows it as
    # written: its markup is escaped as entities, which plotly turns back into characters.
    data = soup.select_one("script[data-chart]")
    assert "</script" not in data.string
    figure = json.loads(data.string)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in [trace["name"] for trace in figure["data"]]
    # Every script element of the page is one the app wrote.
    for script in soup.find_all("script"):
        assert script.get("src") or script.get("type") == "application/json"
    actions = en.get(f"/a/{token}/actions").get_data(as_text=True)
    assert "<script>alert" not in actions


def test_a_text_answer_with_html_is_shown_escaped(app, en):
    token = start(en)
    answer_all(en, token, overrides={"wrk_obstacle": '<img src=x onerror="alert(1)">'})
    review = en.get(f"/a/{token}/review")
    assert "<img src=x" not in review.get_data(as_text=True)
    assert '<img src=x onerror="alert(1)">' in text_of(review)
    number, _ = section_of("wrk_obstacle")
    page = en.get(f"/a/{token}/section/{number}")
    assert "<img src=x" not in page.get_data(as_text=True)
    assert (
        soup_of(page).select_one('textarea[name="q-wrk_obstacle"]').get_text().strip()
        == '<img src=x onerror="alert(1)">'
    )


def test_a_second_click_on_submit_leads_quietly_to_the_results(app, en):
    """Submit pressed twice, or Back to the review page afterwards: the results, with no alarming message."""
    token = start(en)
    answer_all(en, token)
    page = en.get(f"/a/{token}/review")
    assert en.post(f"/a/{token}/submit", data={"csrf_token": csrf_token(page.data)}).status_code == 302
    before = snapshot(app)
    again = en.post(f"/a/{token}/submit", data={"csrf_token": csrf_token(page.data)})
    assert (again.status_code, again.headers["Location"]) == (302, f"/a/{token}/results")
    assert LOCKED not in text_of(en.get(again.headers["Location"]))
    back = en.get(f"/a/{token}/review")
    assert (back.status_code, back.headers["Location"]) == (302, f"/a/{token}/results")
    assert LOCKED not in text_of(en.get(back.headers["Location"]))
    assert snapshot(app) == before
