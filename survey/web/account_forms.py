"""The forms of accounts: logging in, choosing a password, inviting someone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from ..core.profile import N_
from .forms import MultiCheckboxField
from .language import gettext as _
from .passwords import PASSWORD_MINIMUM, password_problem

# The names untranslated, for words in a language of our choosing (an invitation e-mail); the
# labels, in the language of the request.
ROLE_NAMES = {
    "consultant": N_("Consultant"),
    "manager": N_("Programme manager"),
    "owner": N_("Firm owner"),
    "admin": N_("Administrator"),
}
ROLE_LABELS = {code: _l(name) for code, name in ROLE_NAMES.items()}


# Something@something.something: enough to catch a slip; the invitation link proves the rest.
ADDRESS = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def address_field(missing: str) -> EmailField:
    """An e-mail address that must look like one, with the words for a missing one."""
    return EmailField(
        _l("E-mail"),
        [DataRequired(missing), Regexp(ADDRESS, message=_l("Enter a valid e-mail address.")), Length(max=254)],
        filters=[_strip],
    )


class LoginForm(FlaskForm):
    """An e-mail address and a password."""

    email = EmailField(
        _l("E-mail"), [DataRequired(_l("Enter your e-mail address.")), Length(max=254)], filters=[_strip]
    )
    password = PasswordField(_l("Password"), [DataRequired(_l("Enter your password.")), Length(max=200)])


class NewPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(_l("New password"), [DataRequired(_l("Choose a password.")), Length(max=200)])
    confirm = PasswordField(_l("New password again"), [EqualTo("password", _l("The two passwords are not the same."))])
    email = ""  # the address the password must differ from, set by the view

    def validate_password(self, field) -> None:
        problem = password_problem(field.data or "", self.email)
        if problem:
            raise ValidationError(_(problem, num=PASSWORD_MINIMUM))


class PasswordChangeForm(NewPasswordForm):
    """The current password, then a new one."""

    current = PasswordField(_l("Current password"), [DataRequired(_l("Enter your current password."))])


class AcceptInvitationForm(NewPasswordForm):
    """The name of the invited person, and their password."""

    name = StringField(_l("Your name"), [DataRequired(_l("Enter your name.")), Length(max=120)], filters=[_strip])


class RegisterForm(NewPasswordForm):
    """An owner's own account: name, e-mail address and password."""

    name = StringField(_l("Your name"), [DataRequired(_l("Enter your name.")), Length(max=120)], filters=[_strip])
    email = address_field(_l("Enter your e-mail address."))

    def validate_password(self, field) -> None:
        problem = password_problem(field.data or "", self.email.data or "")
        if problem:
            raise ValidationError(_(problem, num=PASSWORD_MINIMUM))


class AttachForm(FlaskForm):
    """An assessment's private link, pasted to keep it in an owner's account."""

    link = StringField(
        _l("Private link of the assessment"),
        [DataRequired(_l("Paste the private link of your assessment.")), Length(max=500)],
        filters=[_strip],
    )


class ProgrammeForm(FlaskForm):
    """A programme's name and what its managers may see."""

    name = StringField(_l("Name"), [DataRequired(_l("Enter the programme's name.")), Length(max=120)], filters=[_strip])
    managers_see_answers = BooleanField(_l("Its managers may see each firm's individual answers"))


class AccountSettingsForm(FlaskForm):
    """An account's programme, and whether it may log in."""

    programme = SelectField(_l("Programme"), coerce=str)
    active = BooleanField(_l("May log in"))


class FirmTeamForm(FlaskForm):
    """The programme a firm belongs to and the consultants who follow it."""

    programme = SelectField(_l("Programme"), coerce=str)
    consultants = MultiCheckboxField(_l("Consultants"), coerce=int)


class MoveClientsForm(FlaskForm):
    """Move every client of one consultant to another."""

    source = SelectField(_l("From"), coerce=int)
    target = SelectField(_l("To"), coerce=int)

    def validate_target(self, field) -> None:
        if field.data == self.source.data:
            raise ValidationError(_("Choose two different consultants."))


class InviteForm(FlaskForm):
    """Who to invite, in which role and programme."""

    email = address_field(_l("Enter an e-mail address."))
    role = SelectField(_l("Role"), choices=[SelectChoice(code, label) for code, label in ROLE_LABELS.items()])
    programme = SelectField(_l("Programme"), coerce=str)


class NoteForm(FlaskForm):
    """A note on a firm, or on one of its assessments."""

    body = TextAreaField(_l("Note"), [DataRequired(_l("Write the note.")), Length(max=4000)], filters=[_strip])
    assessment = SelectField(_l("About"), coerce=str)


class CodeForm(FlaskForm):
    """The one-time code an owner gave their consultant."""

    code = StringField(
        _l("Code"), [DataRequired(_l("Enter the code the owner gave you.")), Length(max=20)], filters=[_strip]
    )


PLAN_STATUS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}


class PlanItemForm(FlaskForm):
    """Who does a chosen action, by when, how far it is, and notes."""

    responsible = StringField(_l("Who does it"), [Length(max=120)], filters=[_strip])
    due = DateField(_l("By when"), [Optional()])
    status = SelectField(
        _l("Status"), choices=[SelectChoice(code, label) for code, label in PLAN_STATUS_LABELS.items()]
    )
    notes = TextAreaField(_l("Notes"), [Length(max=2000)], filters=[_strip])
