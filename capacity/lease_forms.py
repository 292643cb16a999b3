"""The web form for leasing an item of equipment.

Field names are the ones capacity.leasing names in its FieldErrors (start_date, end_date, site_factory_id,
delivery_address, instalment_months), so save_or_report puts a refusal next to the field it is about. A saved
delivery address (`delivery_address_id`) fills the address when none is typed.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from capacity.forms import REQUIRED


class LeaseForm(FlaskForm):
    start_date = DateField(_l("First day"), validators=[InputRequired(REQUIRED)])
    end_date = DateField(_l("Last day"), validators=[InputRequired(REQUIRED)])
    site_factory_id = SelectField(_l("Deliver to your site"), coerce=int, default=0)
    delivery_address_id = SelectField(_l("Or one of your saved delivery addresses"), coerce=int, default=0)
    delivery_address = StringField(_l("Or deliver to this address"), validators=[Length(max=300)],
                                   description=_l("Street, town, contact and phone, when your firm has no site."))
    instalment_months = SelectField(_l("Payment"), coerce=int, default=0)

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end must not be before the start."))
