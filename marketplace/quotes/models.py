"""Quotes (immutable once issued), completed jobs (calibration history) and stored calibrations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Float, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capacity.models import Factory, Material
from marketplace.accounts.models import Firm, User
from marketplace.db_types import UTCDateTime, currency_column, utcnow
from marketplace.extensions import db
from marketplace.quotes.offers import TierOffer, WorkStep


class QuoteCalibration(db.Model):
    """Per-process factors fitted on a cluster's completed jobs; the newest one prices new quotes."""

    __tablename__ = "quote_calibrations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    factors: Mapped[dict] = mapped_column(JSON, nullable=False)  # {process: {setup, run, material}}
    train_jobs: Mapped[int] = mapped_column(Integer, nullable=False)
    test_jobs: Mapped[int] = mapped_column(Integer, nullable=False)
    mape_before: Mapped[float] = mapped_column(Float, nullable=False)
    mape_after: Mapped[float] = mapped_column(Float, nullable=False)
    seed: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class CompletedJob(db.Model):
    """A finished job with its actual production cost: what calibration learns from.

    `features` are the part features the cost models read (quoting.PartFeatures as JSON), `request` the rest of
    the quote inputs (quantity, tolerance class, finish, sheet); `route` the processes it went through.
    """

    __tablename__ = "completed_jobs"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("actual_cost_fen > 0", name="cost_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    factory_id: Mapped[int | None] = mapped_column(ForeignKey("factories.id"))
    process_code: Mapped[str] = mapped_column(ForeignKey("processes.code"), nullable=False, index=True)
    route: Mapped[list] = mapped_column(JSON, nullable=False)
    material_code: Mapped[str] = mapped_column(ForeignKey("materials.code"), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    features: Mapped[dict] = mapped_column(JSON, nullable=False)
    request: Mapped[dict] = mapped_column(JSON, nullable=False)
    actual_cost_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = currency_column()
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    factory: Mapped[Factory | None] = relationship()
    material: Mapped[Material] = relationship()


class Quote(db.Model):
    """An issued instant quote. Never updated or deleted: a changed input is a new quote."""

    __tablename__ = "quotes"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    buyer_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    currency: Mapped[str] = currency_column()
    material_code: Mapped[str] = mapped_column(ForeignKey("materials.code"), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    quantities: Mapped[list] = mapped_column(JSON, nullable=False)  # every quoted quantity, ascending
    route: Mapped[list] = mapped_column(JSON, nullable=False)
    route_proposed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    feasible: Mapped[bool] = mapped_column(Boolean, nullable=False)
    lead_time_tier: Mapped[str] = mapped_column(String(16), nullable=False)
    unit_price_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)  # requested quantity, standard tier
    total_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    inputs: Mapped[dict] = mapped_column(JSON, nullable=False)
    geometry: Mapped[dict] = mapped_column(JSON, nullable=False)
    breaks: Mapped[list] = mapped_column(JSON, nullable=False)
    tiers: Mapped[list] = mapped_column(JSON, nullable=False)
    work_content: Mapped[list] = mapped_column(JSON, nullable=False)
    warnings: Mapped[list] = mapped_column(JSON, nullable=False)
    assumptions: Mapped[list] = mapped_column(JSON, nullable=False)
    plan_epoch: Mapped[datetime | None] = mapped_column(UTCDateTime)
    calibration_id: Mapped[int | None] = mapped_column(ForeignKey("quote_calibrations.id"))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_sha256: Mapped[str | None] = mapped_column(String(64))

    buyer: Mapped[Firm] = relationship()
    user: Mapped[User] = relationship()
    material: Mapped[Material] = relationship()
    calibration: Mapped[QuoteCalibration | None] = relationship()

    def expired(self, now: datetime) -> bool:
        return now >= self.valid_until

    @property
    def offers(self) -> list[TierOffer]:
        return [TierOffer.from_json(t) for t in self.tiers]

    def offer(self, name: str) -> TierOffer | None:
        return next((t for t in self.offers if t.tier == name), None)

    @property
    def work_steps(self) -> list[WorkStep]:
        return [WorkStep.from_json(w) for w in self.work_content]


@event.listens_for(Quote, "before_update")
def _quotes_are_immutable(mapper, connection, target):
    raise ValueError(f"quote {target.reference} is issued and cannot change; issue a new quote")
