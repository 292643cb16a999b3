"""Collusion flags on a programme's subsidised orders, for the operator to review (never a verdict): a voucher
order whose buyer and supplier

* trade in a circle: the supplier also bought from the buyer (`circular`);
* sit at the same place: the supplier's site within FLAG_DISTANCE_M of the order's delivery point, or both firms
  registered at the same address (`same_place`);
* share people: users of both firms with e-mail addresses at the same company domain (`shared_domain`; the common
  free mail providers do not count, nor a domain that users of more than PROVIDER_FIRMS firms have: that is a
  provider, e.g. the demo's demo.smp.cn);
* agree a price far above the platform's instant quote for the same part: an order placed from a quote (an awarded
  bid, typically) whose price per piece is more than PRICE_RATIO times the quote's (`price_above_quote`) — a
  subsidy is a share of the price, so an inflated price draws more of the programme's money.

Plain codes with parameters; the programme page words them in the reader's language.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select

from capacity.models import Factory, Machine
from marketplace.accounts.models import Firm, User
from marketplace.extensions import db
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.quotes.models import Quote
from marketplace.vouchers.models import Voucher, VoucherProgramme, VoucherRedemption
from matching.prepare import haversine_km

FLAG_DISTANCE_M = 100
PRICE_RATIO = 1.5
PROVIDER_FIRMS = 5
FREE_MAIL = {"qq.com", "163.com", "126.com", "foxmail.com", "sina.com", "sohu.com", "aliyun.com", "139.com",
             "yeah.net", "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "example.com"}


def _suppliers(order_ids: list[int]) -> dict[int, dict[int, list[Factory]]]:
    """order id -> supplier firm id -> the sites that worked on it."""
    rows = db.session.execute(
        select(OrderStep.order_id, Factory).join(Booking, Booking.order_step_id == OrderStep.id)
        .join(Machine, Booking.machine_id == Machine.id).join(Factory, Machine.factory_id == Factory.id)
        .where(OrderStep.order_id.in_(order_ids))).all()
    found: dict[int, dict[int, list[Factory]]] = {}
    for order_id, site in rows:
        found.setdefault(order_id, {}).setdefault(site.firm_id, []).append(site)
    return found


def _domains(firm_ids: set[int]) -> dict[int, set[str]]:
    """Company mail domains of these firms' users: not free mail, not a domain of more than PROVIDER_FIRMS firms."""
    domains: dict[int, set[str]] = {}
    for firm_id, email in db.session.execute(select(User.firm_id, User.email).where(User.firm_id.in_(firm_ids))):
        domain = email.rpartition("@")[2].lower()
        if domain and domain not in FREE_MAIL:
            domains.setdefault(firm_id, set()).add(domain)
    wanted = sorted({d for found in domains.values() for d in found})
    firms_of: dict[str, set[int]] = {}
    if wanted:  # only the users at these domains, not every user of the platform
        at = or_(*(func.lower(User.email).endswith(f"@{domain}", autoescape=True) for domain in wanted))
        for firm_id, email in db.session.execute(select(User.firm_id, User.email).where(at)):
            firms_of.setdefault(email.rpartition("@")[2].lower(), set()).add(firm_id)
    common = {d for d, firms in firms_of.items() if len(firms) > PROVIDER_FIRMS}
    return {firm_id: found - common for firm_id, found in domains.items()}


def _bought_from(buyer_ids: set[int]) -> set[tuple[int, int]]:
    """(buyer, supplier) pairs of every order of these firms as buyers, cancelled ones aside."""
    rows = db.session.execute(
        select(Order.buyer_firm_id, Factory.firm_id).join(OrderStep, OrderStep.order_id == Order.id)
        .join(Booking, Booking.order_step_id == OrderStep.id).join(Machine, Booking.machine_id == Machine.id)
        .join(Factory, Machine.factory_id == Factory.id)
        .where(Order.buyer_firm_id.in_(buyer_ids), Order.status != "cancelled")).all()
    return {(b, s) for b, s in rows}


def programme_flags(programme: VoucherProgramme) -> list[dict]:
    orders = db.session.scalars(
        select(Order).join(VoucherRedemption, VoucherRedemption.order_id == Order.id)
        .join(Voucher, VoucherRedemption.voucher_id == Voucher.id)
        .where(Voucher.programme_id == programme.id, VoucherRedemption.reversed_at.is_(None))
        .order_by(Order.id)).all()
    suppliers = _suppliers([o.id for o in orders])
    firm_ids = {o.buyer_firm_id for o in orders} | {f for s in suppliers.values() for f in s}
    firms = {f.id: f for f in db.session.scalars(select(Firm).where(Firm.id.in_(firm_ids)))}
    domains = _domains(firm_ids)
    pairs = _bought_from(firm_ids)
    quotes = _quotes_of(orders)
    flags = []
    for order in orders:
        buyer = firms[order.buyer_firm_id]
        for supplier_id, sites in sorted(suppliers.get(order.id, {}).items()):
            supplier = firms[supplier_id]
            base = {"order_id": order.id, "order": order.reference, "buyer": buyer.name, "supplier": supplier.name}
            if supplier_id == buyer.id:
                continue
            if (supplier_id, buyer.id) in pairs:
                flags.append({**base, "code": "circular"})
            near = [s for s in sites if haversine_km(s.latitude, s.longitude, order.delivery_latitude,
                                                     order.delivery_longitude) * 1000 <= FLAG_DISTANCE_M]
            same_address = buyer.address.strip() and buyer.address.strip() == supplier.address.strip()
            if near or same_address:
                flags.append({**base, "code": "same_place", "place": near[0].name if near else buyer.address})
            shared = sorted(domains.get(buyer.id, set()) & domains.get(supplier_id, set()))
            if shared:
                flags.append({**base, "code": "shared_domain", "domain": shared[0]})
            ratio = _price_ratio(order, quotes.get(order.quote_id))
            if ratio is not None and ratio > PRICE_RATIO:
                flags.append({**base, "code": "price_above_quote", "ratio": round(ratio, 2),
                              "quote": quotes[order.quote_id].reference})
    return flags


def _quotes_of(orders: list[Order]) -> dict[int, Quote]:
    ids = {o.quote_id for o in orders if o.quote_id}
    return {q.id: q for q in db.session.scalars(select(Quote).where(Quote.id.in_(ids)))} if ids else {}


def _price_ratio(order: Order, quote: Quote | None) -> float | None:
    """The order's price per piece over the instant quote's (standard tier, the quote's quantity)."""
    if quote is None or not quote.feasible or not quote.unit_price_fen or not order.total_fen or not order.quantity:
        return None
    return order.total_fen / order.quantity / quote.unit_price_fen
