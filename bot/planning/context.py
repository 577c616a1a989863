"""What we know around a message: the order (status, tracking), the buyer's value, the product."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

VIP_MIN = 500.0


class TrackingEvent(BaseModel):
    at: datetime
    location: str
    status: str
    description: str


class OrderFacts(BaseModel):
    order_id: str
    buyer_id: str
    status: str
    market: str
    total: float
    carrier: str | None
    tracking_number: str | None
    placed_at: datetime
    promised_delivery_at: datetime | None
    delivered_at: datetime | None
    items: list[dict[str, Any]]
    events: list[TrackingEvent]

    @property
    def last_event(self) -> TrackingEvent | None:
        return self.events[-1] if self.events else None

    def days_since_last_scan(self, now: datetime) -> float | None:
        last = self.last_event
        return None if last is None else (now - last.at).total_seconds() / 86400

    def is_late(self, now: datetime) -> bool:
        return (self.delivered_at is None and self.promised_delivery_at is not None
                and now > self.promised_delivery_at)

    @property
    def shipped(self) -> bool:
        return self.status in {"shipped", "in_transit", "delivered"}


class BuyerFacts(BaseModel):
    buyer_id: str
    display_name: str
    language: str
    lifetime_spend: float
    vip: bool


class Context(BaseModel):
    """Everything looked up for one message; any part may be missing."""

    now: datetime
    order: OrderFacts | None = None
    buyer: BuyerFacts | None = None
    recent_orders: list[OrderFacts] = []
    sku: str | None = None  # the product the message is about (order item or mention)


def order_from_row(row: Any) -> OrderFacts:
    """From a store.models.OrderRow."""
    def aware(d: datetime | None) -> datetime | None:
        return d if d is None or d.tzinfo else d.replace(tzinfo=UTC)

    return OrderFacts(
        order_id=row.order_id, buyer_id=row.buyer_id, status=row.status, market=row.market,
        total=float(row.total), carrier=row.carrier, tracking_number=row.tracking_number,
        placed_at=aware(row.placed_at) or row.placed_at, promised_delivery_at=aware(row.promised_delivery_at),
        delivered_at=aware(row.delivered_at), items=list(row.items or []),
        events=[TrackingEvent(**e) for e in (row.tracking_events or [])])


def buyer_from_row(row: Any) -> BuyerFacts:
    return BuyerFacts(buyer_id=row.buyer_id, display_name=row.display_name, language=row.language,
                      lifetime_spend=float(row.lifetime_spend), vip=bool(row.vip))
