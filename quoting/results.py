"""Output dataclasses of the quoting core (frozen). Money is integer fen (CNY cents)
in quote lines; step estimates keep Decimal fen so rounding happens once, per line."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .specs import PartFeatures

ZERO = Decimal(0)
CENT = Decimal("0.01")


def to_fen(value: Decimal | float) -> int:
    """Round a fen amount half-up to an integer number of fen."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dec(value: float | Decimal) -> Decimal:
    """Fen as Decimal, kept to 1/100 fen."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP) if not isinstance(value, Decimal) \
        else value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DfmWarning:
    code: str          # thin_wall, deep_pocket, envelope, tolerance, no_machine, ...
    severity: str      # "info", "warning" or "blocking" (blocking makes the quote infeasible)
    message: str
    process: str | None = None


@dataclass(frozen=True)
class OneOff:
    label: str         # a Msg: oneoff.programming, oneoff.tooling, oneoff.fixed_fee
    fen: Decimal


@dataclass(frozen=True)
class StepEstimate:
    """One process step: its work content and costs for this part."""

    process: str
    setup_min: float
    run_min_per_part: float
    setup_cost_fen: Decimal
    run_cost_fen_per_part: Decimal
    material_cost_fen_per_part: Decimal
    one_offs: tuple[OneOff, ...] = ()
    lot_minimum_fen: Decimal = ZERO
    mass_kg_per_part: float = 0.0
    factory_id: str = ""
    assumptions: tuple[str, ...] = ()
    warnings: tuple[DfmWarning, ...] = ()

    @property
    def one_off_fen(self) -> Decimal:
        return sum((o.fen for o in self.one_offs), ZERO)

    def lot_topup_fen(self, quantity: int) -> Decimal:
        """Extra charged when setup + run for the lot is below the step's lot minimum."""
        return max(ZERO, self.lot_minimum_fen - self.setup_cost_fen - quantity * self.run_cost_fen_per_part)

    def cost_fen(self, quantity: int) -> Decimal:
        return (self.setup_cost_fen + quantity * (self.run_cost_fen_per_part + self.material_cost_fen_per_part)
                + self.lot_topup_fen(quantity) + self.one_off_fen)


@dataclass(frozen=True)
class WorkContent:
    """What the matching layer needs per step: machine minutes."""

    process: str
    setup_min: int
    run_min_per_part: float
    factory_id: str = ""
    envelope_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)  # what the machine must hold (sheet: flat blank)
    tolerance_mm: float = 1.0                                   # tightest tolerance the step must hold

    @property
    def run_minutes_per_unit(self) -> float:
        """Alias matching ``matching.model.Step.run_minutes_per_unit``."""
        return self.run_min_per_part

    def total_min(self, quantity: int) -> int:
        return int(round(self.setup_min + quantity * self.run_min_per_part))


@dataclass(frozen=True)
class QuoteLine:
    kind: str          # setup, run, material, lot_minimum, one_off, transport, overhead, margin, platform_fee
    label: str         # a Msg (quoting.messages): the line's detail, worded by the app
    fen: int
    process: str | None = None


@dataclass(frozen=True)
class QuantityQuote:
    quantity: int
    lines: tuple[QuoteLine, ...]
    production_fen: int
    transport_fen: int
    overhead_fen: int
    margin_fen: int
    subtotal_fen: int          # what the buyer pays before the platform fee
    platform_fee_fen: int
    total_fen: int
    unit_price_fen: int
    currency: str = "CNY"


@dataclass(frozen=True)
class Quote:
    route: tuple[str, ...]
    route_proposed: bool
    material_code: str
    part: PartFeatures
    steps: tuple[StepEstimate, ...]
    breaks: tuple[QuantityQuote, ...]
    work_content: tuple[WorkContent, ...]
    assumptions: tuple[str, ...]
    warnings: tuple[DfmWarning, ...]
    feasible: bool
    lead_time_tier: str = "standard"
    currency: str = "CNY"

    def for_quantity(self, quantity: int) -> QuantityQuote:
        for b in self.breaks:
            if b.quantity == quantity:
                return b
        raise KeyError(f"quantity {quantity} was not quoted; quoted: {[b.quantity for b in self.breaks]}")
