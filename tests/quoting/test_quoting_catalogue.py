"""quoting uses the platform's codes without importing capacity: check they agree (tests may import both)."""
from capacity.catalogue import MATERIALS as CATALOGUE_MATERIALS
from capacity.catalogue import PROCESS_CODES
from quoting import default_params
from quoting.costmodels import REGISTRY
from quoting.history import MATERIALS


def test_every_catalogue_process_is_quoted():
    assert set(REGISTRY) == set(PROCESS_CODES)
    assert set(PROCESS_CODES) <= set(default_params().processes)


def test_sample_materials_mirror_the_catalogue():
    ours = {m.code: (m.family, m.density_g_cm3, m.price_fen_per_kg) for m in MATERIALS}
    theirs = {m.code: (m.family, m.density_g_cm3, m.price_fen_per_kg) for m in CATALOGUE_MATERIALS}
    assert ours == theirs


def test_catalogue_families_have_rates():
    families = default_params().families
    assert {m.family for m in CATALOGUE_MATERIALS} <= set(families)
