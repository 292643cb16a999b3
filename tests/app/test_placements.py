"""The ids the app gives the matching library's objects: every shape formats and parses back, malformed ones are
refused; a placement turns into the columns of its booking (a machine's site is not stored on the booking)."""

from datetime import UTC, datetime

import pytest

from marketplace.placements import EquipmentRef, MachineRef, OrderRef, Placement, SiteRef, StepRef, resource_ref


@pytest.mark.parametrize("ref", [MachineRef(12), SiteRef(7), OrderRef(5), StepRef(9), StepRef(1, quoted=True),
                                 EquipmentRef(3, 7), EquipmentRef(3, 7, 5)])
def test_every_id_round_trips(ref):
    assert type(ref).parse(str(ref)) == ref


def test_the_shapes_are_fixed():
    assert [str(MachineRef(12)), str(EquipmentRef(3, 7, 5)), str(StepRef(1, quoted=True))] == ["m12", "e3@f7:lease5",
                                                                                              "q1"]
    assert resource_ref("e3@f7") == EquipmentRef(3, 7) and resource_ref("m4") == MachineRef(4)


@pytest.mark.parametrize("text", ["m", "m-1", "x12", "e3f7", "e3@f7:lease", "e3@7", "f1.5", ""])
def test_malformed_ids_are_refused(text):
    with pytest.raises(ValueError):
        (EquipmentRef if text.startswith("e") else MachineRef if text.startswith(("m", "x")) else SiteRef).parse(text)


def test_placement_to_booking_columns():
    at = datetime(2026, 12, 2, 8, tzinfo=UTC)
    machine = Placement.of("q1", "m12", "f7", 1, at, at, 5000)
    assert machine.booking_columns()["site_factory_id"] is None and machine.site_factory_id == 7
    leased = Placement.of("q2", "e3@f7:lease5", "f7", 0, at, at, 100, lease_fen=900)
    columns = leased.booking_columns()
    assert (columns["equipment_id"], columns["site_factory_id"], columns["cost_fen"]) == (3, 7, 1000)
    assert Placement.from_json(leased.to_json()) == leased
