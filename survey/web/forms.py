"""The firm profile form, and the form built from one questionnaire section."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.answers import EXCLUSIVE, NOT_A_NUMBER, NOT_OFFERED, OUT_OF_BOUNDS, RawAnswer, Refusal
from ..core.answers import read_section as interpret_section
from ..core.model import NOT_APPLICABLE, Question, Questionnaire, Section
from ..core.profile import SECTORS, SIZES
from ..reports.labels import YESNO_LABELS
from .language import gettext as _
from .language import language as ui_language

FIELD_PREFIX = "q"
TEXT_LIMIT = 2000
EVIDENCE_LIMIT = 500


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
        self.sector.choices = [choose] + [SelectChoice(code, _(label)) for code, label in SECTORS.items()]
        self.size.choices = [SelectChoice(code, _(label)) for code, label in SIZES.items()]
        self.region.choices = [choose] + [SelectChoice(region) for region in current_app.config["REGIONS"]]


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: submit, start a follow-up."""


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def na_field_name(question: Question) -> str:
    """Return the name of the 'does not apply' box of a number question."""
    return f"{question.id}__na"


def shown_field_name(question: Question) -> str:
    """Return the name of the mark a page sends with a checklist whose empty selection means "none of these"."""
    return f"{question.id}__shown"


def evidence_field_name(question_id: str) -> str:
    """Return the name of a question's evidence note on the check page.

    The questions' own fields are named with the "q-" prefix, so no question id can clash with it.
    """
    return f"evidence-{question_id}"


def read_evidence(formdata: Any, question_ids: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Return the evidence note posted for each of the questions, and a message for each note too long.

    Only the questions given are read: a name posted for any other question is ignored.
    """
    notes, refused = {}, {}
    for question_id in question_ids:
        # Browsers post a line break as CR LF but count it as one character against maxlength.
        note = formdata.get(evidence_field_name(question_id), "").replace("\r\n", "\n").strip()
        notes[question_id] = note
        if len(note) > EVIDENCE_LIMIT:
            refused[question_id] = _("Please shorten this note to %(num)s characters or fewer.", num=EVIDENCE_LIMIT)
    return notes, refused


def section_form(
    questionnaire: Questionnaire, section: Section, language: str, formdata: Any = None, answers: dict | None = None
) -> FlaskForm:
    """Build the form of one section, filled from the posted data or the stored answers."""
    data: dict[str, Any] = {}
    for question in section.questions:
        if question.rows:
            data.update({key: (answers or {}).get(key) for key in question.answer_keys()})
            continue
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
        if question.type == "grid":
            # The grid's own field holds no answer, only the message of rows left unanswered.
            field = Field(label)
            choices = [SelectChoice(o.value, text(o.label)) for o in question.options]
            for row in question.rows:
                # Every value is checked by the answer rules, which name the row in their message.
                row_field = RadioField(text(row.label), [Optional()], choices=choices, validate_choice=False)
                setattr(SectionForm, row.key, row_field)
        elif question.type in ("choice", "yesno"):
            if question.type == "choice":
                choices = [SelectChoice(o.value, text(o.label)) for o in question.options]
            else:
                choices = [SelectChoice(v, _(label_)) for v, label_ in YESNO_LABELS.items()]
                if question.allow_not_applicable:
                    choices.append(SelectChoice(NOT_APPLICABLE, _("Does not apply")))
            field = RadioField(label, [Optional()], choices=choices)
        elif question.type == "checklist":
            choices = [SelectChoice(o.value, text(o.label)) for o in question.options]
            if question.allow_not_applicable:
                choices.append(SelectChoice(NOT_APPLICABLE, _("Does not apply")))
            field = MultiCheckboxField(label, [Optional()], choices=choices)
            if question.empty_is_none:
                setattr(SectionForm, shown_field_name(question), BooleanField())
        elif question.type == "number":
            field = StringField(label, [Optional(), Length(max=30)])
            if question.allow_not_applicable:
                setattr(SectionForm, na_field_name(question), BooleanField(_("Does not apply")))
        else:
            field = TextAreaField(label, [Optional(), Length(max=TEXT_LIMIT)])
        setattr(SectionForm, question.id, field)
        if question.type in ("choice", "yesno", "checklist", "grid"):
            described = {o.value: text(o.description) for o in question.options if o.description}
            rows[question.id] = tuple((c.value, c.label, described.get(c.value, "")) for c in choices)
    # What the page shows of each option, worked out once rather than on every page view.
    SectionForm.option_rows = rows
    _form_classes[key] = SectionForm
    return SectionForm


def read_section(
    form: FlaskForm,
    questionnaire: Questionnaire,
    section: Section,
    language: str,
    stored: dict[str, Any],
    require: bool = True,
) -> dict[str, Any] | None:
    """Return the section's answers to store (None clears one), or None after adding errors to the form.

    The form checks what WTForms can (options offered, lengths); the answer rules of the core
    decide the rest. With require=False (the owner going back a page) required answers may
    still be missing.
    """
    valid = form.validate()
    raw = {}
    for question in section.questions:
        if question.type == "note":
            continue
        if question.rows:
            raw.update({key: RawAnswer(form[key].data) for key in question.answer_keys()})
            continue
        not_applicable = question.type == "number" and question.allow_not_applicable
        raw[question.id] = RawAnswer(
            form[question.id].data,
            bool(not_applicable and form[na_field_name(question)].data),
            bool(question.empty_is_none and form[shown_field_name(question)].data),
        )
    posted, refusals = interpret_section(questionnaire, section, raw, stored, require)
    for refusal in refusals:
        field = form[refusal.question_id]
        if field.errors and refusal.rule not in (EXCLUSIVE, NOT_A_NUMBER, OUT_OF_BOUNDS):
            continue  # one message a question: a required answer refused by WTForms is already explained
        question = questionnaire.questions.get(refusal.question_id) or questionnaire.grid_rows[refusal.question_id][0]
        field.errors.append(refusal_message(questionnaire, question, refusal, field, language))
        valid = False
    return posted if valid else None


def refusal_message(
    questionnaire: Questionnaire, question: Question, refusal: Refusal, field: Any, language: str
) -> str:
    """Say in the owner's words why an answer was refused."""
    text = lambda value: questionnaire.text(value, language)  # noqa: E731
    if refusal.rule == EXCLUSIVE:
        option = next((c.label for c in field.choices if c.value == refusal.detail), refusal.detail)
        return _("“%(option)s” cannot be ticked together with other answers.", option=option)
    if refusal.rule == NOT_OFFERED:
        return _("Please choose one of the answers offered.")
    if refusal.rule == NOT_A_NUMBER:
        return _("Please enter a number, such as 25 or 2.5.")
    if refusal.rule == OUT_OF_BOUNDS:
        return text(question.bounds_message) or _bounds_message(question.min, question.max)
    if question.rows and refusal.detail:
        rows = "; ".join(text(questionnaire.grid_rows[key][1].label) for key in refusal.detail)
        message = _("Please answer every row. Not answered yet: %(rows)s.", rows=rows)
        return f"{text(question.required_message)} {message}" if question.required_message else message
    return text(question.required_message) or _("Please answer this question.")


def _bounds_message(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return _("Please enter a number between %(min)s and %(max)s.", min=f"{low:g}", max=f"{high:g}")
    if low is not None:
        return _("Please enter a number of at least %(min)s.", min=f"{low:g}")
    return _("Please enter a number of at most %(max)s.", max=f"{high:g}")
