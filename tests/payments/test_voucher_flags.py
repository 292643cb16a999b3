"""Collusion flags on a programme's subsidised orders: a circle, the same place, shared people; an independent
supplier raises none; the operator's programme page lists them in Chinese."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from capacity.models import Factory
from marketplace.extensions import db
from marketplace.vouchers import flags, services
from marketplace.vouchers.models import VoucherRedemption


def test_flags(sign_in, client, dummy_cluster, create_firm, create_user, create_paid_order):
    programme = services.create_programme(dummy_cluster.id, {
        "name": "服务券", "budget_fen": 10_000_000, "per_firm_cap_fen": 1_000_000, "kind": "percent",
        "percent_bp": 3000, "value_fen": 0, "eligible_processes": [], "valid_from": date.today() - timedelta(days=9),
        "valid_until": date.today() + timedelta(days=90)})
    buyer = create_firm("buyer", "factory", name="Humen Garments")
    circle, neighbour, shared, honest = (create_firm("factory", name=n) for n in
                                         ("Circle Works", "Next Door Works", "Cousin Works", "Honest Works"))
    create_user(buyer, email="li@humen-garments.cn"), create_user(shared, email="wang@humen-garments.cn")
    create_user(honest, email="zhao@qq.com"), create_user(circle, email="chen@qq.com")  # free mail never counts
    voucher = services.issue(programme, buyer)
    db.session.commit()
    orders = {name: create_paid_order(buyer, shares={firm: 50_000})
              for name, firm in (("circle", circle), ("neighbour", neighbour), ("shared", shared),
                                 ("honest", honest))}
    create_paid_order(circle, shares={buyer: 40_000})  # the supplier buys from the buyer
    for site in db.session.scalars(select(Factory).where(Factory.firm_id == neighbour.id)):
        site.latitude, site.longitude = 22.8003, 113.8003  # about 45 m from the buyer's delivery point
    for order in orders.values():
        db.session.add(VoucherRedemption(voucher_id=voucher.id, order_id=order.id, amount_fen=10_000))
    db.session.commit()

    found = {(f["order"], f["code"]) for f in flags.programme_flags(programme)}
    assert found == {(orders["circle"].reference, "circular"), (orders["neighbour"].reference, "same_place"),
                     (orders["shared"].reference, "shared_domain")}

    sign_in(client, create_user(create_firm("operator")), "zh")
    page = client.get(f"/vouchers/{programme.id}").get_data(as_text=True)
    assert page.count('data-flag="') == 3 and "humen-garments.cn" in page and orders["honest"].reference not in page
    assert "循环交易" in page and "同一地点" in page


def test_a_domain_of_many_firms_is_a_provider_not_a_company(dummy_cluster, create_firm, create_user,
                                                             create_paid_order):
    programme = services.create_programme(dummy_cluster.id, {
        "name": "服务券", "budget_fen": 10_000_000, "per_firm_cap_fen": 1_000_000, "kind": "fixed",
        "percent_bp": 0, "value_fen": 10_000, "eligible_processes": [], "valid_from": date.today(),
        "valid_until": date.today() + timedelta(days=90)})
    buyer, supplier = create_firm("buyer", name="B"), create_firm("factory", name="S")
    for n, firm in enumerate([buyer, supplier] + [create_firm("buyer") for _ in range(flags.PROVIDER_FIRMS)]):
        create_user(firm, email=f"user{n}@demo.smp.cn")  # the demo's shared domain: seven firms
    voucher = services.issue(programme, buyer)
    order = create_paid_order(buyer, shares={supplier: 50_000})
    db.session.add(VoucherRedemption(voucher_id=voucher.id, order_id=order.id, amount_fen=10_000))
    db.session.commit()
    assert flags.programme_flags(programme) == []


def test_a_price_far_above_the_instant_quote_is_flagged(sign_in, client, dummy_cluster, create_firm, create_user,
                                                        create_paid_order):
    """Orders placed from quotes (awarded bids): 2.0x the quote's price per piece is flagged, 1.2x is not."""
    from datetime import UTC, datetime

    from marketplace.quotes.models import Quote

    programme = services.create_programme(dummy_cluster.id, {
        "name": "服务券", "budget_fen": 10_000_000, "per_firm_cap_fen": 1_000_000, "kind": "percent",
        "percent_bp": 3000, "value_fen": 0, "eligible_processes": [], "valid_from": date.today(),
        "valid_until": date.today() + timedelta(days=90)})
    buyer, supplier = create_firm("buyer", name="B"), create_firm("factory", name="S")
    user = create_user(buyer)
    voucher = services.issue(programme, buyer)
    found = {}
    for n, total in enumerate((200_000, 120_000)):  # 10 pieces each; the quote: 10,000 fen a piece
        quote = Quote(reference=f"Q-F{n}", cluster_id=dummy_cluster.id, buyer_firm_id=buyer.id, user_id=user.id,
                      valid_until=datetime.now(UTC) + timedelta(days=14), material_code="al6061", quantity=10,
                      quantities=[10], route=["cnc_mill_3ax"], route_proposed=True, feasible=True,
                      lead_time_tier="standard", unit_price_fen=10_000, total_fen=100_000, inputs={}, geometry={},
                      breaks=[], tiers=[], work_content=[], warnings=[], assumptions=[])
        db.session.add(quote)
        db.session.flush()
        order = create_paid_order(buyer, total_fen=total, shares={supplier: 50_000})
        order.quote_id = quote.id
        db.session.add(VoucherRedemption(voucher_id=voucher.id, order_id=order.id, amount_fen=10_000))
        found[total] = order
    db.session.commit()
    flagged = [f for f in flags.programme_flags(programme) if f["code"] == "price_above_quote"]
    assert [(f["order"], f["ratio"], f["quote"]) for f in flagged] == [(found[200_000].reference, 2.0, "Q-F0")]
    sign_in(client, create_user(create_firm("operator")), "zh")
    page = client.get(f"/vouchers/{programme.id}").get_data(as_text=True)
    assert "每件价格是同一零件平台即时报价 Q-F0 的 2.0 倍。" in page
