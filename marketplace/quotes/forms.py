"""The Instant quote form: an STL upload or declared dimensions, material, quantities, route and options."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, FieldList, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from marketplace.form_fields import FloatField, IntegerField
from quoting.specs import MAX_QUANTITY

ROUTE_STEPS = 4


def _positive(message):
    return NumberRange(min=0.001, message=message)


class QuoteForm(FlaskForm):
    file = FileField(_l("CAD file (STL or STEP)"))
    split = BooleanField(_l("The file holds several parts: quote each and order them together"))
    unit = SelectField(
        _l("Unit of an STL file"),
        default="",
        choices=[
            SelectChoice("", _l("millimetres (STL files have no unit)")),
            SelectChoice("inch", _l("inches")),
            SelectChoice("cm", _l("centimetres")),
            SelectChoice("m", _l("metres")),
        ],
    )
    length_mm = FloatField(_l("Length (mm)"), validators=[Optional(), _positive(_l("Must be greater than 0."))])
    width_mm = FloatField(_l("Width (mm)"), validators=[Optional(), _positive(_l("Must be greater than 0."))])
    height_mm = FloatField(_l("Height (mm)"), validators=[Optional(), _positive(_l("Must be greater than 0."))])
    volume_cm3 = FloatField(_l("Volume (cm³)"), validators=[Optional(), _positive(_l("Must be greater than 0."))])
    material = SelectField(_l("Material"), validators=[InputRequired(_l("This field is required."))])
    quantity = IntegerField(
        _l("Quantity"),
        default=10,
        validators=[
            InputRequired(_l("This field is required.")),
            NumberRange(min=1, max=MAX_QUANTITY, message=_l("Must be a whole number from 1 to %(max)s.")),
        ],
    )
    quantity_breaks = StringField(_l("Price-break quantities"), default="1, 10, 50, 100, 500")
    route = FieldList(SelectField(_l("Process step")), min_entries=ROUTE_STEPS, max_entries=ROUTE_STEPS)
    tolerance_class = SelectField(
        _l("Tolerance class (ISO 2768)"),
        default="m",
        choices=[
            SelectChoice("f", _l("f – fine")),
            SelectChoice("m", _l("m – medium")),
            SelectChoice("c", _l("c – coarse")),
        ],
    )
    finish = SelectField(
        _l("Finish"),
        default="none",
        choices=[
            SelectChoice("none", _l("None")),
            SelectChoice("anodised", _l("Anodised")),
            SelectChoice("powder_coat", _l("Powder coated")),
        ],
    )
    heat_treat = BooleanField(_l("Heat treatment"))
    lead_time_tier = SelectField(
        _l("Lead time"),
        default="standard",
        choices=[
            SelectChoice("expedite", _l("Expedite")),
            SelectChoice("standard", _l("Standard")),
            SelectChoice("economy", _l("Economy")),
        ],
    )
    due_date = DateField(_l("Wanted by (optional)"), validators=[Optional()])

    def validate_quantity_breaks(self, field):
        try:
            values = [int(part) for part in (field.data or "").replace("，", ",").split(",") if part.strip()]
        except ValueError:
            raise ValidationError(_l("Give whole numbers separated by commas, e.g. 1, 10, 100.")) from None
        if len(values) > 12 or any(not 1 <= q <= MAX_QUANTITY for q in values):
            raise ValidationError(_l("Give at most 12 quantities, each from 1 to %(max)s.", max=MAX_QUANTITY))
        field.values = values

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        has_file = bool(self.file.data and getattr(self.file.data, "filename", ""))
        declared = (self.length_mm.data, self.width_mm.data, self.height_mm.data, self.volume_cm3.data)
        fields = (self.length_mm, self.width_mm, self.height_mm, self.volume_cm3)
        if not has_file and all(value is None and not field.errors for field, value in zip(fields, declared)):
            # nothing to price from: one message, by the file field, not four copies of it
            self.file.errors = [*self.file.errors, _l("Upload an STL file, or give length, width, height and volume.")]
            ok = False
        elif not has_file and any(value is None for value in declared):
            for field, value in zip(fields, declared, strict=True):
                if value is None and not field.errors:
                    field.errors = [*field.errors, _l("Give this too (or upload a file instead).")]
            ok = False
        return ok

    def inputs(self) -> dict:
        """The same plain inputs the API's schemas load."""
        data = {
            "material": self.material.data,
            "quantity": self.quantity.data,
            "quantity_breaks": getattr(self.quantity_breaks, "values", None) or None,
            "route": [step for step in self.route.data if step] or None,
            "tolerance_class": self.tolerance_class.data,
            "finish": self.finish.data,
            "heat_treat": bool(self.heat_treat.data),
            "lead_time_tier": self.lead_time_tier.data,
            "due_date": self.due_date.data,
        }
        if self.file.data and getattr(self.file.data, "filename", ""):
            data["unit"] = self.unit.data or None
        else:
            data["bbox_mm"] = [self.length_mm.data, self.width_mm.data, self.height_mm.data]
            data["volume_mm3"] = self.volume_cm3.data * 1000
        return data
