"""Service vouchers and equipment leases: the rules, and no overspending or double leasing under concurrency."""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from capacity.lease_models import Lease
from capacity.leasing import instalment_schedule, lease
from capacity.models import EquipmentAvailability, InstalmentPlan
from marketplace.errors import FieldError
from marketplace.orders.models import Order, OrderStep
from marketplace.vouchers import services as vouchers
from marketplace.vouchers.models import Voucher, VoucherProgramme, VoucherRedemption

TODAY = date(2026, 11, 23)


@pytest.fixture
def programme(db, dummy_cluster):
    p = vouchers.create_programme(dummy_cluster.id, {
        "name": "2026 数字化服务券", "budget_fen": 5_000, "per_firm_cap_fen": 3_000, "kind": "percent",
        "percent_bp": 5_000, "eligible_processes": ["cnc_mill_3ax"], "valid_from": date(2026, 1, 1),
        "valid_until": date(2026, 12, 31)})
    db.session.commit()
    return p


def make_order(db, buyer, n, process="cnc_mill_3ax"):
    order = Order(reference=f"V-{buyer.id}-{n}", cluster_id=buyer.cluster_id, buyer=buyer, title="Part",
                  status="accepted", material_code="al6061", quantity=1, release_date=TODAY, due_date=TODAY,
                  delivery_latitude=22.8, delivery_longitude=113.8)
    order.steps.append(OrderStep(sequence=1, process_code=process, run_minutes_per_unit=5))
    db.session.add(order)
    db.session.commit()
    return order


def test_voucher_rules(db, programme, create_firm):
    buyer = create_firm("buyer")
    voucher = vouchers.issue(programme, buyer)
    db.session.commit()
    with pytest.raises(FieldError) as error:
        vouchers.issue(programme, buyer)
    assert error.value.field == "firm_id"
    with pytest.raises(FieldError):
        vouchers.issue(programme, create_firm("factory"))               # vouchers go to SMEs
    order = make_order(db, buyer, 1)
    redemption = vouchers.redeem(voucher.code, order, 2_000, TODAY)     # 50 % of 2,000
    assert redemption.amount_fen == 1_000
    assert vouchers.redeem(voucher.code, order, 2_000, TODAY).id == redemption.id  # a retried checkout
    with pytest.raises(FieldError) as error:
        vouchers.redeem(voucher.code, make_order(db, buyer, 2, "laser_cut"), 2_000, TODAY)
    assert error.value.field == "voucher_code"                         # process not eligible
    with pytest.raises(FieldError):
        vouchers.redeem(voucher.code, make_order(db, buyer, 3), 2_000, date(2027, 1, 5))  # expired
    with pytest.raises(FieldError):
        vouchers.redeem(voucher.code, make_order(db, create_firm("buyer"), 4), 2_000, TODAY)  # not their voucher
    assert vouchers.reverse(order) == 1_000
    db.session.commit()
    db.session.refresh(programme)
    assert programme.spent_fen == 0 and db.session.get(Voucher, voucher.id).used_fen == 0
    report = vouchers.programme_report(programme)
    assert report["remaining_fen"] == 5_000 and report["vouchers"] == 1


@pytest.mark.parametrize("field, change", [("percent_bp", {"percent_bp": 0}), ("per_firm_cap_fen",
                                                                              {"per_firm_cap_fen": 9_999})])
def test_bad_programmes_are_refused(db, dummy_cluster, field, change):
    data = {"name": "P", "budget_fen": 5_000, "per_firm_cap_fen": 1_000, "kind": "percent", "percent_bp": 1_000,
            "valid_from": TODAY, "valid_until": TODAY} | change
    with pytest.raises(FieldError) as error:
        vouchers.create_programme(dummy_cluster.id, data)
    assert error.value.field == field


def run_concurrently(app, jobs):
    """Run each job in its own thread with its own app context (so its own database session and connection)."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(i, job):
        from marketplace.extensions import db
        with app.app_context():
            barrier.wait()
            try:
                results[i] = job()
                db.session.commit()
            except Exception as exc:  # a refusal (FieldError) or a lock timeout: either way nothing is stored
                db.session.rollback()
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_redemptions_never_overspend(app, db, programme, create_firm):
    firms = [create_firm("buyer") for _ in range(6)]
    codes = {f.id: vouchers.issue(programme, f).code for f in firms}
    db.session.commit()
    orders = [(make_order(db, f, n), codes[f.id]) for f in firms for n in range(4)]
    order_ids = [(o.id, code) for o, code in orders]

    def redeem(order_id, code):
        def job():
            from marketplace.extensions import db as session_db
            order = session_db.session.get(Order, order_id)
            return vouchers.redeem(code, order, 1_600, TODAY).amount_fen   # 800 each
        return job

    results = run_concurrently(app, [redeem(o, c) for o, c in order_ids])
    granted = [r for r in results if isinstance(r, int)]
    db.session.rollback()
    programme = db.session.get(VoucherProgramme, programme.id)
    db.session.refresh(programme)
    assert programme.spent_fen == sum(granted) <= programme.budget_fen == 5_000
    # 24 attempts of up to 800 each against a 5,000 budget: it is used (partial draws when the budget or a firm's
    # cap runs low are legitimate) but never overspent.
    assert 4_000 <= programme.spent_fen <= 5_000 and all(0 < g <= 800 for g in granted)
    redeemed = db.session.scalar(select(func.sum(VoucherRedemption.amount_fen)))
    assert redeemed == programme.spent_fen
    for voucher in db.session.scalars(select(Voucher)):
        db.session.refresh(voucher)
        assert voucher.used_fen <= voucher.cap_fen


@pytest.fixture
def item(db, create_firm, create_equipment, create_factory):
    owner = create_firm("lessor", "factory", name="Owner")
    site = create_factory(owner)
    equipment = create_equipment(owner, site_factory_id=site.id, delivered_to_lessee=False, min_days=3,
                                 daily_rate_fen=150_000, deposit_fen=5_000_000)
    db.session.add_all([EquipmentAvailability(equipment=equipment, start_date=date(2026, 12, 1),
                                              end_date=date(2027, 6, 30)),
                        InstalmentPlan(equipment=equipment, months=6, annual_rate_bp=600)])
    db.session.commit()
    return equipment


def test_lease_rules_and_schedule(db, item, create_firm):
    lessee = create_firm("factory")
    with pytest.raises(FieldError) as error:  # a month's lease cannot be paid over six months
        lease(item, lessee, date(2026, 12, 1), date(2026, 12, 30), instalment_months=6, today=TODAY)
    assert error.value.field == "instalment_months" and "6" in error.value.message
    record = lease(item, lessee, date(2026, 12, 1), date(2027, 5, 31), instalment_months=6, today=TODAY)
    assert (record.days, record.rent_fen, record.status) == (182, 27_300_000, "requested")
    assert len(record.instalments) == 6 and sum(i.principal_fen for i in record.instalments) == 27_300_000
    assert record.instalments[-1].due_date == date(2027, 5, 1) <= record.end_date
    assert record.total_payable_fen == sum(i.amount_fen for i in record.instalments) > 27_300_000
    assert record.site_factory_id == item.site_factory_id        # on-site equipment works at its owner's site
    for start, end, field in [(date(2026, 12, 20), date(2027, 1, 5), "start_date"),    # overlaps
                              (date(2027, 1, 1), date(2027, 1, 2), "end_date"),        # under the minimum
                              (date(2027, 6, 25), date(2027, 7, 5), "start_date"),     # beyond availability
                              (date(2026, 11, 1), date(2026, 11, 5), "start_date")]:   # in the past
        with pytest.raises(FieldError) as error:
            lease(item, lessee, start, end, today=TODAY)
        assert error.value.field == field
    with pytest.raises(FieldError) as error:
        lease(item, lessee, date(2027, 6, 1), date(2027, 6, 5), instalment_months=12, today=TODAY)
    assert error.value.field == "instalment_months"


def test_instalment_schedule_repays_exactly():
    lines = instalment_schedule(1_000_000, 12, 650, date(2027, 1, 15))
    assert sum(line.principal_fen for line in lines) == 1_000_000
    assert [line.due_date.month for line in lines[:3]] == [1, 2, 3]
    assert abs(lines[0].amount_fen - lines[-1].amount_fen) <= 12
    assert all(line.amount_fen == line.principal_fen + line.interest_fen for line in lines)


def test_concurrent_leases_never_double_book(app, db, item, create_firm):
    lessees = [create_firm("factory").id for _ in range(8)]
    item_id = item.id

    def attempt(firm_id, offset):
        def job():
            from capacity.models import Equipment
            from marketplace.accounts.models import Firm
            from marketplace.extensions import db as session_db
            equipment = session_db.session.get(Equipment, item_id)
            return lease(equipment, session_db.session.get(Firm, firm_id), date(2026, 12, 1 + offset),
                         date(2026, 12, 10 + offset), today=TODAY).reference
        return job

    results = run_concurrently(app, [attempt(f, n % 3) for n, f in enumerate(lessees)])
    won = [r for r in results if isinstance(r, str)]
    db.session.rollback()
    assert len(won) == 1, results
    assert db.session.scalar(select(func.count(Lease.id))) == 1
