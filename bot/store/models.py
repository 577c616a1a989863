"""Storage models (never returned to clients as is; public schemas live next to the API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Numeric, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class BuyerRow(Base):
    __tablename__ = "buyers"

    buyer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(8))
    country: Mapped[str] = mapped_column(String(8))
    lifetime_spend: Mapped[float] = mapped_column(Numeric(12, 2))
    vip: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    orders: Mapped[list[OrderRow]] = relationship(back_populates="buyer")


class OrderRow(Base):
    __tablename__ = "orders"

    order_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    buyer_id: Mapped[str] = mapped_column(ForeignKey("buyers.buyer_id"), index=True)
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(32))
    market: Mapped[str] = mapped_column(String(4))
    total: Mapped[float] = mapped_column(Numeric(12, 2))
    carrier: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(64), index=True)
    promised_delivery_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    tracking_events: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

    buyer: Mapped[BuyerRow] = relationship(back_populates="orders")


class IngestRunRow(Base):
    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    knowledge_dir: Mapped[str] = mapped_column(Text)
    embedder: Mapped[str] = mapped_column(String(120))
    added: Mapped[int] = mapped_column(Integer)
    replaced: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)
    chunks_written: Mapped[int] = mapped_column(Integer)
    problems: Mapped[list[str]] = mapped_column(JSON)
