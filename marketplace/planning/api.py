"""REST API: operators trigger re-planning and read run history; factories read their schedule and accept or
decline assignments (a decline re-plans that step elsewhere)."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select

from marketplace.accounts.auth import require_kind
from marketplace.api_common import api_blueprint, page_of, paginate
from marketplace.extensions import db
from marketplace.orders.access import readable_order
from marketplace.orders.models import Booking
from marketplace.planning import counter_offers, runner, services
from marketplace.planning.models import PlanRun
from marketplace.planning.schemas import (
    BookingSchema,
    CounterOfferRequestSchema,
    CounterOfferSchema,
    DeclineSchema,
    PlanRunListArgs,
    PlanRunRequestSchema,
    PlanRunSchema,
    ScheduleArgs,
)
from marketplace.tenancy import current_firm

planning_blp = api_blueprint("planning_api", __name__, "", "Planning runs, factory schedules and assignments")


@planning_blp.route("/plan-runs")
class PlanRuns(MethodView):
    @planning_blp.arguments(PlanRunListArgs, location="query")
    @planning_blp.response(200, page_of(PlanRunSchema))
    def get(self, args):
        """Planning runs of your cluster, newest first (operators)"""
        require_kind("operator")
        stmt = select(PlanRun).where(PlanRun.cluster_id == current_firm().cluster_id).order_by(PlanRun.id.desc())
        if "state" in args:
            stmt = stmt.where(PlanRun.state == args["state"])
        return paginate(stmt, args)

    @planning_blp.arguments(PlanRunRequestSchema)
    @planning_blp.response(202, PlanRunSchema)
    def post(self, data):
        """Re-plan the cluster (operators). Answers at once with the queued run; poll `GET /plan-runs/<id>` until
        its state is `done` (or `failed`). A run already queued for the cluster is returned instead of a new one."""
        require_kind("operator")
        return runner.request_run(current_firm().cluster, current_user, data["reason"], data["time_limit_s"])


@planning_blp.route("/plan-runs/<int:run_id>")
class PlanRunItem(MethodView):
    @planning_blp.response(200, PlanRunSchema)
    def get(self, run_id):
        """One planning run"""
        run = db.session.get(PlanRun, run_id)
        if run is None or run.cluster_id != current_firm().cluster_id or not current_firm().is_operator:
            abort(404, f"No planning run with id {run_id}.")
        return run


@planning_blp.route("/schedule")
class Schedule(MethodView):
    @planning_blp.arguments(ScheduleArgs, location="query")
    @planning_blp.response(200, BookingSchema(many=True))
    def get(self, args):
        """Bookings on your machines between start and end"""
        require_kind("factory")
        return services.schedule(current_firm(), args["start"], args["end"], args.get("machine_id"))


def _own_booking(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.machine is None or booking.machine.factory.firm_id != current_firm().id:
        abort(404, f"No booking with id {booking_id}.")
    return booking


@planning_blp.route("/bookings/<int:booking_id>/accept")
class Accept(MethodView):
    @planning_blp.response(200, BookingSchema)
    def post(self, booking_id):
        """Accept an assignment: it will not be moved by re-planning"""
        booking = services.accept(_own_booking(booking_id))
        db.session.commit()
        return booking


@planning_blp.route("/bookings/<int:booking_id>/decline")
class Decline(MethodView):
    @planning_blp.arguments(DeclineSchema)
    @planning_blp.response(202, PlanRunSchema)
    def post(self, data, booking_id):
        """Decline an assignment: answers at once; the step is re-placed on other capacity within seconds (a local
        repair) and the returned full re-plan runs in the background"""
        booking = _own_booking(booking_id)
        cluster = booking.machine.factory.firm.cluster
        services.decline(booking, current_firm(), data["reason"], current_user)
        return runner.request_run(cluster, current_user, f"declined by {current_firm().name}")


@planning_blp.route("/bookings/<int:booking_id>/counter-offer")
class CounterOfferCreate(MethodView):
    @planning_blp.arguments(CounterOfferRequestSchema)
    @planning_blp.response(201, CounterOfferSchema)
    def post(self, data, booking_id):
        """Answer a proposed assignment with a later start on the same machine instead of declining it; the booking
        holds its place until the order's buyer accepts or rejects (a rejection is a decline)"""
        offer = counter_offers.propose(_own_booking(booking_id), current_firm(), data["starts_at"], data["note"],
                                       current_user)
        db.session.commit()
        return offer


@planning_blp.route("/orders/<int:order_id>/counter-offers")
class OrderCounterOffers(MethodView):
    @planning_blp.response(200, CounterOfferSchema(many=True))
    def get(self, order_id):
        """The counter-offers made on an order's assignments, oldest first"""
        return counter_offers.of_order(readable_order(order_id))


@planning_blp.route("/counter-offers/<int:offer_id>")
class CounterOfferItem(MethodView):
    @planning_blp.response(200, CounterOfferSchema)
    def get(self, offer_id):
        """One counter-offer"""
        return counter_offers.readable(offer_id)


@planning_blp.route("/counter-offers/<int:offer_id>/accept")
class CounterOfferAccept(MethodView):
    @planning_blp.response(200, CounterOfferSchema)
    def post(self, offer_id):
        """Accept a counter-offer (the order's buyer): the step moves to the proposed start and is committed; a
        re-plan queued after commit moves the order's later steps after it"""
        offer = counter_offers.accept(counter_offers.answerable(offer_id), current_user)
        db.session.commit()
        return offer


@planning_blp.route("/counter-offers/<int:offer_id>/reject")
class CounterOfferReject(MethodView):
    @planning_blp.response(200, CounterOfferSchema)
    def post(self, offer_id):
        """Reject a counter-offer (the order's buyer): as a decline, the step is re-placed on other capacity"""
        offer = counter_offers.reject(counter_offers.answerable(offer_id), current_user)
        db.session.commit()
        return offer


@planning_blp.route("/counter-offers/<int:offer_id>/withdraw")
class CounterOfferWithdraw(MethodView):
    @planning_blp.response(200, CounterOfferSchema)
    def post(self, offer_id):
        """Withdraw your counter-offer (the factory): the assignment is proposed again as planned"""
        offer = counter_offers.withdraw(counter_offers.own(offer_id), current_user)
        db.session.commit()
        return offer


BLUEPRINTS = (planning_blp,)
