"""A programme manager's pages: the dashboard of the programme's firms in aggregate, which every
manager sees, and single firms, only where the programme lets its managers read answers.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from ..core.comparison import changed_dimensions
from ..core.profile import SECTORS, SIZES
from ..core.scoring import hidden_questions
from ..reports.dashboard import build_dashboard, dashboard_csv
from ..reports.progress import change_table
from ..store import assessments as store_assessments
from ..store import cohorts
from ..store import programmes as store
from ..store.selection import ExportFilter
from ..store.users import list_programmes
from .access import may_read_firm
from .accounts import requires
from .arguments import number, page_number
from .database import get_db, registry
from .language import gettext as _
from .language import say
from .section_page import language_for

bp = Blueprint("programme", __name__, url_prefix="/programme")
FILTERS = ("programme", "sector", "size", "region", "period", "version", "basis")


@bp.route("")
@requires("manager")
def firms():
    """Say what the manager's programme lets them see; list its firms when that includes answers."""
    db = get_db()
    programme = store.get_programme(db, current_user.programme_id) if current_user.programme_id else None
    found, held_back, search = store.FirmPage([], 0, 1, 1), 0, request.args.get("q", "").strip()[:100]
    if programme and programme["managers_see_answers"]:
        page = page_number(request.args.get("page"))
        found = store.find_firms(db, search, programme["id"], page=page, consenting_only=True)
        held_back = store.firms_held_back(db, programme["id"])
    return render_template(
        "programme/firms.html",
        programme=programme,
        firms=found.firms,
        total=found.total,
        held_back=held_back,
        search=search,
        page=found.page,
        pages=found.pages,
    )


@bp.route("/assessments/<int:assessment_id>")
@requires("manager", "admin", "consultant")
def assessment(assessment_id: int):
    """Show a submitted assessment's scores (declared and verified) and every declared answer, read-only.

    As the owner's results page does: the scores a consultant's check gives, not their notes.
    """
    db = get_db()
    found = store_assessments.get_assessment(db, assessment_id)
    if found is None or found["status"] != "submitted" or not may_read_firm(found["firm_id"]):
        abort(404)
    questionnaire = registry().get(db, found["questionnaire_id"], found["questionnaire_version"])
    language = language_for(questionnaire)
    declared_scores = store_assessments.stored_scores(found)
    verified_scores = store_assessments.verified_scores(found)
    table = change_table(
        questionnaire, declared_scores, questionnaire, verified_scores or declared_scores, say(), say().language
    )
    answers = store_assessments.load_answers(db, assessment_id)
    return render_template(
        "programme/assessment.html",
        assessment=found,
        questionnaire=questionnaire,
        language=language,
        table=table,
        verified=verified_scores is not None,
        answers=answers,
        hidden=hidden_questions(questionnaire, answers),
    )


def dashboard_view() -> tuple[dict, dict]:
    """Read the filters of the query string (anything unknown is ignored) and build the view's figures.

    A manager sees their own programme's firms; an administrator every firm, or one programme's.
    """
    args, db, config = request.args, get_db(), current_app.config
    programme_list = list_programmes(db) if current_user.role == "admin" else []
    if current_user.role == "admin":
        programme_id = number(args.get("programme"))
        programme_id = programme_id if any(p["id"] == programme_id for p in programme_list) else None
    else:
        programme_id = current_user.programme_id
    reach = ExportFilter(programme_id=programme_id, include_demo=config["DEMO"])  # whose periods and versions
    questionnaire = registry().current[config["DEFAULT_QUESTIONNAIRE"]]
    held = cohorts.versions(db, questionnaire.id, reach)
    offered = sorted(set(held) | {questionnaire.version}, reverse=True)
    # By default the current version, or, until anyone has answered it, the newest one answered.
    version = number(args.get("version"))
    if version not in offered:
        version = questionnaire.version if questionnaire.version in held or not held else held[0]
    if version != questionnaire.version:
        questionnaire = registry().get(db, questionnaire.id, version)
    periods = cohorts.periods(db, questionnaire.id, questionnaire.version, reach)
    chosen = {
        "programme": programme_id,
        "sector": args.get("sector") if args.get("sector") in SECTORS else None,
        "size": args.get("size") if args.get("size") in SIZES else None,
        "region": args.get("region") if args.get("region") in config["REGIONS"] else None,
        "period": args.get("period") if args.get("period") in periods else None,
        "version": questionnaire.version,
        "basis": "verified" if args.get("basis") == "verified" else "declared",
    }
    filters = ExportFilter(
        chosen["sector"], chosen["size"], chosen["region"], chosen["period"], programme_id, config["DEMO"]
    )
    verified = chosen["basis"] == "verified"
    rows = cohorts.read_rows(db, questionnaire.id, questionnaire.version, filters, verified)
    pairs = cohorts.read_pairs(db, questionnaire.id, questionnaire.version, filters, verified)
    k = config["PRIVACY_MIN_GROUP"]
    # Baselines on an earlier version: which scores asked other questions then (core.comparison).
    earlier = sorted(v for v in pairs.by_baseline_version if v != questionnaire.version)
    changed = frozenset().union(
        *(changed_dimensions(registry().get(db, questionnaire.id, v), questionnaire) for v in earlier)
    )
    figures = build_dashboard(questionnaire, rows, pairs, k, say(), say().language, changed) | {"earlier": earlier}
    words = say()
    options = {  # each filter's choices as (value, label)
        "programmes": [(p["id"], p["name"]) for p in programme_list],
        "sectors": [(code, words(label)) for code, label in SECTORS.items()],
        "sizes": [(code, words(label)) for code, label in SIZES.items()],
        "regions": [(region, region) for region in config["REGIONS"]],
        "periods": [(period, _("Last assessment in %(period)s", period=period)) for period in periods],
        "versions": [(v, str(v)) for v in offered],
        "bases": [("declared", _("Self-declared")), ("verified", _("Verified by a consultant (firms checked)"))],
    }
    context = {"chosen": chosen, "options": options, "questionnaire": questionnaire}
    return figures, context | {"described": described(context)}


@bp.route("/dashboard")
@requires("manager", "admin")
def dashboard():
    """The programme's firms in aggregate, filtered: spreads, sector medians, levels, room and change."""
    if current_user.role == "manager" and not current_user.programme_id:
        return render_template("programme/dashboard.html", view=None)
    view, context = dashboard_view()
    query = {name: value for name, value in request.args.items() if name in FILTERS and value}
    return render_template("programme/dashboard.html", view=view, query=query, **context)


@bp.route("/dashboard.csv")
@requires("manager", "admin")
def dashboard_download():
    """The dashboard's tables as one CSV, under the same privacy rule: no figure for fewer than k firms."""
    if current_user.role == "manager" and not current_user.programme_id:
        abort(404)
    view, context = dashboard_view()
    return Response(
        "".join(dashboard_csv(view, context["described"], say())),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="dashboard.csv"'},
    )


def described(context: dict) -> list[tuple[str, str]]:
    """Return the view's filters in words, for the top of its CSV."""
    chosen, words = context["chosen"], say()
    programme_names = dict(context["options"]["programmes"])
    if current_user.role == "manager":
        found = store.get_programme(get_db(), current_user.programme_id)
        programme_names[current_user.programme_id] = found["name"] if found else ""
    questionnaire = context["questionnaire"]
    return [
        (_("Questionnaire"), f"{questionnaire.text(questionnaire.title, words.language)} v{questionnaire.version}"),
        (_("Programme"), programme_names.get(chosen["programme"], _("All programmes"))),
        (_("Sector"), words.sector(chosen["sector"]) if chosen["sector"] else _("All sectors")),
        (_("Size"), words(SIZES[chosen["size"]]) if chosen["size"] else _("All sizes")),
        (_("Region"), chosen["region"] or _("All regions")),
        (_("Period"), chosen["period"] or _("Each firm's latest assessment")),
        (_("Scores"), _("Verified") if chosen["basis"] == "verified" else _("Self-declared")),
    ]
