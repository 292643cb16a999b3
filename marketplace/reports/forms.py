"""The plan form: a programme, its period and a target per metric (blank = no target). Money is typed in yuan,
ratios in percent; `service_targets` turns them into the service's units (fen, ratio 0..1). Each target field is
named after its metric, so a refusal of `targets.<metric>` is shown beside it."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from capacity.forms import MAX_CHARS, REQUIRED
from marketplace.form_fields import DecimalField, IntegerField, two_decimals
from marketplace.reports.metrics import METRICS

UNIT_HINT = {"fen": _l("CNY"), "ratio": _l("percent"), "days": _l("days, at most")}
LIMIT = {"count": Decimal(10**7), "fen": Decimal(10**12), "ratio": Decimal(100), "days": Decimal(3650)}


class TargetsForm(FlaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for metric in METRICS:  # the unit in the label, in the reader's language (counts need none)
            if metric.unit in UNIT_HINT:
                getattr(self, metric.key).label.text = f"{metric.label} ({UNIT_HINT[metric.unit]})"

    def target_fields(self):
        return [getattr(self, m.key) for m in METRICS]

    def fill(self, targets: dict) -> None:
        """Show stored targets (service units) in the form's units."""
        by_key = {m.key: m for m in METRICS}
        for key, value in targets.items():
            unit = by_key[key].unit
            shown = Decimal(str(value)) / 100 if unit == "fen" else Decimal(str(value)) * 100 if unit == "ratio" \
                else Decimal(str(value))
            getattr(self, key).data = Decimal(format(shown.normalize(), "f"))  # 50, not 5E+1

    def service_targets(self) -> dict:
        out = {}
        for metric in METRICS:
            value = getattr(self, metric.key).data
            if value is None:
                continue
            out[metric.key] = (int(value * 100) if metric.unit == "fen" else float(value / 100)
                               if metric.unit == "ratio" else float(value) if metric.unit == "days" else int(value))
        return out


class PlanForm(TargetsForm):
    name = StringField(_l("Programme name"), validators=[DataRequired(REQUIRED), Length(max=200, message=MAX_CHARS)])
    period_start = DateField(_l("Period from"), validators=[InputRequired(REQUIRED)])
    period_end = DateField(_l("Period until"), validators=[InputRequired(REQUIRED)])


def _target_field(metric):
    validators = [Optional(), NumberRange(min=0, max=LIMIT[metric.unit], message=_l("Between %(min)s and %(max)s."))]
    if metric.unit == "count":
        return IntegerField(metric.label, validators=validators)
    return DecimalField(metric.label, validators=[*validators, two_decimals], places=None)


for _metric in METRICS:
    setattr(TargetsForm, _metric.key, _target_field(_metric))
