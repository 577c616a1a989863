"""Pydantic types passed between pipeline stages; the public contract is ../shared/CONTRACTS.md."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Channel = Literal["chat", "email", "hotline", "order_note", "comment"]
Intent = Literal[
    "where_is_my_order", "item_not_as_described", "wrong_size_or_colour", "damaged_or_defective",
    "refund_request", "return_request", "exchange_request", "cancel_order", "order_change",
    "product_or_size_question", "coupon_or_price", "other",
]
INTENTS: tuple[str, ...] = Intent.__args__  # type: ignore[attr-defined]
Reason = Literal[
    "shipping_delay_or_lost", "not_as_described", "wrong_size_or_colour", "damaged_or_defective",
    "changed_mind", "other",
]
REASONS: tuple[str, ...] = Reason.__args__  # type: ignore[attr-defined]
Sentiment = Literal["angry", "negative", "neutral", "positive"]
Priority = Literal["red", "orange", "yellow"]
MAX_MESSAGE_CHARS = 8000


class Message(BaseModel):
    """One inbound buyer message (CLI line, webhook event or UI post)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    id: str = Field(min_length=1, max_length=128)
    text: str = Field(max_length=MAX_MESSAGE_CHARS)
    channel: Channel | None = None
    order_id: str | None = Field(default=None, max_length=64)
    buyer_id: str | None = Field(default=None, max_length=64)
    received_at: datetime | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) else v


class Amount(BaseModel):
    value: float
    currency: str | None


class Measurement(BaseModel):
    kind: str  # height | weight | length
    value: float
    unit: str


class Entities(BaseModel):
    """What the message names; order_id and tracking_number are always present (maybe null)."""

    order_id: str | None = None
    tracking_number: str | None = None
    sizes: list[str] = []
    colours: list[str] = []
    quantities: list[int] = []
    amounts: list[Amount] = []
    dates: list[str] = []
    measurements: list[Measurement] = []
    products: list[str] = []  # SKUs from the catalogue


class Triage(BaseModel):
    """The triage contract (CONTRACTS.md) plus a few additive fields."""

    id: str
    intent: Intent
    reason: Reason | None
    needs_human_approval: bool
    language: str
    sentiment: Sentiment
    urgent: bool
    priority: Priority
    confidence: float = Field(ge=0, le=1)
    entities: Entities
    other_intents: list[Intent] = []
    engine: str = "builtin"
    explanation: dict[str, object] | None = None
