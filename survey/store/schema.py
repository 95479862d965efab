"""The database schema and its migrations: a new database is created, an older one upgraded."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("survey")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE questionnaire_versions (
            questionnaire_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            digest TEXT NOT NULL,
            source_text TEXT NOT NULL,
            published_at TEXT NOT NULL,
            PRIMARY KEY (questionnaire_id, version)
        );
        CREATE TABLE firms (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            sector TEXT NOT NULL,
            size TEXT NOT NULL,
            region TEXT NOT NULL,
            year_founded INTEGER,
            is_demo INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE assessments (
            id INTEGER PRIMARY KEY,
            firm_id INTEGER NOT NULL REFERENCES firms(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            questionnaire_id TEXT NOT NULL,
            questionnaire_version INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
            current_section INTEGER NOT NULL DEFAULT 0,
            previous_id INTEGER REFERENCES assessments(id) ON DELETE SET NULL,
            period TEXT,
            scores_json TEXT,
            overall REAL,
            is_demo INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            submitted_at TEXT
        );
        CREATE INDEX assessments_firm ON assessments (firm_id);
        CREATE TABLE answers (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (assessment_id, question_id)
        ) WITHOUT ROWID;
        CREATE TABLE scores (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            firm_id INTEGER NOT NULL,
            questionnaire_id TEXT NOT NULL,
            questionnaire_version INTEGER NOT NULL,
            sector TEXT NOT NULL,
            size TEXT NOT NULL,
            region TEXT NOT NULL,
            period TEXT NOT NULL,
            is_latest INTEGER NOT NULL DEFAULT 1,
            is_demo INTEGER NOT NULL DEFAULT 0,
            dimension TEXT NOT NULL,
            score REAL NOT NULL
        );
        -- Covering indexes for the peer groups of the results page: aggregating a million score
        -- rows of one sector reads the index alone (5 ms) instead of the table (44 ms).
        CREATE INDEX scores_peers ON scores
            (questionnaire_id, questionnaire_version, is_latest, sector, size, dimension, score);
        CREATE INDEX scores_all ON scores
            (questionnaire_id, questionnaire_version, is_latest, dimension, score);
        CREATE INDEX scores_firm ON scores (firm_id, is_latest);
        CREATE INDEX scores_assessment ON scores (assessment_id);
        INSERT INTO meta (key, value) VALUES ('scores_generation', '0');
        """
    )


@migrations()
def m002_accounts(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE programmes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'consultant', 'owner')),
            programme_id INTEGER REFERENCES programmes(id) ON DELETE SET NULL,
            password_hash TEXT NOT NULL,
            -- Raised when the password changes: the sessions opened before it end.
            session_version INTEGER NOT NULL DEFAULT 1,
            is_active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            last_login_at TEXT
        );
        -- Login attempts still counted against an account or a client address, kept in the
        -- database so that every worker process counts the same ones.
        CREATE TABLE login_attempts (
            key TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE INDEX login_attempts_key ON login_attempts (key, at);
        CREATE TABLE invitations (
            token_hash TEXT PRIMARY KEY,
            email TEXT NOT NULL COLLATE NOCASE,
            role TEXT NOT NULL,
            programme_id INTEGER REFERENCES programmes(id) ON DELETE SET NULL,
            invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        """
    )


@migrations()
def m003_portfolios(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        ALTER TABLE firms ADD COLUMN programme_id INTEGER REFERENCES programmes(id) ON DELETE SET NULL;
        -- The account that filled in an assessment on the firm's behalf; NULL: the owner did.
        ALTER TABLE assessments ADD COLUMN entered_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
        CREATE TABLE firm_consultants (
            firm_id INTEGER NOT NULL REFERENCES firms(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            assigned_at TEXT NOT NULL,
            PRIMARY KEY (firm_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX firm_consultants_user ON firm_consultants (user_id);
        -- Keys that open an assessment's pages for one logged-in account (a consultant working
        -- with the owner), beside the owner's private link; stored hashed like it.
        CREATE TABLE assessment_keys (
            token_hash TEXT PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m004_share_links(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- Read-only links to an assessment's results, stored hashed; revoked ones stop working.
        CREATE TABLE share_links (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX share_links_assessment ON share_links (assessment_id);
        """
    )


@migrations()
def m005_notes(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- A consultant's notes on a firm, or on one of its assessments; dated, with their author.
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            firm_id INTEGER NOT NULL REFERENCES firms(id) ON DELETE CASCADE,
            assessment_id INTEGER REFERENCES assessments(id) ON DELETE CASCADE,
            author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX notes_firm ON notes (firm_id, created_at);
        """
    )


@migrations()
def m006_demo_accounts(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE users ADD COLUMN is_demo INTEGER NOT NULL DEFAULT 0")


@migrations()
def m007_consent_codes(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- One-time codes an owner gives a consultant: the owner's consent to join a portfolio.
        CREATE TABLE consent_codes (
            code_hash TEXT PRIMARY KEY,
            firm_id INTEGER NOT NULL REFERENCES firms(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            used_at TEXT
        );
        """
    )


@migrations()
def m008_action_plans(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- The actions a firm chose from its recommendations, with who does them and by when.
        CREATE TABLE plan_actions (
            id INTEGER PRIMARY KEY,
            firm_id INTEGER NOT NULL REFERENCES firms(id) ON DELETE CASCADE,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            recommendation_id TEXT NOT NULL,
            responsible TEXT NOT NULL DEFAULT '',
            due_date TEXT,
            status TEXT NOT NULL DEFAULT 'not_started'
                CHECK (status IN ('not_started', 'in_progress', 'done', 'dropped')),
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (firm_id, recommendation_id)
        );
        """
    )


@migrations()
def m009_verifications(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- A consultant's check of a submitted answer: confirmed (value NULL) or the answer found.
        CREATE TABLE verifications (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            value TEXT,
            evidence TEXT NOT NULL DEFAULT '',
            verified_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            verified_at TEXT NOT NULL,
            PRIMARY KEY (assessment_id, question_id)
        ) WITHOUT ROWID;
        -- Scores of the self-declared answers with the verified ones in their place.
        ALTER TABLE assessments ADD COLUMN verified_scores_json TEXT;
        """
    )


@migrations()
def m010_owners_and_programme_settings(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- Whether the programme's managers may read its firms' individual answers, beside the
        -- aggregates every manager sees.
        ALTER TABLE programmes ADD COLUMN managers_see_answers INTEGER NOT NULL DEFAULT 0;
        -- The owner's own consent to that: without it the programme's managers never read the
        -- firm's answers, whatever the programme allows.
        ALTER TABLE firms ADD COLUMN answers_to_programme INTEGER NOT NULL DEFAULT 0;
        -- Owners' accounts and the firms they attached with an assessment's private link (the
        -- assessment whose link it was: a new link for it ends the attachment).
        CREATE TABLE firm_owners (
            firm_id INTEGER NOT NULL REFERENCES firms(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            assessment_id INTEGER REFERENCES assessments(id) ON DELETE CASCADE,
            attached_at TEXT NOT NULL,
            PRIMARY KEY (firm_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX firm_owners_user ON firm_owners (user_id);
        CREATE INDEX firms_programme ON firms (programme_id);
        """
    )


@migrations()
def m011_peer_bins(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- Peer groups kept up to date by each submission: how many firms' latest scores fall in
        -- each bin (a tenth of a point), per questionnaire version, group and dimension, as one
        -- 32-bit little-endian count per bin. sector and size are '' in the wider groups (every
        -- size of a sector; every firm).
        CREATE TABLE peer_bins (
            id INTEGER PRIMARY KEY,
            questionnaire_id TEXT NOT NULL,
            questionnaire_version INTEGER NOT NULL,
            sector TEXT NOT NULL,
            size TEXT NOT NULL,
            dimension TEXT NOT NULL,
            counts BLOB NOT NULL,
            UNIQUE (questionnaire_id, questionnaire_version, sector, size, dimension)
        );
        """
    )
    from .scores import rebuild_peer_bins  # noqa: PLC0415 (scores' callers import this module)

    rebuild_peer_bins(db)


@migrations()
def m012_analysis_views(db: sqlite_utils.Database) -> None:
    """Views made for analysts (Datasette): group figures only, never a firm's name, token or answers.

    A group of fewer firms than meta's privacy_k (the app's PRIVACY_MIN_GROUP) is left out.
    """
    db.executescript(
        """
        INSERT OR IGNORE INTO meta (key, value) VALUES ('privacy_k', '5');
        -- Each firm's latest scores, by every grouping a programme reports on.
        CREATE VIEW analysis_scores_by_group AS
        SELECT questionnaire_id, questionnaire_version, sector, size, region, period, is_demo AS demo,
               dimension, count(*) AS firms, round(avg(score), 1) AS mean_score
          FROM scores WHERE is_latest = 1
         GROUP BY questionnaire_id, questionnaire_version, sector, size, region, period, is_demo, dimension
        HAVING count(*) >= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'privacy_k');
        -- The same by sector alone, the benchmark an owner's results page starts from.
        CREATE VIEW analysis_scores_by_sector AS
        SELECT questionnaire_id, questionnaire_version, sector, is_demo AS demo,
               dimension, count(*) AS firms, round(avg(score), 1) AS mean_score
          FROM scores WHERE is_latest = 1
         GROUP BY questionnaire_id, questionnaire_version, sector, is_demo, dimension
        HAVING count(*) >= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'privacy_k');
        -- Baseline (a firm's first submitted assessment) against follow-up (its latest), per
        -- dimension kept by both questionnaire versions: firms with both, paired.
        CREATE VIEW analysis_progress AS
        WITH firsts AS (
            SELECT firm_id, min(assessment_id) AS baseline, max(assessment_id) AS follow_up
              FROM (SELECT DISTINCT firm_id, assessment_id FROM scores)
             GROUP BY firm_id HAVING count(*) >= 2
        )
        SELECT b.sector, b.is_demo AS demo, b.dimension, count(*) AS firms,
               round(avg(b.score), 1) AS mean_baseline, round(avg(f.score), 1) AS mean_follow_up,
               round(avg(f.score - b.score), 1) AS mean_change
          FROM firsts
          JOIN scores b ON b.assessment_id = firsts.baseline
          JOIN scores f ON f.assessment_id = firsts.follow_up AND f.dimension = b.dimension
         GROUP BY b.sector, b.is_demo, b.dimension
        HAVING count(*) >= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'privacy_k');
        """
    )


@migrations()
def m013_export_jobs(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- XLSX exports too big to build while a page waits: made by a process of their own.
        CREATE TABLE export_jobs (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
            params_json TEXT NOT NULL,
            rows_total INTEGER NOT NULL,
            rows_done INTEGER NOT NULL DEFAULT 0,
            path TEXT,
            error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m014_key_holders(db: sqlite_utils.Database) -> None:
    # Each new key trims the account's older keys to the same assessment: find them by both.
    db.execute("CREATE INDEX assessment_keys_holder ON assessment_keys (assessment_id, user_id)")


@migrations()
def m015_cohort_scores(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- The dashboard's rows: one per submitted assessment, narrow, so that a view reads a
        -- hundred thousand firms in one pass. Scores are packed as one 16-bit little-endian
        -- count of tenths of a point per dimension, in the order cohort_layouts gives for the
        -- version (-1: no score). Kept by each submission and check; rebuilt from the assessments.
        CREATE TABLE cohort_layouts (
            questionnaire_id TEXT NOT NULL,
            questionnaire_version INTEGER NOT NULL,
            dimensions TEXT NOT NULL,
            PRIMARY KEY (questionnaire_id, questionnaire_version)
        );
        CREATE TABLE cohort_scores (
            assessment_id INTEGER PRIMARY KEY REFERENCES assessments(id) ON DELETE CASCADE,
            firm_id INTEGER NOT NULL,
            questionnaire_id TEXT NOT NULL,
            questionnaire_version INTEGER NOT NULL,
            sector TEXT NOT NULL,
            size TEXT NOT NULL,
            region TEXT NOT NULL,
            period TEXT NOT NULL,
            is_demo INTEGER NOT NULL,
            is_latest INTEGER NOT NULL,  -- the firm's latest submission on this questionnaire
            last_of_period INTEGER NOT NULL,  -- the firm's last submission in its period
            baseline_id INTEGER NOT NULL,  -- the firm's first submission on this questionnaire
            declared BLOB NOT NULL,
            verified BLOB  -- NULL until a consultant checks an answer
        );
        CREATE INDEX cohort_latest ON cohort_scores (questionnaire_id, questionnaire_version, is_latest);
        CREATE INDEX cohort_period ON cohort_scores (questionnaire_id, questionnaire_version, period, last_of_period);
        CREATE INDEX cohort_firm ON cohort_scores (firm_id, questionnaire_id);
        """
    )
    from .cohorts import rebuild_cohorts  # noqa: PLC0415 (cohorts' callers import this module)

    rebuild_cohorts(db)


@migrations()
def m016_health(db: sqlite_utils.Database) -> None:
    # One row that /healthz rewrites: proof that the database takes writes (disk full, file made
    # read-only and a lock held too long all show there), without touching anyone's data.
    db.execute("CREATE TABLE health (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at TEXT NOT NULL)")


def set_privacy_k(db: sqlite_utils.Database, k: int) -> None:
    """Record the fewest firms a group in the analysis views must hold (the app's PRIVACY_MIN_GROUP)."""
    db.execute("UPDATE meta SET value = ? WHERE key = 'privacy_k'", [str(int(k))])


def table_names(db: sqlite_utils.Database) -> list[str]:
    """Return the name of every table in the database (not its views), SQLite's own included."""
    return [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def migrate(db: sqlite_utils.Database) -> None:
    """Create the schema, or bring an older database up to date without losing data."""
    db.execute("PRAGMA journal_mode=WAL")
    migrations.apply(db)


def applied(db: sqlite_utils.Database) -> list[str]:
    """Return the names of the migrations applied so far, in order."""
    return [m.name for m in migrations.applied(db)]
