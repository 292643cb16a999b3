"""Pages: the operator's planning runs, and each factory's schedule of assigned steps (a Gantt per week)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from capacity.models import Factory, Machine
from capacity.weekview import week_bounds, week_start
from marketplace.accounts.auth import firm_required
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.forms_util import commit_or_flash
from marketplace.i18n import from_local_input, local_zone
from marketplace.orders.models import Booking
from marketplace.orders.shares import order_shares
from marketplace.planning import counter_offers, runner, services
from marketplace.planning.models import PlanRun

planning_web = Blueprint("planning", __name__)


@planning_web.route("/planning", methods=["GET", "POST"])
@firm_required("operator")
def runs():
    cluster = current_user.firm.cluster
    if request.method == "POST":
        run = runner.request_run(cluster, current_user, request.form.get("reason", "")[:200])
        flash(_("Planning run %(id)s is queued; this page shows its progress.", id=run.id), "success")
        return redirect(url_for("planning.runs"))
    history = db.session.scalars(select(PlanRun).where(PlanRun.cluster_id == cluster.id)
                                 .order_by(PlanRun.id.desc()).limit(50)).all()
    return render_template("planning/runs.html", runs=history, run_states=RUN_STATES, solver_statuses=SOLVER_STATUSES)


RUN_STATES = {"queued": _l("queued"), "running": _l("running"), "done": _l("done"), "failed": _l("failed")}
SOLVER_STATUSES = {"OPTIMAL": _l("optimal"), "FEASIBLE": _l("feasible (time limit)"),
                   "INFEASIBLE": _l("no plan exists"), "UNKNOWN": _l("no plan found in time"),
                   "MODEL_INVALID": _l("invalid model"), "STORED": _l("stored plan")}


def _monday() -> date:
    raw = request.args.get("week")
    try:
        return week_start(date.fromisoformat(raw)) if raw else week_start(datetime.now(local_zone()).date())
    except ValueError:
        abort(400, _("The week must be a date like 2026-11-23."))


@planning_web.route("/schedule")
@firm_required("factory")
def schedule():
    monday = _monday()
    start, end = week_bounds(monday, local_zone().key)
    machines = db.session.scalars(select(Machine).join(Factory).where(Factory.firm_id == current_user.firm_id)
                                  .order_by(Factory.name, Machine.name)).all()
    bookings = services.schedule(current_user.firm, start, end)
    span = (end - start).total_seconds()
    bars: dict[int, list[dict]] = {}
    for b in bookings:
        left = max(0.0, (b.starts_at - start).total_seconds() / span * 100)
        right = min(100.0, (b.ends_at - start).total_seconds() / span * 100)
        bars.setdefault(b.machine_id, []).append({"booking": b, "left": round(left, 3),
                                                  "width": round(max(right - left, 0.3), 3)})
    upcoming = [b for b in services.schedule(current_user.firm, start, end + timedelta(days=28))
                if b.order_step_id is not None]
    receive = {}  # what the factory is paid for each step: the settlement's own split (orders.shares)
    for order in {b.step.order for b in upcoming}:
        receive.update({s.booking_id: s.net_fen for s in order_shares(order)})
    return render_template("planning/schedule.html", machines=machines, bars=bars, monday=monday,
                           timedelta=timedelta, upcoming=upcoming, receive=receive,
                           offers=counter_offers.open_of_bookings([b.id for b in upcoming]))


def _own_booking(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.machine is None or booking.machine.factory.firm_id != current_user.firm_id:
        abort(404)
    return booking


@planning_web.route("/schedule/bookings/<int:booking_id>/<action>", methods=["POST"])
@firm_required("factory")
def answer(booking_id: int, action: str):
    booking = _own_booking(booking_id)
    cluster = current_user.firm.cluster
    try:
        if action == "accept":
            services.accept(booking)
            db.session.commit()
            flash(_("Assignment accepted."), "success")
        elif action == "decline":
            services.decline(booking, current_user.firm, request.form.get("reason", "")[:200], current_user)
            run = runner.request_run(cluster, current_user, f"declined by {current_user.firm.name}")
            flash(_("Assignment declined; the step is being re-placed on other capacity (run %(id)s).",
                    id=run.id), "info")
        else:
            abort(404)
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("planning.schedule", week=request.args.get("week")))


@planning_web.route("/schedule/bookings/<int:booking_id>/counter-offer", methods=["POST"])
@firm_required("factory")
def counter_offer(booking_id: int):
    booking = _own_booking(booking_id)
    starts_at = from_local_input(request.form.get("starts_at", ""))
    if starts_at is None:
        flash(_("The start must be a date and time like 2026-12-05 08:00."), "error")
    else:
        commit_or_flash(lambda: counter_offers.propose(booking, current_user.firm, starts_at,
                                                       request.form.get("note", ""), current_user),
                        _("Counter-offer sent; the buyer decides. The booking holds its place until then."))
    return redirect(url_for("planning.schedule", week=request.args.get("week")))


@planning_web.route("/counter-offers/<int:offer_id>/withdraw", methods=["POST"])
@firm_required("factory")
def withdraw_counter_offer(offer_id: int):
    offer = counter_offers.own(offer_id)
    commit_or_flash(lambda: counter_offers.withdraw(offer, current_user), _("Counter-offer withdrawn."))
    return redirect(url_for("planning.schedule", week=request.args.get("week")))


@planning_web.route("/counter-offers/<int:offer_id>/<action>", methods=["POST"])
@firm_required()
def decide_counter_offer(offer_id: int, action: str):
    if action not in ("accept", "reject"):
        abort(404)
    offer = counter_offers.answerable(offer_id)
    if action == "accept":
        commit_or_flash(lambda: counter_offers.accept(offer, current_user),
                        _("Counter-offer accepted: the step starts at the new time; the later steps are re-planned."))
    else:
        commit_or_flash(lambda: counter_offers.reject(offer, current_user),
                        _("Counter-offer rejected: the step is being placed on other capacity."))
    return redirect(url_for("orders.detail", order_id=offer.order_id) + "#counter-offers")
