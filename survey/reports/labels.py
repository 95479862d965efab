"""Words in a given language: the catalogs, and the labels of answers, sectors and statuses.

Everything here takes the language as an argument, so that results, exports and printed
reports can be built outside a web request.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import support

from ..core.model import NOT_APPLICABLE, Question, Questionnaire
from ..core.profile import N_, SECTORS
from ..core.scoring import HIDDEN, UNANSWERED
from ..core.scoring import NOT_APPLICABLE as STATUS_NA

CATALOGS = Path(__file__).resolve().parent.parent / "translations"
SOURCE_LANGUAGE = "en"  # the language the messages are written in: it needs no catalog

YESNO_LABELS = {"yes": N_("Yes"), "partly": N_("Partly"), "no": N_("No")}
EFFORT_LABELS = {"low": N_("Low effort"), "medium": N_("Medium effort"), "high": N_("High effort")}
# Only the gaps more serious than an improvement carry a label.
SEVERITY_LABELS = {"critical": N_("Safety or legal duty"), "high": N_("Serious risk to the business")}
# A checklist answered with nothing ticked, where that means "none of these" (empty_means: none).
EMPTY_SELECTION_LABEL = N_("None of these (nothing ticked)")
NOT_SCORED_LABEL = N_("not scored")
STATUS_LABELS = {
    STATUS_NA: N_("does not apply: left out of the score"),
    HIDDEN: N_("not asked: left out of the score"),
    UNANSWERED: N_("not answered: left out of the score"),
}


class MissingCatalog(LookupError):
    """A language is offered but its compiled catalog is not there."""


@lru_cache(maxsize=16)
def catalog(language: str) -> support.NullTranslations:
    """Return the compiled catalog of a language, loaded once per process.

    A missing catalog would silently show every page in English under another language's
    name, so it is an error, with the command that makes it.
    """
    if language == SOURCE_LANGUAGE:
        return support.NullTranslations()
    found = support.Translations.load(str(CATALOGS), [language])
    if not isinstance(found, support.Translations):
        raise MissingCatalog(
            f"no compiled catalog for language {language!r} in {CATALOGS}: "
            f"run `make messages` after changing texts, and `pybabel compile -d {CATALOGS}` (make does it)"
        )
    return found


class Words:
    """The translations of one language, with the labels the reports need."""

    def __init__(self, language: str):
        self.language = language
        self.catalog = catalog(language)

    def __call__(self, message: str, **variables: Any) -> str:
        """Translate a message, then fill in its variables."""
        text = self.catalog.ugettext(message)
        return text % variables if variables else text

    def plural(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        """Translate a message that depends on a number, then fill in num and its variables."""
        variables.setdefault("num", num)
        return self.catalog.ungettext(singular, plural, num) % variables

    def sector(self, code: str) -> str:
        """Return a sector's name."""
        return self(SECTORS[code]) if code in SECTORS else code

    def answer(self, questionnaire: Questionnaire, question: Question, value: Any, language: str | None = None) -> str:
        """Return an answer as the owner would read it; the questionnaire's texts in `language`."""
        if value is None:
            return ""
        if value == NOT_APPLICABLE:
            return self(N_("Does not apply"))
        if question.type == "yesno":
            return self(YESNO_LABELS[value]) if value in YESNO_LABELS else str(value)
        if question.type == "checklist" and isinstance(value, (tuple, list)) and not value:
            return self(EMPTY_SELECTION_LABEL) if question.empty_is_none else ""
        if question.type in ("choice", "checklist", "grid"):  # a grid's answer is one of its rows'
            values = value if isinstance(value, (tuple, list)) else (value,)
            labels = []
            for item in values:
                option = question.option(item)
                labels.append(questionnaire.text(option.label, language or self.language) if option else str(item))
            return "; ".join(labels)
        if question.type == "number":
            return f"{value:g} {question.unit or ''}".strip()
        return str(value)


@lru_cache(maxsize=16)
def words(language: str) -> Words:
    """Return the words of a language, made once per process."""
    return Words(language)
