"""Web forms of the capacity editor and the equipment editor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from capacity.models import CERTIFICATIONS
from marketplace.form_fields import FloatField, IntegerField

TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"
MAX_CHARS = _l("At most %(max)d characters.")
REQUIRED = _l("This field is required.")


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def positive(maximum: float):
    return NumberRange(min=0.001, max=maximum, message=_l("Must be greater than 0 and at most %(max)s."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FactoryForm(FlaskForm):
    name = StringField(_l("Site name"), validators=[DataRequired(REQUIRED), Length(max=200, message=MAX_CHARS)])
    address = StringField(_l("Address"), validators=[Length(max=300, message=MAX_CHARS)])
    latitude = FloatField(
        _l("Latitude"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=-90, max=90, message=_l("Latitude must be between -90 and 90.")),
        ],
    )
    longitude = FloatField(
        _l("Longitude"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=-180, max=180, message=_l("Longitude must be between -180 and 180.")),
        ],
    )
    certifications = MultiCheckboxField(_l("Certifications"), choices=choices((c, c) for c in CERTIFICATIONS))
    contact_name = StringField(_l("Contact person"), validators=[Length(max=100, message=MAX_CHARS)])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=40, message=MAX_CHARS)])


class MachineForm(FlaskForm):
    name = StringField(_l("Machine name"), validators=[DataRequired(REQUIRED), Length(max=100, message=MAX_CHARS)])
    process_code = SelectField(_l("Process"), validators=[DataRequired(REQUIRED)])
    units = IntegerField(
        _l("Identical units"),
        default=1,
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=100, message=_l("Between %(min)s and %(max)s."))],
    )
    materials = MultiCheckboxField(_l("Materials"))
    envelope_x_mm = FloatField(_l("Envelope X (mm)"), validators=[InputRequired(REQUIRED), positive(20000)])
    envelope_y_mm = FloatField(_l("Envelope Y (mm)"), validators=[InputRequired(REQUIRED), positive(20000)])
    envelope_z_mm = FloatField(_l("Envelope Z (mm)"), validators=[InputRequired(REQUIRED), positive(20000)])
    best_tolerance_mm = FloatField(_l("Best tolerance (mm)"), validators=[InputRequired(REQUIRED), positive(10)])
    hourly_rate_yuan = FloatField(_l("Hourly rate (CNY)"), validators=[InputRequired(REQUIRED), positive(1000000)])
    setup_minutes = IntegerField(
        _l("Setup (minutes)"),
        default=30,
        validators=[InputRequired(REQUIRED), NumberRange(min=0, max=10080, message=_l("Between %(min)s and %(max)s."))],
    )
    speed_factor = FloatField(_l("Speed factor"), default=1.0, validators=[InputRequired(REQUIRED), positive(10)])
    active = BooleanField(_l("Offered on the platform"), default=True)


WEEKDAY_CHOICES = [
    (0, _l("Mon")),
    (1, _l("Tue")),
    (2, _l("Wed")),
    (3, _l("Thu")),
    (4, _l("Fri")),
    (5, _l("Sat")),
    (6, _l("Sun")),
]


class WeeklyWindowForm(FlaskForm):
    weekdays = MultiCheckboxField(
        _l("Days"),
        coerce=int,
        choices=choices(WEEKDAY_CHOICES),
        validators=[DataRequired(_l("Choose at least one day."))],
    )
    start = StringField(
        _l("From (HH:MM)"),
        validators=[DataRequired(REQUIRED), Regexp(TIME_PATTERN, message=_l("Use HH:MM, e.g. 20:00."))],
    )
    end = StringField(
        _l("To (HH:MM)"),
        validators=[DataRequired(REQUIRED), Regexp(TIME_PATTERN, message=_l("Use HH:MM, e.g. 06:00."))],
    )

    def validate_end(self, field):
        if (
            self.start.data
            and field.data
            and self.start.data.replace("24:00", "00:00") == field.data.replace("24:00", "00:00")
        ):
            raise ValidationError(_l("The window must not start and end at the same time."))


class ExceptionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices([("open", _l("Extra idle window")), ("blackout", _l("Blackout"))]))
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(REQUIRED)])
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(REQUIRED)])
    note = StringField(_l("Note"), validators=[Length(max=200, message=MAX_CHARS)])

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))


class EquipmentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200, message=MAX_CHARS)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000, message=MAX_CHARS)])
    process_code = SelectField(_l("Process"), validators=[DataRequired(REQUIRED)])
    site_factory_id = SelectField(_l("Site"), coerce=int)
    delivered_to_lessee = BooleanField(_l("Delivered to the lessee's site"))
    envelope_x_mm = FloatField(_l("Envelope X (mm)"), validators=[InputRequired(REQUIRED), positive(20000)])
    envelope_y_mm = FloatField(_l("Envelope Y (mm)"), validators=[InputRequired(REQUIRED), positive(20000)])
    envelope_z_mm = FloatField(_l("Envelope Z (mm)"), validators=[InputRequired(REQUIRED), positive(20000)])
    best_tolerance_mm = FloatField(_l("Best tolerance (mm)"), validators=[InputRequired(REQUIRED), positive(10)])
    daily_rate_yuan = FloatField(_l("Daily rate (CNY)"), validators=[InputRequired(REQUIRED), positive(1000000)])
    deposit_yuan = FloatField(
        _l("Deposit (CNY)"),
        default=0,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=0, max=10000000, message=_l("Between %(min)s and %(max)s.")),
        ],
    )
    min_days = IntegerField(
        _l("Minimum lease (days)"),
        default=1,
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=365, message=_l("Between %(min)s and %(max)s."))],
    )
    listed = BooleanField(_l("Listed for lease"), default=True)


class InstalmentPlanForm(FlaskForm):
    months = IntegerField(
        _l("Months"),
        validators=[InputRequired(REQUIRED), NumberRange(min=2, max=60, message=_l("Between %(min)s and %(max)s."))],
    )
    annual_rate_pct = FloatField(
        _l("Annual interest (%)"),
        default=0,
        validators=[InputRequired(REQUIRED), NumberRange(min=0, max=36, message=_l("Between %(min)s and %(max)s."))],
    )


class AvailabilityForm(FlaskForm):
    start_date = DateField(_l("From"), validators=[InputRequired(REQUIRED)])
    end_date = DateField(_l("To"), validators=[InputRequired(REQUIRED)])

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end must not be before the start."))
