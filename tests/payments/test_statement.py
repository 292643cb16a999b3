"""Money for each party, stated once: the factory's "You receive" before delivery, its payout after and its monthly
statement (对账单) come from one split and agree to the fen; the buyer never sees the factories' margin, the factory
never sees the buyer's price."""

from __future__ import annotations

import csv
import io
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from marketplace.fees import fee_in, split
from marketplace.orders.shares import firm_totals, order_shares
from marketplace.payments import services, settlement, statement


@given(st.integers(min_value=0, max_value=10**13), st.integers(min_value=0, max_value=3000))
def test_the_fee_inside_a_quote_total_is_the_quotes_own_fee_line(subtotal, bp):
    fee = (subtotal * bp * 2 + 10000) // 20000  # the quote's fee line: half-up of subtotal x bp / 10000
    assert fee_in(subtotal + fee, bp) == fee


@given(st.integers(min_value=0, max_value=10**12),
       st.dictionaries(st.integers(1, 50), st.integers(1, 10**6), min_size=1, max_size=8))
def test_a_split_adds_up_exactly(total, weights):
    shares = split(total, weights)
    assert sum(shares.values()) == total and all(v >= 0 for v in shares.values())


def test_schedule_payout_and_statement_agree_to_the_fen(app, db, fake_stripe, buyer, create_firm, create_user,
                                                        create_paid_order, deliver_order, sign_in, client):
    big, small = create_firm("factory", name="Big Works"), create_firm("factory", name="Small Works")
    order = create_paid_order(buyer, 123_457, shares={big: 30_001, small: 9_999})
    before = {firm: share.net_fen for firm, share in firm_totals(order_shares(order)).items()}
    services.charge_order(order, 123_457, payer_firm=buyer, capture="automatic")
    deliver_order(order)
    payouts = {p.firm_id: p for p in settlement.payout_order(order)}
    assert {firm: p.amount_fen for firm, p in payouts.items()} == before  # "You receive" is what was paid
    assert sum(p.amount_fen for p in payouts.values()) + fee_in(123_457) == 123_457  # nothing else is deducted

    month = payouts[big.id].created_at.date()
    for firm in (big, small):
        monthly = statement.statement(firm, month)
        assert [o.order.id for o in monthly.settled] == [order.id] and monthly.reconciles
        assert monthly.total_fen == payouts[firm.id].amount_fen == sum(line.net_fen for line in
                                                                         monthly.settled[0].lines)
    assert statement.statement(big, date(2020, 1, 1)).settled == []

    user = create_user(small)
    sign_in(client, user, "zh")
    page = client.get(f"/payouts?month={month:%Y-%m}").get_data(as_text=True)
    amount = f"¥{payouts[small.id].amount_fen / 100:,.2f}"
    assert 'data-testid="statement"' in page and amount in page and "对账单" in page
    assert "¥1,234.57" not in page  # the buyer's price is not the factory's business
    detail = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert amount in detail and "¥1,234.57" not in detail
    rows = list(csv.reader(io.StringIO(client.get(f"/payouts/statement-{month:%Y-%m}.csv").get_data(as_text=True))))
    assert rows[0][0].lstrip("\ufeff") == "订单" and rows[1][0] == order.reference
    assert rows[-1][4] == f"{payouts[small.id].amount_fen / 100:.2f}"
    assert client.get("/payouts?month=2026-13").status_code == 404


def test_open_orders_show_what_the_factory_will_receive(app, db, buyer, create_firm, create_user, create_paid_order,
                                                        sign_in, client):
    works = create_firm("factory", name="Open Works")
    order = create_paid_order(buyer, 50_000, shares={works: 1_000}, status="paid")
    monthly = statement.statement(works, date.today())  # a paid order: what the factory will receive
    assert [(o.order.id, o.total_fen) for o in monthly.upcoming] == [(order.id, 50_000 - fee_in(50_000))]
    sign_in(client, create_user(works), "en")
    listing = client.get("/orders").get_data(as_text=True)
    assert f"¥{(50_000 - fee_in(50_000)) / 100:,.2f}" in listing and "¥500.00" not in listing
