"""REST API for leasable equipment: the owner's editor and the cluster's listings."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from sqlalchemy import select

from capacity import equipment as service
from capacity import removal
from capacity.equipment_schemas import AvailabilitySchema, EquipmentListArgs, EquipmentSchema, InstalmentPlanSchema
from capacity.models import Equipment, EquipmentAvailability, InstalmentPlan
from marketplace.api_common import api_blueprint, page_of, paginate
from marketplace.extensions import db
from marketplace.tenancy import current_firm, delete_child, get_readable, get_writable

equipment_blp = api_blueprint("equipment_api", __name__, "/equipment", "Your leasable equipment")
listings_blp = api_blueprint(
    "equipment_listings_api", __name__, "/equipment-listings", "Equipment listed for lease in your cluster"
)

OWNER = "owner_firm_id"


def _filtered(stmt, args):
    if "process" in args:
        stmt = stmt.where(Equipment.process_code == args["process"])
    if "max_daily_rate_fen" in args:
        stmt = stmt.where(Equipment.daily_rate_fen <= args["max_daily_rate_fen"])
    if args.get("q"):
        stmt = stmt.where(Equipment.name.contains(args["q"], autoescape=True))
    return stmt.order_by(Equipment.id)


@equipment_blp.route("")
class EquipmentList(MethodView):
    @equipment_blp.arguments(EquipmentListArgs, location="query")
    @equipment_blp.response(200, page_of(EquipmentSchema))
    def get(self, args):
        """List equipment your firm owns (operators: all of the cluster's)"""
        firm = current_firm()
        stmt = select(Equipment)
        stmt = (
            stmt.where(Equipment.cluster_id == firm.cluster_id)
            if firm.is_operator
            else stmt.where(Equipment.owner_firm_id == firm.id)
        )
        return paginate(_filtered(stmt, args), args)

    @equipment_blp.arguments(EquipmentSchema)
    @equipment_blp.response(201, EquipmentSchema)
    def post(self, data):
        """List a new item of equipment"""
        item = service.save_equipment(current_firm(), data)
        db.session.commit()
        return item


@equipment_blp.route("/<int:equipment_id>")
class EquipmentItem(MethodView):
    @equipment_blp.response(200, EquipmentSchema)
    def get(self, equipment_id):
        """One item of your equipment"""
        return get_readable(Equipment, equipment_id, OWNER)

    @equipment_blp.arguments(EquipmentSchema(partial=True))
    @equipment_blp.response(200, EquipmentSchema)
    def patch(self, data, equipment_id):
        """Change an item"""
        item = service.save_equipment(current_firm(), data, get_writable(Equipment, equipment_id, OWNER))
        db.session.commit()
        return item

    @equipment_blp.response(204)
    def delete(self, equipment_id):
        """Withdraw an item (409 while it has leases or open work: unlist it instead)"""
        removal.remove_equipment(get_writable(Equipment, equipment_id, OWNER))
        db.session.commit()


@equipment_blp.route("/<int:equipment_id>/instalment-plans")
class InstalmentPlans(MethodView):
    @equipment_blp.arguments(InstalmentPlanSchema)
    @equipment_blp.response(201, InstalmentPlanSchema)
    def post(self, data, equipment_id):
        """Offer an instalment plan"""
        plan = service.add_instalment_plan(get_writable(Equipment, equipment_id, OWNER), **data)
        db.session.commit()
        return plan


@equipment_blp.route("/<int:equipment_id>/instalment-plans/<int:plan_id>")
class InstalmentPlanItem(MethodView):
    @equipment_blp.response(204)
    def delete(self, equipment_id, plan_id):
        """Withdraw an instalment plan"""
        delete_child(InstalmentPlan, plan_id, equipment_id=get_writable(Equipment, equipment_id, OWNER).id)


@equipment_blp.route("/<int:equipment_id>/availability")
class Availability(MethodView):
    @equipment_blp.arguments(AvailabilitySchema)
    @equipment_blp.response(201, AvailabilitySchema)
    def post(self, data, equipment_id):
        """Add a date range in which the item can be leased"""
        window = service.add_availability(get_writable(Equipment, equipment_id, OWNER), **data)
        db.session.commit()
        return window


@equipment_blp.route("/<int:equipment_id>/availability/<int:availability_id>")
class AvailabilityItem(MethodView):
    @equipment_blp.response(204)
    def delete(self, equipment_id, availability_id):
        """Remove an availability range"""
        delete_child(EquipmentAvailability, availability_id,
                     equipment_id=get_writable(Equipment, equipment_id, OWNER).id)


@listings_blp.route("")
class Listings(MethodView):
    @listings_blp.arguments(EquipmentListArgs, location="query")
    @listings_blp.response(200, page_of(EquipmentSchema))
    def get(self, args):
        """Equipment offered for lease in your cluster"""
        stmt = select(Equipment).where(Equipment.cluster_id == current_firm().cluster_id, Equipment.listed.is_(True))
        return paginate(_filtered(stmt, args), args)


@listings_blp.route("/<int:equipment_id>")
class ListingItem(MethodView):
    @listings_blp.response(200, EquipmentSchema)
    def get(self, equipment_id):
        """One listed item of your cluster"""
        item = db.session.get(Equipment, equipment_id)
        if item is None or not item.listed or item.cluster_id != current_firm().cluster_id:
            abort(404, f"No equipment listing with id {equipment_id}.")
        return item


BLUEPRINTS = (equipment_blp, listings_blp)
