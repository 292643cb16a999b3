"""WTForms number fields that check the text before converting it (marketplace/bounded.py): `Infinity`, `1e309`
and a 400-digit integer are a message by the field, never a value that overflows a validator or the database."""

from __future__ import annotations

from decimal import Decimal

import wtforms
from flask_babel import lazy_gettext as _l

from marketplace import bounded

NOT_A_NUMBER = _l("Enter a number.")
NOT_A_WHOLE_NUMBER = _l("Enter a whole number.")
TOO_LARGE = _l("This number is too large.")


class _Bounded:
    parse = staticmethod(bounded.parse_decimal)
    invalid = NOT_A_NUMBER

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = self.parse(valuelist[0])
        except bounded.NumberTooLarge:
            self.data = None
            raise ValueError(TOO_LARGE) from None
        except ValueError:
            self.data = None
            raise ValueError(self.invalid) from None


def two_decimals(form, field):
    """A validator: an amount of money has at most two decimal places (fen)."""
    if field.data is not None and field.data != field.data.quantize(Decimal("0.01")):
        raise wtforms.validators.ValidationError(_l("At most two decimal places."))


class FloatField(_Bounded, wtforms.FloatField):
    parse = staticmethod(bounded.parse_float)


class IntegerField(_Bounded, wtforms.IntegerField):
    parse = staticmethod(bounded.parse_int)
    invalid = NOT_A_WHOLE_NUMBER


class DecimalField(_Bounded, wtforms.DecimalField):
    pass
