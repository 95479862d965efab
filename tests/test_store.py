"""The data layer on its own: the draft-only locks, and a submission that races a save."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from test_owner import READINESS

from survey.core import answers as answer_rules
from survey.core.scoring import score_response
from survey.core.synthetic import generate
from survey.store import assessments as store
from survey.store.connection import connect
from survey.store.schema import migrate
from survey.store.versions import publish

PROFILE = {"name": "Carpintería Lima", "sector": "wood_furniture", "size": "micro", "region": "Lima"}


@pytest.fixture
def db(tmp_path):
    """A migrated database with the readiness questionnaire published, opened as the app opens it."""
    path = str(tmp_path / "store.sqlite3")
    connection = connect(path)
    migrate(connection)
    publish(connection, READINESS)
    yield connection
    connection.close()


def complete_answers(seed: int = 1) -> dict:
    """Return a full set of plausible answers, every required question answered."""
    return dict(next(generate(READINESS, 1, seed=seed))["answers"])


def draft(db) -> dict:
    """Start a draft and give it a full set of answers; return its row."""
    token = store.start_assessment(db, READINESS, PROFILE)
    assessment = store.find_assessment(db, token)
    store.save_answers(db, assessment["id"], complete_answers(), 3)
    return store.find_assessment(db, token)


def other_option(question, current) -> str:
    """An option of a choice question other than the current answer."""
    return next(o.value for o in question.options if o.value != current)


def test_a_submitted_assessment_refuses_a_page_of_answers(db):
    """Saving into a submitted assessment raises AssessmentLocked and changes nothing."""
    assessment = draft(db)
    store.submit_assessment(db, assessment["id"], READINESS)
    before = store.load_answers(db, assessment["id"])
    question = next(q for q in READINESS.questions.values() if q.type == "choice")
    changed = other_option(question, before.get(question.id))
    with pytest.raises(store.AssessmentLocked):
        store.save_answers(db, assessment["id"], {question.id: changed}, 0)
    with pytest.raises(store.AssessmentLocked):
        store.save_answers(db, assessment["id"], {question.id: None}, 0)
    assert store.load_answers(db, assessment["id"]) == before
    assert store.get_assessment(db, assessment["id"])["current_section"] == 3


def test_an_assessment_is_submitted_only_once(db):
    """A second submission raises AssessmentLocked and leaves the first scores as they were."""
    assessment = draft(db)
    store.submit_assessment(db, assessment["id"], READINESS)
    locked = store.get_assessment(db, assessment["id"])
    rows = db.execute("SELECT * FROM scores ORDER BY dimension").fetchall()
    with pytest.raises(store.AssessmentLocked):
        store.submit_assessment(db, assessment["id"], READINESS)
    assert store.get_assessment(db, assessment["id"]) == locked
    assert db.execute("SELECT * FROM scores ORDER BY dimension").fetchall() == rows


def test_a_submission_with_missing_required_answers_changes_nothing(db):
    """Missing required answers are named, and the assessment stays an unscored draft."""
    token = store.start_assessment(db, READINESS, PROFILE)
    assessment = store.find_assessment(db, token)
    answers = complete_answers()
    required = next(q.id for q in READINESS.questions.values() if q.required and q.id in answers)
    del answers[required]
    store.save_answers(db, assessment["id"], answers, 0)
    submission = store.submit_assessment(db, assessment["id"], READINESS)
    assert required in submission.missing
    row = store.get_assessment(db, assessment["id"])
    assert (row["status"], row["scores_json"], row["overall"]) == ("draft", None, None)
    assert db.execute("SELECT count(*) FROM scores").fetchone()[0] == 0


def test_the_stored_scores_are_those_of_the_locked_answers(db):
    """What submit_assessment stores is what the answers it locked give."""
    assessment = draft(db)
    submission = store.submit_assessment(db, assessment["id"], READINESS)
    locked = store.get_assessment(db, assessment["id"])
    answers = store.load_answers(db, assessment["id"])
    assert store.stored_scores(locked) == score_response(READINESS, answers) == submission.scores
    by_dimension = dict(db.execute("SELECT dimension, score FROM scores WHERE assessment_id = ?", [locked["id"]]))
    expected = {k: v for k, v in submission.scores.dimensions().items() if v is not None}
    assert by_dimension == pytest.approx(expected)


def test_a_save_racing_a_submission_never_leaves_scores_that_disagree_with_the_answers(db, monkeypatch):
    """A page saved while a submission is being scored lands before it or is refused, never in between."""
    assessment = draft(db)
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    question = next(q for q in READINESS.questions.values() if q.type == "choice" and q.relevant is None)
    current = store.load_answers(db, assessment["id"]).get(question.id)
    changed = other_option(question, current)
    outcome: dict = {}

    def save_from_another_worker() -> None:
        other = connect(path, timeout=10)
        try:
            store.save_answers(other, assessment["id"], {question.id: changed}, 0)
            outcome["saved"] = True
        except store.AssessmentLocked:
            outcome["saved"] = False
        finally:
            other.close()

    scoring = answer_rules.prepare_submission

    def slow_scoring(questionnaire, answers):
        # While this submission scores what it read, the write lock is already held: a writer that
        # will not wait is refused at once.
        impatient = connect(path, timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                store.save_answers(impatient, assessment["id"], {question.id: changed}, 0)
        finally:
            impatient.close()
        # And another worker that waits saves its page only after the submission.
        writer = threading.Thread(target=save_from_another_worker)
        writer.start()
        writer.join(0.5)  # long enough for an unguarded save to commit
        return scoring(questionnaire, answers)

    monkeypatch.setattr(store, "prepare_submission", slow_scoring)
    store.submit_assessment(db, assessment["id"], READINESS)
    deadline = time.monotonic() + 15
    while "saved" not in outcome and time.monotonic() < deadline:
        time.sleep(0.05)
    assert outcome == {"saved": False}, "the save should wait for the submission, then find it locked"
    locked = store.get_assessment(db, assessment["id"])
    answers = store.load_answers(db, assessment["id"])
    assert answers.get(question.id) == current
    assert store.stored_scores(locked) == score_response(READINESS, answers)


def test_starting_an_assessment_stores_its_questionnaire_version(db):
    """An assessment never points at a version that is not stored, even if the stored one was lost."""
    db.execute("DELETE FROM questionnaire_versions")
    token = store.start_assessment(db, READINESS, PROFILE)
    assessment = store.find_assessment(db, token)
    stored = db.execute(
        "SELECT digest, source_text FROM questionnaire_versions WHERE questionnaire_id = ? AND version = ?",
        [assessment["questionnaire_id"], assessment["questionnaire_version"]],
    ).fetchone()
    assert stored == (READINESS.digest, READINESS.source_text)
