"""The lessor's and lessee's forms on a lease page; field names are the ones lease_lifecycle names in its
FieldErrors (reason, note, kept_fen)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from capacity.forms import REQUIRED
from capacity.lease_lifecycle import NOTE_MAX
from marketplace.form_fields import DecimalField, two_decimals


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Why you decline"), validators=[InputRequired(REQUIRED), Length(max=300)])


class HandOverForm(FlaskForm):
    note = TextAreaField(_l("Condition at handover"), validators=[InputRequired(REQUIRED), Length(max=NOTE_MAX)],
                         description=_l("Hours counter, visible damage, accessories handed over."))
    photos = MultipleFileField(_l("Photos (JPEG or PNG, up to 8)"), render_kw={"accept": "image/jpeg,image/png"})


class ReturnForm(FlaskForm):
    note = TextAreaField(_l("Condition at return"), validators=[Optional(), Length(max=NOTE_MAX)])
    photos = MultipleFileField(_l("Photos (JPEG or PNG, up to 8)"), render_kw={"accept": "image/jpeg,image/png"})


class InspectForm(FlaskForm):
    kept_fen = DecimalField(_l("Keep from the deposit (¥)"), places=2, default=0,
                            validators=[Optional(), NumberRange(min=0, message=_l("Not below zero.")), two_decimals])
    reason = TextAreaField(_l("Why (the lessee sees it)"), validators=[Optional(), Length(max=300)])
