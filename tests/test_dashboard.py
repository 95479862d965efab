"""The programme dashboard: figures against hand-computed ones, the privacy rule, filters, access.

Firms are stored with chosen scores (as the demo stores its firms), so that every figure can
be worked out by hand: quartiles as Excel's QUARTILE.INC gives them.
"""

from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import pytest
from bs4 import BeautifulSoup
from helpers import csrf_token
from hypothesis import given, settings
from hypothesis import strategies as st
from test_owner import answer_all, submit
from test_portfolio import key_of, new_client
from test_programmes import account
from test_versions import V1, V2, Site, load_questionnaire_from, small, take

from survey.core import cohorts as figures
from survey.core.benchmarks import quantile
from survey.core.scoring import PillarScore, Scores, ThemeScore, level_for
from survey.core.synthetic import generate
from survey.store import assessments as store
from survey.store import cohorts, users
from survey.store.connection import write
from survey.store.scores import store_scores
from survey.store.verification import save_checks
from survey.web.database import get_db, registry

K_TEXT = "fewer than 5 firms"


def questionnaire(app):
    with app.app_context():
        return registry().current[app.config["DEFAULT_QUESTIONNAIRE"]]


def scores_of(q, overall: float, **theme_scores: float) -> Scores:
    """Scores with `overall` on every dimension, except the themes named (and their pillars' means)."""
    pillars = []
    for pillar in q.pillars:
        themes = tuple(ThemeScore(t.id, theme_scores.get(t.id, overall), ()) for t in pillar.themes)
        scored = [t.score for t in themes if t.score is not None]  # None: the theme does not apply
        mean = sum(scored) / len(scored)
        level = level_for(pillar.levels, mean)
        pillars.append(PillarScore(pillar.id, mean, level and level.id, themes))
    level = level_for(q.levels, overall)
    return Scores(q.id, q.version, overall, level and level.id, tuple(pillars))


def add_firm(app, name, sector, overall, *, size="micro", region="Lima", programme=None, stamp="2026-03-01T10:00:00",
             demo=0, **themes):  # fmt: skip
    """Store a firm with one submitted assessment of these scores; return the firm's id."""
    with app.app_context():
        db = get_db()
        programme_id = users.ensure_programme(db, programme) if programme else None
        with write(db):
            profile = {"name": name, "sector": sector, "size": size, "region": region, "year_founded": 2010}
            firm_id = store.insert_firm(db, profile, stamp, is_demo=demo)
            db.execute("UPDATE firms SET programme_id = ? WHERE id = ?", [programme_id, firm_id])
        resubmit(app, firm_id, overall, stamp=stamp, demo=demo, **themes)
    return firm_id


def resubmit(app, firm_id, overall, *, stamp="2027-03-01T10:00:00", demo=0, **themes):
    """Store another submitted assessment of a firm, as its latest."""
    q = questionnaire(app)
    scores = scores_of(q, overall, **themes)
    with app.app_context():
        db = get_db()
        with write(db):
            firm = db["firms"].get(firm_id)
            assessment_id = store.insert_assessment(
                db, firm_id, store.new_token(), q, stamp, status="submitted", period=f"{stamp[:4]}-H1",
                scores_json=json.dumps(scores.to_dict()), overall=overall, is_demo=demo, submitted_at=stamp,
            )  # fmt: skip
            store_scores(db, {**firm, "id": assessment_id, "firm_id": firm_id}, scores, f"{stamp[:4]}-H1", demo)
    return assessment_id


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def table_row(page: BeautifulSoup, caption: str, heading: str) -> list[str]:
    """The cells of the row headed `heading` in the table with this caption."""
    table = page.find("caption", string=caption).find_parent("table")
    for row in table.find_all("tr"):
        head = row.find("th")
        if head is not None and head.get_text(strip=True) == heading:
            return [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
    raise AssertionError(f"no row {heading!r} in {caption!r}")


@pytest.fixture
def admin(app):
    return account(app, "admin@example.org", "admin")


@pytest.fixture
def six_and_four(app):
    """Six wood firms scoring 10 to 60 overall, four food firms scoring 70: a group too small to show."""
    for number, overall in enumerate((10, 20, 30, 40, 50, 60)):
        add_firm(app, f"Madera {number}", "wood_furniture", overall, programme="SCORE Lima")
    for number in range(4):
        add_firm(app, f"Alimentos Secreto {number}", "food_beverages", 70, programme="SCORE Lima")


# --------------------------------------------------------------------------- the figures


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=1, max_size=60), st.sampled_from(figures.QUANTILES))
def test_quantiles_from_counts_are_the_linear_quantiles_of_the_scores(tenths, share):
    counts = np.bincount(np.array(tenths), minlength=1001)
    found = figures._quantiles(counts)[figures.QUANTILES.index(share)]
    assert found == pytest.approx(quantile(sorted(t / 10 for t in tenths), share))


def test_an_older_layout_lines_up_by_dimension_id():
    older = np.array([[500, 200, 300]], dtype=np.int16)  # overall, a theme both keep, a theme dropped since
    aligned = figures.align(older, ["overall", "kept", "dropped"], ["overall", "new", "kept"])
    assert aligned.tolist() == [[500, -1, 200]]


def test_spreads_match_the_hand_computed_quartiles(app, admin, six_and_four):
    page = soup(admin.get("/programme/dashboard?sector=wood_furniture"))
    # 10, 20, 30, 40, 50, 60: quartiles at positions (n-1)·p = 1.25, 2.5, 3.75 between neighbours.
    # Six firms give no 10th and 90th percentiles (they come from 2k = 10 firms) and no mean, ever.
    assert table_row(page, "Scores (0-100) per pillar and theme", "Overall") == ["6", "—", "22.5", "35.0", "47.5", "—"]
    assert page.select_one(".view-count").get_text(strip=True) == "6 firms"
    everyone = soup(admin.get("/programme/dashboard"))
    # All ten: 10 … 60 and four 70s: 10th percentile at 0.9: 10 + 0.9·10; lower quartile at 2.25:
    # 30 + 0.25·10; median (50 + 60) / 2; upper quartile and 90th percentile among the 70s.
    assert table_row(everyone, "Scores (0-100) per pillar and theme", "Overall") == [
        "10", "19.0", "32.5", "55.0", "70.0", "70.0",
    ]  # fmt: skip


def test_a_group_of_four_never_shows_a_figure(app, admin, six_and_four):
    page = soup(admin.get("/programme/dashboard"))
    food = table_row(page, "Median theme scores (0-100) by sector", "Food and beverages")
    assert food == [K_TEXT, K_TEXT]
    # With food the only sector hidden, the ten firms of the view less the six in wood would tell
    # food's count: wood is hidden too.
    assert table_row(page, "Median theme scores (0-100) by sector", "Wood and furniture") == [K_TEXT, K_TEXT]
    for number in range(3):
        add_firm(app, f"Obra {number}", "construction", 40)
    again = soup(admin.get("/programme/dashboard"))
    wood = table_row(again, "Median theme scores (0-100) by sector", "Wood and furniture")
    assert wood[0] == "6" and wood[1] == "35.0"  # two sectors hidden: their sum is all one learns
    assert table_row(again, "Median theme scores (0-100) by sector", "Construction") == [K_TEXT, K_TEXT]
    alone = soup(admin.get("/programme/dashboard?sector=food_beverages"))
    text = alone.get_text(" ", strip=True)
    assert alone.select_one(".view-count").get_text(strip=True) == K_TEXT
    assert "70.0" not in text and "Scores (0-100) per pillar and theme" not in text
    assert not alone.select(".chart") and "4 firms" not in text
    download = admin.get("/programme/dashboard.csv?sector=food_beverages").get_data(as_text=True)
    assert "70" not in download and f"Firms,{K_TEXT}" in download


def test_no_firm_name_reaches_the_dashboard(app, admin, six_and_four):
    for path in ("/programme/dashboard", "/programme/dashboard.csv", "/programme/dashboard?sector=food_beverages"):
        text = admin.get(path).get_data(as_text=True)
        assert "Madera" not in text and "Secreto" not in text


def test_level_shares_are_worked_out_from_the_scores(app, admin):
    q = questionnaire(app)
    assert [(lv.name["en"], lv.min) for lv in q.levels] == [
        ("Beginner", 0), ("Basic", 25), ("Intermediate", 50), ("Advanced", 75),
    ]  # fmt: skip
    # Five beginners, five at 49.96 (basic on their results page, though 50.0 to a tenth) and two
    # intermediates: 5/12 = 42% basic; intermediate (2 firms) hidden, and with it the smallest
    # other level, or 100% less the rest would tell it.
    for number, overall in enumerate([10] * 5 + [49.96] * 5 + [60] * 2):
        add_firm(app, f"Firma {number}", "agriculture", overall)
    page = soup(admin.get("/programme/dashboard"))
    assert table_row(page, "Share of firms at each level", "Overall") == [
        "12", f"Beginner: {K_TEXT} · Basic: 42% · Intermediate: {K_TEXT} · Advanced: 0%",
    ]  # fmt: skip
    for number in range(3):
        add_firm(app, f"Otra {number}", "agriculture", 60)
    more = soup(admin.get("/programme/dashboard"))  # 5, 5 and 5 of 15
    assert table_row(more, "Share of firms at each level", "Overall")[1] == (
        "Beginner: 33% · Basic: 33% · Intermediate: 33% · Advanced: 0%"
    )


def test_room_ranks_themes_by_weight_times_gap(app, admin):
    q = questionnaire(app)
    digital, green = q.pillars[0], q.pillars[1]
    low, lower = digital.themes[0], green.themes[1]
    for number in range(5):
        add_firm(app, f"Firma {number}", "construction", 60, **{low.id: 10, lower.id: 20})
    page = soup(admin.get("/programme/dashboard"))
    room = page.find("caption", string="Themes by room to improve, most first").find_parent("table")
    rows = [[c.get_text(strip=True) for c in row.find_all(["th", "td"])] for row in room.find("tbody").find_all("tr")]

    def weight(pillar, theme):
        return pillar.weight / sum(p.weight for p in q.pillars) * theme.weight / sum(t.weight for t in pillar.themes)

    # Room = weight × (100 − median): 90 and 80 points of gap, then 40 for every other theme.
    expected = sorted([(weight(digital, low) * 90, low, "10.0"), (weight(green, lower) * 80, lower, "20.0")],
                      key=lambda found: -found[0])  # fmt: skip
    assert [row[0] for row in rows[:2]] == [theme.title["en"] for _, theme, _ in expected]
    assert rows[0][2] == expected[0][2] and rows[0][4] == f"{expected[0][0]:.1f}"
    assert all(float(row[4]) <= float(rows[1][4]) for row in rows[2:])


def test_a_theme_scored_by_fewer_than_five_firms_shows_no_figure(app, admin):
    q = questionnaire(app)
    theme = q.pillars[2].themes[0]
    for number in range(6):
        add_firm(app, f"Firma {number}", "retail_wholesale", 50, **({theme.id: None} if number < 2 else {}))
    page = soup(admin.get("/programme/dashboard"))
    assert table_row(page, "Scores (0-100) per pillar and theme", theme.title["en"]) == [K_TEXT]
    assert table_row(page, "Scores (0-100) per pillar and theme", "Overall")[0] == "6"
    cells = table_row(page, "Median theme scores (0-100) by sector", "Retail and wholesale")
    themes = [t.id for t in q.themes]
    assert cells[0] == "6" and cells[1 + themes.index(theme.id)] == K_TEXT
    room = page.find("caption", string="Themes by room to improve, most first").find_parent("table")
    assert theme.title["en"] not in room.get_text()


def test_the_paired_change_counts_only_firms_with_a_baseline(app, admin):
    q = questionnaire(app)
    theme = q.pillars[0].themes[0]
    for number in range(5):
        size = "small" if number == 0 else "micro"
        firm = add_firm(app, f"Taller {number}", "metal_products", 40 + number, size=size, **{theme.id: 20})
        resubmit(app, firm, 50 + 2 * number, **{theme.id: 30 + number})
    add_firm(app, "Nuevo", "metal_products", 90)  # no baseline: not in the change
    page = soup(admin.get("/programme/dashboard"))
    assert "Among the 5 firms of this view with an earlier assessment" in page.get_text(" ", strip=True)
    # Overall: 40…44 → 50…58, changes 10, 11, 12, 13, 14.
    assert table_row(page, "Paired change, in points", "Overall") == ["5", "42.0", "54.0", "+12.0"]
    assert table_row(page, "Paired change, in points", theme.title["en"]) == ["5", "20.0", "32.0", "+12.0"]
    # The micro firms: five in the view (Nuevo too), four with a baseline: no change shown.
    few = soup(admin.get("/programme/dashboard?size=micro"))
    assert few.select_one(".view-count").get_text(strip=True) == "5 firms"
    assert "Firms with an earlier assessment: fewer than 5 firms" in few.get_text(" ", strip=True)
    assert not few.find("caption", string="Paired change, in points")


def test_a_period_shows_each_firms_last_assessment_in_it(app, admin):
    firms = [add_firm(app, f"Firma {n}", "agriculture", 10 * (n + 1)) for n in range(5)]  # 2026-H1
    for firm in firms:
        resubmit(app, firm, 90)  # 2027-H1
    latest = soup(admin.get("/programme/dashboard"))
    assert table_row(latest, "Scores (0-100) per pillar and theme", "Overall")[3] == "90.0"
    baseline = soup(admin.get("/programme/dashboard?period=2026-H1"))
    assert table_row(baseline, "Scores (0-100) per pillar and theme", "Overall")[3] == "30.0"
    periods = [o["value"] for o in baseline.select("#period option")]
    assert periods == ["", "2027-H1", "2026-H1"]


# --------------------------------------------------------------------------- who sees what


def test_a_manager_sees_only_their_programme(app, six_and_four):
    for number in range(5):
        add_firm(app, f"Otra {number}", "wood_furniture", 99, programme="Otro programa")
    manager = account(app, "gestora@example.org", "manager", "SCORE Lima")
    page = soup(manager.get("/programme/dashboard"))
    assert page.select_one(".view-count").get_text(strip=True) == "10 firms"
    assert not page.select("#programme")  # no choice of programme
    with app.app_context():
        other = get_db().execute("SELECT id FROM programmes WHERE name = 'Otro programa'").fetchone()[0]
    asked = soup(manager.get(f"/programme/dashboard?programme={other}"))
    assert asked.select_one(".view-count").get_text(strip=True) == "10 firms"
    assert "99.0" not in manager.get(f"/programme/dashboard.csv?programme={other}").get_data(as_text=True)
    add_firm(app, "Antigua", "wood_furniture", 20, programme="Otro programa", stamp="2025-02-01T10:00:00")
    periods = [o["value"] for o in soup(manager.get("/programme/dashboard")).select("#period option")]
    assert periods == ["", "2026-H1"]  # not the other programme's 2025
    stranger = account(app, "otro@example.org", "manager", "Tercer programa")
    assert soup(stranger.get("/programme/dashboard")).select_one(".view-count").get_text(strip=True) == K_TEXT
    admin = account(app, "admin@example.org", "admin")
    assert (
        soup(admin.get(f"/programme/dashboard?programme={other}")).select_one(".view-count").get_text(strip=True)
        == "6 firms"  # its five, and Antigua
    )


@pytest.mark.parametrize("role", ["consultant", "owner"])
def test_only_managers_and_administrators_open_the_dashboard(app, role, six_and_four):
    visitor = account(app, f"{role}@example.org", role)
    for path in ("/programme/dashboard", "/programme/dashboard.csv"):
        assert visitor.get(path).status_code == 403
    anonymous = app.test_client()
    for path in ("/programme/dashboard", "/programme/dashboard.csv"):
        assert anonymous.get(path).status_code == 302


def test_a_manager_with_no_programme_is_told_so(app, six_and_four):
    manager = account(app, "sin@example.org", "manager")
    assert "belongs to no programme" in manager.get("/programme/dashboard").get_data(as_text=True)
    assert manager.get("/programme/dashboard.csv").status_code == 404


def test_demo_firms_count_only_on_a_demonstration_site(app, admin):
    for number in range(5):
        add_firm(app, f"Demo {number}", "agriculture", 50, demo=1)
    assert soup(admin.get("/programme/dashboard")).select_one(".view-count").get_text(strip=True) == K_TEXT
    app.config["DEMO"] = True
    assert soup(admin.get("/programme/dashboard")).select_one(".view-count").get_text(strip=True) == "5 firms"


@pytest.mark.parametrize(
    "query",
    ["sector=<script>", "size=huge", "region=Atlantis", "period=1999-H9", "version=99999999999999999999",
     "programme=abc", "basis=guess", "version=²"],
)  # fmt: skip
def test_odd_filters_are_ignored(app, admin, six_and_four, query):
    page = soup(admin.get(f"/programme/dashboard?{query}"))
    assert page.select_one(".view-count").get_text(strip=True) == "10 firms"


def test_the_download_holds_the_tables_of_the_view(app, admin, six_and_four):
    answer = admin.get("/programme/dashboard.csv?sector=wood_furniture")
    assert answer.mimetype == "text/csv" and "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert ["Sector", "Wood and furniture"] in rows and ["Firms", "6"] in rows
    assert ["Overall", "6", "", "22.5", "35.0", "47.5", ""] in rows


def test_the_page_speaks_spanish(app, six_and_four):
    admin = account(app, "admin@example.org", "admin")
    admin.set_cookie("lang", "es")
    text = admin.get("/programme/dashboard?sector=food_beverages").get_data(as_text=True)
    assert "menos de 5 empresas" in text and "Regla de privacidad" in text


# --------------------------------------------------------------------------- kept up to date


def test_rows_kept_by_submissions_and_checks_equal_rebuilt_ones(app):
    """Submissions through the pages, one firm twice in a period, a check: then a rebuild changes nothing."""
    rosa = account(app, "rosa@example.org", "consultant", "SCORE Lima")
    for name in ("Carpintería Uno", "Panadería Dos"):
        key = key_of(new_client(rosa, name))
        answer_all(rosa, key)
        assert submit(rosa, key).status_code == 302
    with app.app_context():
        db = get_db()
        firm_id = db.execute("SELECT id FROM firms WHERE name = 'Panadería Dos'").fetchone()[0]
    resubmit(app, firm_id, 30, stamp="2027-02-01T10:00:00")
    resubmit(app, firm_id, 40, stamp="2027-03-01T10:00:00")
    with app.app_context():
        db = get_db()
        first = db.execute("SELECT min(id) FROM assessments WHERE firm_id = ?", [firm_id]).fetchone()[0]
        q = registry().current[app.config["DEFAULT_QUESTIONNAIRE"]]
        declared = store.load_answers(db, first)
        # A consultant finds one choice answer a step lower than declared: the verified scores differ.
        question = next(
            q for q in q.questions.values() if q.type == "choice" and [o.value for o in q.options].index(
                declared.get(q.id, q.options[0].value)) > 0 and q.id in declared
        )  # fmt: skip
        values = [o.value for o in question.options]
        lower = values[values.index(declared[question.id]) - 1]
        verified = save_checks(
            db, q, first, {question.id: lower}, {}, users.user_by_email(db, "rosa@example.org")["id"]
        )
        assert verified.dimensions() != store.stored_scores(store.get_assessment(db, first)).dimensions()
        packed = db.execute("SELECT verified FROM cohort_scores WHERE assessment_id = ?", [first]).fetchone()[0]
        assert packed == cohorts.pack(verified, cohorts.layout(db, q.id, q.version))
        kept = cohorts.rows_held(db)
        with write(db):
            cohorts.rebuild_cohorts(db)
        assert cohorts.rows_held(db) == kept
        flags = db.execute(
            "SELECT is_latest, last_of_period, baseline_id = ?, verified IS NOT NULL FROM cohort_scores "
            "WHERE firm_id = ? ORDER BY assessment_id",
            [first, firm_id],
        ).fetchall()
    assert flags == [(0, 1, 1, 1), (0, 0, 1, 0), (1, 1, 1, 0)]


# --------------------------------------------------------------------------- versions


def test_before_anyone_answers_a_new_version_the_dashboard_shows_the_last_one_answered(tmp_path):
    site = Site(tmp_path)
    site.write(V1)
    first = site.app()
    for _ in range(5):
        take(first)
    site.write(V2)
    admin = account(site.app(), "admin@example.org", "admin")
    page = soup(admin.get("/programme/dashboard"))
    assert page.select_one(".view-count").get_text(strip=True) == "5 firms"
    assert [(o["value"], o.has_attr("selected")) for o in page.select("#version option")] == [("2", False), ("1", True)]
    assert soup(admin.get("/programme/dashboard?version=2")).select_one(".view-count").get_text(strip=True) == K_TEXT


def test_a_baseline_on_an_older_version_pairs_with_its_follow_up_by_theme(tmp_path):
    """Five firms take version 1, then a follow-up on version 2: the change compares the themes both keep."""
    site = Site(tmp_path)
    site.write(V1)
    first = site.app()
    tokens = [take(first) for _ in range(5)]  # tools: a spreadsheet (1 of 2) and a website: 75
    site.write(V2)
    second = site.app()
    owner = second.test_client()
    for token in tokens:  # the follow-up, on version 2: software (4 of 4), a website, the cloud: 100
        follow_up_v2(owner, token, load_questionnaire_from(second))
    admin = account(second, "admin@example.org", "admin")
    page = soup(admin.get("/programme/dashboard"))
    assert page.select_one(".view-count").get_text(strip=True) == "5 firms"
    # Version 2 asks about the cloud too: the change is shown, marked as partly the questions'.
    changed = "Tools v2(questions changed*)"
    assert table_row(page, "Paired change, in points", changed) == ["5", "75.0", "100.0", "+25.0"]
    assert "Some baselines answered an earlier version of the questionnaire (version 1)" in page.get_text(" ")
    csv_text = admin.get("/programme/dashboard.csv").get_data(as_text=True)
    assert "Tools v2 (questions changed),5,75.0,100.0,25.0" in csv_text
    assert [o["value"] for o in page.select("#version option")] == ["2", "1"]
    # Each firm counts once, at its latest assessment: version 2's.
    older = soup(admin.get("/programme/dashboard?version=1"))
    assert older.select_one("#version option[selected]")["value"] == "1"
    assert older.select_one(".view-count").get_text(strip=True) == K_TEXT


NEW_THEME = """\
      - id: cloud_theme
        title: {es: Nube, en: "Cloud v2"}
        questions:
          - id: cloud
            type: yesno
            label: {es: "¿Usa la nube?", en: "Do you use the cloud?"}
            source: Test source
            recommendations: []
"""


def test_a_theme_new_in_the_follow_ups_version_is_said_to_be_new_not_hidden(tmp_path):
    """The change of a theme no baseline had is not compared: said so, not taken for a small group."""
    site = Site(tmp_path)
    site.write(V1)
    first = site.app()
    tokens = [take(first) for _ in range(5)]
    site.write(small(version=2, tag="v2", extra=NEW_THEME))
    second = site.app()
    owner = second.test_client()
    for token in tokens:
        follow_up_v2(owner, token, load_questionnaire_from(second))
    admin = account(second, "admin@example.org", "admin")
    page = soup(admin.get("/programme/dashboard"))
    assert table_row(page, "Paired change, in points", "Cloud v2") == ["new in this version: not compared"]
    assert table_row(page, "Paired change, in points", "Tools v2")[0] == "5"  # the kept theme, compared
    assert "Cloud v2,new in this version: not compared" in admin.get("/programme/dashboard.csv").get_data(as_text=True)


def follow_up_v2(client, token, questionnaire) -> None:
    page = client.get(f"/a/{token}/results")
    response = client.post(f"/a/{token}/follow-up", data={"csrf_token": csrf_token(page.data)})
    new = re.fullmatch(r"/a/([^/]+)/link", response.headers["Location"]).group(1)
    answer_all(client, new, questionnaire, overrides={"accounts": "software", "website": "yes", "cloud": "yes"})
    assert submit(client, new).status_code == 302


def test_a_demo_firms_submission_through_the_pages_stays_demo(app, admin):
    """A follow-up a visitor submits for a demo firm counts only where the demo does."""
    q = questionnaire(app)
    item = next(generate(q, 1, seed=7))
    with app.app_context():
        db = get_db()
        with write(db):
            firm_id = store.insert_firm(db, item["firm"], "2026-01-01T10:00:00", is_demo=1)
            draft = store.insert_assessment(db, firm_id, store.new_token(), q, "2026-01-01T10:00:00", is_demo=1)
            store.insert_answers(db, draft, item["answers"])
        assert not store.submit_assessment(db, draft, q).missing
        assert db.execute("SELECT is_demo FROM cohort_scores WHERE assessment_id = ?", [draft]).fetchone() == (1,)
    assert soup(admin.get("/programme/dashboard")).select_one(".view-count").get_text(strip=True) == K_TEXT
