"""The order state machine: allowed transitions only, every change in the audit trail."""

from datetime import date

import pytest

from marketplace.orders.lifecycle import TRANSITIONS, TransitionError, can, transition
from marketplace.orders.models import Order, OrderStatus


@pytest.fixture
def order(db, create_firm, create_user):
    buyer = create_firm("buyer")
    order = Order(reference="L-1", cluster_id=buyer.cluster_id, buyer=buyer, title="Part", status="draft",
                  material_code="al6061", quantity=1, release_date=date(2026, 12, 1), due_date=date(2026, 12, 9),
                  delivery_latitude=22.8, delivery_longitude=113.8)
    db.session.add(order)
    db.session.commit()
    return order


def test_happy_path_is_recorded(db, order, create_user):
    user = create_user(order.buyer)
    path = ["quoted", "accepted", "paid", "planned", "in_production", "shipped", "delivered", "completed"]
    for status in path:
        transition(order, status, user, f"to {status}")
    db.session.commit()
    assert order.status == "completed"
    assert [(e.from_status, e.to_status) for e in order.events] == list(zip(["draft", *path[:-1]], path, strict=True))
    assert all(e.actor_user_id == user.id and e.created_at is not None for e in order.events)


def test_forbidden_transitions_raise_and_change_nothing(db, order):
    with pytest.raises(TransitionError) as error:
        transition(order, "shipped")
    assert error.value.field == "status" and order.status == "draft" and order.events == []
    transition(order, "cancelled")
    assert not any(can(order, s.value) for s in OrderStatus)          # cancelled is final


def test_repeating_a_transition_is_a_no_op(db, order):
    transition(order, "quoted")
    assert transition(order, "quoted") is None and len(order.events) == 1


def test_every_status_is_in_the_table():
    assert set(TRANSITIONS) == {s.value for s in OrderStatus}
    assert all(targets <= set(TRANSITIONS) for targets in TRANSITIONS.values())
