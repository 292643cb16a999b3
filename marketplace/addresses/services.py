"""Save, list and remove a firm's delivery addresses; read the delivery point of an order or award form."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, select

from capacity.models import Factory
from marketplace import bounded
from marketplace.addresses.models import DeliveryAddress
from marketplace.errors import FieldError
from marketplace.extensions import db

MAX_SAVED = 50


def saved(firm) -> list[DeliveryAddress]:
    return db.session.scalars(select(DeliveryAddress).where(DeliveryAddress.firm_id == firm.id)
                              .order_by(DeliveryAddress.id.desc())).all()


def _point(raw_lat, raw_lon) -> tuple[float, float] | None:
    if raw_lat in (None, "") or raw_lon in (None, ""):
        return None
    try:
        lat = bounded.parse_float(str(raw_lat), max_abs=Decimal(90))
        lon = bounded.parse_float(str(raw_lon), max_abs=Decimal(180))
    except ValueError:
        raise FieldError("delivery_point", _("Set the delivery point on the map.")) from None
    return lat, lon


def add(firm, address: str, latitude: float, longitude: float, label: str = "", contact: str = "") -> DeliveryAddress:
    address = (address or "").strip()
    if not address:
        raise FieldError("delivery_address", _("Give the delivery address."))
    if len(saved(firm)) >= MAX_SAVED:
        raise FieldError("delivery_address", _("A firm keeps at most %(n)d addresses.", n=MAX_SAVED))
    row = DeliveryAddress(firm_id=firm.id, address=address[:300], latitude=latitude, longitude=longitude,
                          label=(label or "").strip()[:60], contact=(contact or "").strip()[:100])
    db.session.add(row)
    db.session.flush()
    return row


def remove(firm, address_id: int) -> bool:
    return db.session.execute(delete(DeliveryAddress).where(DeliveryAddress.id == address_id,
                                                            DeliveryAddress.firm_id == firm.id)).rowcount > 0


def own(firm, address_id: int) -> DeliveryAddress:
    row = db.session.get(DeliveryAddress, address_id)
    if row is None or row.firm_id != firm.id:
        raise FieldError("delivery_address_id", _("Choose one of your saved addresses."))
    return row


def as_text(row: DeliveryAddress, limit: int = 300) -> str:
    """A saved address as one line for a delivery note: the address, then the contact for the driver."""
    text = row.address + (f" ({row.contact})" if row.contact else "")
    return text if len(text) <= limit else row.address[:limit]


def delivery_from_form(form, firm, cluster) -> dict:
    """{address, latitude, longitude} from a form: a saved address (`delivery_address_id`), or a typed address with
    the map pin's hidden `delivery_latitude`/`delivery_longitude` (the cluster's centre when the page had no map).
    `save_address` keeps a typed one for next time. FieldError on a missing address."""
    chosen = str(form.get("delivery_address_id") or "")
    if chosen not in ("", "new"):
        try:
            row = own(firm, bounded.parse_int(chosen, max_abs=bounded.MAX_ID))
        except ValueError:
            raise FieldError("delivery_address_id", _("Choose one of your saved addresses.")) from None
        return {"address": row.address, "latitude": row.latitude, "longitude": row.longitude}
    address = (form.get("delivery_address") or "").strip()
    if not address:
        raise FieldError("delivery_address", _("Give the delivery address."))
    point = _point(form.get("delivery_latitude"), form.get("delivery_longitude"))
    if point is None:
        point = (cluster.center_lat or 0.0, cluster.center_lon or 0.0)
    if form.get("save_address"):
        add(firm, address, *point, label=form.get("address_label", ""))
    return {"address": address[:300], "latitude": point[0], "longitude": point[1]}


def reference_sites(cluster) -> list[dict]:
    """The cluster's factory sites, drawn on the delivery map as landmarks."""
    rows = db.session.execute(select(Factory.name, Factory.latitude, Factory.longitude)
                              .where(Factory.cluster_id == cluster.id).order_by(Factory.name).limit(300)).all()
    return [{"name": name, "lat": lat, "lon": lon} for name, lat, lon in rows]
