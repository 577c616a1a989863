"""Public shapes of the workspace (storage rows never leave the server as they are)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.domain import MAX_MESSAGE_CHARS, Channel

Risk = Literal["ok", "at_risk", "breached", "met"]


class Inbound(BaseModel):
    """A buyer message arriving from any channel (UI, integration, demo stream)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    channel: Channel = "chat"
    buyer_id: str | None = Field(default=None, max_length=64)
    order_id: str | None = Field(default=None, max_length=64)
    conversation_external_id: str | None = Field(default=None, max_length=128)
    message_external_id: str | None = Field(default=None, max_length=128)
    received_at: datetime | None = None


class SlaClock(BaseModel):
    first_response_due: datetime
    first_response_at: datetime | None
    first_response_risk: Risk
    resolution_due: datetime
    resolved_at: datetime | None
    resolution_risk: Risk
    minutes_left: int | None  # to the next due time still open; negative when breached
    first_response_minutes: float | None = None  # measured from the real timestamps
    resolution_minutes: float | None = None


class ConversationSummary(BaseModel):
    id: int
    buyer_id: str | None
    buyer_name: str | None
    vip: bool
    order_id: str | None
    channel: str
    status: str
    priority: str
    urgent: bool
    intent: str | None
    sentiment: str | None
    language: str | None
    needs_approval: bool
    last_message_at: datetime
    preview: str
    sla: SlaClock


class InboxPage(BaseModel):
    total: int
    items: list[ConversationSummary]


class MessageOut(BaseModel):
    id: int
    direction: str
    channel: str
    author: str
    text: str
    created_at: datetime
    triage: dict[str, Any] | None = None
    auto: bool = False


class DraftOut(BaseModel):
    id: int
    kind: str
    status: str
    engine: str
    situation: str
    text: str
    language: str
    choices: list[str]
    citations: list[dict[str, Any]]
    guardrails: dict[str, Any]
    provenance: dict[str, Any]
    approval: dict[str, Any]
    facts: list[dict[str, Any]]
    manipulation: list[str] = []  # steering found in the buyer's text (guardrails/injection.py)
    auto_send_ok: bool
    accepted_as_is: bool | None
    final_text: str | None
    sent_by: str | None
    created_at: datetime


class ApprovalOut(BaseModel):
    id: int
    conversation_id: int
    draft_id: int
    status: str
    required_role: str
    actions: list[str]
    options: list[dict[str, Any]]
    facts: list[dict[str, Any]]
    reason: str
    note: str | None
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision: dict[str, Any] | None
    buyer_id: str | None = None
    order_id: str | None = None
    order_total: float | None = None
    audit: list[dict[str, Any]] = []


class CaseStepOut(BaseModel):
    step: str
    owner: str
    note: str | None
    at: datetime


class CaseOut(BaseModel):
    id: int
    conversation_id: int
    buyer_id: str | None
    order_id: str | None
    issue_type: str
    solution: str | None
    status: str
    opened_at: datetime
    closed_at: datetime | None
    stalled: bool
    hours_since_last_step: float
    steps: list[CaseStepOut]


class OrderPanel(BaseModel):
    order_id: str
    status: str
    total: float
    market: str
    carrier: str | None
    tracking_number: str | None
    placed_at: datetime
    promised_delivery_at: datetime | None
    delivered_at: datetime | None
    items: list[dict[str, Any]]
    tracking_events: list[dict[str, Any]]


class BuyerPanel(BaseModel):
    buyer_id: str
    display_name: str
    language: str
    lifetime_spend: float
    vip: bool


class ConversationDetail(BaseModel):
    conversation: ConversationSummary
    messages: list[MessageOut]
    suggestion: DraftOut | None
    drafts: list[DraftOut]
    approvals: list[ApprovalOut]
    case: CaseOut | None
    order: OrderPanel | None
    buyer: BuyerPanel | None


class SendIn(BaseModel):
    """Accept a suggestion as it is (no text) or send an edited text."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, min_length=1, max_length=4000)


class OptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["refund", "partial_refund", "return", "exchange", "reship", "coupon"]
    amount: float | None = Field(default=None, ge=0, le=100000)
    label: str | None = Field(default=None, max_length=200)


class ProposeIn(BaseModel):
    """Submit the draft's proposal; an agent may add options triage did not see."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=2000)
    options: list[OptionIn] = Field(default=[], max_length=5)


class DecideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    option_id: str | None = Field(default=None, max_length=40)
    amount: float | None = Field(default=None, ge=0, le=100000)
    reason: str | None = Field(default=None, max_length=2000)


class SentOut(BaseModel):
    message_id: int
    conversation_id: int
    text: str
    accepted_as_is: bool
