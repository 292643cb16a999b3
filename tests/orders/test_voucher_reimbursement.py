"""A voucher from application to reimbursement (兑付): the SME applies, the operator approves, the SME pays an order
with it, the programme is claimed the subsidy and pays it back in two transfers; the budget and the ledger are
exact at every step, and the settlement report lists the order."""

from __future__ import annotations

from marketplace.payments import ledger
from marketplace.vouchers.models import VoucherProgramme
from tests.orders.test_orders_flow import DECLARED


def test_application_to_reimbursement(api_as, app, client, sign_in, shops, buyer_user, operator_user, fake_stripe,
                                      drain, db):
    buyer, operator = api_as(buyer_user), api_as(operator_user)
    programme = operator.post("/api/v1/voucher-programmes", json={
        "name": "数字化服务券", "budget_fen": 1_000_000, "per_firm_cap_fen": 200_000, "kind": "percent",
        "percent_bp": 3000, "valid_from": "2026-01-01", "valid_until": "2027-12-31"}).json
    pid = programme["id"]
    applied = buyer.post(f"/api/v1/voucher-programmes/{pid}/applications",
                         json={"purpose": "CNC brackets for a new line", "requested_fen": 150_000}).json
    decided = operator.post(f"/api/v1/voucher-programmes/{pid}/applications/decide",
                            json={"application_ids": [applied["id"]], "approve": True}).json
    code = decided[0]["voucher_code"]

    quote = buyer.post("/api/v1/quotes", json=DECLARED).json
    order = buyer.post("/api/v1/orders", json={"quote_id": quote["id"], "tier": "standard",
                                               "delivery_address": "东莞长安镇", "delivery_latitude": 22.80,
                                               "delivery_longitude": 113.80}).json
    paid = buyer.post(f"/api/v1/orders/{order['id']}/pay", json={"voucher_code": code}).json
    subsidy = paid["subsidy_fen"]
    assert 0 < subsidy <= 150_000
    drain()
    db.session.rollback()
    assert db.session.get(VoucherProgramme, pid).spent_fen == subsidy  # the budget drawn exactly once
    summary = operator.get(f"/api/v1/voucher-programmes/{pid}/reimbursements").json
    assert (summary["claimed_fen"], summary["reimbursed_fen"], summary["outstanding_fen"]) == (subsidy, 0, subsidy)

    too_much = operator.post(f"/api/v1/voucher-programmes/{pid}/reimbursements",
                             json={"amount_fen": subsidy + 1, "reference": "BOC-1", "received_on": "2026-11-30"})
    assert too_much.status_code == 422 and "amount_fen" in too_much.json["errors"]
    assert buyer.post(f"/api/v1/voucher-programmes/{pid}/reimbursements", json={
        "amount_fen": 1, "reference": "x", "received_on": "2026-11-30"}).status_code == 404  # the operator's only
    half = subsidy // 2
    assert operator.post(f"/api/v1/voucher-programmes/{pid}/reimbursements", json={
        "amount_fen": half, "reference": "BOC-2026-118", "received_on": "2026-11-30"}).status_code == 201
    again = operator.post(f"/api/v1/voucher-programmes/{pid}/reimbursements", json={
        "amount_fen": 1, "reference": "BOC-2026-118", "received_on": "2026-11-30"})
    assert again.status_code == 422 and "reference" in again.json["errors"]

    sign_in(client, operator_user, "zh")  # the rest on the page, in Chinese
    page = client.get(f"/vouchers/{pid}").get_data(as_text=True)
    assert "兑付" in page and "仍欠款项" in page
    done = client.post(f"/vouchers/{pid}/reimbursements", data={
        "r-amount_fen": f"{(subsidy - half) / 100:.2f}", "r-reference": "BOC-2026-131", "r-received_on": "2026-12-01"})
    assert done.status_code == 302, done.get_data(as_text=True)[-2000:]
    summary = operator.get(f"/api/v1/voucher-programmes/{pid}/reimbursements").json
    assert (summary["reimbursed_fen"], summary["outstanding_fen"]) == (subsidy, 0)
    assert [r["reference"] for r in summary["reimbursements"]] == ["BOC-2026-118", "BOC-2026-131"]
    assert ledger.balance(f"voucher_receivable:{pid}") == 0 and ledger.balance("programme_funds") == subsidy
    assert ledger.balanced()
    csv = client.get(f"/vouchers/{pid}/settlement.csv").get_data(as_text=True)
    lines = csv.strip().splitlines()
    assert len(lines) == 2 and order["reference"] in lines[1] and f"{subsidy // 100}.{subsidy % 100:02d}" in lines[1]
