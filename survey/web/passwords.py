"""Passwords: the rule a new one must meet, and how they are stored and checked (Werkzeug's scrypt)."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

from ..core.profile import N_

PASSWORD_MINIMUM = 10
# Checked against when an address has no account, so that a wrong address takes as long as a
# wrong password and the answer tells nothing about which accounts exist.
# Made once with generate_password_hash: computing it at import cost every worker and command
# about 0.1 s of scrypt.
_NOBODY = (
    "scrypt:32768:8:1$d53L9lcT9hseyOgl$62d78374cc697187b305f82ef108d083420a6a67873e7836433c8d18987e640056f82ee503"
    "bb01f56eb6bd2ed9726e1591effaddc3644df7ad9c3d51d4591d6f"
)


def password_problem(password: str, email: str = "") -> str | None:
    """Say why a new password will not do (a message to translate, with %(num)s its minimum), or None."""
    if len(password) < PASSWORD_MINIMUM:
        return N_("Use at least %(num)s characters.")
    if email and password.strip().lower() == email.strip().lower():
        return N_("Do not use your e-mail address as your password.")
    return None


def hash_password(password: str) -> str:
    """Return the stored form of a password."""
    return generate_password_hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether a password matches its stored form; as slow when there is none to match."""
    if stored is None:
        check_password_hash(_NOBODY, password)
        return False
    return check_password_hash(stored, password)
