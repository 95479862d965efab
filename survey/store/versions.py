"""Questionnaire versions: the files in use now, and every version answers were given on.

Each version an assessment uses is stored with its source text, so an assessment keeps showing
and scoring on its own version after the file changes.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import sqlite_utils

from ..core.questionnaire import Questionnaire, QuestionnaireError, load_questionnaire_text
from ..core.yaml_source import Problem
from .connection import connect


class Registry:
    """The questionnaires loaded from files, and older versions loaded from the database."""

    def __init__(self, current: dict[str, Questionnaire]):
        self.current = current
        self._older: dict[tuple[str, int], Questionnaire] = {}

    def get(self, db: sqlite_utils.Database, questionnaire_id: str, version: int) -> Questionnaire:
        """Return a questionnaire as it was at a version."""
        now = self.current.get(questionnaire_id)
        if now is not None and now.version == version:
            return now
        key = (questionnaire_id, version)
        if key not in self._older:
            row = db.execute(
                "SELECT source_text FROM questionnaire_versions WHERE questionnaire_id = ? AND version = ?",
                [questionnaire_id, version],
            ).fetchone()
            if row is None:
                raise LookupError(f"questionnaire {questionnaire_id} version {version} was never published")
            self._older[key] = load_questionnaire_text(row[0], f"{questionnaire_id} v{version}")
        return self._older[key]


def publish(db: sqlite_utils.Database, questionnaire: Questionnaire, archived: bool = False) -> None:
    """Store a version's source the first time it is used; refuse a changed published version.

    An `archived` version (an earlier one kept in questionnaires/archive/, which the demo's
    baselines answer) is stored even when a later version is already in use: it is never served.
    """
    problem = publishing_problem(db, questionnaire, archived)
    if problem:
        raise QuestionnaireError([problem])
    db.execute(
        "INSERT OR REPLACE INTO questionnaire_versions VALUES (?, ?, ?, ?, ?)",
        [
            questionnaire.id,
            questionnaire.version,
            questionnaire.digest,
            questionnaire.source_text,
            datetime.now(UTC).isoformat(timespec="seconds"),
        ],
    )


def ensure_published(db: sqlite_utils.Database, questionnaire: Questionnaire, archived: bool = False) -> None:
    """Make sure the version an assessment is about to use is stored, as it is; a look-up by key when it is."""
    row = db.execute(
        "SELECT digest FROM questionnaire_versions WHERE questionnaire_id = ? AND version = ?",
        [questionnaire.id, questionnaire.version],
    ).fetchone()
    if row is None or row[0] != questionnaire.digest:
        publish(db, questionnaire, archived)


def publishing_problem(
    db: sqlite_utils.Database, questionnaire: Questionnaire, archived: bool = False
) -> Problem | None:
    """Say why a questionnaire file cannot be served (or, archived, stored) alongside the versions already used."""
    latest = db.execute(
        "SELECT max(version) FROM questionnaire_versions WHERE questionnaire_id = ?", [questionnaire.id]
    ).fetchone()[0]
    where = f"{questionnaire.id}.yaml"
    if latest is not None and questionnaire.version < latest and not archived:
        return Problem(
            where,
            None,
            "version",
            f"version {questionnaire.version} is older than version {latest}, already in use; versions only go up",
        )
    row = db.execute(
        "SELECT digest FROM questionnaire_versions WHERE questionnaire_id = ? AND version = ?",
        [questionnaire.id, questionnaire.version],
    ).fetchone()
    if row and row[0] != questionnaire.digest:
        used = db.execute(
            "SELECT count(*) FROM assessments WHERE questionnaire_id = ? AND questionnaire_version = ?",
            [questionnaire.id, questionnaire.version],
        ).fetchone()[0]
        if used:
            return Problem(
                where,
                None,
                "version",
                f"the file changed but version {questionnaire.version} is already used by {used} "
                f"assessment(s); raise version to {questionnaire.version + 1}",
            )
    return None


def check_database(path: str, questionnaires: dict[str, Questionnaire]) -> None:
    """Refuse questionnaire files that clash with the versions a database has already used."""
    if not os.path.exists(path):
        return
    db = connect(path)
    try:
        if db["questionnaire_versions"].exists():
            problems = [p for q in questionnaires.values() if (p := publishing_problem(db, q))]
            if problems:
                raise QuestionnaireError(problems)
    finally:
        db.close()
