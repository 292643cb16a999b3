"""A small cluster for quotes: a mill and an anodising line idle every day 08:00-20:00 local, buyers, an operator."""

from __future__ import annotations

import functools

import pytest

from capacity.models import WeeklyWindow


@pytest.fixture
def app_config(app_config, tmp_path):
    return app_config | {"QUOTE_UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def plant(db, factory_firm, create_factory, create_machine):
    site = create_factory(factory_firm, name="Plant")
    mill = create_machine(site, "cnc_mill_3ax", name="Mill", materials=("al6061", "steel1045"))
    anodise = create_machine(
        site,
        "anodise",
        name="Anodise",
        materials=("al6061",),
        hourly_rate_fen=9000,
        envelope_x_mm=2000,
        envelope_y_mm=800,
        envelope_z_mm=800,
    )
    for machine in (mill, anodise):
        for day in range(7):
            db.session.add(WeeklyWindow(machine=machine, weekday=day, start_minute=8 * 60, end_minute=20 * 60))
    db.session.commit()
    return site, mill, anodise


@pytest.fixture
def buyer(create_firm, create_user):
    return create_user(create_firm("buyer", name="Buyer Co"))


@pytest.fixture
def buyer_api(api_as, buyer):
    return api_as(buyer)


DECLARED = {"material": "al6061", "quantity": 20, "bbox_mm": [100, 60, 20], "volume_mm3": 80000}


@functools.cache
def plate_stl() -> bytes:
    from quoting.golden import plate_with_pocket

    return plate_with_pocket(sections=32, holes=2).stl_bytes()


@pytest.fixture
def stl_bytes():
    return plate_stl()


@pytest.fixture
def declared():
    return dict(DECLARED)
