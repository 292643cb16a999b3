"""What an issued quote hands to checkout, typed: its lead-time tiers (`TierOffer`, with the placements that reserve
capacity when the buyer orders) and its work content (`WorkStep`, one per process step). Quotes store them as JSON
(`Quote.tiers`, `Quote.work_content`); `Quote.offer(name)` and `Quote.work_steps` read them back as these types, so
no caller reads a quote's JSON by key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.placements import Placement
from marketplace.wording import coded


@dataclass(frozen=True)
class TierOffer:
    tier: str                          # expedite, standard or economy
    feasible: bool
    reasons: tuple            # matching's reasons: Msg, or their stored JSON {code, params, text}
    price_fen: int | None
    adjustment_fen: int | None
    rate: float | None
    completion_at: datetime | None
    ship_by: datetime | None           # the promised ship date-time
    meets_due: bool | None
    scarcity: float
    matching_cost_fen: int
    placements: tuple[Placement, ...]

    @property
    def orderable(self) -> bool:
        return self.feasible and self.price_fen is not None and self.ship_by is not None

    def to_json(self) -> dict:
        return {"tier": self.tier, "feasible": self.feasible, "reasons": coded(list(self.reasons)),
                "price_fen": self.price_fen, "adjustment_fen": self.adjustment_fen, "rate": self.rate,
                "completion_at": self.completion_at.isoformat() if self.completion_at else None,
                "ship_by": self.ship_by.isoformat() if self.ship_by else None, "meets_due": self.meets_due,
                "scarcity": self.scarcity, "matching_cost_fen": self.matching_cost_fen,
                "placements": [p.to_json() for p in self.placements]}

    @classmethod
    def from_json(cls, data: dict) -> TierOffer:
        def moment(value):
            return datetime.fromisoformat(value) if value else None

        return cls(tier=data["tier"], feasible=data["feasible"], reasons=tuple(data.get("reasons", ())),
                   price_fen=data.get("price_fen"), adjustment_fen=data.get("adjustment_fen"), rate=data.get("rate"),
                   completion_at=moment(data.get("completion_at")), ship_by=moment(data.get("ship_by")),
                   meets_due=data.get("meets_due"), scarcity=data.get("scarcity", 0.0),
                   matching_cost_fen=data.get("matching_cost_fen", 0),
                   placements=tuple(Placement.from_json(p) for p in data.get("placements", ())))


@dataclass(frozen=True)
class WorkStep:
    process: str
    setup_min: float
    run_min_per_part: float
    factory_id: int | None
    envelope_mm: tuple[float, float, float]
    tolerance_mm: float

    def to_json(self) -> dict:
        return {"process": self.process, "setup_min": self.setup_min, "run_min_per_part": self.run_min_per_part,
                "factory_id": self.factory_id, "envelope_mm": list(self.envelope_mm),
                "tolerance_mm": self.tolerance_mm}

    @classmethod
    def from_json(cls, data: dict) -> WorkStep:
        return cls(process=data["process"], setup_min=data["setup_min"], run_min_per_part=data["run_min_per_part"],
                   factory_id=data.get("factory_id"), envelope_mm=tuple(data["envelope_mm"]),
                   tolerance_mm=data["tolerance_mm"])
