"""Issue instant quotes: catalogue rows and cluster machines -> `quoting`; live capacity -> `matching` insertion.

No request access here: the API and the pages pass plain inputs (the dict the schemas load) and the upload bytes;
errors the buyer can fix are `FieldError`s naming the field. The caller commits.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

import matching.model as mm
import quoting
from capacity.models import Factory, Machine, Material, Process
from marketplace.accounts.models import Cluster, Firm, User
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.fees import fee_rate
from marketplace.placements import StepRef
from marketplace.planning.adapter import current_plan, load_problem
from marketplace.quotes.models import Quote, QuoteCalibration
from marketplace.quotes.offers import TierOffer, WorkStep
from marketplace.wording import app_message, coded, word
from matching.insertion import DEFAULT_TIERS, insert_order
from quoting.isolation import part_from_bytes_isolated
from quoting.messages import text_of

DELIVERY_SITE = "quote-delivery"
QUOTE_ORDER = "quote"


@dataclass(frozen=True)
class Upload:
    """An uploaded CAD file as the request layer received it."""

    filename: str
    data: bytes


# ------------------------------------------------------------------------------------------------ inputs


def material_spec(code: str) -> quoting.MaterialSpec:
    row = db.session.get(Material, code) if code else None
    if row is None:
        raise FieldError("material", _("Unknown material %(code)s; see GET /api/v1/materials.", code=repr(code)))
    return quoting.MaterialSpec(row.code, row.family, row.density_g_cm3, row.price_fen_per_kg)


def cluster_machines(cluster_id: int) -> list[Machine]:
    return list(
        db.session.scalars(
            select(Machine)
            .join(Factory)
            .where(Factory.cluster_id == cluster_id, Machine.active.is_(True))
            .order_by(Machine.id)
        )
    )


def capabilities(machines: list[Machine]) -> tuple[quoting.MachineCapability, ...]:
    """One capability per active machine: its process, envelope, best tolerance, rate, setup and speed."""
    return tuple(
        quoting.MachineCapability(
            process=m.process_code,
            max_envelope_mm=(m.envelope_x_mm, m.envelope_y_mm, m.envelope_z_mm),
            best_tolerance_mm=m.best_tolerance_mm,
            hourly_rate_fen=m.hourly_rate_fen,
            setup_min=m.setup_minutes,
            speed_factor=m.speed_factor,
            factory_id=str(m.factory_id),
        )
        for m in machines
    )


def latest_calibration(cluster_id: int) -> QuoteCalibration | None:
    return db.session.scalar(
        select(QuoteCalibration).where(QuoteCalibration.cluster_id == cluster_id).order_by(QuoteCalibration.id.desc())
    )


def calibration_of(row: QuoteCalibration | None) -> quoting.Calibration | None:
    if row is None:
        return None
    return quoting.Calibration.of({p: quoting.ProcessFactors(**f) for p, f in row.factors.items()}, jobs=row.train_jobs)


def quote_params() -> quoting.Params:
    """The quoting parameters with the platform's one fee rate (``marketplace.fees``: inside the buyer's price)."""
    return dataclasses.replace(quoting.default_params(), platform_fee_rate=fee_rate())


def rejected(exc: quoting.QuotingError, field: str | None = None, default: str = "bbox_mm") -> FieldError:
    """A quoting error as a 422, worded in the user's language, by ``field``, else the field the error names."""
    return FieldError(field or exc.field or default, word(exc.message), exc.code)


def check_size(upload: Upload, max_bytes: int) -> None:
    if len(upload.data) > max_bytes:
        raise FieldError("file", _("The file has %(size)s bytes; the limit is %(limit)s bytes.",
                                   size=len(upload.data), limit=max_bytes), "file_too_large")


def part_features(inputs: dict, upload: Upload | None, max_bytes: int) -> quoting.PartFeatures:
    """Geometry from the uploaded file, or from the declared box and volume."""
    if upload is not None:
        check_size(upload, max_bytes)
        try:
            return part_from_bytes_isolated(upload.data, filename=upload.filename,
                                            cpu_s=current_app.config["CAD_PARSE_CPU_S"],
                                            memory_mb=current_app.config["CAD_PARSE_MEMORY_MB"],
                                            unit=inputs.get("unit"))
        except quoting.GeometryError as exc:
            raise rejected(exc, "file") from None
    try:
        declared = quoting.DeclaredGeometry(
            bbox_mm=tuple(inputs["bbox_mm"]),
            volume_mm3=inputs["volume_mm3"],
            surface_area_mm2=inputs.get("surface_area_mm2"),
            rotational=inputs.get("rotational"),
            setups=inputs.get("setups"),
            complex_surfaces=inputs.get("complex_surfaces", False),
            through_holes=inputs.get("through_holes", 0),
        )
        return quoting.part_from_declared(declared)
    except quoting.GeometryError as exc:
        raise rejected(exc) from None


def _check_route(route: list[str] | None) -> None:
    if not route:
        return
    known = set(db.session.scalars(select(Process.code)))
    for code in route:
        if code not in known:
            raise FieldError("route", _("Unknown process %(code)s; see GET /api/v1/processes.", code=repr(code)))


def quote_request(
    inputs: dict,
    part: quoting.PartFeatures,
    material: quoting.MaterialSpec,
    caps: tuple[quoting.MachineCapability, ...],
) -> quoting.QuoteRequest:
    sheet = None
    if inputs.get("sheet_thickness_mm"):
        sheet = quoting.SheetSpec(thickness_mm=inputs["sheet_thickness_mm"], bends=inputs.get("bends") or 0)
    return quoting.QuoteRequest(
        part=part,
        material=material,
        quantity=inputs["quantity"],
        quantity_breaks=tuple(inputs.get("quantity_breaks") or quoting.DEFAULT_BREAKS),
        route=tuple(inputs["route"]) if inputs.get("route") else None,
        process_hint=inputs.get("process_hint"),
        tolerance_class=inputs.get("tolerance_class", "m"),
        finish=inputs.get("finish", "none"),
        heat_treat=inputs.get("heat_treat", False),
        sheet=sheet,
        capabilities=caps,
        lead_time_tier=inputs.get("lead_time_tier", "standard"),
        due_date=inputs.get("due_date"),
    )


# ------------------------------------------------------------------------------------------------ lead time


def _due_moment(due: date | None, tz: ZoneInfo) -> datetime | None:
    return datetime.combine(due, time(18), tzinfo=tz) if due else None


def _delivery_site(cluster: Cluster, problem: mm.Problem) -> mm.Site:
    if cluster.center_lat is not None and cluster.center_lon is not None:
        return mm.Site(DELIVERY_SITE, cluster.center_lat, cluster.center_lon)
    if problem.sites:
        lat = sum(s.lat for s in problem.sites) / len(problem.sites)
        lon = sum(s.lon for s in problem.sites) / len(problem.sites)
        return mm.Site(DELIVERY_SITE, lat, lon)
    return mm.Site(DELIVERY_SITE, 0.0, 0.0)


def quote_order(q: quoting.Quote, quantity: int, material_code: str, due_minute: int) -> mm.Order:
    """The quote's work content as a one-off matching order (a chain of steps, released now)."""
    steps, previous = [], None
    for i, work in enumerate(q.work_content, start=1):
        step = mm.Step(
            id=str(StepRef(i, quoted=True)),
            process=work.process,
            quantity=quantity,
            material=material_code,
            envelope=tuple(math.ceil(x) for x in work.envelope_mm),
            tolerance_mm=work.tolerance_mm,
            run_minutes_per_unit=work.run_min_per_part,
            predecessors=(previous,) if previous else (),
        )
        steps.append(step)
        previous = step.id
    return mm.Order(id=QUOTE_ORDER, release=0, due=due_minute, delivery_site_id=DELIVERY_SITE, steps=tuple(steps))


def lead_times(
    cluster: Cluster, q: quoting.Quote, quantity: int, material_code: str, now: datetime, due: date | None
) -> tuple[list[dict], datetime | None]:
    """Insert the quote into the cluster's current plan for each tier; price each tier with its completion."""
    tz = ZoneInfo(cluster.timezone)
    loaded = load_problem(cluster, now, horizon_days=current_app.config["PLANNING_HORIZON_DAYS"])
    problem = loaded.problem
    problem = dataclasses.replace(problem, sites=problem.sites + (_delivery_site(cluster, problem),))
    due_at = _due_moment(due, tz)
    due_minute = problem.horizon if due_at is None else max(1, loaded.minute(due_at))
    order = quote_order(q, quantity, material_code, due_minute)
    result = insert_order(problem, current_plan(loaded), order, DEFAULT_TIERS)
    base = q.for_quantity(quantity).total_fen
    feasible = [t for t in result.quotes if t.feasible]
    priced = {}
    if feasible:
        inputs = [quoting.TierInput(t.tier, loaded.at(t.completion), float(t.scarcity)) for t in feasible]
        priced = {p.tier: p for p in quoting.price_tiers(base, inputs, now=now, due=due_at)}
    out = []
    for t in result.quotes:
        p = priced.get(t.tier)
        out.append(TierOffer(
            tier=t.tier, feasible=t.feasible, reasons=tuple(t.reasons), price_fen=p.price_fen if p else None,
            adjustment_fen=p.adjustment_fen if p else None, rate=p.rate if p else None,
            completion_at=loaded.at(t.completion) if t.feasible else None, ship_by=p.ship_by if p else None,
            meets_due=p.meets_due if p else None, scarcity=t.scarcity, matching_cost_fen=t.cost.total_fen,
            placements=tuple(loaded.placement(a) for a in t.placements)).to_json())
    return out, loaded.epoch


# ------------------------------------------------------------------------------------------------ issue


def _line(line: quoting.QuoteLine) -> dict:
    return {"kind": line.kind, "label": coded(line.label), "fen": line.fen, "process": line.process}


def _break(b: quoting.QuantityQuote) -> dict:
    return {
        "quantity": b.quantity,
        "unit_price_fen": b.unit_price_fen,
        "total_fen": b.total_fen,
        "subtotal_fen": b.subtotal_fen,
        "platform_fee_fen": b.platform_fee_fen,
        "production_fen": b.production_fen,
        "transport_fen": b.transport_fen,
        "overhead_fen": b.overhead_fen,
        "margin_fen": b.margin_fen,
        "lines": [_line(line) for line in b.lines],
    }


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def new_reference(now: datetime) -> str:
    return f"Q{now:%y%m%d}-{secrets.token_hex(3).upper()}"


def stored_upload_path(quote: Quote, directory: Path) -> Path | None:
    """Where `store_upload` keeps the quote's file (<sha256><ext>), or None for a quote without one."""
    if not quote.file_sha256:
        return None
    return directory / f"{quote.file_sha256}{Path(quote.file_name or 'part.stl').suffix.lower() or '.stl'}"


def store_upload(upload: Upload, directory: Path) -> str:
    """Keep the file content-addressed (instance/uploads/<sha256>.<ext>); the same file is stored once."""
    digest = hashlib.sha256(upload.data).hexdigest()
    suffix = Path(upload.filename).suffix.lower() or ".stl"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{digest}{suffix}"
    if not path.exists():
        tmp = path.with_suffix(path.suffix + f".{secrets.token_hex(4)}.tmp")
        tmp.write_bytes(upload.data)
        tmp.replace(path)
    return digest


def issue_quote(
    firm: Firm,
    user: User,
    inputs: dict,
    upload: Upload | None,
    now: datetime,
    *,
    upload_dir: Path,
    max_upload_bytes: int = quoting.MAX_UPLOAD_BYTES,
    valid_days: int,
) -> Quote:
    """Price the part, quote lead times from live capacity, and add the quote to the session (caller commits)."""
    cluster = firm.cluster
    material = material_spec(inputs.get("material", ""))
    _check_route(inputs.get("route"))
    part = part_features(inputs, upload, min(max_upload_bytes, quoting.MAX_UPLOAD_BYTES))
    machines = cluster_machines(cluster.id)
    caps = capabilities(machines)
    calibration_row = latest_calibration(cluster.id)
    try:
        request = quote_request(inputs, part, material, caps)
        q = quoting.quote(request, params=quote_params(), calibration=calibration_of(calibration_row))
    except quoting.GeometryError as exc:
        raise rejected(exc, "file" if upload else None) from None
    except quoting.InputError as exc:
        raise rejected(exc, default="material") from None
    warnings = [
        {"code": w.code, "severity": w.severity, "message": coded(w.message), "process": w.process}
        for w in q.warnings
    ]
    tiers: list[dict] = []
    epoch = None
    if q.feasible:
        tiers, epoch = lead_times(cluster, q, request.quantity, material.code, now, inputs.get("due_date"))
        if not any(t["feasible"] for t in tiers):
            reasons = {text_of(r): r for t in tiers for r in t["reasons"]}  # each reason once
            warnings.append(
                {
                    "code": "no_capacity",
                    "severity": "blocking",
                    "process": None,
                    "message": app_message("quote.no_capacity", reasons=[reasons[t] for t in sorted(reasons)]),
                }
            )
    feasible = q.feasible and any(t["feasible"] for t in tiers)
    main = q.for_quantity(request.quantity)
    digest = store_upload(upload, upload_dir) if upload is not None else None
    quote = Quote(
        reference=new_reference(now),
        cluster_id=cluster.id,
        buyer_firm_id=firm.id,
        user_id=user.id,
        created_at=now,
        valid_until=now + timedelta(days=valid_days),
        currency=main.currency,
        material_code=material.code,
        quantity=request.quantity,
        quantities=list(request.quantities),
        route=list(q.route),
        route_proposed=q.route_proposed,
        feasible=feasible,
        lead_time_tier=request.lead_time_tier,
        unit_price_fen=main.unit_price_fen,
        total_fen=main.total_fen,
        inputs={k: _jsonable(v) for k, v in inputs.items()},
        geometry=_jsonable(dataclasses.asdict(part)),
        breaks=[_break(b) for b in q.breaks],
        tiers=tiers,
        work_content=[
            WorkStep(process=w.process, setup_min=w.setup_min, run_min_per_part=w.run_min_per_part,
                     factory_id=int(w.factory_id) if w.factory_id.isdigit() else None,
                     envelope_mm=tuple(w.envelope_mm), tolerance_mm=w.tolerance_mm).to_json()
            for w in q.work_content
        ],
        warnings=warnings,
        assumptions=coded(list(q.assumptions)),
        plan_epoch=epoch,
        calibration_id=calibration_row.id if calibration_row else None,
        file_name=upload.filename[:255] if upload else None,
        file_size=len(upload.data) if upload else None,
        file_sha256=digest,
    )
    db.session.add(quote)
    db.session.flush()
    return quote


def requote(quote: Quote, user: User, now: datetime, *, upload_dir: Path, max_upload_bytes: int,
            valid_days: int) -> Quote:
    """A new quote of the same part, material, quantity and options against today's capacity and rates (reorder).
    The old quote's wish date is dropped (it has passed or will); its file is read again from the store."""
    if quote.buyer_firm_id != user.firm_id:
        raise FieldError("quote_id", _("No quote with id %(id)s belongs to your firm.", id=quote.id))
    inputs = {k: v for k, v in (quote.inputs or {}).items() if k != "due_date"}
    upload, path = None, stored_upload_path(quote, upload_dir)
    if path is not None:
        if not path.exists():
            raise FieldError("quote_id", _("The part's file is no longer stored: upload it again."))
        upload = Upload(quote.file_name or path.name, path.read_bytes())
    return issue_quote(user.firm, user, inputs, upload, now, upload_dir=upload_dir,
                       max_upload_bytes=max_upload_bytes, valid_days=valid_days)
