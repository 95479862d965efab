"""Demo data in the database: synthetic assessments stored, counted and removed."""

from __future__ import annotations

import json

import sqlite_utils

from ..core.questionnaire import Questionnaire
from ..core.synthetic import generate
from .assessments import insert_answers, insert_assessment, insert_firm, load_answers, new_token, now
from .connection import write
from .scores import rebuild_peer_bins, store_scores
from .verification import save_checks
from .versions import ensure_published


def store_demo(
    db: sqlite_utils.Database,
    questionnaire: Questionnaire,
    count: int,
    seed: int = 2026,
    batch: int = 2000,
    earlier: Questionnaire | None = None,
) -> list[str]:
    """Insert demo assessments in batches of write transactions; return their resume tokens.

    With an `earlier` version, the baselines of the first period answer it (core.synthetic.generate).
    """
    tokens: list[str] = []
    pending: list[dict] = []
    firm_ids: dict[int, int] = {}  # a firm's two assessments may fall in different batches

    def flush() -> None:
        with write(db):
            if earlier is not None:
                ensure_published(db, earlier, archived=True)
            ensure_published(db, questionnaire)
            for item in pending:
                firm = item["firm"]
                firm_id = firm_ids.get(item["firm_number"])
                if firm_id is None:
                    firm_id = firm_ids[item["firm_number"]] = insert_firm(db, firm, firm["created_at"], is_demo=1)
                scores, stamp = item["scores"], item["submitted_at"]
                assessment_id = insert_assessment(
                    db, firm_id, item["token"], item["questionnaire"], stamp, status="submitted", period=item["period"],
                    scores_json=json.dumps(scores.to_dict()), overall=scores.overall, is_demo=1, submitted_at=stamp,
                )  # fmt: skip
                insert_answers(db, assessment_id, item["answers"])
                store_scores(db, {"id": assessment_id, "firm_id": firm_id, **firm}, scores, item["period"], is_demo=1)
        pending.clear()

    for item in generate(questionnaire, count, seed, earlier):
        # As unguessable as an owner's link: anyone could otherwise open every demo assessment.
        item["token"] = new_token()
        tokens.append(item["token"])
        pending.append(item)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return tokens


# The demo's accounts: role, address (.invalid: a domain that can never receive mail) and name.
DEMO_ACCOUNTS = (
    ("admin", "admin@demo.invalid", "Ana Quispe (demo)"),
    ("consultant", "consultora@demo.invalid", "Rosa Huamán (demo)"),
    ("manager", "gestor@demo.invalid", "Jorge Salas (demo)"),
    ("owner", "empresaria@demo.invalid", "Carmen Flores (demo)"),
)
DEMO_PROGRAMME = "Programa demo"
DEMO_NOTES = (
    "Primera visita: la dueña quiere vender a una cadena de tiendas; revisar seguridad en el taller.",
    "Vi el registro de mantenimiento de las máquinas; las guardas de la sierra siguen pendientes.",
)


def store_demo_accounts(db: sqlite_utils.Database, password_hashes: dict[str, str], portfolio_size: int = 12) -> None:
    """Create (or reset) the demo's accounts, with a portfolio of demo firms, a few notes and an owner's firm.

    `password_hashes` gives each demo address its password's stored form. The consultant's
    portfolio takes the demo firms with a follow-up first, so that progress shows at once.
    """
    stamp = now()
    with write(db):
        programme = db.execute("SELECT id FROM programmes WHERE name = ?", [DEMO_PROGRAMME]).fetchone()
        programme_id = (
            programme[0]
            if programme
            # Its managers may read single firms' answers: every screen shows in the demo.
            else db.execute(
                "INSERT INTO programmes (name, managers_see_answers, created_at) VALUES (?, 1, ?)",
                [DEMO_PROGRAMME, stamp],
            ).lastrowid
        )
        for role, email, name in DEMO_ACCOUNTS:
            db.execute(
                "INSERT INTO users (email, name, role, programme_id, password_hash, created_at, is_demo) "
                "VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (email) DO UPDATE SET "
                "password_hash = excluded.password_hash, session_version = session_version + 1",
                [email, name, role, programme_id, password_hashes[email], stamp],
            )
        consultant = db.execute("SELECT id FROM users WHERE email = ?", [DEMO_ACCOUNTS[1][1]]).fetchone()[0]
        firms = [
            row[0]
            for row in db.execute(
                "SELECT f.id FROM firms f JOIN assessments a ON a.firm_id = f.id WHERE f.is_demo = 1 "
                "GROUP BY f.id ORDER BY count(a.id) DESC, f.id LIMIT ?",
                [portfolio_size],
            )
        ]
        for firm_id in firms:
            db.execute(
                "INSERT OR IGNORE INTO firm_consultants (firm_id, user_id, assigned_at) VALUES (?, ?, ?)",
                [firm_id, consultant, stamp],
            )
            # Synthetic firms "agree" to the demo programme's managers reading them: every screen shows.
            db.execute(
                "UPDATE firms SET programme_id = ?, answers_to_programme = 1 WHERE id = ?", [programme_id, firm_id]
            )
        # The other synthetic firms make up the rest of the demo programme's cohort, seen by its
        # manager in aggregate only: the dashboard has a programme's worth of firms to show.
        db.execute("UPDATE firms SET programme_id = ? WHERE is_demo = 1 AND programme_id IS NULL", [programme_id])
        owner = db.execute("SELECT id FROM users WHERE email = ?", [DEMO_ACCOUNTS[3][1]]).fetchone()[0]
        if firms:  # the demo owner keeps in her account the client that store_demo_work gives a plan
            db.execute(
                "INSERT OR IGNORE INTO firm_owners (firm_id, user_id, attached_at) VALUES (?, ?, ?)",
                [min(firms), owner, stamp],
            )
        if firms and not db.execute("SELECT 1 FROM notes WHERE author_id = ?", [consultant]).fetchone():
            for body in DEMO_NOTES:
                db.execute(
                    "INSERT INTO notes (firm_id, author_id, body, created_at) VALUES (?, ?, ?, ?)",
                    [firms[0], consultant, body, stamp],
                )


def store_demo_work(db: sqlite_utils.Database, questionnaire: Questionnaire) -> None:
    """Give the demo consultant's first client a checked assessment and an action plan, once."""
    consultant = db.execute("SELECT id FROM users WHERE email = ?", [DEMO_ACCOUNTS[1][1]]).fetchone()
    if consultant is None:
        return
    first = db.execute(
        "SELECT a.id, a.firm_id FROM firm_consultants fc JOIN assessments a ON a.firm_id = fc.firm_id "
        "WHERE fc.user_id = ? AND a.status = 'submitted' AND a.questionnaire_id = ? AND a.questionnaire_version = ? "
        "ORDER BY fc.firm_id, a.submitted_at DESC LIMIT 1",
        [consultant[0], questionnaire.id, questionnaire.version],
    ).fetchone()
    if first is None or db.execute("SELECT 1 FROM plan_actions WHERE firm_id = ?", [first[1]]).fetchone():
        return
    assessment_id, firm_id = first
    declared = load_answers(db, assessment_id)
    # Two choice answers found one step lower than declared: what a workshop visit often shows.
    found = {}
    for question in questionnaire.questions.values():
        value = declared.get(question.id)
        values = [o.value for o in question.options]
        if question.type == "choice" and value in values and values.index(value) > 0 and len(found) < 2:
            found[question.id] = values[values.index(value) - 1]
    seen = {qid: "Visto en la visita al taller." for qid in found}
    save_checks(db, questionnaire, assessment_id, found, seen, consultant[0])
    stamp = now()
    recommendations = [r.id for q in questionnaire.questions.values() for r in q.recommendations][:3]
    with write(db):
        for number, (recommendation_id, status) in enumerate(
            zip(recommendations, ("done", "in_progress", "not_started"))
        ):
            db.execute(
                "INSERT OR IGNORE INTO plan_actions (firm_id, assessment_id, recommendation_id, responsible, due_date, "
                "status, created_at, updated_at) VALUES (?, ?, ?, ?, date('now', ?), ?, ?, ?)",
                [firm_id, assessment_id, recommendation_id, "Dueña", f"{30 * number - 40} days", status, stamp, stamp],
            )


def drop_demo(db: sqlite_utils.Database) -> int:
    """Delete every demo firm with its assessments, answers and scores, and the demo's accounts.

    Returns how many firms.
    """
    with write(db):
        db.execute("DELETE FROM users WHERE is_demo = 1")
        count = db.execute("SELECT count(*) FROM firms WHERE is_demo = 1").fetchone()[0]
        db.execute("DELETE FROM scores WHERE is_demo = 1")
        db.execute("DELETE FROM cohort_scores WHERE is_demo = 1")
        db.execute("DELETE FROM answers WHERE assessment_id IN (SELECT id FROM assessments WHERE is_demo = 1)")
        db.execute("DELETE FROM assessments WHERE is_demo = 1")
        db.execute("DELETE FROM firms WHERE is_demo = 1")
        rebuild_peer_bins(db)
    return count


def has_assessments(db: sqlite_utils.Database) -> bool:
    """Whether the database holds any assessment at all."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM assessments)").fetchone()[0] == 1
