"""Delivery addresses a firm has saved (收货地址)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db_types import UTCDateTime, utcnow
from marketplace.extensions import db


class DeliveryAddress(db.Model):
    __tablename__ = "delivery_addresses"
    __table_args__ = (CheckConstraint("latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180",
                                      name="point_on_earth"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False, index=True)
    label: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(300), nullable=False)
    contact: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # name and phone for the driver
    latitude: Mapped[float] = mapped_column(Float, nullable=False)
    longitude: Mapped[float] = mapped_column(Float, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


__all__ = ["DeliveryAddress"]
