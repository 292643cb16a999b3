"""Web forms of accounts (Flask-WTF: CSRF on every form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange, Optional, Regexp

from marketplace.form_fields import IntegerField


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your password.")),
                                                                         Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")),
        Length(min=10, max=200, message=_l("Between %(min)d and %(max)d characters.")),
    ])
    confirm = PasswordField(_l("New password again"), validators=[
        EqualTo("new_password", message=_l("The two new passwords differ."))])
    keep_tokens = BooleanField(_l("Keep my API tokens working (otherwise they are revoked)"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[
            DataRequired(_l("Give the token a name.")),
            Length(max=100, message=_l("At most %(max)d characters.")),
        ],
    )


class FirmProfileForm(FlaskForm):
    name = StringField(
        _l("Firm name"),
        validators=[
            DataRequired(_l("Enter the firm's name.")),
            Length(max=200, message=_l("At most %(max)d characters.")),
        ],
    )
    credit_code = StringField(
        _l("Unified social credit code"),
        validators=[
            Optional(),
            Regexp(r"^[0-9A-HJ-NPQRTUWXY]{18}$", message=_l("A unified social credit code has 18 characters.")),
        ],
    )
    contact_name = StringField(
        _l("Contact person"), validators=[Length(max=100, message=_l("At most %(max)d characters."))]
    )
    phone = StringField(_l("Phone"), validators=[Length(max=40, message=_l("At most %(max)d characters."))])
    email = EmailField(
        _l("Email"),
        validators=[
            Optional(),
            Email(_l("Enter a valid email address.")),
            Length(max=254, message=_l("At most %(max)d characters.")),
        ],
    )
    address = StringField(_l("Address"), validators=[Length(max=300, message=_l("At most %(max)d characters."))])
    employees = IntegerField(_l("Employees"), validators=[
        Optional(), NumberRange(min=1, max=10**6, message=_l("Between %(min)s and %(max)s."))],
        description=_l("Voucher programmes for small firms check it."))
    description = TextAreaField(
        _l("About the firm"), validators=[Length(max=5000, message=_l("At most %(max)d characters."))]
    )


class TeamMemberForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter a name.")), Length(max=100, message=_l("At most %(max)d characters."))],
    )
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
    role = SelectField(_l("Role"), choices=[SelectChoice("staff", _l("Staff")), SelectChoice("owner", _l("Owner"))])


class AcceptInvitationForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter a name.")), Length(max=100, message=_l("At most %(max)d characters."))],
    )
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter a new password.")),
        Length(min=10, max=200, message=_l("Between %(min)d and %(max)d characters.")),
    ])
    confirm = PasswordField(_l("Password again"), validators=[
        EqualTo("password", message=_l("The two new passwords differ."))])
