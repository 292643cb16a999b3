"""The operator's money figures hold on randomised worlds run through the real payment services (charges, voucher
subsidies, partial and full refunds, deliveries and payouts against the provider double): GMV = captured − refunded
and captured + subsidies = payouts + platform fees + refunds + held, each side from its own records."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.dashboard import services as dashboard
from marketplace.dashboard.invariants import violations
from marketplace.payments import services, settlement

scenarios = st.lists(st.tuples(st.integers(1, 5_000_000),      # the order's price in fen
                               st.integers(0, 50),             # voucher subsidy, percent of the price
                               st.integers(0, 100),            # refunded before delivery, percent of what was paid
                               st.booleans()),                 # delivered and settled
                     min_size=1, max_size=6)


@settings(max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(orders=scenarios)
def test_money_figures_add_up_on_random_worlds(db, fake_stripe, create_cluster, create_firm, create_paid_order,
                                               deliver_order, orders):
    cluster = create_cluster()
    buyer = create_firm("buyer", cluster=cluster)
    shop, works = create_firm("factory", cluster=cluster), create_firm("factory", cluster=cluster)
    expected = {"captured": 0, "refunded": 0, "subsidies": 0}
    for n, (price, subsidy_pct, refund_pct, delivered) in enumerate(orders):
        order = create_paid_order(buyer, price, shares={shop: 3 + n, works: 2})
        subsidy = price * subsidy_pct // 100
        if subsidy:
            services.record_voucher_subsidy(order, 900 + n, subsidy)
        services.charge_order(order, price - subsidy, payer_firm=buyer, capture="automatic")
        refund = (price - subsidy) * refund_pct // 100
        if refund:
            services.refund_order(order, refund, "scrapped parts")
        expected["captured"] += price - subsidy
        expected["refunded"] += refund
        expected["subsidies"] += subsidy
        if delivered and refund < price - subsidy:
            deliver_order(order)
            settlement.payout_order(order)
    db.session.commit()
    today = datetime.now(ZoneInfo(cluster.timezone)).date()
    figures, _ = dashboard.page(db.session, cluster, today - timedelta(days=6), today, "en", group_by="machine")
    kpis = {k["key"]: k["value"] for k in figures["kpis"]["items"]}
    flows = kpis["money_flows"]
    assert (flows["captured_fen"], flows["refunded_fen"], flows["subsidies_fen"]) == (
        expected["captured"], expected["refunded"], expected["subsidies"])
    assert kpis["gmv_fen"] == expected["captured"] - expected["refunded"]
    assert violations(figures) == []


def test_a_broken_record_is_caught(db, fake_stripe, create_cluster, create_firm, create_paid_order, deliver_order):
    """The invariant compares independent records: a payout row that disagrees with the ledger is reported."""
    cluster = create_cluster()
    buyer, shop = create_firm("buyer", cluster=cluster), create_firm("factory", cluster=cluster)
    order = create_paid_order(buyer, 10_000, shares={shop: 1})
    services.charge_order(order, 10_000, payer_firm=buyer, capture="automatic")
    deliver_order(order)
    (payout,) = settlement.payout_order(order)
    today = datetime.now(ZoneInfo(cluster.timezone)).date()
    figures, _ = dashboard.page(db.session, cluster, today - timedelta(days=6), today, "en", group_by="machine")
    assert violations(figures) == []
    payout.amount_fen, payout.gross_fen = payout.amount_fen + 1, payout.gross_fen + 1  # a fen paid twice
    db.session.commit()
    figures, _ = dashboard.page(db.session, cluster, today - timedelta(days=6), today, "en", group_by="machine")
    assert any("money flows" in line for line in violations(figures))
