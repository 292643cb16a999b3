"""REST API for the catalogue, factories, machines and their idle-capacity calendars."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from sqlalchemy import String, cast, select

from capacity import removal, services
from capacity.calendar import total_minutes
from capacity.models import CalendarException, Factory, Machine, Material, Process, WeeklyWindow, machine_materials
from capacity.schemas import (
    CalendarExceptionSchema,
    FactoryListArgs,
    FactorySchema,
    IdleArgs,
    IdleSchema,
    MachineListArgs,
    MachineSchema,
    MachineUpdateSchema,
    MaterialSchema,
    ProcessSchema,
    WeeklyWindowSchema,
)
from marketplace.accounts.auth import require_kind
from marketplace.api_common import api_blueprint, page_of, paginate
from marketplace.extensions import db
from marketplace.tenancy import current_firm, delete_child, get_readable, get_writable, scope

catalogue_blp = api_blueprint("catalogue_api", __name__, "", "Process and material catalogues")
factories_blp = api_blueprint("factories_api", __name__, "/factories", "Production sites of factory firms")
machines_blp = api_blueprint("machines_api", __name__, "/machines", "Machines, work centres and their calendars")


@catalogue_blp.route("/processes")
class Processes(MethodView):
    @catalogue_blp.response(200, ProcessSchema(many=True))
    def get(self):
        """The process catalogue"""
        return db.session.scalars(select(Process).order_by(Process.code)).all()


@catalogue_blp.route("/materials")
class Materials(MethodView):
    @catalogue_blp.response(200, MaterialSchema(many=True))
    def get(self):
        """The materials catalogue"""
        return db.session.scalars(select(Material).order_by(Material.code)).all()


@factories_blp.route("")
class Factories(MethodView):
    @factories_blp.arguments(FactoryListArgs, location="query")
    @factories_blp.response(200, page_of(FactorySchema))
    def get(self, args):
        """List your factories (operators: every factory of the cluster)"""
        stmt = scope(select(Factory), Factory).order_by(Factory.id)
        if args.get("q"):
            stmt = stmt.where(Factory.name.contains(args["q"], autoescape=True))
        if args.get("certification"):
            stmt = stmt.where(cast(Factory.certifications, String).contains(f'"{args["certification"]}"'))
        return paginate(stmt, args)

    @factories_blp.arguments(FactorySchema)
    @factories_blp.response(201, FactorySchema)
    def post(self, data):
        """Add a production site"""
        require_kind("factory")
        factory = services.save_factory(current_firm(), data)
        db.session.commit()
        return factory


@factories_blp.route("/<int:factory_id>")
class FactoryItem(MethodView):
    @factories_blp.response(200, FactorySchema)
    def get(self, factory_id):
        """One factory"""
        return get_readable(Factory, factory_id)

    @factories_blp.arguments(FactorySchema(partial=True))
    @factories_blp.response(200, FactorySchema)
    def patch(self, data, factory_id):
        """Change a factory"""
        factory = services.save_factory(current_firm(), data, get_writable(Factory, factory_id))
        db.session.commit()
        return factory

    @factories_blp.response(204)
    def delete(self, factory_id):
        """Remove a factory and its machines (409 while they hold work of an open order)"""
        removal.remove_factory(get_writable(Factory, factory_id))
        db.session.commit()


@machines_blp.route("")
class Machines(MethodView):
    @machines_blp.arguments(MachineListArgs, location="query")
    @machines_blp.response(200, page_of(MachineSchema))
    def get(self, args):
        """List your machines (operators: every machine of the cluster)"""
        stmt = scope(select(Machine).join(Factory), Factory).order_by(Machine.id)
        if "factory_id" in args:
            stmt = stmt.where(Machine.factory_id == args["factory_id"])
        if "process" in args:
            stmt = stmt.where(Machine.process_code == args["process"])
        if "material" in args:
            stmt = stmt.where(
                Machine.id.in_(
                    select(machine_materials.c.machine_id).where(machine_materials.c.material_code == args["material"])
                )
            )
        if "active" in args:
            stmt = stmt.where(Machine.active == args["active"])
        return paginate(stmt, args)

    @machines_blp.arguments(MachineSchema)
    @machines_blp.response(201, MachineSchema)
    def post(self, data):
        """Add a machine to one of your factories"""
        require_kind("factory")
        machine = services.save_machine(current_firm(), data)
        db.session.commit()
        return machine


@machines_blp.route("/<int:machine_id>")
class MachineItem(MethodView):
    @machines_blp.response(200, MachineSchema)
    def get(self, machine_id):
        """One machine"""
        return get_readable(Machine, machine_id)

    @machines_blp.arguments(MachineUpdateSchema(partial=True))
    @machines_blp.response(200, MachineSchema)
    def patch(self, data, machine_id):
        """Change a machine"""
        machine = services.save_machine(current_firm(), data, get_writable(Machine, machine_id))
        db.session.commit()
        return machine

    @machines_blp.response(204)
    def delete(self, machine_id):
        """Remove a machine and its calendar (409 while it holds work of an open order: deactivate it instead)"""
        removal.remove_machine(get_writable(Machine, machine_id))
        db.session.commit()


@machines_blp.route("/<int:machine_id>/weekly-windows")
class WeeklyWindows(MethodView):
    @machines_blp.response(200, WeeklyWindowSchema(many=True))
    def get(self, machine_id):
        """The machine's weekly idle pattern (cluster-local times)"""
        return get_readable(Machine, machine_id).weekly_windows

    @machines_blp.arguments(WeeklyWindowSchema)
    @machines_blp.response(201, WeeklyWindowSchema)
    def post(self, data, machine_id):
        """Offer a weekly recurring idle window"""
        window = services.add_weekly_window(get_writable(Machine, machine_id), **data)
        db.session.commit()
        return window


@machines_blp.route("/<int:machine_id>/weekly-windows/<int:window_id>")
class WeeklyWindowItem(MethodView):
    @machines_blp.response(204)
    def delete(self, machine_id, window_id):
        """Withdraw a weekly window"""
        delete_child(WeeklyWindow, window_id, machine_id=get_writable(Machine, machine_id).id)


@machines_blp.route("/<int:machine_id>/exceptions")
class Exceptions(MethodView):
    @machines_blp.response(200, CalendarExceptionSchema(many=True))
    def get(self, machine_id):
        """One-off idle windows and blackouts"""
        return get_readable(Machine, machine_id).exceptions

    @machines_blp.arguments(CalendarExceptionSchema)
    @machines_blp.response(201, CalendarExceptionSchema)
    def post(self, data, machine_id):
        """Add a one-off idle window or a blackout"""
        exception = services.add_exception(get_writable(Machine, machine_id), **data)
        db.session.commit()
        return exception


@machines_blp.route("/<int:machine_id>/exceptions/<int:exception_id>")
class ExceptionItem(MethodView):
    @machines_blp.response(204)
    def delete(self, machine_id, exception_id):
        """Remove a one-off window or blackout"""
        delete_child(CalendarException, exception_id, machine_id=get_writable(Machine, machine_id).id)


@machines_blp.route("/<int:machine_id>/idle")
class Idle(MethodView):
    @machines_blp.arguments(IdleArgs, location="query")
    @machines_blp.response(200, IdleSchema)
    def get(self, args, machine_id):
        """Concrete idle intervals (UTC) between start and end, after blackouts"""
        machine = get_readable(Machine, machine_id)
        intervals = services.idle_intervals(
            machine,
            args["start"],
            args["end"],
            current_firm().cluster.timezone or current_app.config["CLUSTER_TIMEZONE"],
        )
        return {
            "machine_id": machine.id,
            "start": args["start"],
            "end": args["end"],
            "idle_minutes": total_minutes(intervals),
            "intervals": [{"start": s, "end": e} for s, e in intervals],
        }


BLUEPRINTS = (catalogue_blp, factories_blp, machines_blp)
