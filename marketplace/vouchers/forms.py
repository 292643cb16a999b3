"""Web forms of the voucher pages.

Money is typed in CNY yuan and percentages in %; the views convert to fen and basis points. The fields that the
services name in their FieldErrors (`budget_fen`, `per_firm_cap_fen`, `value_fen`, `percent_bp`, `name`, `firm_id`)
keep those names, so `save_or_report` puts a refusal next to the field the person typed it in.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from capacity.forms import MAX_CHARS, REQUIRED, MultiCheckboxField, choices
from marketplace.form_fields import DecimalField, IntegerField, two_decimals

MAX_YUAN = Decimal(10**10)  # the API's limit of 10**12 fen


def yuan_field(label, required=True):
    return DecimalField(
        label,
        validators=[
            InputRequired(REQUIRED) if required else Optional(),
            NumberRange(min=Decimal("0.01"), max=MAX_YUAN, message=_l("Between %(min)s and %(max)s.")),
            two_decimals,
        ],
    )


def to_fen(value: Decimal | None) -> int:
    return 0 if value is None else int((value * 100).to_integral_value())


class ProgrammeForm(FlaskForm):
    name = StringField(_l("Programme name"), validators=[DataRequired(REQUIRED), Length(max=200, message=MAX_CHARS)])
    budget_fen = yuan_field(_l("Budget (CNY)"))
    per_firm_cap_fen = yuan_field(_l("Cap per firm (CNY)"))
    kind = SelectField(
        _l("Kind"),
        choices=choices([("percent", _l("Percentage of the price")), ("fixed", _l("Fixed amount per order"))]),
    )
    percent_bp = DecimalField(
        _l("Percentage (%)"),
        validators=[
            Optional(),
            NumberRange(min=Decimal("0.01"), max=100, message=_l("Between %(min)s and %(max)s.")),
            two_decimals,
        ],
    )
    value_fen = yuan_field(_l("Fixed value (CNY)"), required=False)
    eligible_processes = MultiCheckboxField(_l("Eligible processes (none ticked: every process)"))
    max_employees = IntegerField(_l("Only firms of at most this many employees (blank: any size)"), validators=[
        Optional(), NumberRange(min=1, max=10**6, message=_l("Between %(min)s and %(max)s."))])
    valid_from = DateField(_l("Valid from"), validators=[InputRequired(REQUIRED)])
    valid_until = DateField(_l("Valid until"), validators=[InputRequired(REQUIRED)])

    def validate_valid_until(self, field):
        if self.valid_from.data and field.data:
            if field.data < self.valid_from.data:
                raise ValidationError(_l("The end must not be before the start."))
            if field.data - self.valid_from.data > timedelta(days=3 * 366):
                raise ValidationError(_l("At most three years."))

    def service_data(self) -> dict:
        """The programme as create_programme takes it: fen and basis points; the other kind's value is 0."""
        percent = self.kind.data == "percent"
        return {
            "name": self.name.data.strip(),
            "budget_fen": to_fen(self.budget_fen.data),
            "per_firm_cap_fen": to_fen(self.per_firm_cap_fen.data),
            "kind": self.kind.data,
            "percent_bp": to_fen(self.percent_bp.data) if percent else 0,  # % x 100 = basis points
            "value_fen": 0 if percent else to_fen(self.value_fen.data),
            "eligible_processes": list(self.eligible_processes.data or []),
            "max_employees": self.max_employees.data,
            "valid_from": self.valid_from.data,
            "valid_until": self.valid_until.data,
        }


class IssueForm(FlaskForm):
    firm_id = SelectField(_l("SME buyer"), coerce=int, validators=[DataRequired(REQUIRED)])
    cap_fen = yuan_field(_l("Cap for this firm (CNY, optional; at most the programme's cap)"), required=False)


class ApplyForm(FlaskForm):
    """An SME's application; field names are the ones vouchers.applications names (purpose, requested_fen)."""
    purpose = TextAreaField(_l("What the voucher is for"), validators=[DataRequired(REQUIRED), Length(max=500)],
                            description=_l("The parts or services you will order, e.g. 50 CNC-milled brackets."))
    requested_fen = yuan_field(_l("Amount asked (CNY)"))


class DecideForm(FlaskForm):
    """The operator's batch: the ticked rows (`application_ids`, checkboxes in the table) and a note."""
    note = StringField(_l("Note to the firms (required when rejecting)"), validators=[Length(max=300)])


class ReimbursementForm(FlaskForm):
    """The operator records what the programme paid back (兑付); names as payments.reimbursements names them."""
    amount_fen = yuan_field(_l("Amount received (CNY)"))
    reference = StringField(_l("Bank transfer reference"), validators=[DataRequired(REQUIRED), Length(max=80)])
    received_on = DateField(_l("Received on"), validators=[InputRequired(REQUIRED)])
