"""The firm profile form, and the form built from one questionnaire section."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectChoice,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .i18n import gettext as _
from .i18n import language as ui_language
from .model import NOT_APPLICABLE, Question, Questionnaire, Section
from .profile import SECTORS, SIZES
from .scoring import hidden_questions, visible_answers

FIELD_PREFIX = "q"
TEXT_LIMIT = 2000
YESNO_LABELS = {"yes": _l("Yes"), "partly": _l("Partly"), "no": _l("No")}


class ProfileForm(FlaskForm):
    """Who the firm is: what its results are compared with."""

    name = StringField(
        _l("Firm name"),
        [DataRequired(_l("Please enter the firm's name.")), Length(max=120)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    sector = SelectField(_l("Sector"), [InputRequired(_l("Please choose a sector."))])
    size = RadioField(_l("Number of employees"), [InputRequired(_l("Please choose the size of the firm."))])
    region = SelectField(_l("Region"), [InputRequired(_l("Please choose a region."))])
    year_founded = IntegerField(
        _l("Year founded"),
        [Optional(), NumberRange(1800, date.today().year, _l("Enter a year between %(min)s and %(max)s."))],
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choose = SelectChoice("", _("Choose…"))
        self.sector.choices = [choose] + [SelectChoice(code, label) for code, label in SECTORS.items()]
        self.size.choices = [SelectChoice(code, label) for code, label in SIZES.items()]
        self.region.choices = [choose] + [SelectChoice(region) for region in current_app.config["REGIONS"]]


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: submit, start a follow-up."""


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def na_field_name(question: Question) -> str:
    """Return the name of the 'does not apply' box of a number question."""
    return f"{question.id}__na"


def section_form(questionnaire: Questionnaire, section: Section, language: str,
                 formdata: Any = None, answers: dict | None = None) -> FlaskForm:
    """Build the form of one section, filled from the posted data or the stored answers."""
    data: dict[str, Any] = {}
    for question in section.questions:
        answer = (answers or {}).get(question.id)
        if answer is None or question.type == "note":
            continue
        if question.type == "checklist":
            answer = [answer] if isinstance(answer, str) else list(answer)
        elif question.type == "number":
            if answer == NOT_APPLICABLE:
                data[na_field_name(question)] = True
                continue
            answer = f"{answer:g}"
        data[question.id] = answer
    form_class = _form_class(questionnaire, section, language, ui_language())
    return form_class(formdata=formdata, data=data, prefix=FIELD_PREFIX)


_form_classes: dict[tuple, type] = {}


def _form_class(questionnaire: Questionnaire, section: Section, language: str, ui: str) -> type:
    """Return the form class of a section in a language, made once per worker."""
    key = (questionnaire.id, questionnaire.version, questionnaire.digest, section.id, language, ui)
    found = _form_classes.get(key)
    if found is not None:
        return found
    text = lambda value: questionnaire.text(value, language)  # noqa: E731

    class SectionForm(FlaskForm):
        pass

    rows: dict[str, tuple[tuple[str, str, str], ...]] = {}
    for question in section.questions:
        if question.type == "note":
            continue
        label = text(question.label)
        if question.type in ("choice", "yesno"):
            if question.type == "choice":
                choices = [SelectChoice(o.value, text(o.label)) for o in question.options]
            else:
                choices = [SelectChoice(v, str(label_)) for v, label_ in YESNO_LABELS.items()]
                if question.allow_not_applicable:
                    choices.append(SelectChoice(NOT_APPLICABLE, _("Does not apply")))
            field = RadioField(label, [Optional()], choices=choices)
        elif question.type == "checklist":
            choices = [SelectChoice(o.value, text(o.label)) for o in question.options]
            if question.allow_not_applicable:
                choices.append(SelectChoice(NOT_APPLICABLE, _("Does not apply")))
            field = MultiCheckboxField(label, [Optional()], choices=choices)
        elif question.type == "number":
            field = StringField(label, [Optional(), Length(max=30)])
            if question.allow_not_applicable:
                setattr(SectionForm, na_field_name(question), BooleanField(_("Does not apply")))
        else:
            field = TextAreaField(label, [Optional(), Length(max=TEXT_LIMIT)])
        setattr(SectionForm, question.id, field)
        if question.type in ("choice", "yesno", "checklist"):
            described = {o.value: text(o.description) for o in question.options if o.description}
            rows[question.id] = tuple((c.value, c.label, described.get(c.value, "")) for c in choices)
    # What the page shows of each option, worked out once rather than on every page view.
    SectionForm.option_rows = rows
    _form_classes[key] = SectionForm
    return SectionForm


def page_conditions(questionnaire: Questionnaire, section: Section, answers: dict[str, Any]) -> dict | None:
    """Return what static/conditions.js needs to show and hide questions as the owner answers."""
    on_page = {q.id: q.type for q in section.questions}
    order = [q for q in questionnaire.evaluation_order
             if q.id in on_page and q.relevant is not None and q.relevant.names & on_page.keys()]
    if not order:
        return None
    names = sorted(set().union(*(q.relevant.names for q in order)) | {q.id for q in order})
    effective = visible_answers(questionnaire, answers)[0]
    stored = {name: effective.get(name) for name in names if name not in on_page}
    return {
        "order": [[q.id, q.relevant.tree] for q in order],
        "names": names,
        "types": on_page,
        "stored": {k: list(v) if isinstance(v, tuple) else v for k, v in stored.items()},
    }


def parse_number(raw: str) -> float | None:
    """Read a number typed with a decimal point or a decimal comma."""
    cleaned = raw.strip().replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_section(form: FlaskForm, questionnaire: Questionnaire, section: Section, language: str,
                 stored: dict[str, Any], require: bool = True) -> dict[str, Any] | None:
    """Return the section's answers (None clears one), or None after adding errors to the form.

    With require=False (the owner going back a page) required answers may still be missing.
    """
    text = lambda value: questionnaire.text(value, language)  # noqa: E731
    valid = form.validate()
    posted: dict[str, Any] = {}
    for question in section.questions:
        if question.type == "note":
            continue
        field = form[question.id]
        value: Any = field.data or None
        if question.type == "checklist" and value:
            exclusive = [v for v in value if v == NOT_APPLICABLE or (question.option(v) and question.option(v).exclusive)]
            if exclusive and len(value) > 1:
                field.errors.append(_("“%(option)s” cannot be ticked together with other answers.",
                                      option=next(c.label for c in field.choices if c.value == exclusive[0])))
                valid = False
            value = tuple(v for v in (o.value for o in question.options) if v in value) or (
                (NOT_APPLICABLE,) if NOT_APPLICABLE in value else None)
            if value == (NOT_APPLICABLE,):
                value = NOT_APPLICABLE
        elif question.type == "number":
            if question.allow_not_applicable and form[na_field_name(question)].data:
                value = NOT_APPLICABLE
            elif value is not None:
                number = parse_number(value)
                low, high = question.min, question.max
                if number is None:
                    field.errors.append(_("Please enter a number, such as 25 or 2.5."))
                    valid = False
                elif (low is not None and number < low) or (high is not None and number > high):
                    field.errors.append(text(question.bounds_message) or _bounds_message(low, high))
                    valid = False
                value = int(number) if number is not None and number.is_integer() else number
        elif question.type == "text" and value is not None:
            value = value.strip() or None
        posted[question.id] = value
    hidden = hidden_questions(questionnaire, {**stored, **posted})
    for question in section.questions:
        if question.id in hidden:
            posted[question.id] = None
        elif require and question.required and posted.get(question.id) is None and not form[question.id].errors:
            form[question.id].errors.append(text(question.required_message) or _("Please answer this question."))
            valid = False
    return posted if valid else None


def _bounds_message(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return _("Please enter a number between %(min)s and %(max)s.", min=f"{low:g}", max=f"{high:g}")
    if low is not None:
        return _("Please enter a number of at least %(min)s.", min=f"{low:g}")
    return _("Please enter a number of at most %(max)s.", max=f"{high:g}")
